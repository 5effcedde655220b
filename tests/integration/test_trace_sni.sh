# shellcheck shell=bash
# trace_sni against openssl s_server and s_client on loopback: in a network
# namespace the test creates, and in the host's own.

# _sni_in NSPATH CMD...: CMD in that network namespace ("-": ours). It
# execs, so "_sni_in ... &" leaves $! the command's own pid, to kill.
_sni_in() {
	local ns=$1; shift
	if [ "$ns" = - ]; then exec "$@"; else exec nsenter --net="$ns" "$@"; fi
}

# _sni_server NSPATH PORT: openssl s_server on 127.0.0.1:PORT in the network
# namespace at NSPATH ("-": ours) (a self-signed certificate made here);
# waits for its port, stops when the test ends.
_sni_server() {
	local i
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
		-subj /CN=ig-test -days 1 >/dev/null 2>&1 || { fail "openssl req"; return 1; }
	_sni_in "$1" openssl s_server -accept "127.0.0.1:$2" -cert "$TMP/cert.pem" \
		-key "$TMP/key.pem" -quiet >"$TMP/s_server.log" 2>&1 </dev/null &
	SNI_SERVER=$!
	for i in $(seq 1 100); do
		_sni_in "$1" ss -ltn 2>/dev/null | grep -q "127.0.0.1:$2 " && return 0
		kill -0 "$SNI_SERVER" 2>/dev/null || break
		sleep 0.05
	done
	fail "s_server did not start: $(cat "$TMP/s_server.log")"
}

# _sni_client NSPATH PORT NAME: one handshake asking for NAME.
_sni_client() {
	echo | _sni_in "$1" timeout 5 openssl s_client -connect "127.0.0.1:$2" \
		-servername "$3" >"$TMP/client.out" 2>&1
}

test_sni_openssl_in_netns() {
	local ns=igsni-$$ ev netns
	ip netns add "$ns" || { fail "ip netns add"; return 1; }
	# shellcheck disable=SC2064
	trap "kill \$SNI_SERVER 2>/dev/null; ip netns del $ns" EXIT
	ip -n "$ns" link set lo up
	netns=$(stat -L -c %i "/run/netns/$ns")
	_sni_server "/run/netns/$ns" 8443 || return 1
	ig_start "$TMP/out" run snisnoop --host -o json -F "netns_id==$netns" || return 1
	_sni_client "/run/netns/$ns" 8443 www.example.test
	wait_for_line "$TMP/out" 'www.example.test' || return 1
	ig_stop
	ev=$(json_select "$TMP/out" '.name == "www.example.test"')
	[ "$(wc -l <<<"$ev")" = 1 ] || { fail "expected one event: $ev"; return 1; }
	assert_eq openssl "$(jq -r .proc.comm <<<"$ev")" "comm" &&
	assert_eq "127.0.0.1:8443" "$(jq -r .dst.endpoint <<<"$ev")" "DST" &&
	assert_eq "$netns" "$(jq -r .netns_id <<<"$ev")" "netns" || return 1
	[ "$(jq -r .proc.tid <<<"$ev")" -gt 0 ] || fail "no tid: $ev"
}

# In the host's namespace, with the default columns, and a name with an
# escape sequence: escaped in the columns and in JSON.
test_sni_host_columns_and_hostile_name() {
	local evil=$'evil\x1b[31m.test'
	_sni_server - 18443 || return 1
	# shellcheck disable=SC2064
	trap "kill \$SNI_SERVER 2>/dev/null" EXIT
	ig_start "$TMP/out" run trace_sni --host --comm openssl || return 1
	ig_start "$TMP/json" run trace_sni --host --comm openssl -o json || return 1
	_sni_client - 18443 "$evil"
	wait_for_line "$TMP/out" 'evil' || return 1
	wait_for_line "$TMP/json" 'evil' || return 1
	local first
	first=$(head -1 "$TMP/.ig-pids")
	kill -INT "$first"
	wait "$first"
	ig_stop
	head -1 "$TMP/out" | grep -Eq '^RUNTIME.CONTAINERNAME +COMM +PID +TID +NAME$' ||
		{ fail "header: $(head -1 "$TMP/out")"; return 1; }
	grep -Eq ' openssl +[0-9]+ +[0-9]+ +evil\\x1b\[31m\.test$' "$TMP/out" ||
		{ fail "row: $(cat "$TMP/out")"; return 1; }
	assert_eq "$evil" "$(jq -r 'select(.name | startswith("evil")) | .name' "$TMP/json")" "JSON name" || return 1
	if LC_ALL=C grep -q $'\x1b' "$TMP/out" "$TMP/json"; then fail "a raw ESC reached the output"; fi
}
