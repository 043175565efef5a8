#!/usr/bin/env bash
# Builds Examples/ClientExamples — a separate package that depends on Pipe by path, so it can use only Pipe's public
# API — and runs its programs: the embedded pipeline over Examples/data/orders.jsonl, and a remote upload against a
# `pipe serve` started here. Part of `make test`.
#
#     scripts/check-examples.sh PIPE_BINARY
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pipe="${1:?usage: scripts/check-examples.sh PIPE_BINARY}"
examples="$repo/Examples/ClientExamples"
fail() {
    echo "check-examples: $*" >&2
    exit 1
}
# shellcheck source=lib/pipe-serve.sh
source "$repo/scripts/lib/pipe-serve.sh"

echo "Building Examples/ClientExamples (a separate package on Pipe's public API)…" >&2
swift build --package-path "$examples" >&2
bin="$(swift build --package-path "$examples" --show-bin-path)"

work="$(mktemp -d /tmp/pipe-examples.XXXXXX)"
cleanup() {
    stop_pipe_serve
    rm -rf "$work"
}
trap cleanup EXIT

# 1. In-process: the paid orders of the sample data.
"$bin/embedded-pipeline" "$work/embedded" "$repo/Examples/pipelines/paid-orders.json" \
    "$repo/Examples/data/orders.jsonl" >"$work/paid.jsonl" 2>"$work/embedded.log" ||
    { cat "$work/embedded.log" >&2; fail "embedded-pipeline failed"; }
expected='{"id":"o-1001","customer":"Ada Lovelace","total":49.0,"items":1}'
head -n 1 "$work/paid.jsonl" | grep -qxF "$expected" || { cat "$work/paid.jsonl" >&2; fail "unexpected pipeline output"; }
[[ "$(wc -l <"$work/paid.jsonl")" -eq 3 ]] || fail "expected 3 paid orders"
grep -q "succeeded" "$work/embedded.log" || fail "no succeeded event"

# 2. Remote: upload a file with progress to a fresh `pipe serve`, then read it back with curl.
start_pipe_serve "$pipe" "$work/server"
base="$PIPE_SERVE_URL"
key="$PIPE_SERVE_KEY"
head -c 3000000 /dev/urandom >"$work/upload.bin"
PIPE_API_KEY="$key" "$bin/remote-upload" "$base" "$work/upload.bin" uploads big/upload.bin >"$work/upload.out" 2>"$work/upload.log" ||
    { cat "$work/upload.log" >&2; fail "remote-upload failed"; }
grep -q "sent 3000000 of 3000000 bytes" "$work/upload.log" || fail "no final progress report"
grep -q "stored big/upload.bin: 3000000 bytes" "$work/upload.out" || fail "unexpected upload output"
curl -fsS -H "Authorization: Bearer $key" -o "$work/download.bin" "$base/v1/storage/buckets/uploads/objects/big/upload.bin"
cmp -s "$work/upload.bin" "$work/download.bin" || fail "the uploaded object differs from the file"
echo "check-examples: the examples build against the public API and run" >&2
