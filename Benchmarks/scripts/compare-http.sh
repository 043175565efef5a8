#!/usr/bin/env bash
# PipeHTTP side by side with its peers, against the same nginx on 127.0.0.1, in one run:
#   1. small keep-alive GETs per second: PipeHTTP vs swift-server/async-http-client (http-bench small)
#   2. one large download (1 GiB by default), MB/s: PipeHTTP vs the curl command-line tool
# Prints the figures and the ratios against the targets (PipeHTTP >= AHC; PipeHTTP >= 90% of curl).
#
# Environment: PIPE_BENCH_HTTP_REQUESTS (default 20000), PIPE_BENCH_HTTP_CONCURRENCY (default 32),
# PIPE_BENCH_HTTP_BIG_MB (default 1024), PIPE_BENCH_HTTP_RUNS (rounds of each, alternating; default 5).
# Each figure is the median of its rounds: a loopback benchmark on two cores shared with nginx is noisy.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
requests=${PIPE_BENCH_HTTP_REQUESTS:-20000}
concurrency=${PIPE_BENCH_HTTP_CONCURRENCY:-32}
big_mb=${PIPE_BENCH_HTTP_BIG_MB:-1024}
runs=${PIPE_BENCH_HTTP_RUNS:-5}

echo "Building http-bench (release)…" >&2
# A path dependency's new source files are missed by a cached build plan: drop it so SwiftPM replans.
rm -f "$root/Benchmarks/.build/release.yaml" "$root/Benchmarks/.build/"*/release/description.json
(cd "$root/Benchmarks" && swift build -c release --product http-bench >&2)
bench="$root/Benchmarks/.build/release/http-bench"

dir=$(mktemp -d /tmp/pipe-http-bench.XXXXXX)
cleanup() {
    "$root/Tests/PipeHTTPTests/Servers/stop-nginx.sh" "$dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
ports=$(NGINX_BIG_MB=$big_mb NGINX_WATCH_PID=0 "$root/Tests/PipeHTTPTests/Servers/start-nginx.sh" "$dir")
http_port=$(awk '$1 == "HTTP_PORT" { print $2 }' <<<"$ports")
base="http://127.0.0.1:$http_port"

echo "Small GETs: $requests requests, $concurrency in flight, keep-alive, $base/hello" >&2
small=$("$bench" small "$base/hello" --requests "$requests" --concurrency "$concurrency" --rounds "$runs")
pipe_rps=$(awk '$1 == "pipe" { print $2 }' <<<"$small")
ahc_rps=$(awk '$1 == "ahc" { print $2 }' <<<"$small")

echo "Large download: $big_mb MiB from $base/bytes/big.bin, median of $runs alternating rounds" >&2
pipe_runs=()
stream_runs=()
curl_runs=()
curl -s -o /dev/null "$base/bytes/big.bin"  # warm the page cache
for _ in $(seq "$runs"); do
    pipe_runs+=("$("$bench" large "$base/bytes/big.bin" | awk '{ print $2 }')")
    stream_runs+=("$("$bench" large-stream "$base/bytes/big.bin" | awk '{ print $2 }')")
    curl_runs+=("$(curl -s -o /dev/null -w '%{speed_download}' "$base/bytes/big.bin" | awk '{ printf "%.1f", $1 / 1e6 }')")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
best_pipe=$(median "${pipe_runs[@]}")
best_curl=$(median "${curl_runs[@]}")
best_stream=$(median "${stream_runs[@]}")
echo "  PipeHTTP download MB/s: ${pipe_runs[*]}" >&2
echo "  PipeHTTP stream MB/s:   ${stream_runs[*]}" >&2
echo "  curl MB/s:     ${curl_runs[*]}" >&2

printf '\n%-34s %12s %12s %10s\n' "benchmark" "PipeHTTP" "peer" "ratio"
printf '%-34s %12s %12s %10s\n' "----------------------------------" "--------" "--------" "------"
awk -v p="$pipe_rps" -v a="$ahc_rps" 'BEGIN { printf "%-34s %10d/s %10d/s %9.2fx   (target >= 1.00x vs async-http-client)\n", "small keep-alive GETs", p, a, p / a }'
awk -v p="$best_pipe" -v c="$best_curl" 'BEGIN { printf "%-34s %8.0f MB/s %7.0f MB/s %8.0f%%   (target >= 90%% of curl -o /dev/null)\n", "large download (download(into:))", p, c, 100 * p / c }'
awk -v p="$best_stream" -v c="$best_curl" 'BEGIN { printf "%-34s %8.0f MB/s %7.0f MB/s %8.0f%%   (body AsyncSequence, for reference)\n", "large download (streamed)", p, c, 100 * p / c }'
