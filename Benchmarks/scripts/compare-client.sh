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
#    connections, the same API key). Both write and read the same keys, so the server holds one set of objects and
#    its read cache treats both alike. They take turns, one round each, every put round first, then every get round:
#    whatever else the machine is doing falls on both alike, after one unmeasured curl round (the first puts create
#    the objects, the first gets read them cold). The median of PIPE_BENCH_ROUNDS rounds each. Target: PipeClient
#    within 20% of curl.
# 3. The same operations through PipeClient.embedded on a fresh directory. Target: at least 20x remote.
# 4. The same again one call at a time (curl sequentially on one connection): each call's latency.
#
# Environment:
#   PIPE_BENCH_CLIENT_COUNT         objects per run (default 4000)
#   PIPE_BENCH_CLIENT_CONCURRENCY   requests in flight (default 8: libcurl's connections per host in PipeHTTP)
#   PIPE_BENCH_ROUNDS               rounds (default 5)
#   PIPE_BENCH_CLIENT_SEQUENTIAL    objects for the one-call-at-a-time runs (default 1000, at most the count)
#   PIPE_BIN                        an already built `pipe` to run instead of building one
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
repo="$(dirname "$package")"
count="${PIPE_BENCH_CLIENT_COUNT:-4000}"
concurrency="${PIPE_BENCH_CLIENT_CONCURRENCY:-8}"
rounds="${PIPE_BENCH_ROUNDS:-5}"
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

# curl_round CONFIG N IN_FLIGHT: requests per second of one run of the N requests in CONFIG, IN_FLIGHT at a time (1
# runs them one after another); every response must be 2xx.
curl_round() {
    local mode=(--parallel --parallel-max "$3" --parallel-immediate)
    [[ "$3" == 1 ]] && mode=()
    local start end codes bad
    start=$(date +%s.%N)
    codes="$(curl -s --no-progress-meter "${mode[@]}" -K "$1" -w '%{http_code}\n')"
    end=$(date +%s.%N)
    bad="$(grep -cv '^2' <<<"$codes" || true)"
    [[ "$bad" == 0 ]] || fail "curl saw $bad non-2xx responses"
    awk -v n="$2" -v a="$start" -v b="$end" 'BEGIN { printf "%.0f", n / (b - a) }'
}
# field OP OUTPUT: the rate client-bench printed for OP (`put` or `get`).
field() { awk -v op="$1" '$1 == op { sub("/s", "", $2); print $2 }' <<<"$2"; }
# median N...: the middle value (the lower middle one of an even count).
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# compare OP CURL_CONFIG N IN_FLIGHT CLIENT_FLAGS...: $rounds rounds of OP, curl and PipeClient.remote taking turns
# (so both meet the machine in the same state); sets curl_rounds, client_rounds, curl_median and client_median.
compare() {
    local op="$1" config="$2" n="$3" in_flight="$4"
    shift 4
    curl_rounds=() client_rounds=()
    # One round first, unmeasured: the first puts create the objects (later ones replace them), and the first gets
    # after a write read them cold.
    curl_round "$config" "$n" "$in_flight" >/dev/null
    for ((round = 0; round < rounds; round++)); do
        curl_rounds+=("$(curl_round "$config" "$n" "$in_flight")")
        client_rounds+=("$(field "$op" "$("$bench" remote "$base" "$key" bench --count "$n" --concurrency "$in_flight" \
            --rounds 1 "$@" 2>/dev/null)")")
    done
    curl_median="$(median "${curl_rounds[@]}")"
    client_median="$(median "${client_rounds[@]}")"
    echo "  $op rounds: curl ${curl_rounds[*]}; PipeClient.remote ${client_rounds[*]}" >&2
}

# measure N IN_FLIGHT PUT_CONFIG GET_CONFIG LABEL: the table for one setting.
measure() {
    local n="$1" in_flight="$2"
    compare put "$3" "$n" "$in_flight" --puts-only
    local curl_put="$curl_median" client_put="$client_median"
    compare get "$4" "$n" "$in_flight" --gets-only --existing
    local curl_get="$curl_median" client_get="$client_median"
    local embedded
    embedded="$("$bench" embedded "$work/embedded-$in_flight" --count "$n" --concurrency "$in_flight" --rounds "$rounds")"
    local embedded_put embedded_get
    embedded_put="$(field put "$embedded")"
    embedded_get="$(field get "$embedded")"
    printf '%-28s %12s %12s\n' "" "put /s" "get /s"
    printf '%-28s %12s %12s\n' "$5" "$curl_put" "$curl_get"
    printf '%-28s %12s %12s\n' "PipeClient.remote" "$client_put" "$client_get"
    printf '%-28s %12s %12s\n' "PipeClient.embedded" "$embedded_put" "$embedded_get"
    echo
    echo "PipeClient.remote / curl: put $(ratio "$client_put" "$curl_put")x, get $(ratio "$client_get" "$curl_get")x" \
        "(target ≥ 0.80x)"
    echo "embedded / remote: put $(ratio "$embedded_put" "$client_put")x, get $(ratio "$embedded_get" "$client_get")x" \
        "(target ≥ 20x)"
}

echo "== remote: $count 4 KiB objects, $concurrency in flight, median of $rounds rounds =="
measure "$count" "$concurrency" "$work/put.curl" "$work/get.curl" "curl --parallel"

# One call at a time: each call's own latency, with nothing overlapping it (calls per second = 1 / latency).
echo
echo "== one call at a time: $sequential objects, median of $rounds rounds =="
head -n $((1 + 3 * sequential + 2)) "$work/put.curl" >"$work/put-one.curl"  # the headers, then `sequential` objects
head -n $((1 + 2 * sequential)) "$work/get.curl" >"$work/get-one.curl"
measure "$sequential" 1 "$work/put-one.curl" "$work/get-one.curl" "curl (one connection)"
