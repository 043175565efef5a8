#!/usr/bin/env bash
# Access-token verification side by side, per core, in one run.
#
#     Benchmarks/scripts/compare-auth.sh
#
# 1. `openssl speed ecdsap256`: the machine's reference P-256 verify rate (OpenSSL, one core).
# 2. auth-bench (one thread): swift-crypto's raw P-256 verify of the token's signing input, Pipe's full strict ES256
#    verification, plain jwt-kit verifying HS256, Pipe's strict HS256, and a verified-token cache hit.
#    Targets: strict ES256 ≥ 0.85x the raw verify rate; strict HS256 ≥ 0.85x jwt-kit; cache hits ≥ 500,000/s.
#
# Environment: PIPE_BENCH_SECONDS (per measurement, default 2), PIPE_BENCH_ROUNDS (default 5).
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"

echo "Building auth-bench (release)…" >&2
# A new source file in the root package can be missed by an incremental build of this package; start clean.
rm -f "$package/.build/release.yaml" "$package"/.build/*/release/description.json
swift build -c release --package-path "$package" --product auth-bench >&2
bench="$(swift build -c release --package-path "$package" --show-bin-path)/auth-bench"

echo "== openssl speed ecdsap256 (one core) =="
openssl_rate="$(openssl speed -seconds "${PIPE_BENCH_SECONDS:-2}" ecdsap256 2>/dev/null | awk '/nistp256/ {print $NF}')"
echo "openssl P-256 verify: ${openssl_rate}/s"
echo
echo "== access-token verification (one thread) =="
output="$("$bench")"
echo "$output"
strict="$(echo "$output" | awk '/Pipe strict ES256/ {print $(NF-6)}')"
awk -v s="$strict" -v o="$openssl_rate" 'BEGIN { if (o > 0) printf "Pipe strict ES256 / openssl verify: %.2fx (target ≥ 0.85x)\n", s / o }'
