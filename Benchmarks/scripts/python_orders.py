#!/usr/bin/env python3
"""The pipeline benchmark's orders computation as a plain Python loop: the reference for bytewax_orders.py.

    python3 Benchmarks/scripts/python_orders.py [--time] RECORDS_JSONL

For each line of the JSON Lines file: parse it with json.loads, keep it if
`record["active"] is True and record["price"] > 500`, and add `record["price"] * record["qty"]` to the totals of
`record["address"]["city"]`: count, sum, min and max of the amounts. Needs nothing beyond the standard library.

Prints exactly what bytewax_orders.py prints: one JSON object per city, sorted by city, keys in alphabetical order,
floats rounded to 2 places:

    {"city": "Berlin", "count": 1234, "max": 1999.8, "min": 500.12, "sum": 12345678.9}

--time also prints `records=<N> seconds=<S> records_per_second=<R>` to stderr, where N is the number of input lines
and S the wall time from opening the file to having formatted the output (not Python's start-up or imports).
"""

import json
import time

from orders_output import format_results, parse_arguments, report


def totals_by_city(path):
    """Returns ({city: [count, sum, min, max]}, number of input lines)."""
    totals = {}
    records = 0
    loads = json.loads
    with open(path, encoding="utf-8") as f:
        for line in f:
            records += 1
            record = loads(line)
            if record["active"] is True and record["price"] > 500:
                city = record["address"]["city"]
                amount = record["price"] * record["qty"]
                t = totals.get(city)
                if t is None:
                    totals[city] = [1, amount, amount, amount]
                else:
                    t[0] += 1
                    t[1] += amount
                    if amount < t[2]:
                        t[2] = amount
                    if amount > t[3]:
                        t[3] = amount
    return totals, records


def main():
    args = parse_arguments(__doc__)
    start = time.perf_counter()
    totals, records = totals_by_city(args.path)
    text = format_results(totals.items())
    report(text, records, time.perf_counter() - start, args.time)


if __name__ == "__main__":
    main()
