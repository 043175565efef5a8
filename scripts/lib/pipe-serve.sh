# Sourced by scripts that need a throwaway `pipe serve` (benchmarks, the examples check); needs `fail` defined.
#
#     start_pipe_serve PIPE DIRECTORY [VAR=VALUE…] [--option=VALUE…]
#
# Starts PIPE serve on 127.0.0.1 with a fresh data directory under DIRECTORY (port 0: the server binds a free port
# itself, so nothing races for it), with the extra `PIPE_*` settings given (VAR=VALUE) and the extra options of
# `pipe serve` (those starting with --, e.g. --config=FILE), and waits up to 30 s for its
# announcement. Sets PIPE_SERVE_PID, PIPE_SERVE_URL (http://127.0.0.1:PORT) and PIPE_SERVE_KEY (the first admin's
# API key). The caller stops it (kill -TERM "$PIPE_SERVE_PID").
start_pipe_serve() {
    local pipe="$1" directory="$2"
    shift 2
    mkdir -p "$directory"
    local settings=() options=() argument
    for argument in "$@"; do
        if [[ "$argument" == --* ]]; then options+=("$argument"); else settings+=("$argument"); fi
    done
    env PIPE_HOST=127.0.0.1 PIPE_PORT=0 PIPE_DIRECTORY="$directory/data" ${settings[@]+"${settings[@]}"} \
        "$pipe" serve ${options[@]+"${options[@]}"} </dev/null >"$directory/stdout" 2>"$directory/stderr" &
    PIPE_SERVE_PID=$!
    # A server that started but cannot be used is stopped before failing.
    serve_fail() {
        kill -TERM "$PIPE_SERVE_PID" 2>/dev/null || true
        fail "$@"
    }
    local deadline=$((SECONDS + 30))
    until grep -q '^try: ' "$directory/stdout" 2>/dev/null; do  # the announcement's last line
        kill -0 "$PIPE_SERVE_PID" 2>/dev/null || { cat "$directory/stdout" "$directory/stderr" >&2; serve_fail "pipe serve exited"; }
        ((SECONDS < deadline)) || { cat "$directory/stdout" "$directory/stderr" >&2; serve_fail "pipe serve announced no URL and API key"; }
        sleep 0.1
    done
    PIPE_SERVE_URL="$(awk '/^pipe is serving / { print $4; exit }' "$directory/stdout")"
    PIPE_SERVE_KEY="$(awk 'shown { print $1; exit } /its API key is shown this once/ { shown = 1 }' "$directory/stdout")"
    [[ "$PIPE_SERVE_URL" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || serve_fail "cannot read the URL from: $(head -n 1 "$directory/stdout")"
    [[ -n "$PIPE_SERVE_KEY" ]] || serve_fail "cannot read the admin API key from pipe serve's output"
}

# stop_pipe_serve: stops the server start_pipe_serve started, if any (TERM, then waits for its graceful exit).
stop_pipe_serve() {
    [[ -n "${PIPE_SERVE_PID:-}" ]] || return 0
    kill -TERM "$PIPE_SERVE_PID" 2>/dev/null || true
    wait "$PIPE_SERVE_PID" 2>/dev/null || true
    PIPE_SERVE_PID=""
}
