#!/usr/bin/env bash
# Checks a running `pipe serve` against its own OpenAPI document with schemathesis (PyPI): thousands of generated
# requests, valid and invalid, over every operation; fails on any server error (5xx) or any response the document
# does not describe (status, content type, headers, body schema).
#
# Usage: scripts/schemathesis.sh [path/to/pipe]   (default: the debug build)
# PIPE_SCHEMATHESIS_EXAMPLES sets the examples per operation (default 25).
set -euo pipefail
cd "$(dirname "$0")/.."
pipe="${1:-$(swift build --show-bin-path)/pipe}"
examples="${PIPE_SCHEMATHESIS_EXAMPLES:-25}"

venv=.build/schemathesis
if ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'schemathesis>=4.32,<5'
fi

work="$(mktemp -d /tmp/pipe-schemathesis.XXXXXX)"
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# A fresh deployment on a free port; limits high enough that the generated traffic is never throttled, and cheap
# password hashes (the fuzzer creates users).
PIPE_PORT=0 PIPE_DIRECTORY="$work/data" PIPE_RATE_LIMIT_PER_MINUTE=1000000 PIPE_AUTH_RATE_LIMIT_PER_MINUTE=1000000 \
    PIPE_PASSWORD_HASH_COST=10 "$pipe" serve >"$work/out" 2>"$work/log" &
server=$!
for _ in $(seq 1 100); do
    grep -q '^  pipe_' "$work/out" 2>/dev/null && break
    kill -0 "$server" 2>/dev/null || { cat "$work/log" >&2; echo "schemathesis: pipe serve did not start" >&2; exit 1; }
    sleep 0.1
done
url="$(sed -n 's/^pipe is serving //p' "$work/out")"
key="$(grep '^  pipe_' "$work/out" | tr -d ' ')"
[ -n "$url" ] && [ -n "$key" ] || { echo "schemathesis: no URL or admin key in the server's output" >&2; exit 1; }

# Run from the scratch directory: schemathesis keeps state in ./.schemathesis, which must not land in the checkout.
schemathesis="$(cd "$venv" && pwd)/bin/schemathesis"
(cd "$work" && "$schemathesis" run "$url/v1/openapi.json" \
    --header "Authorization: Bearer $key" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,unsupported_method \
    --phases examples,coverage,fuzzing,stateful \
    --max-examples "$examples" --seed 20261130 --generation-database none --request-timeout 30 --no-color --warnings off)
# The server must still be up: a crash mid-run would have shown as connection errors, but say it plainly.
kill -0 "$server" 2>/dev/null || { echo "schemathesis: pipe serve died during the run" >&2; tail -50 "$work/log" >&2; exit 1; }
echo "schemathesis: no server errors and no responses outside the document"
