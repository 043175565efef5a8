#!/usr/bin/env bash
# PipeStorage side by side with `cp`, and small-object throughput.
#
#     Benchmarks/scripts/compare-storage.sh
#
# 1. A file of random bytes (PIPE_BENCH_STORAGE_MB, default 1024 MiB) is copied with `cp`, stored with
#    `putObject(fileAt:)` and read back with `downloadObject(to:)`, in alternating rounds on the same disk, into a
#    plain and an encrypted bucket. The medians and the ratios to `cp` are printed (target: put and get ≥ 0.70x cp),
#    with the peak resident memory of the process during the transfers (target: < 64 MiB).
#    Note that the library's writes end with fsync (durability), which `cp` does not do.
#    For scale, the disk on its own is timed too: `dd` with O_DIRECT writing the file durably (the least any durable
#    put of it can take) and reading it back uncached (the least a get of a blob not in memory can take).
# 2. 4 KiB objects: puts and gets per second, one at a time and 16 at a time, with the read cache off and on.
#
# Environment:
#   PIPE_BENCH_STORAGE_MB      size of the large file in MiB (default 1024)
#   PIPE_BENCH_ROUNDS          alternating rounds (default 3)
#   PIPE_BENCH_SMALL_COUNT     small objects per run (default 2000)
#   PIPE_BENCH_DATA_DIR        where the files go (default Benchmarks/data, gitignored; must be on the disk to measure)
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
data="${PIPE_BENCH_DATA_DIR:-$package/data}/storage"
mkdir -p "$data"

echo "Building storage-bench (release)…" >&2
# A new source file in the root package can be missed by an incremental build of this package; start clean.
rm -f "$package/.build/release.yaml" "$package"/.build/*/release/description.json
swift build -c release --package-path "$package" --product storage-bench >&2
bench="$(swift build -c release --package-path "$package" --show-bin-path)/storage-bench"

echo "== large objects against cp =="
"$bench" large "$data" --mb "${PIPE_BENCH_STORAGE_MB:-1024}" --rounds "${PIPE_BENCH_ROUNDS:-3}"
echo
echo "== the disk on its own (dd, O_DIRECT, 8 MiB blocks; medians of 3) =="
disk_time() {  # prints the median wall time of "$@" over three runs, after a sync each
    for _ in 1 2 3; do
        sync
        local start end
        start=$(date +%s.%N)
        "$@" status=none
        end=$(date +%s.%N)
        awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
    done | sort -n | sed -n 2p
}
write=$(disk_time dd if="$data/source.bin" of="$data/copy.bin" bs=8M oflag=direct conv=fsync)
read=$(disk_time dd if="$data/copy.bin" of=/dev/null bs=8M iflag=direct)
rm -f "$data/copy.bin"
printf '  write + fsync  %.2fs  (the floor of a durable put)\n' "$write"
printf '  read uncached  %.2fs  (the floor of a get of a blob not in memory)\n' "$read"
echo
echo "== small objects =="
"$bench" small "$data" --count "${PIPE_BENCH_SMALL_COUNT:-2000}" --size 4096 --concurrency 16
rm -rf "$data/store" "$data/copy.bin"
