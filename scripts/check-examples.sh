#!/usr/bin/env bash
# Builds Examples/ClientExamples — a separate package that depends on Pipe by path, so it can use only Pipe's public
# API — and runs its programs: the embedded pipeline over Examples/data/orders.jsonl, a custom transform written in
# Swift, a remote upload against a `pipe serve` started here, and an OAuth sign-in from a command-line tool against a
# deployment that trusts the tests' fake OpenID Connect provider (curl plays the browser), and the PipeClient
# tutorial's program in both modes. Part of `make test`.
#
#     PIPE_TEST_PYTHON=… scripts/check-examples.sh PIPE_BINARY
#
# PIPE_TEST_PYTHON is the interpreter for the fake provider (default python3; it needs PyJWT and cryptography, which
# scripts/python-test-env.sh provides).
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
provider_pid=""
cleanup() {
    stop_pipe_serve
    [[ -n "$provider_pid" ]] && kill "$provider_pid" 2>/dev/null
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
stop_pipe_serve

# 3. A transform written in Swift, used by a registered pipeline as a custom step.
"$bin/custom-transform" "$work/custom" >"$work/custom.jsonl" 2>"$work/custom.log" ||
    { cat "$work/custom.log" >&2; fail "custom-transform failed"; }
head -n 1 "$work/custom.jsonl" | grep -qxF '{"slug":"hello-world","characters":13}' ||
    { cat "$work/custom.jsonl" >&2; fail "unexpected custom-transform output"; }
grep -qxF '{"slug":"pipe-one-api-two-modes","characters":24}' "$work/custom.jsonl" || fail "the second record is missing"

# 4. OAuth from a command-line tool: the fake provider announces its port, the deployment trusts it and allows a
#    loopback redirect, oauth-login prints the sign-in page and waits there; curl follows the page to the provider,
#    which redirects (with a code) to the loopback port.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
mkfifo "$work/provider.in" "$work/provider.out"
# The provider serves until its standard input ends: this script holds that pipe open (fd 4) until it exits.
"${PIPE_TEST_PYTHON:-python3}" "$repo/Tests/PipeHTTPTests/Servers/fake_oidc_provider.py" \
    <"$work/provider.in" >"$work/provider.out" &
provider_pid=$!
exec 4>"$work/provider.in" 3<"$work/provider.out"
read -r -t 30 word provider_port <&3 && [[ "$word" == PORT ]] ||
    fail "the fake OpenID Connect provider did not start (it needs PyJWT and cryptography: PIPE_TEST_PYTHON)"
callback_port="$(free_port)"
cat >"$work/oauth.yaml" <<YAML
oauth:
  redirectURIs: [http://127.0.0.1:$callback_port/callback]
  providers:
    - {type: oidc, name: fake, issuer: "http://127.0.0.1:$provider_port", clientID: pipe-client, clientSecret: pipe-secret}
YAML
start_pipe_serve "$pipe" "$work/oauth-server" "--config=$work/oauth.yaml"
PIPE_CONFIG_DIR="$work/session" "$bin/oauth-login" "$PIPE_SERVE_URL" fake "$callback_port" \
    >"$work/oauth.out" 2>"$work/oauth.log" &
login_pid=$!
for _ in $(seq 300); do
    grep -q "^  http" "$work/oauth.log" 2>/dev/null && break
    kill -0 "$login_pid" 2>/dev/null || break
    sleep 0.1
done
page="$(awk '/^  http/ { print $1; exit }' "$work/oauth.log")"
[[ -n "$page" ]] || { cat "$work/oauth.log" >&2; fail "oauth-login printed no sign-in page"; }
back="$(curl -fsS -o /dev/null -w '%{redirect_url}' "$page")" || fail "the provider's page failed"
[[ "$back" == "http://127.0.0.1:$callback_port/callback?"* ]] || fail "the provider sent the browser to $back"
curl -fsS "$back" | grep -q "close this window" || fail "the loopback page did not answer"
wait "$login_pid" || { cat "$work/oauth.log" >&2; fail "oauth-login failed"; }
grep -qxF "signed in as ada@example.com" "$work/oauth.out" || { cat "$work/oauth.out" >&2; fail "unexpected oauth-login output"; }
# The session was kept: a second run is signed in without a browser.
PIPE_CONFIG_DIR="$work/session" "$bin/oauth-login" "$PIPE_SERVE_URL" fake "$callback_port" >"$work/oauth2.out" 2>&1 ||
    { cat "$work/oauth2.out" >&2; fail "the second oauth-login failed"; }
grep -qxF "signed in as ada@example.com" "$work/oauth2.out" || fail "the saved session was not used"

stop_pipe_serve

# 5. The program the PipeClient tutorial builds (its last step is Examples/…/Orders/main.swift): in-process, then the
#    same code against a deployment.
cmp -s "$examples/Sources/Orders/main.swift" "$repo/Sources/PipeClient/PipeClient.docc/Resources/tutorial-main-05.swift" ||
    fail "the tutorial's last step differs from Examples/ClientExamples/Sources/Orders/main.swift"
mkdir "$work/orders"
(cd "$work/orders" && "$bin/orders") >"$work/orders-embedded.out" 2>"$work/orders-embedded.log" ||
    { cat "$work/orders-embedded.log" >&2; fail "orders (in-process) failed"; }
start_pipe_serve "$pipe" "$work/orders-server"
PIPE_URL="$PIPE_SERVE_URL" PIPE_API_KEY="$PIPE_SERVE_KEY" "$bin/orders" >"$work/orders-remote.out" 2>"$work/orders-remote.log" ||
    { cat "$work/orders-remote.log" >&2; fail "orders (remote) failed"; }
for mode in embedded remote; do
    grep -q '"o-1"' "$work/orders-$mode.out" && grep -q '"o-3"' "$work/orders-$mode.out" &&
        ! grep -q '"o-2"' "$work/orders-$mode.out" || { cat "$work/orders-$mode.out" >&2; fail "orders ($mode): not the paid orders"; }
done
cmp -s "$work/orders-embedded.out" "$work/orders-remote.out" ||
    { diff "$work/orders-embedded.out" "$work/orders-remote.out" >&2; fail "orders printed different records in the two modes"; }

echo "check-examples: the examples build against the public API and run" >&2

