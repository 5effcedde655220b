# shellcheck shell=bash
# top_tcp's readings of TCP's sequence numbers (include/top_tcp.h): many
# loopback connections send and receive known byte counts across many
# intervals, half of them close midway and new ones open (their sockets may
# take the closed ones' addresses); every connection's counts, summed over
# the intervals, must be exact on both ends (the FINs not counted).
# (test_net.sh has the container and --sort/--max-entries tests.)

# The workload: prints {"listen": PORT, "want": {CLIENT_PORT: [client
# sent, client received]}} once it is done.
_tt_workload() {
	python3 - <<'PY'
import json, socket, sys, time
N = 24
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(64)
want = {}
def pair():
    c = socket.create_connection(ls.getsockname()); a, _ = ls.accept()
    port = c.getsockname()[1]
    want[port] = [0, 0]
    return [c, a, port]
def xfer(src, dst, n):
    src.sendall(b"z" * n)
    got = 0
    while got < n:
        got += len(dst.recv(n - got))
conns = [pair() for _ in range(N)]
for r in range(160):
    if r == 80:   # close every other one, open as many new
        for p in conns[1::2]:
            p[0].close(); p[1].close()
        conns = conns[0::2] + [pair() for _ in range(N // 2)]
    for i, (c, a, port) in enumerate(conns):
        n = 1 + (i + r) % 7
        xfer(c, a, n); want[port][0] += n
        if r % 3 == 0:
            xfer(a, c, 2); want[port][1] += 2
    time.sleep(0.01)   # pacing: the run spans many 0.1 s intervals
json.dump({"listen": ls.getsockname()[1], "want": want}, sys.stdout)
PY
}

# _tt_check WANT OUT: "ok INTERVALS", or the connections whose counts
# differ; INTERVALS: the arrays that have the workload's rows.
_tt_check() {
	python3 - "$1" "$2" <<'PY'
import json, sys
exp = json.load(open(sys.argv[1]))
lport, got, intervals = exp["listen"], {}, 0
for line in open(sys.argv[2]):
    ours = False
    for r in json.loads(line):
        s, d = r["src"]["port"], r["dst"]["port"]
        if d == lport:
            key = (str(s), "client")
        elif s == lport:
            key = (str(d), "server")
        else:
            continue
        ours = True
        g = got.setdefault(key, [0, 0])
        g[0] += r["sent"]; g[1] += r["received"]
    intervals += ours
bad = []
for port, (sent, recvd) in exp["want"].items():
    for side, w in (("client", [sent, recvd]), ("server", [recvd, sent])):
        g = got.get((port, side), [0, 0])
        if g != w:
            bad.append(f"{side} of :{port}: sent/received {g}, want {w}")
print("\n".join(bad) if bad else f"ok {intervals}")
PY
}

_top_tcp_exact() {
	local res i
	ig_start "$TMP/out" run top_tcp --host --comm python3 --interval 0.1 --max-entries 0 -o json || return 1
	_tt_workload >"$TMP/want" || { ig_stop; fail "workload"; return 1; }
	for i in $(seq 1 40); do   # ig prints the last interval within 0.1 s
		res=$(_tt_check "$TMP/want" "$TMP/out")
		[ "${res%% *}" = ok ] && break
		sleep 0.1
	done
	ig_stop
	res=$(_tt_check "$TMP/want" "$TMP/out")
	[ "${res%% *}" = ok ] || { fail "counts differ: $(head -5 <<<"$res")"; return 1; }
	# The run spans ~2 s: the counts crossed many swaps.
	[ "${res#ok }" -ge 8 ] || fail "rows in only ${res#ok } intervals"
}

test_top_tcp_exact_across_intervals() {
	_top_tcp_exact
}

# A connection established before ig started: the walk at start adopts it
# (both ends, the owner the process holding it) and counts it from then on.
# The workload writes its ports, waits for $TMP/go, moves known bytes,
# writes "done", and holds the connection until $TMP/stop.
test_top_tcp_connection_older_than_ig() {
	local ports got
	python3 - "$TMP" <<'PY' &
import os, socket, sys, time
tmp = sys.argv[1]
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen()
c = socket.create_connection(ls.getsockname()); a, _ = ls.accept()
c.sendall(b"before ig" * 100); a.recv(4096)   # not to be counted
open(f"{tmp}/ports", "w").write(f"{c.getsockname()[1]} {ls.getsockname()[1]}\n")
while not os.path.exists(f"{tmp}/go"):
    time.sleep(0.02)
c.sendall(b"q" * 3000)
assert len(a.recv(3000, socket.MSG_WAITALL)) == 3000
a.sendall(b"r" * 700)
assert len(c.recv(700, socket.MSG_WAITALL)) == 700
open(f"{tmp}/done", "w").write("done\n")
while not os.path.exists(f"{tmp}/stop"):
    time.sleep(0.02)
PY
	wait_until 10 test -s "$TMP/ports" || { touch "$TMP/go" "$TMP/stop"; fail "workload"; return 1; }
	read -r cport lport <"$TMP/ports"
	ig_start "$TMP/out" run top_tcp --host --comm python3 --interval 0.1 --max-entries 0 -o json ||
		{ touch "$TMP/go" "$TMP/stop"; return 1; }
	touch "$TMP/go"
	wait_until 10 test -s "$TMP/done"
	wait_until 5 sh -c "[ \"\$(jq -s '[.[][] | select(.src.port == $lport) | .received] | add // 0' '$TMP/out')\" -ge 3000 ]"
	ig_stop
	touch "$TMP/stop"
	wait
	got=$(jq -s -c "[.[][]] as \$r | [($cport, $lport) as \$p | (\$r | map(select(.src.port == \$p))
		| (map(.sent) | add // 0), (map(.received) | add // 0))]" "$TMP/out")
	assert_eq "[3000,700,700,3000]" "$got" "client sent/received, server sent/received" &&
	assert_eq python3 "$(jq -r ".[] | select(.src.port == $lport) | .proc.comm" "$TMP/out" | head -1)" "server's owner"
}

# A connection its process closed while TCP still finishes it: the server
# closes first and its socket waits in FIN_WAIT2, held by nobody, so no walk
# reads it, for several intervals, until the client closes. Its last
# numbers then count from what was shown, not from its base again.
test_top_tcp_close_seen_after_the_fd_is_gone() {
	local lport n got
	python3 - "$TMP" <<'PY' &
import os, socket, sys, time
tmp = sys.argv[1]
def wait_for(name):
    while not os.path.exists(f"{tmp}/{name}"):
        time.sleep(0.02)
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen()
open(f"{tmp}/port", "w").write(f"{ls.getsockname()[1]}\n")
wait_for("go")
c = socket.create_connection(ls.getsockname()); a, _ = ls.accept()
a.sendall(b"s" * 100)
assert len(c.recv(100, socket.MSG_WAITALL)) == 100
open(f"{tmp}/shown", "w").write("")
wait_for("close-server")
a.close()   # FIN_WAIT2 until the client closes
open(f"{tmp}/server-closed", "w").write("")
wait_for("close-client")
c.close()
open(f"{tmp}/done", "w").write("")
wait_for("stop")
PY
	wait_until 10 test -s "$TMP/port" || { touch "$TMP/go" "$TMP/close-server" "$TMP/close-client" "$TMP/stop"; fail "workload"; return 1; }
	read -r lport <"$TMP/port"
	ig_start "$TMP/out" run top_tcp --host --comm python3 --interval 0.1 --max-entries 0 -o json ||
		{ touch "$TMP/go" "$TMP/close-server" "$TMP/close-client" "$TMP/stop"; return 1; }
	touch "$TMP/go"
	wait_until 10 test -e "$TMP/shown"
	# The 100 bytes shown, then the server's fd closed for 5 more intervals.
	wait_until 5 sh -c "jq -s '[.[][] | select(.src.port == $lport) | .sent] | add // 0' '$TMP/out' | grep -qx 100"
	touch "$TMP/close-server"
	wait_until 10 test -e "$TMP/server-closed"
	n=$(wc -l <"$TMP/out")
	wait_until 5 sh -c "[ \$(wc -l <'$TMP/out') -ge $((n + 5)) ]"
	touch "$TMP/close-client"
	wait_until 10 test -e "$TMP/done"
	n=$(wc -l <"$TMP/out")
	wait_until 5 sh -c "[ \$(wc -l <'$TMP/out') -ge $((n + 3)) ]"
	ig_stop
	touch "$TMP/stop"
	wait
	got=$(jq -s -c "[.[][]] as \$r | [(\$r | map(select(.src.port == $lport) | .sent) | add),
		(\$r | map(select(.dst.port == $lport) | .received) | add)]" "$TMP/out")
	assert_eq "[100,100]" "$got" "server sent, client received"
}
