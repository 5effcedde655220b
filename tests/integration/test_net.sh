# shellcheck shell=bash
# The network gadgets (trace_bind, trace_tcpconnect, trace_tcpretrans,
# trace_tcpdrop, top_tcp, snapshot_socket) against real sockets: in docker
# containers with only loopback, on the host's loopback, and in network
# namespaces the tests create (veth pairs), never any other address.
. tests/lib/engines.sh

# _net_wait FILE JQ-FILTER [TRIES]: wait until a JSON line of FILE matches
# (ig flushes within 50 ms); sets $ev to the first match.
_net_wait() {
	local i
	for i in $(seq 1 "${3:-100}"); do
		ev=$(jq -c "select($2)" "$1" 2>/dev/null | head -1)
		[ -n "$ev" ] && return 0
		sleep 0.05
	done
	fail "no event matching $2 in: $(head -c 3000 "$1")"
}

_f() { jq -r "$1" <<<"$ev"; }

# _net_container NAME CMD: a busybox container with only loopback running
# CMD; sets CT_PID and CT_NETNS, removes it when the test ends.
_net_container() {
	local name=$1
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	docker rm -f "$name" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "docker rm -f $name >/dev/null 2>&1" EXIT
	docker run -d --network none --name "$name" busybox sh -c "$2" >/dev/null ||
		{ fail "docker run"; return 1; }
	CT_PID=$(docker inspect -f '{{.State.Pid}}' "$name")
	CT_NETNS=$(readlink "/proc/$CT_PID/ns/net" | tr -dc 0-9)
	[ -n "$CT_NETNS" ] || fail "container did not start"
}

# ---- trace_bind ---------------------------------------------------------------

test_bind_container() {
	local n=igbind-$$ ev
	_net_container "$n" 'sleep 3600' || return 1
	ig_start "$TMP/out" trace bind -c "$n" -o json || return 1
	docker exec "$n" nc -l -p 4242 -w 1 >/dev/null 2>&1 &
	_net_wait "$TMP/out" '.addr.port == 4242' || return 1
	assert_eq "$n" "$(_f .runtime.containerName)" "container" &&
	assert_eq nc "$(_f .proc.comm)" "comm" &&
	assert_eq TCP "$(_f .addr.proto)" "proto" &&
	assert_eq "$CT_NETNS" "$(_f .netns_id)" "netns" &&
	assert_eq "" "$(_f .error)" "error" &&
	assert_eq 0 "$(_f .bound_dev_if)" "bound_dev_if" || return 1
	case "$(_f .addr.endpoint)" in *:4242) ;; *) fail "ADDR $(_f .addr.endpoint)"; return 1 ;; esac
	ig_stop
}

test_bind_host_errors_and_columns() {
	local ev
	ig_start "$TMP/out" run bindsnoop --host --comm python3 --ignore-errors=false -o json || return 1
	python3 - <<'PY' >"$TMP/py.out"
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True)
t = socket.socket()
try:
    t.bind(("127.0.0.1", s.getsockname()[1]))
except OSError:
    pass
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 0))
print(u.getsockname()[1], flush=True)
PY
	local port udp
	port=$(sed -n 1p "$TMP/py.out"); udp=$(sed -n 2p "$TMP/py.out")
	_net_wait "$TMP/out" ".addr.port == $port and .error == \"\"" || return 1
	assert_eq "127.0.0.1:$port" "$(_f .addr.endpoint)" "bound ADDR" &&
	assert_eq REUSEADDR "$(_f .opts)" "opts" || return 1
	_net_wait "$TMP/out" ".addr.port == $port and .error == \"EADDRINUSE\"" || return 1
	assert_eq 98 "$(_f .error_raw)" "error_raw" || return 1
	_net_wait "$TMP/out" ".addr.port == $udp" || return 1
	assert_eq "[::1]:$udp UDP 6" "$(_f '"\(.addr.endpoint) \(.addr.proto) \(.addr.version)"')" "UDP v6" || return 1
	ig_stop
	# Columns: IG's defaults.
	ig_start "$TMP/cols" trace bind --host --comm python3 || return 1
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))'
	for _ in $(seq 1 100); do grep -q python3 "$TMP/cols" && break; sleep 0.05; done
	ig_stop
	assert_eq "RUNTIME.CONTAINERNAME ADDR COMM PID TID BOUND_DEV_IF ERROR" \
		"$(head -1 "$TMP/cols" | tr -s ' ' | sed 's/ $//')" "header" &&
	assert_contains "$(cat "$TMP/cols")" "127.0.0.1:" "row"
}

# A host process entered into a container's network namespace (nsenter
# --net) is that container's, by network namespace.
test_bind_netns_attribution() {
	local n=igbindns-$$ ev
	_net_container "$n" 'sleep 3600' || return 1
	ig_start "$TMP/out" trace bind -c "$n" -o json || return 1
	nsenter --net="/proc/$CT_PID/ns/net" python3 -c \
		'import socket; s = socket.socket(); s.bind(("127.0.0.1", 4343))'
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))'   # host: not shown
	_net_wait "$TMP/out" '.addr.port == 4343' || return 1
	ig_stop
	assert_eq "$n" "$(_f .runtime.containerName)" "container by netns" &&
	assert_eq python3 "$(_f .proc.comm)" "comm" &&
	assert_eq 1 "$(jq -c . "$TMP/out" | wc -l)" "only the container's bind"
}

# ---- trace_tcpconnect ---------------------------------------------------------------

test_tcpconnect_container() {
	local n=igtcpc-$$ ev
	_net_container "$n" 'nc -lk -p 8080 -e echo hi & sleep 3600' || return 1
	ig_start "$TMP/out" trace tcpconnect -c "$n" -o json || return 1
	until docker exec "$n" netstat -tln | grep -q ':8080 '; do sleep 0.05; done
	docker exec "$n" nc 127.0.0.1 8080 </dev/null >/dev/null
	docker exec "$n" nc 127.0.0.1 8081 </dev/null >/dev/null 2>&1
	_net_wait "$TMP/out" '.dst.port == 8080' || return 1
	assert_eq "$n" "$(_f .runtime.containerName)" "container" &&
	assert_eq nc "$(_f .proc.comm)" "comm" &&
	assert_eq "127.0.0.1:8080" "$(_f .dst.endpoint)" "DST" &&
	assert_eq "" "$(_f .error)" "error" || return 1
	[ "$(_f .latency)" -gt 0 ] || { fail "latency: $ev"; return 1; }
	_net_wait "$TMP/out" '.dst.port == 8081' || return 1
	assert_eq ECONNREFUSED "$(_f .error)" "refused" &&
	assert_eq "$n" "$(_f .runtime.containerName)" "refused container"
	ig_stop
}

test_tcpconnect_host_v6_min() {
	local ev
	ig_start "$TMP/out" run tcpconnect --host --comm python3 -o json || return 1
	python3 - <<'PY' >"$TMP/py.out"
import socket
s = socket.socket(socket.AF_INET6); s.bind(("::1", 0)); s.listen()
c = socket.create_connection(s.getsockname()[:2])
print(s.getsockname()[1], c.getsockname()[1], flush=True)
PY
	local dport sport
	read -r dport sport <"$TMP/py.out"
	_net_wait "$TMP/out" ".dst.port == $dport" || return 1
	assert_eq "[::1]:$sport [::1]:$dport 6" "$(_f '"\(.src.endpoint) \(.dst.endpoint) \(.src.version)"')" "ends" &&
	assert_eq python3 "$(_f .proc.comm)" "comm" || return 1
	ig_stop
	# --min 10s: a loopback handshake is never that slow. A tracer without
	# --min, attached at the same time, shows the connection happened.
	local min_pid
	ig_start "$TMP/min" run tcpconnect --host --comm python3 --min 10s -o json || return 1
	min_pid=$IG_PID
	ig_start "$TMP/all" run tcpconnect --host --comm python3 -o json || return 1
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(); socket.create_connection(s.getsockname())'
	_net_wait "$TMP/all" '.dst.port > 0' || return 1
	ig_stop
	kill -INT "$min_pid"; wait "$min_pid"
	assert_eq 0 "$(wc -c <"$TMP/min")" "--min 10s printed nothing"
}
