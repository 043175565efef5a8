#!/usr/bin/env bash
# `pipe query --lines` vs jq and gojq: a filter + projection over a JSON Lines file of typical records.
#
#     Benchmarks/scripts/compare-query.sh
#
# Builds `pipe` in release, generates the records file if it is missing (scripts/make-jsonl.py; the same file the
# JSONBenchmarks suite uses), checks that the three tools print byte-identical output, then times them side by side
# with hyperfine and prints each one's throughput (input MB/s) and the ratios pipe/jq and pipe/gojq (target: ≥ 2x).
#
# The same query in each language, evaluated per record:
#   pipe query --lines --skip-nulls
#       active && price > `500` && {city: address.city, id: id, name: name, tags: tags} || `null`
#   jq -c, gojq -c
#       select(.active and .price > 500) | {city: .address.city, id, name, tags}
# A record that fails the filter makes the JMESPath expression evaluate to null, which --skip-nulls does not print,
# just as jq prints nothing for an empty `select`.
# The projected keys are in alphabetical order because gojq always sorts object keys on output, and the projected
# values are strings, small integers and arrays of strings, which all three print identically.
#
# Environment:
#   PIPE_BENCH_JSONL_MB    file size in MB of 10^6 bytes (default 100)
#   PIPE_BENCH_DATA_DIR    where the file lives (default Benchmarks/data, gitignored)
#   PIPE_BENCH_RUNS        timed runs per tool (default 5, after one warmup run)
#   PIPE_BIN               an already built `pipe` to run instead of building one
set -euo pipefail

for tool in jq gojq hyperfine python3; do
    command -v "$tool" >/dev/null || { echo "compare-query: $tool is not installed" >&2; exit 1; }
done

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
repo="$(dirname "$package")"
megabytes="${PIPE_BENCH_JSONL_MB:-100}"
data="${PIPE_BENCH_DATA_DIR:-$package/data}"
runs="${PIPE_BENCH_RUNS:-5}"
file="$data/$(python3 "$scripts/make-jsonl.py" --mb "$megabytes" --name)"  # the same file JSONBenchmarks uses

pipe_query='active && price > `500` && {city: address.city, id: id, name: name, tags: tags} || `null`'
jq_query='select(.active and .price > 500) | {city: .address.city, id, name, tags}'

pipe="${PIPE_BIN:-}"
if [[ -z "$pipe" ]]; then
    echo "Building pipe (release)…" >&2
    swift build -c release --package-path "$repo" --product pipe >&2
    pipe="$(swift build -c release --package-path "$repo" --show-bin-path)/pipe"
fi

if [[ ! -f "$file" ]]; then
    mkdir -p "$data"
    python3 "$scripts/make-jsonl.py" --mb "$megabytes" "$file"
fi
bytes="$(wc -c <"$file")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Quotes one argument for the POSIX shell hyperfine runs each command in.
quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
pipe_command="$(quote "$pipe") query --lines --skip-nulls $(quote "$pipe_query") $(quote "$file")"
jq_command="jq -c $(quote "$jq_query") $(quote "$file")"
gojq_command="gojq -c $(quote "$jq_query") $(quote "$file")"

echo "Checking that pipe, jq and gojq print the same output…" >&2
sh -c "$pipe_command" >"$work/pipe.out"
sh -c "$jq_command" >"$work/jq.out"
sh -c "$gojq_command" >"$work/gojq.out"
if grep -qx 'null' "$work/pipe.out"; then
    echo "compare-query: pipe printed null results although it was given --skip-nulls" >&2
    exit 1
fi
for other in jq gojq; do
    if ! cmp -s "$work/pipe.out" "$work/$other.out"; then
        echo "compare-query: pipe and $other disagree" \
            "($(wc -l <"$work/pipe.out") vs $(wc -l <"$work/$other.out") lines); first differences:" >&2
        diff "$work/pipe.out" "$work/$other.out" | head -n 10 >&2 || true
        exit 1
    fi
done
echo "Identical: $(wc -l <"$work/pipe.out") result lines, sha256 $(sha256sum <"$work/pipe.out" | cut -c1-16)…" >&2

hyperfine --warmup 1 --runs "$runs" --output=pipe --export-json "$work/times.json" \
    --command-name pipe "$pipe_command" \
    --command-name jq "$jq_command" \
    --command-name gojq "$gojq_command"

python3 - "$work/times.json" "$bytes" "$file" <<'PY'
import json
import sys

results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
megabytes = int(sys.argv[2]) / 1e6
print(f"\nfilter + projection over {sys.argv[3]} ({megabytes:.0f} MB), mean of the timed runs\n")
print(f"{'tool':<6}  {'seconds':>8}  {'MB/s':>8}")
for name in ("pipe", "jq", "gojq"):
    mean = results[name]["mean"]
    print(f"{name:<6}  {mean:8.3f}  {megabytes / mean:8.1f}")
print()
for other in ("jq", "gojq"):
    ratio = results[other]["mean"] / results["pipe"]["mean"]
    print(f"pipe/{other} throughput: {ratio:.2f}x (target ≥ 2x: {'met' if ratio >= 2 else 'NOT met'})")
PY
