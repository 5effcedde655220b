# shellcheck shell=bash
# trace_dns against Debian's dnsmasq, on loopback only: dnsmasq runs in a
# network namespace the test creates (or in a docker container's, with
# nsenter), on 127.0.0.1; queries come from busybox nslookup in the
# container and on the host, and from a python3 client for TCP and for a
# hostile name.
. tests/lib/engines.sh

# _netns NAME: a network namespace with lo up, and dnsmasq in it; both go
# when the test ends.
_netns() {
	DNS_NS=$1
	ip netns add "$DNS_NS" || { fail "ip netns add"; return 1; }
	# shellcheck disable=SC2064
	trap "kill \$DNSMASQ_PID 2>/dev/null; wait \$DNSMASQ_PID 2>/dev/null; ip netns del $DNS_NS" EXIT
	ip -n "$DNS_NS" link set lo up
	DNS_NETNS=$(stat -L -c %i "/run/netns/$DNS_NS")
	_dnsmasq "/run/netns/$DNS_NS"
}

_in_ns() { nsenter --net="/run/netns/$DNS_NS" "$@"; }

# _one FILTER WHAT: exactly one JSON event matching FILTER, in $ev.
_one() {
	ev=$(json_select "$TMP/out" "$1")
	[ -n "$ev" ] || { fail "no $2 event in: $(head -c 3000 "$TMP/out")"; return 1; }
	[ "$(wc -l <<<"$ev")" = 1 ] || fail "more than one $2 event: $ev"
}

_field() { jq -r "$1" <<<"$ev"; }

# ---- from a container ----------------------------------------------------------

# nslookup in a container (network: none, lo only), dnsmasq in its network
# namespace; ig started before the container must attach there by itself.
test_dns_container_nslookup_paired() {
	local n=igdns-ct-$$ pid id
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	ig_start "$TMP/out" run trace_dns -c "$n" -o json || return 1
	docker rm -f "$n" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "kill \$DNSMASQ_PID 2>/dev/null; docker rm -f $n >/dev/null 2>&1" EXIT
	docker run -d --network none --name "$n" busybox sleep 3600 >/dev/null || { fail "docker run"; return 1; }
	pid=$(docker inspect -f '{{.State.Pid}}' "$n")
	_dnsmasq "/proc/$pid/ns/net" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $(stat -L -c %i "/proc/$pid/ns/net")\$" || return 1
	docker exec "$n" nslookup foo.test 127.0.0.1 >"$TMP/ns.out" 2>&1
	assert_contains "$(cat "$TMP/ns.out")" "10.1.2.3" "nslookup's answer" || return 1
	wait_for_line "$TMP/out" '"qr":"R".*"qtype":"AAAA"' || return 1
	ig_stop
	_one '.qr == "R" and .qtype == "A" and .name == "foo.test"' "A response" || return 1
	id=$(_field .id)
	assert_eq nslookup "$(_field .proc.comm)" "response comm" &&
	assert_eq "$n" "$(_field .runtime.containerName)" "response container" &&
	assert_eq Success "$(_field .rcode)" "rcode" &&
	assert_eq 10.1.2.3 "$(_field .addresses)" "A addresses" &&
	assert_eq "127.0.0.1:53" "$(_field .src.endpoint)" "response SRC" &&
	assert_eq UDP "$(_field .src.proto)" "proto" || return 1
	[ "$(_field .latency_ns_raw)" -gt 0 ] || { fail "no latency: $ev"; return 1; }
	_one ".qr == \"Q\" and .qtype == \"A\" and .id == \"$id\"" "A query" || return 1
	assert_eq nslookup "$(_field .proc.comm)" "query comm" &&
	assert_eq "127.0.0.1:53" "$(_field .dst.endpoint)" "query DST" || return 1
	_one '.qr == "R" and .qtype == "AAAA"' "AAAA response" || return 1
	assert_eq fd00::5 "$(_field .addresses)" "AAAA addresses"
	# Every row is the container's: by its process (nslookup), or by its
	# network namespace (dnsmasq runs in the host's mount namespace).
	[ -z "$(json_select "$TMP/out" ".runtime.containerName != \"$n\"")" ] ||
		fail "a row of another container passed -c: $(json_select "$TMP/out" ".runtime.containerName != \"$n\"")"
	assert_eq 0 "$(json_count "$TMP/out" '.netns_shared')" "netns_shared (one container in the namespace)" &&
	assert_eq 0 "$(json_count "$TMP/out" ".netns_containers != \"$n\"")" "netns_containers"
}

# _one_in FILE FILTER WHAT: exactly one JSON event of FILE matching FILTER,
# in $ev.
_one_in() {
	ev=$(json_select "$1" "$2")
	if [ -z "$ev" ] || [ "$(wc -l <<<"$ev")" != 1 ]; then
		fail "not one $3 in $1: $(head -c 3000 "$1")"
	fi
}

# _ig_wait_ns OUT NETNS: ig's filter is attached in that namespace.
_ig_wait_ns() { wait_for_line "$1.err" "packet filter attached in network namespace $2\$"; }

# Two containers in one network namespace (docker run --network
# container:X, as a pod's), dnsmasq in it. A query from the second is its
# own, by its process, and says the namespace is shared; a host process
# entered into the namespace (nsenter --net) is named by the namespace:
# both containers, shown with -c of either.
test_dns_shared_netns() {
	local a=igdns-pa-$$ b=igdns-pb-$$ pid netns ig_a both
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	docker rm -f "$b" "$a" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "kill \$DNSMASQ_PID 2>/dev/null; docker rm -f $b $a >/dev/null 2>&1" EXIT
	if ! docker run -d --network none --name "$a" busybox sleep 3600 >/dev/null ||
		! docker run -d --network "container:$a" --name "$b" busybox sleep 3600 >/dev/null; then
		fail "docker run"; return 1
	fi
	pid=$(docker inspect -f '{{.State.Pid}}' "$a")
	netns=$(stat -L -c %i "/proc/$pid/ns/net")
	_dnsmasq "/proc/$pid/ns/net" || return 1
	ig_start "$TMP/outa" run trace_dns -c "$a" -o json || return 1
	ig_a=$IG_PID
	ig_start "$TMP/outb" run trace_dns -c "$b" -o json || return 1
	_ig_wait_ns "$TMP/outa" "$netns" && _ig_wait_ns "$TMP/outb" "$netns" || return 1
	docker exec "$b" nslookup foo.test 127.0.0.1 >"$TMP/ns.out" 2>&1
	assert_contains "$(cat "$TMP/ns.out")" "10.1.2.3" "nslookup's answer in $b" || return 1
	nsenter --net="/proc/$pid/ns/net" busybox nslookup a.nx.test 127.0.0.1 >/dev/null 2>&1
	wait_for_line "$TMP/outb" '"rcode":"NameError"' && wait_for_line "$TMP/outa" '"rcode":"NameError"' &&
		wait_for_line "$TMP/outb" '"name":"foo.test".*"qr":"R"|"qr":"R".*"name":"foo.test"' || return 1
	kill -INT "$ig_a"; wait "$ig_a"
	ig_stop
	both="(.netns_containers | split(\",\") | sort) == ([\"$a\", \"$b\"] | sort)"
	# b's query, by its process: b's, in a namespace shared with a.
	_one_in "$TMP/outb" '.name == "foo.test" and .qr == "Q" and .qtype == "A"' "foo.test query" || return 1
	assert_eq "$b" "$(_field .runtime.containerName)" "container of b's query" &&
	assert_eq nslookup "$(_field .proc.comm)" "comm" &&
	assert_eq "$netns" "$(_field .netns_id)" "netns_id" &&
	assert_eq true "$(_field .netns_shared)" "netns_shared" &&
	assert_eq true "$(_field "$both")" "netns_containers: $ev" || return 1
	# -c a: b's queries are not a's.
	assert_eq 0 "$(json_count "$TMP/outa" '.name == "foo.test"')" "b's query with -c $a" || return 1
	# The host process in the namespace: both containers, with -c of either.
	for out in "$TMP/outa" "$TMP/outb"; do
		_one_in "$out" '.name == "a.nx.test" and .qr == "R" and .qtype == "A"' "a.nx.test response" || return 1
		assert_eq busybox "$(_field .proc.comm)" "comm of the host's query" &&
		assert_eq true "$(_field .netns_shared)" "netns_shared (host process)" &&
		assert_eq true "$(_field "(.runtime.containerName | split(\",\") | sort) == ([\"$a\", \"$b\"] | sort)")" \
			"containerName names both: $ev" || return 1
	done
}

# ---- from the host, in a namespace the test made --------------------------------

# A veth pair between two namespaces, made after ig has tapped both (each
# has a process, and only lo then): the next rescan taps the new
# interfaces. The query leaves the client's namespace (OUTGOING) and
# arrives in the server's (HOST); on lo, each packet is one event.
test_dns_interface_added_later() {
	local s=igdns-vs-$$ c=igdns-vc-$$ sino cino soft hard
	DNS_SLEEPS=""
	ip netns add "$s" && ip netns add "$c" || { fail "ip netns add"; return 1; }
	# shellcheck disable=SC2064
	trap "kill \$DNSMASQ_PID \$DNS_SLEEPS 2>/dev/null; wait \$DNSMASQ_PID \$DNS_SLEEPS 2>/dev/null; ip netns del $s; ip netns del $c" EXIT
	sino=$(stat -L -c %i "/run/netns/$s")
	cino=$(stat -L -c %i "/run/netns/$c")
	# A process in each: ig finds namespaces by their processes.
	ip netns exec "$s" sleep 600 & DNS_SLEEPS="$DNS_SLEEPS $!"
	ip netns exec "$c" sleep 600 & DNS_SLEEPS="$DNS_SLEEPS $!"
	ulimit -Sn 512   # below the hard limit, which ig must take
	ig_start "$TMP/out" run trace_dns --host -o json || return 1
	# A socket per interface: ig takes its hard limit of descriptors.
	read -r soft hard < <(awk '/^Max open files/ { print $4, $5 }' "/proc/$IG_PID/limits")
	assert_eq "$hard" "$soft" "ig's soft limit of open files" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $sino\$" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $cino\$" || return 1
	ip link add "igvs$$" netns "$s" type veth peer name "igvc$$" netns "$c" || { fail "ip link add"; return 1; }
	ip -n "$s" addr add 10.201.0.1/30 dev "igvs$$" && ip -n "$s" link set "igvs$$" up &&
		ip -n "$c" addr add 10.201.0.2/30 dev "igvc$$" && ip -n "$c" link set "igvc$$" up &&
		ip -n "$s" link set lo up && ip -n "$c" link set lo up || { fail "veth setup"; return 1; }
	_dnsmasq "/run/netns/$s" 10.201.0.1 || return 1
	wait_for_line "$TMP/out.err" "packet filter on interface igvs$$ in network namespace $sino\$" || return 1
	wait_for_line "$TMP/out.err" "packet filter on interface igvc$$ in network namespace $cino\$" || return 1
	ip netns exec "$c" busybox nslookup foo.test 10.201.0.1 >/dev/null 2>&1
	wait_json "$TMP/out" ".netns_id == $sino and .qr == \"R\" and .name == \"foo.test\"" >/dev/null || return 1
	# To its own address, in the server's namespace: that is loopback.
	ip netns exec "$s" busybox nslookup lo.nx.test 10.201.0.1 >/dev/null 2>&1
	wait_json "$TMP/out" ".name == \"lo.nx.test\" and .qr == \"R\"" >/dev/null || return 1
	ig_stop
	_one ".netns_id == $cino and .qr == \"Q\" and .name == \"foo.test\" and .qtype == \"A\"" \
		"client-side query" || return 1
	assert_eq OUTGOING "$(_field .pkt_type)" "the query in the client's namespace" || return 1
	_one ".netns_id == $sino and .qr == \"Q\" and .name == \"foo.test\" and .qtype == \"A\"" \
		"server-side query" || return 1
	assert_eq HOST "$(_field .pkt_type)" "the query in the server's namespace" || return 1
	# Once, not once leaving and once arriving.
	_one ".qr == \"Q\" and .name == \"lo.nx.test\" and .qtype == \"A\"" "loopback query" || return 1
	assert_eq OUTGOING "$(_field .pkt_type)" "a query on loopback" || return 1
}

test_dns_host_nxdomain_and_columns() {
	_netns "igdns-nx-$$" || return 1
	ig_start "$TMP/out" run trace_dns --host -F "netns_id==$DNS_NETNS" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $DNS_NETNS\$" || return 1
	_in_ns busybox nslookup a.nx.test 127.0.0.1 >/dev/null 2>&1
	wait_for_line "$TMP/out" 'NameError' || return 1
	ig_stop
	head -1 "$TMP/out" | grep -Eq '^RUNTIME.CONTAINERNAME +SRC +DST +COMM +PID +QR +QTYPE +NAME +RCODE +LATENCY +ADDRESSES$' ||
		{ fail "header: $(head -1 "$TMP/out")"; return 1; }
	grep -Eq '127.0.0.1:53 +127.0.0.1:[0-9]+ +busybox +[0-9]+ +R +A +a\.nx\.test +NameError +[0-9.]+(µs|ms)' "$TMP/out" ||
		fail "no NameError response row: $(cat "$TMP/out")"
}

# A query to an address where nothing listens gets no response: reported
# once --query-timeout has passed (Inspektor Gadget issue #4579).
test_dns_unanswered_query_times_out() {
	_netns "igdns-to-$$" || return 1
	ig_start "$TMP/out" run trace_dns --host -o json --query-timeout 0.5 -F "netns_id==$DNS_NETNS" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $DNS_NETNS\$" || return 1
	_in_ns busybox nslookup nobody.test 127.0.0.2 >/dev/null 2>&1
	wait_for_line "$TMP/out" '"timeout":true' || return 1
	ig_stop
	_one '.timeout == true' timeout || return 1
	assert_eq nobody.test "$(_field .name)" "name" &&
	assert_eq Timeout "$(_field .rcode)" "rcode" &&
	assert_eq Q "$(_field .qr)" "qr" &&
	assert_eq 500000000 "$(_field .latency_ns_raw)" "latency is the timeout" &&
	assert_eq busybox "$(_field .proc.comm)" "comm" &&
	assert_eq "127.0.0.2:53" "$(_field .dst.endpoint)" "DST" || return 1
	[ -n "$(json_select "$TMP/out" '.timeout == false and .name == "nobody.test" and .qr == "Q"')" ] ||
		fail "the query itself was not shown"
}

# DNS over TCP: the message after its 2-byte length, both ways.
test_dns_tcp_query_and_response() {
	_netns "igdns-tcp-$$" || return 1
	ig_start "$TMP/out" run trace_dns --host -o json -F "netns_id==$DNS_NETNS" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $DNS_NETNS\$" || return 1
	_in_ns python3 -c '
import socket, struct
q = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0) + b"\x03foo\x04test\x00" + struct.pack(">HH", 1, 1)
s = socket.create_connection(("127.0.0.1", 53))
s.sendall(struct.pack(">H", len(q)) + q)
print(len(s.recv(600)))' >/dev/null || { fail "the TCP query failed"; return 1; }
	wait_for_line "$TMP/out" '"qr":"R".*"src":{[^}]*"proto":"TCP"' || return 1
	ig_stop
	_one '.src.proto == "TCP" and .qr == "R"' "TCP response" || return 1
	assert_eq 4242 "$(_field .id)" "id" &&
	assert_eq 10.1.2.3 "$(_field .addresses)" "addresses" &&
	assert_eq python3 "$(_field .proc.comm)" "comm (from connect())" || return 1
	[ "$(_field .latency_ns_raw)" -gt 0 ] || fail "no latency: $ev"
}

# A name with a dot, a backslash, an escape byte and a newline inside its
# labels: shown in DNS presentation form, nothing raw in JSON or columns.
test_dns_hostile_name_escaped() {
	local q
	_netns "igdns-evil-$$" || return 1
	ig_start "$TMP/out" run trace_dns --host -o json -F "netns_id==$DNS_NETNS" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $DNS_NETNS\$" || return 1
	q='import socket, struct
name = b"\x0aa.b\\\x1b[31m\n" + b"\x04test\x00"
q = struct.pack(">HHHHHH", 0x0bad, 0x0100, 1, 0, 0, 0) + name + struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(q, ("127.0.0.1", 53))
s.recv(600)'
	_in_ns python3 -c "$q" || { fail "no answer to the hostile query"; return 1; }
	wait_for_line "$TMP/out" '"qr":"R"' || return 1
	ig_stop
	_one '.qr == "Q"' "hostile query" || return 1
	assert_eq 'a\.b\\\027[31m\010.test' "$(_field .name)" "escaped name" || return 1
	if LC_ALL=C grep -q $'\x1b' "$TMP/out"; then fail "a raw ESC reached the output"; fi
}

# ---- where a packet's process comes from ---------------------------------------

# _owners_q ID NAME: a UDP query for NAME with ID sent by python3 with
# sendto() (no connect), answered by dnsmasq.
_owners_q() {
	_in_ns python3 -c "
import socket, struct
q = struct.pack('>HHHHHH', 0x$1, 0x0100, 1, 0, 0, 0) + b'\x03$2\x04test\x00' + struct.pack('>HH', 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(q, ('127.0.0.1', 53))
s.recv(600)" || fail "no answer to python3's sendto() query"
}

# Where cgroup v2 is mounted, the cgroup hooks name the process: glibc's
# resolver (connect() then sendto() with no address on a UDP socket, getent through
# /etc/netns/NAME/resolv.conf) and a sendto() without connect(); the hooks
# let the traffic through and go when ig stops.
test_dns_owner_cgroup_hooks() {
	local root
	root=$(findmnt -n -t cgroup2 -o TARGET | head -1)
	_netns "igdns-cg-$$" || return 1
	if [ -z "$root" ] || [ "$(stat -c %i "$root")" != 1 ]; then
		# No cgroup v2 root here: ig must say it uses the tracepoints.
		ig_start "$TMP/out" run trace_dns --host -o json || return 1
		assert_contains "$(cat "$TMP/out.err")" "packet owners from the syscall tracepoints" "mode"
		return
	fi
	mkdir -p "/etc/netns/$DNS_NS"
	echo "nameserver 127.0.0.1" >"/etc/netns/$DNS_NS/resolv.conf"
	# shellcheck disable=SC2064
	trap "kill \$DNSMASQ_PID 2>/dev/null; wait \$DNSMASQ_PID 2>/dev/null; ip netns del $DNS_NS; rm -rf /etc/netns/$DNS_NS" EXIT
	ig_start "$TMP/out" run trace_dns --host -o json -F "netns_id==$DNS_NETNS" || return 1
	assert_contains "$(cat "$TMP/out.err")" "packet owners from cgroup hooks on the root cgroup" "mode" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $DNS_NETNS\$" || return 1
	ip netns exec "$DNS_NS" getent hosts foo.test | grep -Eq '^(10\.1\.2\.3|fd00::5) +foo\.test$' ||
		{ fail "getent hosts foo.test: no answer"; return 1; }
	_owners_q 4343 foo || return 1
	wait_for_line "$TMP/out" '"id":"4343".*"qr":"R"' || return 1
	ig_stop
	# getent asks for AAAA (and A, when AAAA has none): every query is its.
	ev=$(json_select "$TMP/out" '.qr == "Q" and .name == "foo.test" and .id != "4343"')
	[ -n "$ev" ] || { fail "no getent query in: $(head -c 3000 "$TMP/out")"; return 1; }
	assert_eq getent "$(jq -r .proc.comm <<<"$ev" | sort -u)" "getent's queries' comm" || return 1
	_one '.id == "4343" and .qr == "Q"' "python3's query" || return 1
	assert_eq python3 "$(_field .proc.comm)" "sendto() query comm" || return 1
	_one '.id == "4343" and .qr == "R"' "python3's response" || return 1
	assert_eq python3 "$(_field .proc.comm)" "response comm" || return 1
	if bpftool cgroup show "$root" 2>/dev/null | grep -q ig_dns_cg; then
		fail "cgroup hooks left attached: $(bpftool cgroup show "$root")"
	fi
}

# IG_DNS_FALLBACK: the syscall tracepoints (where there is no cgroup v2),
# for sendto() and for connect() (TCP).
test_dns_owner_fallback_tracepoints() {
	_netns "igdns-fb-$$" || return 1
	IG_DNS_FALLBACK=1 ig_start "$TMP/out" run trace_dns --host -o json -F "netns_id==$DNS_NETNS" || return 1
	assert_contains "$(cat "$TMP/out.err")" "packet owners from the syscall tracepoints" "mode" || return 1
	wait_for_line "$TMP/out.err" "packet filter attached in network namespace $DNS_NETNS\$" || return 1
	_owners_q 4444 foo || return 1
	_in_ns python3 -c '
import socket, struct
q = struct.pack(">HHHHHH", 0x4545, 0x0100, 1, 0, 0, 0) + b"\x03foo\x04test\x00" + struct.pack(">HH", 1, 1)
s = socket.create_connection(("127.0.0.1", 53))
s.sendall(struct.pack(">H", len(q)) + q)
s.recv(600)' || { fail "the TCP query failed"; return 1; }
	wait_for_line "$TMP/out" '"id":"4545".*"qr":"R"' || return 1
	ig_stop
	_one '.id == "4444" and .qr == "Q"' "sendto() query" || return 1
	assert_eq python3 "$(_field .proc.comm)" "sendto() query comm" || return 1
	_one '.id == "4545" and .qr == "Q"' "TCP query" || return 1
	assert_eq python3 "$(_field .proc.comm)" "TCP query comm" || return 1
}
