#!/usr/bin/env bash
# Pipe's pipeline engine against a hand-written Swift loop and against Python bytewax, on 10^6 JSON records.
#
#     Benchmarks/scripts/compare-pipeline.sh
#
# The work, in every contender: parse each JSON line, keep records with `active` true and `price` > 500, map each
# to its city and `price * qty`, and aggregate per city the count, sum, min and max of those amounts.
#
# 1. pipeline-bench (Benchmarks/Sources/PipelineBench) runs, in alternating rounds in one process, the
#    hand-written loop, the typed pipeline and the declarative definition, and prints their medians (records/s)
#    and the ratios typed/loop (target ≥ 0.70) and declarative/loop (target ≥ 0.50).
# 2. bytewax (PyPI bytewax 0.21.1, one worker; scripts/bytewax_orders.py) runs the same dataflow; its output is
#    checked byte for byte against the declarative run's. Then Pipe, bytewax and the plain-Python loop
#    (scripts/python_orders.py, for reference) run in turn PIPE_BENCH_PEER_RUNS times, and the ratio of the
#    medians declarative/bytewax is printed (target ≥ 10).
# 3. Memory: the declarative run's peak resident set on a tenth of the file and on the whole file (target: flat).
#
# Environment:
#   PIPE_BENCH_PIPELINE_MB   file size in MB of 10^6 bytes (default 505, which makes just over 10^6 records)
#   PIPE_BENCH_DATA_DIR      where data files live (default Benchmarks/data, gitignored)
#   PIPE_BENCH_ROUNDS        rounds of pipeline-bench (default 3)
#   PIPE_BENCH_PEER_RUNS     alternating runs of Pipe and bytewax whose medians are compared (default 3)
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
megabytes="${PIPE_BENCH_PIPELINE_MB:-505}"
data="${PIPE_BENCH_DATA_DIR:-$package/data}"
rounds="${PIPE_BENCH_ROUNDS:-3}"
peer_runs="${PIPE_BENCH_PEER_RUNS:-3}"
mkdir -p "$data"

make_file() {  # make_file MB → path of the (cached) records file of that size
    local file="$data/$(python3 "$scripts/make-jsonl.py" --mb "$1" --name)"
    [[ -f "$file" ]] || python3 "$scripts/make-jsonl.py" --mb "$1" "$file" >&2
    echo "$file"
}
file="$(make_file "$megabytes")"
tenth="$(make_file "$(python3 -c "print(max(1, round($megabytes / 10)))")")"
records="$(wc -l <"$file")"

echo "Building pipeline-bench (release)…" >&2
# A new source file in the root package can be missed by an incremental build of this package; start clean.
rm -f "$package/.build/release.yaml" "$package"/.build/*/release/description.json
swift build -c release --package-path "$package" --product pipeline-bench >&2
bench="$(swift build -c release --package-path "$package" --show-bin-path)/pipeline-bench"
python="$("$scripts/setup-bytewax.sh" | tail -1)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== Pipe: loop vs typed vs declarative ($records records, $rounds rounds) ==" 
"$bench" --rounds "$rounds" "$file" 2>/dev/null | tee "$work/bench.txt"

echo "== Same output: Pipe declarative vs bytewax =="
"$bench" --print-result "$file" >"$work/pipe.out" 2>"$work/pipe.err"
"$python" "$scripts/bytewax_orders.py" "$file" >"$work/bytewax.out"
if cmp -s "$work/pipe.out" "$work/bytewax.out"; then
    echo "identical ($(wc -l <"$work/pipe.out") cities)"
else
    echo "compare-pipeline: Pipe and bytewax disagree:" >&2
    diff "$work/pipe.out" "$work/bytewax.out" >&2 || true
    exit 1
fi

# The two run in turn, so a slow patch of the machine hits both alike; each one's median is compared.
rate() { sed -n 's/.*records_per_second=\([0-9.]*\).*/\1/p' "$1" | head -1; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$work/pipe.rates"
: >"$work/bytewax.rates"
: >"$work/python.rates"
for ((run = 1; run <= peer_runs; run++)); do
    "$bench" --print-result "$file" >/dev/null 2>"$work/run.err" && rate "$work/run.err" >>"$work/pipe.rates"
    "$python" "$scripts/bytewax_orders.py" --time "$file" >/dev/null 2>"$work/run.err"
    rate "$work/run.err" >>"$work/bytewax.rates"
    python3 "$scripts/python_orders.py" --time "$file" >/dev/null 2>"$work/run.err"
    rate "$work/run.err" >>"$work/python.rates"
done
pipe_rate="$(median <"$work/pipe.rates")"
bytewax_rate="$(median <"$work/bytewax.rates")"
python_rate="$(median <"$work/python.rates")"
echo "== Throughput (records/s, medians of $peer_runs alternating runs) =="
printf 'pipe declarative\t%s\t(%s)\n' "$pipe_rate" "$(tr '\n' ' ' <"$work/pipe.rates")"
printf 'bytewax 0.21.1\t%s\t(%s)\n' "$bytewax_rate" "$(tr '\n' ' ' <"$work/bytewax.rates")"
printf 'python loop\t%s\t(%s)\n' "$python_rate" "$(tr '\n' ' ' <"$work/python.rates")"
python3 -c "print('declarative/bytewax\t%.1fx' % ($pipe_rate / $bytewax_rate))"

echo "== Memory: declarative run's peak resident set =="
"$bench" --print-result "$tenth" >/dev/null 2>"$work/tenth.err"
small="$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$work/tenth.err")"
large="$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$work/pipe.err")"
printf '%s records\t%s KiB\n%s records\t%s KiB\n' "$(wc -l <"$tenth")" "$small" "$records" "$large"
python3 -c "print('growth for 10x input\t%.2fx' % ($large / $small))"
