#!/usr/bin/env python3
"""Times Python's `jmespath` package on the JMESPath compliance benchmark cases.

    jmespath_python.py [--mode evaluate|compile] [--time SECONDS] [--repeat N] [BENCHMARKS_JSON]

Prints one `comment<TAB>ns_per_op` line per case, in file order — the same format as Pipe's
`expression-bench`, so Benchmarks/scripts/compare-jmespath.sh can join the two.

- evaluate (default): compile each expression once with `jmespath.compile`, then time
  `compiled.search(given)`.
- compile: time parsing the expression (`Parser()._do_parse`, which is what `jmespath.compile` does on a
  cache miss; `jmespath.compile` itself would only measure a dictionary lookup in its cache).

Each case runs in batches sized so one batch takes at least --time seconds (default 0.2, the way
`timeit.Timer.autorange` sizes them); the fastest of --repeat batches (default 3) is reported.

BENCHMARKS_JSON defaults to $PIPE_CONFORMANCE_DIR/jmespath/benchmarks.json, where
PIPE_CONFORMANCE_DIR defaults to ../shared/conformance relative to the repository root.
"""

import argparse
import json
import os
import sys
import time

import jmespath
from jmespath.parser import Parser

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def default_benchmarks_path():
    conformance = os.environ.get("PIPE_CONFORMANCE_DIR") or os.path.join(REPO_ROOT, "..", "shared", "conformance")
    return os.path.normpath(os.path.join(conformance, "jmespath", "benchmarks.json"))


def cases(path):
    """Yields (comment, given, case) in file order; comments made unique like the Swift side does."""
    with open(path, encoding="utf-8") as f:
        groups = json.load(f)
    seen = {}
    for group in groups:
        for case in group["cases"]:
            comment = case.get("comment") or case["expression"]
            seen[comment] = seen.get(comment, 0) + 1
            if seen[comment] > 1:
                comment = f"{comment} ({seen[comment]})"
            yield comment, group["given"], case


def time_per_op(operation, min_batch_seconds, repeat):
    """Nanoseconds per call: batches grow 1, 2, 5, 10, 20, 50, ... until one lasts min_batch_seconds."""
    clock = time.perf_counter_ns
    number = 1
    while True:
        for factor in (1, 2, 5):
            n = number * factor
            start = clock()
            for _ in range(n):
                operation()
            elapsed = clock() - start
            if elapsed >= min_batch_seconds * 1e9:
                best = elapsed / n
                for _ in range(repeat - 1):
                    start = clock()
                    for _ in range(n):
                        operation()
                    best = min(best, (clock() - start) / n)
                return best
        number *= 10


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("benchmarks", nargs="?", default=default_benchmarks_path())
    parser.add_argument("--mode", choices=("evaluate", "compile"), default="evaluate")
    parser.add_argument("--time", type=float, default=0.2, help="minimum seconds per timed batch")
    parser.add_argument("--repeat", type=int, default=3, help="batches per case; the fastest is reported")
    args = parser.parse_args()

    for comment, given, case in cases(args.benchmarks):
        expression = case["expression"]
        if args.mode == "compile":
            def operation(expression=expression):
                Parser()._do_parse(expression)
        else:
            compiled = jmespath.compile(expression)
            if "result" in case and compiled.search(given) != case["result"]:
                print(f"warning: {comment}: result differs from benchmarks.json", file=sys.stderr)

            def operation(compiled=compiled, given=given):
                compiled.search(given)
        ns = time_per_op(operation, args.time, max(1, args.repeat))
        print(f"{comment}\t{ns:.1f}", flush=True)


if __name__ == "__main__":
    main()
