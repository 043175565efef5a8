#!/usr/bin/env bash
# PipeClient side by side with the curl tool's --parallel mode against the same `pipe serve`, and embedded against
# remote, in one run.
#
#     Benchmarks/scripts/compare-client.sh
#
# 1. `pipe serve` (release) on a fresh directory, with the rate limit at its maximum.
# 2. Remote small-object round trips: client-bench puts PIPE_BENCH_CLIENT_COUNT objects of 4 KiB through
#    PipeClient.remote, PIPE_BENCH_CLIENT_CONCURRENCY calls in flight, then gets them back; `curl --parallel
#    --parallel-max` the same concurrency does the same PUTs and GETs (one config file per operation, keep-alive
#    connections, the same API key). Both write and read the same keys, in the same order (every put round, then
#    every get round), so the server holds one set of objects and its read cache treats both alike. Best of
#    PIPE_BENCH_ROUNDS rounds each. Target: PipeClient within 20% of curl.
# 3. The same operations through PipeClient.embedded on a fresh directory. Target: at least 20x remote.
# 4. The same again one call at a time (curl sequentially on one connection): each call's latency.
#
# Environment:
#   PIPE_BENCH_CLIENT_COUNT         objects per run (default 4000)
#   PIPE_BENCH_CLIENT_CONCURRENCY   requests in flight (default 8: libcurl's connections per host in PipeHTTP)
#   PIPE_BENCH_ROUNDS               rounds (default 3)
#   PIPE_BENCH_CLIENT_SEQUENTIAL    objects for the one-call-at-a-time runs (default 1000, at most the count)
#   PIPE_BIN                        an already built `pipe` to run instead of building one
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
repo="$(dirname "$package")"
count="${PIPE_BENCH_CLIENT_COUNT:-4000}"
concurrency="${PIPE_BENCH_CLIENT_CONCURRENCY:-8}"
rounds="${PIPE_BENCH_ROUNDS:-3}"
sequential="${PIPE_BENCH_CLIENT_SEQUENTIAL:-1000}"
for setting in count concurrency rounds sequential; do
    [[ "${!setting}" =~ ^[1-9][0-9]*$ ]] || { echo "compare-client: $setting must be a positive number" >&2; exit 1; }
done
fail() {
    echo "compare-client: $*" >&2
    exit 1
}
((sequential <= count)) || fail "PIPE_BENCH_CLIENT_SEQUENTIAL must be at most PIPE_BENCH_CLIENT_COUNT"
# shellcheck source=../../scripts/lib/pipe-serve.sh
source "$repo/scripts/lib/pipe-serve.sh"

"$repo/scripts/install-system-packages.sh" curl
command -v curl >/dev/null || fail "curl is not installed"

pipe="${PIPE_BIN:-}"
if [[ -z "$pipe" ]]; then
    echo "Building pipe (release)…" >&2
    swift build -c release --package-path "$repo" --product pipe >&2
    pipe="$(swift build -c release --package-path "$repo" --show-bin-path)/pipe"
fi
echo "Building client-bench (release)…" >&2
rm -f "$package/.build/release.yaml" "$package"/.build/*/release/description.json
swift build -c release --package-path "$package" --product client-bench >&2
bench="$(swift build -c release --package-path "$package" --show-bin-path)/client-bench"

work="$(mktemp -d /tmp/pipe-client-bench.XXXXXX)"
cleanup() {
    stop_pipe_serve
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_pipe_serve "$pipe" "$work/pipe" PIPE_RATE_LIMIT_PER_MINUTE=1000000
base="$PIPE_SERVE_URL"
key="$PIPE_SERVE_KEY"
auth="Authorization: Bearer $key"
curl -fsS -o /dev/null -X POST -H "$auth" -H 'Content-Type: application/json' --data '{"name": "bench"}' \
    "$base/v1/storage/buckets" || fail "cannot create the bucket"

head -c 4096 /dev/urandom >"$work/body.bin"
{
    echo "header = \"$auth\""
    echo "header = \"Content-Type: application/octet-stream\""
    echo "header = \"Expect:\""  # no 100-continue round trip (PipeClient sends none either)
    for ((i = 0; i < count; i++)); do
        echo "url = \"$base/v1/storage/buckets/bench/objects/client-bench/$i?upsert=true\""
        echo "upload-file = \"$work/body.bin\""
        echo "output = \"/dev/null\""
    done
} >"$work/put.curl"
{
    echo "header = \"$auth\""
    for ((i = 0; i < count; i++)); do
        echo "url = \"$base/v1/storage/buckets/bench/objects/client-bench/$i\""
        echo "output = \"/dev/null\""
    done
} >"$work/get.curl"

# curl_rate CONFIG [N [IN_FLIGHT]]: requests per second of the best of $rounds runs of the N requests in CONFIG
# (default $count), IN_FLIGHT at a time (default $concurrency; 1 runs them one after another); every response must
# be 2xx.
curl_rate() {
    local best=0 n="${2:-$count}" in_flight="${3:-$concurrency}"
    local mode=(--parallel --parallel-max "$in_flight" --parallel-immediate)
    [[ "$in_flight" == 1 ]] && mode=()
    for ((round = 0; round < rounds; round++)); do
        local start end codes
        start=$(date +%s.%N)
        codes="$(curl -s "${mode[@]}" -K "$1" -w '%{http_code}\n')"
        end=$(date +%s.%N)
        local bad
        bad="$(grep -cv '^2' <<<"$codes" || true)"
        [[ "$bad" == 0 ]] || fail "curl saw $bad non-2xx responses"
        best="$(awk -v n="$n" -v a="$start" -v b="$end" -v best="$best" 'BEGIN { r = n / (b - a); print (r > best ? r : best) }')"
    done
    printf '%.0f' "$best"
}

echo "== remote: $count 4 KiB objects, $concurrency in flight, best of $rounds =="
curl_put="$(curl_rate "$work/put.curl")"
curl_get="$(curl_rate "$work/get.curl")"
# field OP OUTPUT: the rate client-bench printed for OP (`put` or `get`).
field() { awk -v op="$1" '$1 == op { sub("/s", "", $2); print $2 }' <<<"$2"; }
remote="$("$bench" remote "$base" "$key" bench --count "$count" --concurrency "$concurrency" --rounds "$rounds")"
client_put="$(field put "$remote")"
client_get="$(field get "$remote")"
embedded="$("$bench" embedded "$work/embedded" --count "$count" --concurrency "$concurrency" --rounds "$rounds")"
embedded_put="$(field put "$embedded")"
embedded_get="$(field get "$embedded")"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
printf '%-28s %12s %12s\n' "" "put /s" "get /s"
printf '%-28s %12s %12s\n' "curl --parallel" "$curl_put" "$curl_get"
printf '%-28s %12s %12s\n' "PipeClient.remote" "$client_put" "$client_get"
printf '%-28s %12s %12s\n' "PipeClient.embedded" "$embedded_put" "$embedded_get"
echo
echo "PipeClient.remote / curl: put $(ratio "$client_put" "$curl_put")x, get $(ratio "$client_get" "$curl_get")x (target ≥ 0.80x)"
echo "embedded / remote: put $(ratio "$embedded_put" "$client_put")x, get $(ratio "$embedded_get" "$client_get")x (target ≥ 20x)"

# One call at a time: each call's own latency, with nothing overlapping it (calls per second = 1 / latency).
echo
echo "== one call at a time: $sequential objects, best of $rounds =="
head -n $((1 + 3 * sequential + 2)) "$work/put.curl" >"$work/put-one.curl"  # the headers, then `sequential` objects
head -n $((1 + 2 * sequential)) "$work/get.curl" >"$work/get-one.curl"
curl_put_one="$(curl_rate "$work/put-one.curl" "$sequential" 1)"
curl_get_one="$(curl_rate "$work/get-one.curl" "$sequential" 1)"
remote_one="$("$bench" remote "$base" "$key" bench --count "$sequential" --concurrency 1 --rounds "$rounds")"
embedded_one="$("$bench" embedded "$work/embedded-one" --count "$sequential" --concurrency 1 --rounds "$rounds")"
printf '%-28s %12s %12s\n' "" "put /s" "get /s"
printf '%-28s %12s %12s\n' "curl (one connection)" "$curl_put_one" "$curl_get_one"
printf '%-28s %12s %12s\n' "PipeClient.remote" "$(field put "$remote_one")" "$(field get "$remote_one")"
printf '%-28s %12s %12s\n' "PipeClient.embedded" "$(field put "$embedded_one")" "$(field get "$embedded_one")"
echo
echo "one at a time, PipeClient.remote / curl: put $(ratio "$(field put "$remote_one")" "$curl_put_one")x, get $(ratio "$(field get "$remote_one")" "$curl_get_one")x"
echo "one at a time, embedded / remote: put $(ratio "$(field put "$embedded_one")" "$(field put "$remote_one")")x, get $(ratio "$(field get "$embedded_one")" "$(field get "$remote_one")")x (target ≥ 20x)"
