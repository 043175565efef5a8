#!/usr/bin/env bash
# Pipe's JMESPath vs Python's jmespath on the compliance suite's benchmarks.json, case by case.
#
#     Benchmarks/scripts/compare-jmespath.sh [--mode evaluate|compile] [--time SECONDS] [--repeat N]
#
# Builds expression-bench in release, runs it and scripts/jmespath_python.py with the same options on the same file,
# and prints ns/op for both, the ratio python/pipe per case, and the geometric mean of the ratios (target: ≥ 10x).
#
# Environment:
#   PIPE_CONFORMANCE_DIR   conformance suites (default: ../shared/conformance next to the repository)
#   PIPE_EXPRESSION_BENCH  an already built expression-bench to run instead of building one
#   PYTHON                 the Python to run (default: python3; needs the `jmespath` package)
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
repo="$(dirname "$package")"
conformance="${PIPE_CONFORMANCE_DIR:-$repo/../shared/conformance}"
cases="$conformance/jmespath/benchmarks.json"
python="${PYTHON:-python3}"

[[ -f "$cases" ]] || { echo "compare-jmespath: no $cases (set PIPE_CONFORMANCE_DIR)" >&2; exit 1; }
"$python" -c 'import jmespath' 2>/dev/null || { echo "compare-jmespath: $python cannot import jmespath" >&2; exit 1; }

bench="${PIPE_EXPRESSION_BENCH:-}"
if [[ -z "$bench" ]]; then
    echo "Building expression-bench (release)…" >&2
    # A path dependency's new source files are missed by a cached build plan: drop it so SwiftPM replans.
    rm -f "$package/.build/release.yaml" "$package/.build/"*/release/description.json
    swift build -c release --package-path "$package" --product expression-bench >&2
    bench="$(swift build -c release --package-path "$package" --show-bin-path)/expression-bench"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "Timing Pipe…" >&2
"$bench" "$@" "$cases" >"$work/pipe.tsv"
echo "Timing Python jmespath $("$python" -c 'import jmespath; print(jmespath.__version__)')…" >&2
"$python" "$scripts/jmespath_python.py" "$@" "$cases" >"$work/python.tsv"

"$python" - "$work/pipe.tsv" "$work/python.tsv" "$*" <<'PY'
import math
import sys

def read(path):
    rows = {}
    order = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            name, _, value = line.rstrip("\n").rpartition("\t")
            if not name:
                continue
            order.append(name)
            try:
                rows[name] = float(value)
            except ValueError:
                rows[name] = None
    return order, rows

order, pipe = read(sys.argv[1])
_, python = read(sys.argv[2])
arguments = sys.argv[3].split()
mode = "evaluate"
for i, argument in enumerate(arguments):
    if argument.startswith("--mode="):
        mode = argument.split("=", 1)[1]
    elif argument == "--mode" and i + 1 < len(arguments):
        mode = arguments[i + 1]
what = "compile the expression" if mode == "compile" else "evaluate the compiled expression"

width = max(len(name) for name in order + ["case"])
print(f"\nJMESPath benchmarks.json, {what}: ns/op (lower is better)\n")
print(f"{'case':<{width}}  {'pipe':>12}  {'python':>12}  {'python/pipe':>11}")
print("-" * (width + 42))
ratios = []
for name in order:
    p, q = pipe.get(name), python.get(name)
    if p and q:
        ratio = q / p
        ratios.append(ratio)
        shown = f"{ratio:10.1f}x"
    else:
        shown = f"{'n/a':>11}"
    fmt = lambda v: f"{v:12.1f}" if v else f"{'error':>12}"
    print(f"{name:<{width}}  {fmt(p)}  {fmt(q)}  {shown}")
print("-" * (width + 42))
if ratios:
    geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    slowest = min(ratios)
    missing = len(order) - len(ratios)
    print(f"geometric mean python/pipe: {geomean:.1f}x over {len(ratios)} cases"
          f" (lowest {slowest:.1f}x){f'; {missing} cases without a result' if missing else ''}")
    print(f"target ≥ 10x: {'met' if geomean >= 10 and not missing else 'NOT met'}")
PY
