#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (Debian's postgresql package).
#
#   scripts/test-postgres.sh start DIR     initdb in DIR (made if missing), start on a free port, print the URL
#   scripts/test-postgres.sh stop DIR      stop it (fast shutdown) and keep DIR
#   scripts/test-postgres.sh restart DIR   stop and start again on the same port (the data stays)
#   scripts/test-postgres.sh kill DIR      SIGKILL the postmaster, as a crash would
#   scripts/test-postgres.sh run CMD...    start a cluster in a temporary directory, run CMD with
#                                          PIPE_TEST_POSTGRES_URL set, then stop it and delete the directory
#
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user the package creates.
# Durability stays on (fsync, synchronous_commit): the tests see the settings a deployment runs with.
set -euo pipefail

bin_dir() {
    local initdb
    initdb="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)"
    if [ -z "$initdb" ]; then
        initdb="$(command -v initdb || true)"
    fi
    if [ -z "$initdb" ]; then
        echo "error: initdb not found; install Debian's postgresql package" >&2
        exit 1
    fi
    dirname "$initdb"
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
    local dir="$1" bin port
    bin="$(bin_dir)"
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_owner "$bin/initdb" --pgdata="$dir/data" --username=pipe --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
            >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
        port="$(free_port)"
        echo "$port" >"$dir/port"
        [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir/port"
    fi
    port="$(cat "$dir/port")"
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://pipe@127.0.0.1:$port/postgres"
}

stop() {
    local dir="$1"
    [ -f "$dir/data/postmaster.pid" ] || return 0
    as_owner "$(bin_dir)/pg_ctl" --pgdata="$dir/data" --mode=fast --wait stop >/dev/null
}

kill_cluster() {
    local dir="$1" pid
    [ -f "$dir/data/postmaster.pid" ] || return 0
    pid="$(head -1 "$dir/data/postmaster.pid")"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    # The children notice the postmaster is gone and exit; wait so the port is free for a restart.
    sleep 0.5
}

command="${1:-}"
shift || true
case "$command" in
start) start "$1" ;;
stop) stop "$1" ;;
restart)
    stop "$1"
    start "$1"
    ;;
kill) kill_cluster "$1" ;;
run)
    dir="$(mktemp -d /tmp/pipe-test-postgres.XXXXXX)"
    cleanup() {
        stop "$dir" || true
        rm -rf "$dir"
    }
    trap cleanup EXIT
    PIPE_TEST_POSTGRES_URL="$(start "$dir")"
    export PIPE_TEST_POSTGRES_URL
    echo "PostgreSQL for the tests: $PIPE_TEST_POSTGRES_URL (in $dir)" >&2
    "$@"
    ;;
*)
    echo "usage: $0 start|stop|restart|kill DIR, or $0 run COMMAND..." >&2
    exit 2
    ;;
esac
