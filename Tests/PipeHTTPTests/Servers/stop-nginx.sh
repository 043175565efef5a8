#!/usr/bin/env bash
# Stops the nginx that start-nginx.sh started in DIR (and its watchdog). Leaves DIR in place.
# Usage: stop-nginx.sh DIR
set -uo pipefail

[ $# -eq 1 ] || { echo "usage: stop-nginx.sh DIR" >&2; exit 1; }
dir=$1

# The watchdog leads its own session (setsid), so its process group is its pid: end bash and tail.
if [ -s "$dir/watchdog.pid" ]; then
    kill -TERM -- "-$(cat "$dir/watchdog.pid")" 2>/dev/null
    rm -f "$dir/watchdog.pid"
fi

# True while the process runs. A zombie counts as gone: nginx's master is a daemon whose parent is
# init, and some inits (this sandbox's among them) reap orphans only every second or so.
running() {
    local state
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || { kill -0 "$1" 2>/dev/null; return; }
    [ -n "$state" ] && [ "$state" != Z ]
}

[ -s "$dir/nginx.pid" ] || exit 0
pid=$(cat "$dir/nginx.pid")
kill -TERM "$pid" 2>/dev/null || exit 0  # TERM: nginx's fast shutdown
for _ in $(seq 500); do
    running "$pid" || exit 0
    sleep 0.01
done
echo "stop-nginx.sh: nginx (pid $pid) ignored SIGTERM for 5 s; killing it" >&2
pkill -KILL -P "$pid" 2>/dev/null  # its workers, by parent pid
kill -KILL "$pid" 2>/dev/null
exit 0
