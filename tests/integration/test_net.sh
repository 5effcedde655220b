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

# _net_until WHAT CMD...: wait (5 s at most) until CMD succeeds.
_net_until() {
	local what=$1 i
	shift
	for i in $(seq 1 100); do
		"$@" && return 0
		sleep 0.05
	done
	fail "timed out waiting for $what"
}

# _listening CTR PORT: a TCP listener on PORT in container CTR.
_listening() { docker exec "$1" netstat -tln 2>/dev/null | grep -q ":$2 "; }

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
	_net_container "$n" 'nc -l -p 8080 </dev/null >/dev/null & sleep 3600' || return 1
	ig_start "$TMP/out" trace tcpconnect -c "$n" -o json || return 1
	_net_until "the server" _listening "$n" 8080 || return 1
	docker exec "$n" timeout 5 nc 127.0.0.1 8080 </dev/null >/dev/null
	docker exec "$n" timeout 5 nc 127.0.0.1 8081 </dev/null >/dev/null 2>&1
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

# ---- trace_tcpretrans and trace_tcpdrop -------------------------------------------

# _net_stuck_client NAME: in container NAME, a loopback connection from nc
# to a server on 9000 whose segments an nftables rule in the container's
# network namespace then drops on input: the client retransmits (a segment
# dropped on output is a local failure, which tcp_retransmit_skb does not
# report before Linux 6.14), the kernel drops.
# Sets CLIENT_PORT.
_net_stuck_client() {
	local n=$1
	# busybox nc closes the connection at the end of its input: keep it open.
	docker exec -d "$n" sh -c 'sleep 3600 | nc -l -p 9000 >/dev/null'
	_net_until "the server" _listening "$n" 9000 || return 1
	# nc connects at once; its input comes when /go appears.
	docker exec -d "$n" sh -c '(while [ ! -e /go ]; do sleep 0.05; done; echo data; sleep 60) | nc 127.0.0.1 9000'
	_net_until "the connection" _client_port "$n" || return 1
	nsenter --net="/proc/$CT_PID/ns/net" nft -f - <<'NFT' || { fail "nft"; return 1; }
table inet igtest {
	chain in {
		type filter hook input priority 0; policy accept;
		tcp dport 9000 drop
	}
}
NFT
	docker exec "$n" touch /go
}

# _client_port CTR: sets CLIENT_PORT, the local port of CTR's established
# connection to 127.0.0.1:9000.
_client_port() {
	CLIENT_PORT=$(docker exec "$1" netstat -tn 2>/dev/null |
		awk '$5 == "127.0.0.1:9000" && $6 == "ESTABLISHED" { split($4, a, ":"); print a[2]; exit }')
	[ -n "$CLIENT_PORT" ]
}

test_tcpretrans_tcpdrop_container() {
	local n=igretr-$$ ev drops
	_net_container "$n" 'sleep 3600' || return 1
	ig_start "$TMP/out" trace tcpretrans -c "$n" -o json || return 1
	local retrans_pid=$IG_PID
	ig_start "$TMP/drops" trace tcpdrop -c "$n" -o json || return 1
	_net_stuck_client "$n" || return 1
	_net_wait "$TMP/drops" ".src.port == $CLIENT_PORT and .dst.port == 9000" || { tail -5 "$TMP/drops.err" >&2; return 1; }
	# Dropped on loopback's input, before any socket lookup: no socket, no
	# process; the namespace names the container.
	assert_eq "$n" "$(_f .runtime.containerName)" "drop container" &&
	assert_eq SKB_DROP_REASON_NETFILTER_DROP "$(_f .reason)" "drop reason" &&
	assert_eq "$CT_NETNS" "$(_f .netns_id)" "drop netns" || return 1
	case "$(_f .state)/$(_f .proc.comm)" in /|ESTABLISHED/nc) ;; *) fail "drop state/comm: $ev"; return 1 ;; esac
	assert_contains "$(_f .tcpflags)" "ACK" "drop flags"
	_net_wait "$TMP/out" ".src.port == $CLIENT_PORT" 100 || return 1
	assert_eq "$n" "$(_f .runtime.containerName)" "retrans container" &&
	assert_eq nc "$(_f .proc.comm)" "retrans comm" &&
	assert_eq "127.0.0.1:9000" "$(_f .dst.endpoint)" "retrans DST" &&
	assert_eq ESTABLISHED "$(_f .state)" "retrans state" &&
	assert_eq RETRANS "$(_f .type)" "type" || return 1
	case "$(_f .reason)" in timeout|probe) ;; *) fail "reason $(_f .reason)"; return 1 ;; esac
	ig_stop
	kill -INT "$retrans_pid"; wait "$retrans_pid"
	# Another container's drops are not shown.
	drops=$(jq -r '.runtime.containerName' "$TMP/drops" | sort -u)
	assert_eq "$n" "$drops" "only this container's drops"
}

# A SYN to a closed port is dropped with no socket: no process, and the
# container is named by the packet's network namespace.
test_tcpdrop_no_socket_by_netns() {
	local n=igdrop-$$ ev
	_net_container "$n" 'sleep 3600' || return 1
	ig_start "$TMP/out" trace tcpdrop -c "$n" -o json || return 1
	docker exec "$n" timeout 5 nc 127.0.0.1 9 </dev/null >/dev/null 2>&1
	_net_wait "$TMP/out" '.dst.port == 9' || return 1
	ig_stop
	assert_eq "$n" "$(_f .runtime.containerName)" "container by netns" &&
	assert_eq SKB_DROP_REASON_NO_SOCKET "$(_f .reason)" "reason" &&
	assert_eq SYN "$(_f .tcpflags)" "flags" &&
	assert_eq "" "$(_f .state)" "no socket, no state" &&
	assert_eq 0 "$(_f .proc.pid)" "no process" &&
	assert_eq "$CT_NETNS" "$(_f .netns_id)" "netns"
}

# Two network namespaces of the test's own, joined by a veth pair; a
# python3 client in A, a server in B, and an nftables rule in B that drops
# what the client sends.
test_tcpretrans_tcpdrop_host_veth() {
	local a=igna-$$ b=ignb-$$ ev cport srv cli
	ip netns add "$a" && ip netns add "$b" || { fail "ip netns add"; return 1; }
	# shellcheck disable=SC2064
	trap "kill \$srv \$cli 2>/dev/null; ip netns del $a; ip netns del $b" EXIT
	ip link add va netns "$a" type veth peer name vb netns "$b" &&
	ip -n "$a" addr add 10.231.0.1/24 dev va && ip -n "$b" addr add 10.231.0.2/24 dev vb &&
	ip -n "$a" link set va up && ip -n "$b" link set vb up || { fail "veth"; return 1; }
	ig_start "$TMP/out" trace tcpretrans --host --comm python3 -o json || return 1
	local retrans_pid=$IG_PID
	ig_start "$TMP/drops" trace tcpdrop --host -o json || return 1
	ip netns exec "$b" python3 -c '
import socket, time
s = socket.socket(); s.bind(("10.231.0.2", 9000)); s.listen(); c, _ = s.accept(); time.sleep(30)' >/dev/null 2>&1 &
	srv=$!
	_net_until "the server" sh -c "ip netns exec $b ss -Htln | grep -q ':9000 '" || return 1
	GO=$TMP/go ip netns exec "$a" python3 -c '
import os, socket, time
c = socket.create_connection(("10.231.0.2", 9000))
print(c.getsockname()[1], flush=True)
while not os.path.exists(os.environ["GO"]):
    time.sleep(0.02)
c.send(b"x" * 100)
time.sleep(30)' >"$TMP/client.out" 2>/dev/null &
	cli=$!
	_net_until "the client" test -s "$TMP/client.out" || return 1
	cport=$(cat "$TMP/client.out")
	ip netns exec "$b" nft 'add table inet igtest; add chain inet igtest in { type filter hook input priority 0; }; add rule inet igtest in tcp dport 9000 drop' ||
		{ fail "nft"; return 1; }
	touch "$TMP/go"
	_net_wait "$TMP/drops" ".src.port == $cport and .dst.port == 9000" || return 1
	assert_eq "10.231.0.1:$cport 10.231.0.2:9000" "$(_f '"\(.src.endpoint) \(.dst.endpoint)"')" "drop ends" &&
	assert_eq SKB_DROP_REASON_NETFILTER_DROP "$(_f .reason)" "drop reason" &&
	assert_eq "$(readlink /proc/$srv/ns/net | tr -dc 0-9)" "$(_f .netns_id)" "dropped in B" || return 1
	_net_wait "$TMP/out" ".src.port == $cport" 100 || return 1
	assert_eq "10.231.0.2:9000" "$(_f .dst.endpoint)" "retrans DST" &&
	assert_eq python3 "$(_f .proc.comm)" "retrans owner" &&
	assert_eq "$(readlink /proc/$cli/ns/net | tr -dc 0-9)" "$(_f .netns_id)" "retransmitted from A" || return 1
	ig_stop
	kill -INT "$retrans_pid"; wait "$retrans_pid"
	kill "$srv" "$cli"; wait "$srv" "$cli" 2>/dev/null
	return 0
}

# ---- top_tcp -------------------------------------------------------------------------

# _top_sum FILE JQ-FILTER FIELD: FIELD summed over the rows of every
# interval's array that match.
_top_sum() { jq -s "[.[][] | select($2) | .$3] | add // 0" "$1"; }

test_top_tcp_container() {
	local n=igtop-$$ ev
	# busybox nc closes the connection at the end of its input: keep it open.
	_net_container "$n" 'sleep 3600 | nc -l -p 9100 >/dev/null & sleep 3600' || return 1
	_net_until "the server" _listening "$n" 9100 || return 1
	ig_start "$TMP/out" run top_tcp -c "$n" --interval 0.2 -o json || return 1
	docker exec "$n" sh -c 'dd if=/dev/zero bs=1000 count=100 2>/dev/null | timeout 5 nc 127.0.0.1 9100'
	for _ in $(seq 1 100); do
		[ "$(_top_sum "$TMP/out" '.dst.port == 9100' sent)" -ge 100000 ] &&
			[ "$(_top_sum "$TMP/out" '.src.port == 9100' received)" -ge 100000 ] && break
		sleep 0.05
	done
	ig_stop
	assert_eq 100000 "$(_top_sum "$TMP/out" '.dst.port == 9100' sent)" "client sent" &&
	assert_eq 100000 "$(_top_sum "$TMP/out" '.src.port == 9100' received)" "server received" &&
	ev=$(jq -c '.[] | select(.dst.port == 9100)' "$TMP/out" | head -1) &&
	assert_eq "$n" "$(_f .runtime.containerName)" "container" &&
	assert_eq nc "$(_f .proc.comm)" "comm" &&
	assert_eq "$CT_NETNS" "$(_f .netns_id)" "netns" || return 1
	# one JSON array per interval
	assert_eq 0 "$(jq -c 'select(type != "array")' "$TMP/out" | wc -l)" "only arrays"
}

# The same on the host: exact byte counts, --sort and --max-entries.
_top_tcp_host() {
	ig_start "$TMP/out" top tcp --host --comm python3 --interval 0.2 --max-entries 1 --sort -received -o json || return 1
	python3 - <<'PY' >"$TMP/py.out"
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname()); a, _ = s.accept()
for _ in range(10):
    c.sendall(b"x" * 1000)
    got = 0
    while got < 1000:
        got += len(a.recv(1000 - got))
a.sendall(b"y" * 500)
got = 0
while got < 500:
    got += len(c.recv(500 - got))
print(s.getsockname()[1], flush=True)
PY
	local port
	port=$(cat "$TMP/py.out")
	for _ in $(seq 1 100); do
		[ "$(_top_sum "$TMP/out" ".src.port == $port" received)" -ge 10000 ] && break
		sleep 0.05
	done
	ig_stop
	# --max-entries 1 --sort -received: the server side only.
	assert_eq 10000 "$(_top_sum "$TMP/out" ".src.port == $port" received)" "server received" &&
	assert_eq 500 "$(_top_sum "$TMP/out" ".src.port == $port" sent)" "server sent" &&
	assert_eq 0 "$(jq -c '.[] | select(.dst.port == '"$port"')' "$TMP/out" | wc -l)" "--max-entries 1 kept the top row" &&
	assert_eq 0 "$(jq -c 'select(length > 1)' "$TMP/out" | wc -l)" "at most 1 row per interval"
}

test_top_tcp_host() {
	_top_tcp_host
}


# ---- snapshot_socket --------------------------------------------------------------

# _snapshot ARGS...: ig run snapshot_socket, which prints once and exits.
_snapshot() { timeout 60 "$IG" run snapshot_socket "$@" 2>"$TMP/snap.err"; }

_snapshot_container() {
	local n=igsnap-$$ p=igsnapp-$$ ev
	_net_container "$n" 'sleep 3600 | nc -l -p 9090 >/dev/null & sleep 3600' || return 1
	_net_until "the server" _listening "$n" 9090 || return 1
	_snapshot -c "$n" -o json >"$TMP/out" || { cat "$TMP/snap.err" >&2; fail "snapshot_socket failed"; return 1; }
	assert_eq 1 "$(wc -l <"$TMP/out")" "one JSON array" || return 1
	ev=$(jq -c '.[] | select(.src.port == 9090)' "$TMP/out")
	# busybox nc listens on [::] where the container has IPv6, else 0.0.0.0
	assert_eq "$n TCP LISTEN $CT_NETNS" \
		"$(_f '"\(.runtime.containerName) \(.src.proto) \(.state) \(.netns_id)"')" "TCP listener" || return 1
	case "$(_f .src.endpoint)" in "[::]:9090" | "0.0.0.0:9090") ;; *) fail "SRC $(_f .src.endpoint)"; return 1 ;; esac
	[ "$(_f .ino)" -gt 0 ] || { fail "ino: $ev"; return 1; }
	assert_eq "$n" "$(jq -r '.[].runtime.containerName' "$TMP/out" | sort -u)" "only the container's sockets" || return 1
	# A second container in the first one's network namespace: its
	# sockets are both containers', and -c either selects them.
	docker rm -f "$p" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "docker rm -f $n $p >/dev/null 2>&1" EXIT
	docker run -d --network "container:$n" --name "$p" busybox sleep 3600 >/dev/null || { fail "docker run"; return 1; }
	_snapshot -c "$p" -o json >"$TMP/shared" || { fail "snapshot_socket -c $p"; return 1; }
	ev=$(jq -c '.[] | select(.src.port == 9090)' "$TMP/shared")
	case "$(_f .runtime.containerName)" in
	"$n,$p" | "$p,$n") ;;
	*) fail "shared netns named $(_f .runtime.containerName)"; return 1 ;;
	esac
	# Columns: IG's defaults, printed once.
	_snapshot -c "$n" >"$TMP/cols" || return 1
	assert_eq "RUNTIME.CONTAINERNAME SRC DST STATE" "$(head -1 "$TMP/cols" | tr -s ' ' | sed 's/ $//')" "header" &&
	assert_contains "$(cat "$TMP/cols")" ":9090 " "row"
}

test_snapshot_socket_container_iterators() {
	_snapshot_container || return 1
	assert_contains "$("$IG" run snapshot_socket -c none -v 2>&1 >/dev/null)" "BPF iterators" "iterators in use"
}

test_snapshot_socket_container_proc_fallback() {
	IG_SNAPSHOT_SOCKET_PROC=1 _snapshot_container || return 1
	assert_contains "$(IG_SNAPSHOT_SOCKET_PROC=1 "$IG" run snapshot_socket -c none -v 2>&1 >/dev/null)" "/proc/PID/net" "fallback in use"
}

test_snapshot_socket_host() {
	local port udp ev
	python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(("::1", 0))
print(s.getsockname()[1], u.getsockname()[1], flush=True)
time.sleep(30)' >"$TMP/py.out" 2>/dev/null &
	local py=$!
	_net_until "the listener" test -s "$TMP/py.out" || { kill $py; return 1; }
	read -r port udp <"$TMP/py.out"
	_snapshot --host -o json >"$TMP/out"
	local host_rc=$?
	timeout 60 "$IG" snapshot socket -o json >"$TMP/nohost"   # the older form
	kill $py 2>/dev/null
	assert_eq 0 "$host_rc" "exit code" || return 1
	ev=$(jq -c ".[] | select(.src.port == $port)" "$TMP/out")
	assert_eq "127.0.0.1:$port LISTEN" "$(_f '"\(.src.endpoint) \(.state)"')" "host listener" || return 1
	ev=$(jq -c ".[] | select(.src.port == $udp)" "$TMP/out")
	assert_eq "[::1]:$udp UDP 6 CLOSE" "$(_f '"\(.src.endpoint) \(.src.proto) \(.src.version) \(.state)"')" "host UDP socket" &&
	assert_eq "" "$(jq -c ".[] | select(.src.port == $port)" "$TMP/nohost")" "not without --host"
}
