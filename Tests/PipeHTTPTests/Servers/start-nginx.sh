#!/usr/bin/env bash
# Starts nginx for PipeHTTP's tests with everything in DIR, then prints on stdout:
#   HTTP_PORT <n>    plain HTTP/1.1
#   HTTPS_PORT <n>   TLS, HTTP/2 via ALPN (and HTTP/1.1)
#   MTLS_PORT <n>    like HTTPS_PORT but requires a client certificate signed by DIR/ca.pem
#
# Usage: start-nginx.sh DIR          (stop it with stop-nginx.sh DIR, then remove DIR)
#
# DIR receives: ca.pem ca.key (a test CA), server.pem server.key (for IP:127.0.0.1 and localhost),
# client.pem client.key (a client certificate from the same CA), untrusted-client.pem/.key (from
# another CA, for negative tests), www/big.bin (served at /bytes/big.bin; byte i is i % 251),
# nginx.conf (from nginx.conf.template), behaviour.conf, nginx.pid, error.log, access.log, tmp/.
#
# Environment:
#   NGINX_BIG_MB     size of www/big.bin in MiB (default 16)
#   BEHAVIOUR_PORT   when set, every path nginx does not answer itself is proxied (streaming, both
#                    ways) to the behaviour server on 127.0.0.1:BEHAVIOUR_PORT, on all three ports
#   NGINX_WATCH_PID  stop nginx when this process exits (default: the caller, $PPID; 0 disables),
#                    so a test process that dies leaves no orphan nginx behind
#   NGINX_WATCH_REMOVES_DIR  1: the watchdog also removes DIR after stopping nginx (for a DIR that
#                    belongs to the watched process, like NginxServer's temporary directory)
#   NGINX            the nginx binary (default: nginx on PATH, else /usr/sbin/nginx)
set -euo pipefail

fail() {
    echo "start-nginx.sh: $*" >&2
    exit 1
}

[ $# -eq 1 ] || fail "usage: start-nginx.sh DIR"

# nginx and the watchdog outlive this script, so they must not inherit the caller's descriptors.
# swift-corelibs-foundation's Process learns that a child exited when a socket it leaves open in
# the child closes: inherited by a daemon, it would make the caller wait for nginx to exit. Keep only
# stdin, stdout, stderr and fd 255 (bash reads this script through it).
for fd in /dev/fd/*; do
    fd=${fd##*/}
    case $fd in
    0 | 1 | 2 | 255) ;;
    *) if [ -e "/dev/fd/$fd" ]; then exec {fd}>&-; fi ;;
    esac
done
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$1"
dir=$(cd "$1" && pwd)
big_mb=${NGINX_BIG_MB:-16}
watch_pid=${NGINX_WATCH_PID:-$PPID}
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

[ -x "$nginx_bin" ] || fail "nginx not found; install the Debian package 'nginx' (apt-get install -y nginx)"
command -v openssl >/dev/null || fail "openssl not found; install the Debian package 'openssl'"
command -v python3 >/dev/null || fail "python3 not found"
[[ "$big_mb" =~ ^[0-9]+$ ]] || fail "NGINX_BIG_MB must be a whole number of MiB, not '$big_mb'"
behaviour_port=${BEHAVIOUR_PORT:-}
[[ "$behaviour_port" =~ ^[0-9]*$ ]] || fail "BEHAVIOUR_PORT must be a port number, not '$behaviour_port'"
if [ -f "$dir/nginx.pid" ] && kill -0 "$(cat "$dir/nginx.pid")" 2>/dev/null; then
    fail "nginx already runs for $dir (pid $(cat "$dir/nginx.pid")); stop it with stop-nginx.sh $dir"
fi
mkdir -p "$dir/www" "$dir/tmp"

# (a) Certificates: a CA, a server certificate and client certificates, all EC P-256 (fast to make).
# Kept when DIR already has them, so a restart keeps trusting the same CA.
make_certificates() {
    cat >"$dir/openssl.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
    local key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    local cnf="$dir/openssl.cnf"
    # new_ca NAME SUBJECT
    new_ca() {
        openssl req -x509 -config "$cnf" -extensions ca_ext "${key[@]}" -days 3650 \
            -subj "$2" -keyout "$dir/$1.key" -out "$dir/$1.pem"
    }
    # new_leaf NAME SUBJECT EXTENSIONS CA
    new_leaf() {
        openssl req -new -config "$cnf" "${key[@]}" -subj "$2" -keyout "$dir/$1.key" -out "$dir/$1.csr"
        openssl x509 -req -in "$dir/$1.csr" -CA "$dir/$4.pem" -CAkey "$dir/$4.key" \
            -set_serial "0x$(openssl rand -hex 12)" -days 825 -extfile "$cnf" -extensions "$3" \
            -out "$dir/$1.pem"
        rm -f "$dir/$1.csr"
    }
    new_ca ca "/CN=PipeHTTP Test CA"
    new_leaf server "/CN=localhost" server_ext ca
    new_leaf client "/CN=pipehttp-test-client" client_ext ca
    new_ca other-ca "/CN=PipeHTTP Untrusted Test CA"
    new_leaf untrusted-client "/CN=pipehttp-untrusted-client" client_ext other-ca
}
if [ ! -s "$dir/untrusted-client.pem" ]; then
    make_certificates >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; fail "openssl failed"; }
fi

# The file behind /bytes/big.bin: byte i is i % 251, like the behaviour server's /bytes/<n>.
big_bytes=$((big_mb * 1024 * 1024))
if [ "$(stat -c %s "$dir/www/big.bin" 2>/dev/null || echo -1)" != "$big_bytes" ]; then
    python3 - "$dir/www/big.bin" "$big_bytes" <<'EOF'
import sys

path, left = sys.argv[1], int(sys.argv[2])
block = bytes(range(251)) * 4096  # whole periods, so every block starts the pattern afresh
with open(path, "wb") as out:
    while left:
        out.write(block[: min(left, len(block))])
        left -= min(left, len(block))
EOF
fi

# Proxying to the behaviour server: no buffering either way, so uploads, /drip and /stall-body
# stream through; long timeouts, so /stall-body's default 60 s stall is not cut short by nginx.
if [ -n "$behaviour_port" ]; then
    cat >"$dir/behaviour.conf" <<EOF
location / {
    proxy_pass http://127.0.0.1:$behaviour_port;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_read_timeout 3600s;
    proxy_send_timeout 3600s;
}
EOF
else
    : >"$dir/behaviour.conf"
fi

# (b) + (c) Pick three free ports, write nginx.conf, start nginx. Another process can take a port
# between the probe and nginx's bind, so a start that fails with EADDRINUSE is retried.
free_ports() {
    python3 -c '
import socket
sockets = [socket.socket() for _ in range(3)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))
'
}
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"  # workers must read DIR, which may be root-only
started=no
for _ in 1 2 3 4 5; do
    read -r http_port https_port mtls_port < <(free_ports)
    sed -e "s|@DIR@|$dir|g" -e "s|@HTTP_PORT@|$http_port|g" -e "s|@HTTPS_PORT@|$https_port|g" \
        -e "s|@MTLS_PORT@|$mtls_port|g" -e "s|@USER@|$user_line|g" \
        "$here/nginx.conf.template" >"$dir/nginx.conf"
    # With `daemon on` this returns once the master has bound every port and daemonized.
    if "$nginx_bin" -e "$dir/error.log" -p "$dir/" -c "$dir/nginx.conf" </dev/null >"$dir/startup.log" 2>&1; then
        started=yes
        break
    fi
    grep -q "Address already in use" "$dir/startup.log" || break
done
if [ "$started" != yes ]; then
    cat "$dir/startup.log" >&2
    fail "nginx did not start; see $dir/error.log"
fi

deadline=$((SECONDS + 10))
until [ -s "$dir/nginx.pid" ]; do
    [ $SECONDS -lt $deadline ] || fail "nginx wrote no pid file"
    sleep 0.05
done
for port in "$http_port" "$https_port" "$mtls_port"; do
    until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        [ $SECONDS -lt $deadline ] || fail "nginx does not accept on port $port"
        sleep 0.05
    done
done

# A watchdog in its own session: when the watched process exits, it stops nginx (stop-nginx.sh ends
# the watchdog first when it is used instead).
if [ "$watch_pid" != 0 ]; then
    # shellcheck disable=SC2016 # expanded by the watchdog's bash
    setsid bash -c '
        tail --pid="$1" -f /dev/null
        rm -f "$2/watchdog.pid"  # or stop-nginx.sh would end this very watchdog
        bash "$3/stop-nginx.sh" "$2"
        [ "$4" = 1 ] && rm -rf "$2"' \
        watchdog "$watch_pid" "$dir" "$here" "${NGINX_WATCH_REMOVES_DIR:-0}" </dev/null >/dev/null 2>&1 &
    echo $! >"$dir/watchdog.pid"
fi

echo "HTTP_PORT $http_port"
echo "HTTPS_PORT $https_port"
echo "MTLS_PORT $mtls_port"
