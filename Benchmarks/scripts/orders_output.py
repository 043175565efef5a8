"""What bytewax_orders.py and python_orders.py share: their command line and their output.

Both print one JSON object per city, sorted by city, keys in alphabetical order and floats rounded to 2
places, so their outputs (and pipeline-bench --print-result's) can be compared byte for byte.
"""

import argparse
import json
import os
import sys


def parse_arguments(doc):
    """The path of the records file and whether to time the run."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("path", help="JSON Lines file of records (Benchmarks/scripts/make-jsonl.py writes one)")
    parser.add_argument("--time", action="store_true", help="print records, seconds and records/second to stderr")
    args = parser.parse_args()
    if not os.path.isfile(args.path):
        parser.error(f"no such file: {args.path}")
    return args


def format_results(totals):
    """The output text from (city, (count, sum, min, max)) pairs."""
    lines = []
    for city, (count, total, low, high) in sorted(totals):
        row = {"city": city, "count": count, "max": round(high, 2), "min": round(low, 2), "sum": round(total, 2)}
        lines.append(json.dumps(row, sort_keys=True, ensure_ascii=False) + "\n")
    return "".join(lines)


def report(text, records, elapsed, timed):
    """Writes the output, and with --time the throughput line on stderr."""
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    if timed:
        print(f"records={records} seconds={elapsed:.3f} records_per_second={records / elapsed:.0f}", file=sys.stderr)
