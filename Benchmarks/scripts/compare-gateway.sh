#!/usr/bin/env bash
# `pipe serve` side by side with nginx, on loopback, with wrk, in one run.
#
#     Benchmarks/scripts/compare-gateway.sh
#
# Three targets, measured with the same wrk settings (keep-alive, PIPE_BENCH_GATEWAY_THREADS threads,
# PIPE_BENCH_GATEWAY_CONNECTIONS connections, PIPE_BENCH_GATEWAY_SECONDS seconds, --latency):
#   1. nginx (the Debian package) serving a 4 KiB file from disk as a static file: a throwaway instance with its
#      own prefix and configuration in a temporary directory, one worker per core, access_log off.
#   2. `pipe serve` (release) with a fresh PIPE_DIRECTORY: an authenticated GET of a 4 KiB object
#      (`Authorization: Bearer <the first admin's API key>`) from a private bucket.
#   3. `pipe serve`: GET /health/live (no auth, tiny body), the routing-only reference.
# The 4 KiB body is the same random bytes for nginx and pipe; both are checked with curl before wrk runs.
# Every wrk run must see only 2xx responses and no socket errors, or the script fails.
# Prints requests/s and p50/p99 latency of each target, the ratios pipe/nginx in requests/s, and a PASS/FAIL
# line for the floor: authenticated 4 KiB GET ≥ 50% of nginx's requests/s.
#
# Then the gateway's overhead: each target again over one connection (wrk -t1 -c1, no queueing), and the median
# latency of pipe's authenticated 4 KiB GET minus nginx's for the same file. That difference holds everything pipe
# does beyond serving a file (authentication, rate limiting, routing, metrics, the storage read), so it bounds the
# gateway's own overhead from above; the floor is 50 µs.
#
# wrk, nginx and pipe share the machine's cores: this compares the servers under the same load generator, it is
# not either one's peak. The default rate limit is raised (PIPE_RATE_LIMIT_PER_MINUTE, the maximum allowed) so
# wrk does not meet 429s; a run long and fast enough to exhaust even that fails on the non-2xx check.
#
# Environment:
#   PIPE_BENCH_GATEWAY_SECONDS       duration of each wrk run (default 10)
#   PIPE_BENCH_GATEWAY_THREADS       wrk threads (default 2)
#   PIPE_BENCH_GATEWAY_CONNECTIONS   wrk connections (default 32)
#   PIPE_BENCH_GATEWAY_WARMUP        seconds of unmeasured wrk per target before the first round (default 1; 0: none)
#   PIPE_BENCH_ROUNDS                rounds over the three targets, in turn; the table shows medians (default 1)
#   PIPE_BIN                         an already built `pipe` to run instead of building one
#   NGINX                            the nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
set -euo pipefail

scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$(dirname "$scripts")"
repo="$(dirname "$package")"
seconds="${PIPE_BENCH_GATEWAY_SECONDS:-10}"
threads="${PIPE_BENCH_GATEWAY_THREADS:-2}"
connections="${PIPE_BENCH_GATEWAY_CONNECTIONS:-32}"
warmup="${PIPE_BENCH_GATEWAY_WARMUP:-1}"
rounds="${PIPE_BENCH_ROUNDS:-1}"
for setting in seconds threads connections warmup rounds; do
    [[ "${!setting}" =~ ^[0-9]+$ ]] || { echo "compare-gateway: $setting must be a whole number, not '${!setting}'" >&2; exit 1; }
done
((seconds > 0 && threads > 0 && connections >= threads && rounds > 0)) ||
    { echo "compare-gateway: need seconds > 0, rounds > 0 and connections ≥ threads > 0" >&2; exit 1; }

fail() {
    echo "compare-gateway: $*" >&2
    exit 1
}
# shellcheck source=../../scripts/lib/pipe-serve.sh
source "$repo/scripts/lib/pipe-serve.sh"

"$repo/scripts/install-system-packages.sh" wrk nginx curl
for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || fail "$tool is not installed"
done
nginx_bin="${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}"
[[ -x "$nginx_bin" ]] || fail "nginx not found; install the Debian package 'nginx'"

pipe="${PIPE_BIN:-}"
if [[ -z "$pipe" ]]; then
    echo "Building pipe (release)…" >&2
    swift build -c release --package-path "$repo" --product pipe >&2
    pipe="$(swift build -c release --package-path "$repo" --show-bin-path)/pipe"
fi
[[ -x "$pipe" ]] || fail "no pipe binary at $pipe"

work="$(mktemp -d /tmp/pipe-gateway-bench.XXXXXX)"
nginx_pid=""
pipe_pid=""
# stop PID: TERM, up to 10 s for a graceful exit, then KILL.
stop() {
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 200); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    [[ -n "$pipe_pid" ]] && stop "$pipe_pid"
    [[ -n "$nginx_pid" ]] && stop "$nginx_pid"  # TERM is nginx's fast shutdown; the master ends its workers
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT  # so that the EXIT trap runs
trap 'exit 143' TERM

cores="$(nproc)"
body="$work/object.bin"
head -c 4096 /dev/urandom >"$body"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for PORT PID NAME: until something accepts on 127.0.0.1:PORT, while PID lives (10 s at most).
wait_for() {
    local deadline=$((SECONDS + 10))
    until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
        kill -0 "$2" 2>/dev/null || return 1
        ((SECONDS < deadline)) || fail "$3 does not accept on port $1"
        sleep 0.05
    done
}

# 1. nginx: static files from $work/nginx/www, everything else of its own under $work/nginx.
mkdir -p "$work/nginx/www" "$work/nginx/tmp"
cp "$body" "$work/nginx/www/object.bin"
user_line=""
[[ "$(id -u)" -eq 0 ]] && user_line="user root;"  # the workers must read $work, which is mode 700
for _ in 1 2 3 4 5; do
    nginx_port="$(free_port)"
    cat >"$work/nginx/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes $cores;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65s;
    keepalive_requests 1000000;
    client_body_temp_path $work/nginx/tmp/client;
    proxy_temp_path $work/nginx/tmp/proxy;
    fastcgi_temp_path $work/nginx/tmp/fastcgi;
    uwsgi_temp_path $work/nginx/tmp/uwsgi;
    scgi_temp_path $work/nginx/tmp/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $work/nginx/www;
    }
}
EOF
    "$nginx_bin" -e "$work/nginx/error.log" -p "$work/nginx/" -c "$work/nginx/nginx.conf" \
        </dev/null >"$work/nginx/startup.log" 2>&1 &
    nginx_pid=$!
    if wait_for "$nginx_port" "$nginx_pid" nginx; then break; fi
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
    # Another process can take the port between the probe and nginx's bind: try another one.
    grep -q "Address already in use" "$work/nginx/startup.log" "$work/nginx/error.log" 2>/dev/null ||
        { cat "$work/nginx/startup.log" "$work/nginx/error.log" >&2 2>/dev/null; fail "nginx did not start"; }
done
[[ -n "$nginx_pid" ]] || fail "nginx found no free port"
nginx_url="http://127.0.0.1:$nginx_port/object.bin"
curl -fsS -o "$work/nginx.out" "$nginx_url" || fail "nginx does not serve $nginx_url"
cmp -s "$body" "$work/nginx.out" || fail "nginx served other bytes than the 4 KiB file"

# 2. pipe serve: a fresh deployment, with the first admin's API key.
start_pipe_serve "$pipe" "$work/pipe" PIPE_RATE_LIMIT_PER_MINUTE=1000000
pipe_pid="$PIPE_SERVE_PID"
pipe_base="$PIPE_SERVE_URL"
api_key="$PIPE_SERVE_KEY"
auth="Authorization: Bearer $api_key"

bucket="gateway-bench"
object_url="$pipe_base/v1/storage/buckets/$bucket/objects/object.bin"
health_url="$pipe_base/health/live"
curl -fsS -o /dev/null -X POST -H "$auth" -H 'Content-Type: application/json' \
    --data "{\"name\": \"$bucket\"}" "$pipe_base/v1/storage/buckets" || fail "cannot create the bucket"
curl -fsS -o /dev/null -X PUT -H "$auth" -H 'Content-Type: application/octet-stream' \
    --data-binary "@$body" "$object_url" || fail "cannot put the object"
curl -fsS -o "$work/pipe.out" -H "$auth" "$object_url" || fail "cannot get the object back"
cmp -s "$body" "$work/pipe.out" || fail "pipe served other bytes than the object put"
anonymous="$(curl -s -o /dev/null -w '%{http_code}' "$object_url")"
[[ "$anonymous" != 200 ]] || fail "the bucket is readable without a key: the benchmark would not measure auth"
curl -fsS -o /dev/null "$health_url" || fail "pipe does not answer $health_url"

# run_wrk NAME SECONDS URL [wrk options…]: runs wrk, keeps its output in $work/NAME.wrk, fails on any non-2xx
# response or socket error.
run_wrk() {
    local name=$1 duration=$2 url=$3
    shift 3
    local output="$work/$name.wrk"
    wrk -t"${wrk_threads:-$threads}" -c"${wrk_connections:-$connections}" -d"${duration}s" --latency "$@" "$url" >"$output" 2>&1 ||
        { cat "$output" >&2; fail "wrk failed against $url"; }
    if grep -q 'Non-2xx or 3xx responses' "$output"; then
        cat "$output" >&2
        fail "$name: wrk saw non-2xx responses ($(awk '/Non-2xx or 3xx responses/ { print $NF }' "$output")) from $url"
    fi
    if grep -q 'Socket errors' "$output"; then
        cat "$output" >&2
        fail "$name: wrk saw socket errors from $url"
    fi
    grep -q '^Requests/sec:' "$output" || { cat "$output" >&2; fail "$name: no Requests/sec in wrk's output"; }
}
# wrk_figures NAME: "requests/s p50-ms p99-ms" from $work/NAME.wrk (latencies in us, ms or s, given in ms).
wrk_figures() {
    awk '
        function ms(text) {
            if (text ~ /us$/) return substr(text, 1, length(text) - 2) / 1000
            if (text ~ /ms$/) return substr(text, 1, length(text) - 2) + 0
            if (text ~ /m$/) return substr(text, 1, length(text) - 1) * 60000
            if (text ~ /s$/) return substr(text, 1, length(text) - 1) * 1000
            return text + 0
        }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        $1 == "Requests/sec:" { rps = $2 }
        END { printf "%.1f %.3f %.3f\n", rps, p50, p99 }
    ' "$work/$1.wrk"
}

names=(nginx pipe-object pipe-health)
labels=("nginx static 4 KiB file" "pipe authenticated 4 KiB GET" "pipe GET /health/live")
urls=("$nginx_url" "$object_url" "$health_url")
target() {  # target INDEX SECONDS NAME-SUFFIX
    local index=$1
    local options=()
    [[ "${names[$index]}" == pipe-object ]] && options=(-H "$auth")
    run_wrk "${names[$index]}$3" "$2" "${urls[$index]}" "${options[@]}"
}

echo "wrk -t$threads -c$connections -d${seconds}s --latency, $rounds round(s), $cores cores shared by wrk and the servers" >&2
echo "  nginx $("$nginx_bin" -v 2>&1 | sed 's|.*/||'): $nginx_url" >&2
echo "  pipe ($pipe): $object_url, $health_url" >&2
if ((warmup > 0)); then
    for index in 0 1 2; do target "$index" "$warmup" .warmup; done
fi
declare -A figures
for round in $(seq "$rounds"); do
    for index in 0 1 2; do
        target "$index" "$seconds" ".$round"
        figures[$index.$round]="$(wrk_figures "${names[$index]}.$round")"
        echo "  round $round ${labels[$index]}: $(awk '{ printf "%.0f req/s, p50 %.3f ms, p99 %.3f ms", $1, $2, $3 }' <<<"${figures[$index.$round]}")" >&2
    done
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# column INDEX FIELD: the median over the rounds of one figure of one target.
column() {
    local values=()
    for round in $(seq "$rounds"); do values+=("$(awk -v f="$2" '{ print $f }' <<<"${figures[$1.$round]}")"); done
    median "${values[@]}"
}
rps=() p50=() p99=()
for index in 0 1 2; do
    rps+=("$(column "$index" 1)")
    p50+=("$(column "$index" 2)")
    p99+=("$(column "$index" 3)")
done

printf '\n%-30s %12s %10s %10s %12s\n' "target" "requests/s" "p50 ms" "p99 ms" "vs nginx"
printf '%-30s %12s %10s %10s %12s\n' "------------------------------" "----------" "------" "------" "--------"
for index in 0 1 2; do
    awk -v label="${labels[$index]}" -v r="${rps[$index]}" -v a="${p50[$index]}" -v b="${p99[$index]}" -v n="${rps[0]}" \
        'BEGIN { printf "%-30s %12.0f %10.3f %10.3f %11.2fx\n", label, r, a, b, r / n }'
done
echo
awk -v p="${rps[1]}" -v n="${rps[0]}" 'BEGIN {
    ratio = p / n
    verdict = (ratio >= 0.5) ? "PASS" : "FAIL"
    printf "%s: authenticated 4 KiB GET at %.0f%% of nginx requests/s (%.0f vs %.0f; floor ≥ 50%%)\n", verdict, 100 * ratio, p, n
}'

# The overhead: one connection, so each request's latency is the server's work plus loopback, not queueing.
wrk_threads=1 wrk_connections=1
latency=()
for index in 0 1 2; do
    target "$index" "$seconds" .single
    latency+=("$(wrk_figures "${names[$index]}.single" | awk '{ print $2 * 1000 }')")
done
printf '\none connection (wrk -t1 -c1 -d%ss): median latency\n' "$seconds"
for index in 0 1 2; do printf '  %-30s %8.1f µs\n' "${labels[$index]}" "${latency[$index]}"; done
awk -v p="${latency[1]}" -v n="${latency[0]}" 'BEGIN {
    overhead = p - n
    if (overhead < 0) overhead = 0  # pipe answered faster than nginx: no overhead to measure at this resolution
    verdict = (overhead < 50) ? "PASS" : "FAIL"
    printf "%s: gateway overhead at the median ≤ %.1f µs (pipe authenticated GET %.1f µs − nginx %.1f µs; floor < 50 µs)\n", verdict, overhead, p, n
}'
