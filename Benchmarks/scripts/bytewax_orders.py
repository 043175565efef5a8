#!/usr/bin/env python3
"""The pipeline benchmark's orders dataflow in bytewax: per-city order totals over a JSON Lines file.

    py=$(Benchmarks/scripts/setup-bytewax.sh | tail -1)    # a virtualenv with bytewax==0.21.1
    "$py" Benchmarks/scripts/bytewax_orders.py [--time] RECORDS_JSONL

The dataflow, run on a single worker with `bytewax.testing.run_main`:

    FileSource(path)                       one line at a time
    map       json.loads
    filter    record["active"] is True and record["price"] > 500
    map       (record["address"]["city"], record["price"] * record["qty"])
    fold_final per city, at end of input: count, sum, min and max of the amounts
    sink      collected into a list

Prints one JSON object per city, sorted by city, keys in alphabetical order, floats rounded to 2 places:

    {"city": "Berlin", "count": 1234, "max": 1999.8, "min": 500.12, "sum": 12345678.9}

python_orders.py computes the same thing in a plain Python loop and prints the same bytes.

--time also prints `records=<N> seconds=<S> records_per_second=<R>` to stderr, where N is the number of input lines
and S the wall time from building the dataflow to having formatted the output (not Python's start-up or imports).
"""

import json
import locale
import os
import sys
import time

import bytewax.operators as op
from bytewax.connectors.files import FileSource
from bytewax.dataflow import Dataflow
from bytewax.testing import TestingSink, run_main
from orders_output import format_results, parse_arguments, report


def build_flow(path, results, counter):
    """The dataflow; appends (city, [count, sum, min, max]) to `results` and counts input lines in counter[0]."""

    def parse(line):
        counter[0] += 1
        return json.loads(line)

    def keep(record):
        return record["active"] is True and record["price"] > 500

    def city_amount(record):
        return record["address"]["city"], record["price"] * record["qty"]

    def new_totals():
        return [0, 0.0, float("inf"), float("-inf")]

    def add(totals, amount):
        totals[0] += 1
        totals[1] += amount
        if amount < totals[2]:
            totals[2] = amount
        if amount > totals[3]:
            totals[3] = amount
        return totals

    flow = Dataflow("orders")
    lines = op.input("read", flow, FileSource(path))
    records = op.map("parse", lines, parse)
    kept = op.filter("keep", records, keep)
    amounts = op.map("city_amount", kept, city_amount)  # (key, value) 2-tuples are already a keyed stream
    totals = op.fold_final("totals", amounts, new_totals, add)
    op.output("collect", totals, TestingSink(results))
    return flow


def main():
    args = parse_arguments(__doc__)
    start = time.perf_counter()
    results, counter = [], [0]
    run_main(build_flow(args.path, results, counter))
    text = format_results(results)
    report(text, counter[0], time.perf_counter() - start, args.time)


if __name__ == "__main__":
    # FileSource opens the file in text mode with the locale's encoding; the records are UTF-8, so under a
    # non-UTF-8 locale (LANG=C on older Pythons, say) run again in Python's UTF-8 mode.
    if not sys.flags.utf8_mode and locale.getpreferredencoding(False).lower().replace("-", "") != "utf8":
        os.execv(sys.executable, [sys.executable, "-X", "utf8", *sys.argv])
    main()
