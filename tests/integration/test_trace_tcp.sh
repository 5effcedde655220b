# shellcheck shell=bash
# trace_tcp against real connections, on loopback only: busybox httpd and
# wget in a docker container with no network but lo, and host-only tests
# (python3, bash /dev/tcp) that need no container engine.
. tests/lib/engines.sh

# ---- helpers ----------------------------------------------------------------

# _tcp_container NAME: a container with only loopback running httpd on
# 127.0.0.1:8080 and [::1]:8081. Sets CT_MNTNS, CT_NETNS and HTTPD4_PID
# (host pid of the IPv4 server); removes the container when the test ends.
_tcp_container() {
	local name=$1 pid _
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	docker rm -f "$name" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "docker rm -f $name >/dev/null 2>&1" EXIT
	# Docker turns IPv6 off in new network namespaces; ::1 appears once
	# it is back on, and a server binding it earlier would fail.
	docker run -d --network none --sysctl net.ipv6.conf.lo.disable_ipv6=0 \
		--name "$name" busybox sh -c '
		mkdir -p /www && echo hello >/www/index.html
		httpd -f -p 127.0.0.1:8080 -h /www &
		until ip addr show lo | grep -q "::1/128"; do sleep 0.1; done
		httpd -f -p "[::1]:8081" -h /www &
		sleep 3600' >/dev/null || { fail "docker run"; return 1; }
	for _ in $(seq 1 50); do
		docker exec "$name" netstat -tln 2>/dev/null | grep -q ':8081 ' && break
		sleep 0.1
	done
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	CT_MNTNS=$(readlink "/proc/$pid/ns/mnt" | tr -dc 0-9)
	CT_NETNS=$(readlink "/proc/$pid/ns/net" | tr -dc 0-9)
	HTTPD4_PID=$(docker top "$name" -eo pid,args | awk '/httpd -f -p 127.0.0.1:8080/ {print $1}')
	if [ -z "$CT_MNTNS" ] || [ -z "$HTTPD4_PID" ]; then fail "container did not start"; fi
}

# _tcp_trace_container NAME ARGS...: run ig on NAME's events while the
# test runs docker exec commands; call ig_stop after.
_tcp_trace_container() {
	local name=$1; shift
	ig_start "$TMP/out" run trace_tcp --host --filter "proc.mntns_id==$CT_MNTNS" "$@"
}

# _one FILTER WHAT: exactly one JSON event matching FILTER, in $ev.
_one() {
	ev=$(json_select "$TMP/out" "$1")
	[ -n "$ev" ] || { fail "no $2 event in: $(head -c 3000 "$TMP/out")"; return 1; }
	[ "$(wc -l <<<"$ev")" = 1 ] || fail "more than one $2 event: $ev"
}

_field() { jq -r "$1" <<<"$ev"; }

# The hooks are synchronous (syscall exits, socket state changes): an event
# is in the ring buffer once the call that made it returns, and the ring
# keeps order. So a test waits for the events it asserts; for an event that
# must NOT appear, it waits for one made after it (a marker below).

# _wait_rows N AWK-CONDITION: until N rows of the columns output match.
_wait_rows() {
	wait_until 10 awk -v want="$1" "$2 { n++ } END { exit n < want }" "$TMP/out" && return 0
	ig_stop
	fail "fewer than $1 rows matching $2 in: $(cat "$TMP/out")"
}

# _refused_marker: a host connect refused after the workload; waits until
# it is printed (every filter that shows failed connects shows it).
_refused_marker() {
	local port
	port=$(_free_port)
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null
	wait_json_all ".type == \"connect\" and .dst.port == $port"
}

# _accept_marker: one more connection, to a server of its own, after the
# workload; sets MARK_PORT, its server's port (PORT and SRV_PID are kept).
_accept_marker() {
	local port=$PORT srv=$SRV_PID
	_tcp_py_server || return 1
	MARK_PORT=$PORT
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3"
	wait "$SRV_PID"
	PORT=$port SRV_PID=$srv
}

# ---- in a container -----------------------------------------------------------

test_tcp_container_connect_accept_close_v4() {
	local n=igtcp-v4-$$ ev sport
	_tcp_container "$n" || return 1
	_tcp_trace_container "$n" -o json || return 1
	assert_eq hello "$(docker exec "$n" wget -q -O - http://127.0.0.1:8080/)" "page" || { ig_stop; return 1; }
	wait_json_all '.type == "connect" and .dst.port == 8080' '.type == "accept" and .src.port == 8080' \
		'.type == "close" and .dst.port == 8080' '.type == "close" and .src.port == 8080' || return 1
	ig_stop
	_one '.type == "connect" and .dst.port == 8080' connect || return 1
	sport=$(_field .src.port)
	assert_eq wget "$(_field .proc.comm)" "connect comm" &&
	assert_eq "127.0.0.1 127.0.0.1 4 4" "$(_field '"\(.src.addr) \(.dst.addr) \(.src.version) \(.dst.version)"')" "connect addresses" &&
	assert_eq "127.0.0.1:8080" "$(_field .dst.endpoint)" "connect DST" &&
	assert_eq "" "$(_field .error)" "connect error" &&
	assert_eq 0 "$(_field .type_raw)" "connect type_raw" &&
	assert_eq "$CT_NETNS" "$(_field .netns_id)" "connect netns" &&
	if [ "$(_field .fd)" -lt 0 ] || [ "$sport" -le 0 ]; then fail "connect fd/sport: $ev"; return 1; fi

	_one ".type == \"accept\" and .src.port == 8080 and .dst.port == $sport" accept || return 1
	assert_eq httpd "$(_field .proc.comm)" "accept comm" &&
	assert_eq "$HTTPD4_PID" "$(_field .proc.pid)" "accept pid (the accepting server)" &&
	assert_eq "127.0.0.1:$sport" "$(_field .dst.endpoint)" "accept DST" &&
	assert_eq 1 "$(_field .type_raw)" "accept type_raw" || return 1

	_one ".type == \"close\" and .src.port == $sport" "client close" || return 1
	assert_eq wget "$(_field .proc.comm)" "client close comm" &&
	assert_eq 8080 "$(_field .dst.port)" "client close dport" || return 1
	# busybox httpd serves each connection in a forked child: that child
	# closes it.
	_one ".type == \"close\" and .src.port == 8080 and .dst.port == $sport" "server close" || return 1
	assert_eq httpd "$(_field .proc.comm)" "server close comm" &&
	assert_eq "$HTTPD4_PID" "$(_field .proc.parent.pid)" "server close: the child of the server"
}

test_tcp_container_refused() {
	local n=igtcp-ref-$$ ev sport
	_tcp_container "$n" || return 1
	_tcp_trace_container "$n" -o json || return 1
	docker exec "$n" wget -q -O - http://127.0.0.1:8082/ 2>/dev/null && { ig_stop; fail "port 8082 answered"; return 1; }
	# A close for it would come when wget closed the socket, after its
	# connect event: a second refused connect, once printed, follows both.
	docker exec "$n" wget -q -O - http://127.0.0.1:8083/ 2>/dev/null
	wait_json_all '.type == "connect" and .dst.port == 8082' '.type == "connect" and .dst.port == 8083' || return 1
	ig_stop
	_one '.type == "connect" and .dst.port == 8082' "refused connect" || return 1
	sport=$(_field .src.port)
	assert_eq wget "$(_field .proc.comm)" "comm" &&
	assert_eq ECONNREFUSED "$(_field .error)" "error" &&
	assert_eq 111 "$(_field .error_raw)" "error_raw" &&
	assert_eq "127.0.0.1:8082" "$(_field .dst.endpoint)" "DST" &&
	assert_eq 127.0.0.1 "$(_field .src.addr)" "SRC addr kept after the reset" || return 1
	# The handshake never completed: no close for it.
	[ -z "$(json_select "$TMP/out" ".type == \"close\" and .src.port == $sport")" ] ||
		fail "a close was reported for a refused connect"
}

test_tcp_container_ipv6() {
	local n=igtcp-v6-$$ ev sport
	_tcp_container "$n" || return 1
	_tcp_trace_container "$n" -o json || return 1
	assert_eq hello "$(docker exec "$n" wget -q -O - 'http://[::1]:8081/')" "page over IPv6" || { ig_stop; return 1; }
	wait_json_all '.type == "connect" and .dst.port == 8081' '.type == "accept" and .src.port == 8081' \
		'.type == "close" and .dst.port == 8081' || return 1
	ig_stop
	_one '.type == "connect" and .dst.port == 8081' connect || return 1
	sport=$(_field .src.port)
	assert_eq wget "$(_field .proc.comm)" "connect comm" &&
	assert_eq "::1 ::1 6" "$(_field '"\(.src.addr) \(.dst.addr) \(.src.version)"')" "addresses" &&
	assert_eq "[::1]:8081" "$(_field .dst.endpoint)" "DST" &&
	assert_eq "[::1]:$sport" "$(_field .src.endpoint)" "SRC" || return 1
	_one ".type == \"accept\" and .dst.port == $sport" accept || return 1
	assert_eq httpd "$(_field .proc.comm)" "accept comm" &&
	assert_eq "[::1]:8081" "$(_field .src.endpoint)" "accept SRC" || return 1
	_one ".type == \"close\" and .src.port == $sport" close
}

test_tcp_container_custom_columns() {
	local n=igtcp-cc-$$
	_tcp_container "$n" || return 1
	_tcp_trace_container "$n" -o custom-columns=t,pid,comm,ip,saddr,daddr,sport,dport || return 1
	docker exec "$n" wget -q -O - http://127.0.0.1:8080/ >/dev/null
	# shellcheck disable=SC2016 # awk's fields
	_wait_rows 1 '$1 == "C" && $8 == 8080' && _wait_rows 1 '$1 == "A" && $7 == 8080' &&
		_wait_rows 2 '$1 == "X"' || return 1
	ig_stop
	assert_eq "T PID COMM IP SADDR DADDR SPORT DPORT" "$(head -1 "$TMP/out" | tr -s ' ' | sed 's/ $//')" "header" &&
	assert_eq 1 "$(awk '$1 == "C" && $3 == "wget" && $4 == 4 && $5 == "127.0.0.1" && $8 == 8080' "$TMP/out" | wc -l)" "C row" &&
	assert_eq 1 "$(awk -v p="$HTTPD4_PID" '$1 == "A" && $2 == p && $3 == "httpd" && $7 == 8080' "$TMP/out" | wc -l)" "A row" &&
	assert_eq 2 "$(awk '$1 == "X"' "$TMP/out" | wc -l)" "X rows"
}

test_tcp_container_default_columns() {
	local n=igtcp-dc-$$
	_tcp_container "$n" || return 1
	_tcp_trace_container "$n" || return 1
	docker exec "$n" wget -q -O - http://127.0.0.1:8082/ >/dev/null 2>&1
	wait_for_line "$TMP/out" '127\.0\.0\.1:8082 +connect +ECONNREFUSED *$' || { ig_stop; return 1; }
	ig_stop
	assert_eq "RUNTIME.CONTAINERNAME COMM PID TID SRC DST TYPE ERROR" \
		"$(head -1 "$TMP/out" | tr -s ' ' | sed 's/ $//')" "header" &&
	assert_contains "$(cat "$TMP/out")" "127.0.0.1:8082" "DST column" &&
	assert_eq 1 "$(awk '$(NF-1) == "connect" && $NF == "ECONNREFUSED" && $(NF-2) == "127.0.0.1:8082"' "$TMP/out" | wc -l)" "refused row"
}

# ---- host only (no container engine) -----------------------------------------

# _tcp_py_server: a python3 server on 127.0.0.1 that accepts one
# connection, reads a line and closes. Sets SRV_PID and PORT.
_tcp_py_server() {
	rm -f "$TMP/port"
	python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen()
print(s.getsockname()[1], flush=True)
a, _ = s.accept()
a.recv(100)
a.close()
' >"$TMP/port" &
	SRV_PID=$!
	local _
	for _ in $(seq 1 50); do
		PORT=$(cat "$TMP/port" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		sleep 0.1
	done
	fail "python3 server did not start"
}

test_tcp_host_bash_python() {
	local ev cli sport
	_tcp_py_server || return 1
	ig_start "$TMP/out" run trace_tcp -o json --host || return 1
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3; exec 3>&-" &
	cli=$!
	wait "$cli"
	wait "$SRV_PID"
	wait_json_all ".type == \"connect\" and .dst.port == $PORT" ".type == \"accept\" and .src.port == $PORT" \
		".type == \"close\" and .dst.port == $PORT" ".type == \"close\" and .src.port == $PORT" || return 1
	ig_stop
	_one ".type == \"connect\" and .dst.port == $PORT" connect || return 1
	sport=$(_field .src.port)
	assert_eq "bash $cli 3" "$(_field '"\(.proc.comm) \(.proc.pid) \(.fd)"')" "connect by bash, fd 3" || return 1
	_one ".type == \"accept\" and .src.port == $PORT" accept || return 1
	assert_eq "python3 $SRV_PID $sport" "$(_field '"\(.proc.comm) \(.proc.pid) \(.dst.port)"')" "accept by python3" || return 1
	_one ".type == \"close\" and .src.port == $sport" "client close" || return 1
	assert_eq "bash $cli" "$(_field '"\(.proc.comm) \(.proc.pid)"')" "client close" &&
	assert_eq -1 "$(_field .fd)" "close fd unknown" || return 1
	_one ".type == \"close\" and .src.port == $PORT and .dst.port == $sport" "server close" || return 1
	assert_eq "python3 $SRV_PID" "$(_field '"\(.proc.comm) \(.proc.pid)"')" "server close"
}

test_tcp_host_refused_blocking_and_nonblocking() {
	local ev pid
	ig_start "$TMP/out" run trace_tcp -o json --host || return 1
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/1' 2>/dev/null
	# A timeout makes python connect without blocking: EINPROGRESS, then
	# the handshake fails.
	python3 -c '
import os, socket
print(os.getpid(), flush=True)
s = socket.socket(socket.AF_INET6)
s.settimeout(2)
try:
    s.connect(("::1", 1))
except ConnectionRefusedError:
    pass
' >"$TMP/pypid"
	pid=$(cat "$TMP/pypid")
	wait_json_all '.type == "connect" and .dst.port == 1 and .proc.comm == "bash"' \
		".type == \"connect\" and .proc.pid == $pid and .error == \"EINPROGRESS\"" \
		".type == \"connect\" and .proc.pid == $pid and .error == \"ECONNREFUSED\"" || return 1
	# A close would come when bash or python closed its socket, before it
	# exited: before the marker.
	_refused_marker || return 1
	ig_stop
	_one '.type == "connect" and .dst.port == 1 and .proc.comm == "bash"' "bash refused" || return 1
	assert_eq "ECONNREFUSED 111 127.0.0.1:1" "$(_field '"\(.error) \(.error_raw) \(.dst.endpoint)"')" "bash refused" || return 1
	_one ".type == \"connect\" and .proc.pid == $pid and .error == \"EINPROGRESS\"" "EINPROGRESS" || return 1
	assert_eq "[::1]:1" "$(_field .dst.endpoint)" "EINPROGRESS DST" || return 1
	_one ".type == \"connect\" and .proc.pid == $pid and .error == \"ECONNREFUSED\"" "asynchronous refusal" || return 1
	assert_eq "python3 [::1]:1 6" "$(_field '"\(.proc.comm) \(.dst.endpoint) \(.src.version)"')" "asynchronous refusal" || return 1
	assert_eq "" "$(json_select "$TMP/out" '.type == "close" and .dst.port == 1')" "close reported for a refused connect"
}

test_tcp_host_failure_only() {
	_tcp_py_server || return 1
	ig_start "$TMP/out" run trace_tcp -o json --host --failure-only || return 1
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3" &&
	bash -c 'exec 3<>/dev/tcp/127.0.0.1/1' 2>/dev/null
	wait "$SRV_PID"
	# The marker follows the server's close, the successful connection's
	# last event.
	_refused_marker || return 1
	ig_stop
	assert_eq "" "$(json_select "$TMP/out" ".dst.port == $PORT or .src.port == $PORT")" "successful connection shown" &&
	assert_eq "connect ECONNREFUSED" "$(json_select "$TMP/out" '.dst.port == 1' | jq -r '"\(.type) \(.error)"')" "refused connect"
}

test_tcp_host_accept_only_and_connect_only() {
	local types
	_tcp_py_server || return 1
	ig_start "$TMP/out" run trace_tcp -o json --host --accept-only || return 1
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3"
	wait "$SRV_PID"
	_accept_marker || { ig_stop; return 1; }
	wait_json_all ".type == \"accept\" and .src.port == $MARK_PORT" || return 1
	ig_stop
	types=$(json_select "$TMP/out" ".dst.port == $PORT or .src.port == $PORT" | jq -r .type | sort -u | tr '\n' ' ')
	assert_eq "accept " "$types" "--accept-only" || return 1

	_tcp_py_server || return 1
	ig_start "$TMP/out" run trace_tcp -o json --host --connect-only || return 1
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3"
	wait "$SRV_PID"
	_refused_marker || return 1
	ig_stop
	types=$(json_select "$TMP/out" ".dst.port == $PORT or .src.port == $PORT" | jq -r .type | sort -u | tr '\n' ' ')
	assert_eq "connect " "$types" "--connect-only"
}

# The older tcptracer's "operation" names the type, in filters and columns.
test_tcp_host_operation_alias() {
	local types
	_tcp_py_server || return 1
	ig_start "$TMP/out" run trace_tcp --host -F operation==accept -o custom-columns=operation,sport || return 1
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3"
	wait "$SRV_PID"
	_accept_marker || { ig_stop; return 1; }
	wait_for_line "$TMP/out" "^accept +$MARK_PORT *\$" || { ig_stop; return 1; }
	ig_stop
	assert_eq "OPERATION SPORT" "$(head -1 "$TMP/out" | xargs)" "header" &&
	assert_eq "accept $PORT" "$(awk -v p="$PORT" '$2 == p' "$TMP/out" | xargs)" "the accept, only"
}

test_tcp_host_abort_close() {
	local pid
	ig_start "$TMP/out" run trace_tcp -o json --host --comm python3 || return 1
	# The server closes with unread data: the kernel resets the
	# connection. Both closes are still reported, by their closers.
	python3 -c '
import os, socket, time
print(os.getpid(), flush=True)
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
c = socket.create_connection(s.getsockname())
a, _ = s.accept()
c.sendall(b"unread")
time.sleep(0.1)
a.close()
time.sleep(0.1)
c.close()
' >"$TMP/pypid"
	pid=$(cat "$TMP/pypid")
	# python has exited: a third close of its own would be in the ring
	# already, and ig_stop drains it.
	wait_until 10 json_has "$TMP/out" ".type == \"close\" and .proc.pid == $pid" 2 ||
		{ ig_stop; fail "no 2 closes in: $(cat "$TMP/out")"; return 1; }
	ig_stop
	assert_eq 2 "$(json_select "$TMP/out" ".type == \"close\" and .proc.pid == $pid" | wc -l)" "closes"
}

# Selected by container name (no --host): the events carry the container's
# name, and host connections on the same port numbers stay out.
test_tcp_container_by_name() {
	local n=igtcp-cn-$$ ev
	_tcp_container "$n" || return 1
	_tcp_py_server || return 1
	ig_start "$TMP/out" run trace_tcp -o json -c "$n" || return 1
	# The host's connection first: every event of it comes before the
	# container's connect, which the test waits for.
	bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; echo hi >&3"
	wait "$SRV_PID"
	docker exec "$n" wget -q -O - http://127.0.0.1:8080/ >/dev/null
	wait_json_all '.type == "connect"' || return 1
	ig_stop

	_one '.type == "connect"' "container connect" || return 1
	assert_eq "$n wget 8080" "$(_field '"\(.runtime.containerName) \(.proc.comm) \(.dst.port)"')" "connect" &&
	assert_eq "" "$(json_select "$TMP/out" ".runtime.containerName != \"$n\"")" "events from outside the container"
}
