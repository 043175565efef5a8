#!/usr/bin/env bash
# The PostgreSQL job queue against River's published figure, on a throwaway PostgreSQL cluster.
#
#     Benchmarks/scripts/compare-queue.sh
#
# 1. Burn-down: PIPE_BENCH_QUEUE_JOBS no-op jobs inserted, then PIPE_BENCH_QUEUE_WORKERS workers each claim up to
#    100 in one statement and complete the batch in one statement until none is left. Target (River's figure):
#    at least 5,700 jobs/s per core; this machine's cores are shared with PostgreSQL itself.
# 2. Latency: enqueues at a steady 500 jobs/s for PIPE_BENCH_QUEUE_SECONDS on a fresh schema while idle workers
#    wait on LISTEN/NOTIFY; enqueue→start p50/p99. Target: p99 under 10 ms. Run with 1 and 2 workers.
#
# Durability: the cluster runs with the server defaults (fsync=on, synchronous_commit=on, full_page_writes=on);
# queue-bench prints them. Every job is acknowledged only once committed to the WAL on disk.
#
# Environment:
#   PIPE_BENCH_QUEUE_JOBS      jobs in the burn-down (default 100000)
#   PIPE_BENCH_QUEUE_WORKERS   workers in the burn-down (default 8)
#   PIPE_BENCH_QUEUE_SECONDS   seconds of steady load (default 30)
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
repo="$(dirname "$package")"
jobs="${PIPE_BENCH_QUEUE_JOBS:-100000}"
workers="${PIPE_BENCH_QUEUE_WORKERS:-8}"
seconds="${PIPE_BENCH_QUEUE_SECONDS:-30}"
for setting in jobs workers seconds; do
    [[ "${!setting}" =~ ^[1-9][0-9]*$ ]] || { echo "compare-queue: $setting must be a positive number" >&2; exit 1; }
done

"$repo/scripts/install-system-packages.sh" postgresql
(cd "$package" && swift build -c release --product queue-bench >&2)
bench="$(cd "$package" && swift build -c release --show-bin-path)/queue-bench"

cluster="$(mktemp -d /tmp/pipe-bench-postgres.XXXXXX)"
cleanup() {
    "$repo/scripts/test-postgres.sh" stop "$cluster" || true
    rm -rf "$cluster"
}
trap cleanup EXIT
url="$("$repo/scripts/test-postgres.sh" start "$cluster")"
cores="$(nproc)"

burn="$("$bench" "$url" --jobs "$jobs" --workers "$workers" --batch 100 --rate 500 --seconds 1 | tee /dev/stderr)"
rate="$(sed -n 's/^burn-down .*: \([0-9]*\) jobs\/s$/\1/p' <<<"$burn")"
per_core=$((rate / cores))
echo
echo "burn-down: $rate jobs/s on $cores cores = $per_core jobs/s per core (River: 5,700; ratio $(awk "BEGIN { printf \"%.2f\", $per_core / 5700 }")x)"
for latency_workers in 1 2; do
    "$bench" "$url" --jobs 1 --workers "$latency_workers" --batch 100 --rate 500 --seconds "$seconds" |
        sed -n "s/^latency/latency, $latency_workers worker(s),/p; s/^enqueue call/enqueue call, $latency_workers worker(s),/p"
done
