# shellcheck shell=bash
# The traceloop daemon under attack and load (issue 17, items 1, 6, 7, 8 and
# the traceloop side of 11): where its socket may live, clients that do not
# read or do not write, a trace too large for one answer, requests that must
# be refused before anything is done, and stopping with a stalled reader.
. tests/lib/engines.sh

tld_engines() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

tld_ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# tld_wait_exit PID MS: wait up to MS for PID to end; its exit code in RC.
tld_wait_exit() {
	local i
	for i in $(seq 1 $(($2 / 20))); do
		kill -0 "$1" 2>/dev/null || { wait "$1"; RC=$?; return 0; }
		sleep 0.02
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 1
}

# tld_vmhwm PID: the peak resident memory of PID, in kB.
tld_vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

# tld_clients SOCK N: open N connections that send nothing; print "ready",
# then, as the daemon closes them, one line each: seconds until closed and
# what the daemon said (the first error frame's text, or "-").
tld_clients() {
	python3 - "$1" "$2" <<-'EOF'
	import socket, sys, time, select
	path, n = sys.argv[1], int(sys.argv[2])
	conns = []
	for _ in range(n):
	    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	    s.connect(path)
	    conns.append([s, b""])
	print("ready", flush=True)
	start, left = time.time(), {c[0].fileno(): c for c in conns}
	while left and time.time() - start < 30:
	    r, _, _ = select.select([c[0] for c in left.values()], [], [], 1)
	    for s in r:
	        c = left[s.fileno()]
	        data = s.recv(4096)
	        c[1] += data
	        if not data:
	            said = c[1][5:].split(b"\n")[0].decode(errors="replace") if c[1][:1] == b"e" else "-"
	            print("%.1f %s" % (time.time() - start, said), flush=True)
	            del left[s.fileno()]
	print("open %d" % len(left), flush=True)
	EOF
}

# Item 1: an existing directory is checked, never changed; an unsafe one is
# refused with one line, before anything is loaded.
test_tl_daemon_socket_dir_is_checked_not_changed() {
	local rc lines
	mkdir -m 1777 "$TMP/x"
	timeout 10 "$IG" daemon --socket "$TMP/x/ig.sock" >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 1 "$rc" "exit code for a 1777 directory" &&
	assert_eq 1777 "$(stat -c %a "$TMP/x")" "the 1777 directory's mode" &&
	assert_contains "$(cat "$TMP/err")" "$TMP/x is writable by group or others" "message" || return 1
	lines=$(wc -l <"$TMP/err")
	assert_eq 1 "$lines" "lines on stderr" || return 1
	# A relative path is the current directory's.
	(cd "$TMP/x" && timeout 10 "$IG" daemon --socket ig.sock >/dev/null 2>"$TMP/err"); rc=$?
	assert_eq 1 "$rc" "exit code for a relative path in it" &&
	assert_eq 1777 "$(stat -c %a "$TMP/x")" "mode after a relative path" || return 1
	[ ! -e "$TMP/x/ig.sock" ] || fail "a socket was made in the unsafe directory" || return 1
	# Not root's: refused too.
	mkdir -m 700 "$TMP/y" && chown 65534:65534 "$TMP/y"
	timeout 10 "$IG" daemon --socket "$TMP/y/ig.sock" >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 1 "$rc" "exit code for a directory of nobody" &&
	assert_contains "$(cat "$TMP/err")" "is not owned by root" "message for nobody's" || return 1
	# Something that is not a socket is never removed to make room.
	mkdir -m 700 "$TMP/safe" && echo keep >"$TMP/safe/file"
	timeout 10 "$IG" daemon --socket "$TMP/safe/file" >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 1 "$rc" "exit code for a file at the path" &&
	assert_eq keep "$(cat "$TMP/safe/file")" "the file is left alone" &&
	assert_contains "$(cat "$TMP/err")" "is not a socket" "message for a file"
}

# Items 6 and 8: idle clients cost a slot each, never the loop's time; past
# the cap, clients are told so; idle ones are dropped after --client-timeout;
# a request is checked in full before anything is done.
test_tl_daemon_idle_clients_do_not_stall_it() {
	command -v python3 >/dev/null || { fail "python3 is needed"; return 1; }
	local sock="$TMP/run/ig.sock" start ms rc out
	ig_start "$TMP/daemon" daemon --socket "$sock" --client-timeout 3 -c "no-such-$RANDOM" || return 1
	# 20 idle clients: a list is answered while they idle. Were they served
	# one at a time, the list would wait out their 3 s timeouts (60 s), far
	# past the 10 s it is given; how fast it answers is a bench matter.
	tld_clients "$sock" 20 >"$TMP/idle20" &
	local idle=$!
	wait_until 5 grep -q ready "$TMP/idle20" || { kill "$idle"; ig_stop; fail "the 20 idle clients did not connect"; return 1; }
	start=$(date +%s%N)
	timeout 10 "$IG" traceloop list --socket "$sock" >"$TMP/list" 2>"$TMP/err"; rc=$?
	ms=$(tld_ms_since "$start")
	echo "    list with 20 idle clients: $ms ms" >&2
	assert_eq 0 "$rc" "list with 20 idle clients (timeout 10 s)" || { ig_stop; return 1; }
	assert_contains "$(cat "$TMP/list")" "STATE" "list header" || { ig_stop; return 1; }
	# Requests are checked before they act: no directory for a refused show.
	"$IG" traceloop show 1 -o "asciicast=$TMP/castdir" --socket "$sock" >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 2 "$rc" "show -o asciicast exit code" &&
	assert_contains "$(cat "$TMP/err")" "traceloop prints columns, json" "show -o asciicast message" ||
		{ ig_stop; return 1; }
	[ ! -e "$TMP/castdir" ] || { ig_stop; fail "a refused request created its asciicast directory"; return 1; }
	"$IG" traceloop show 1 -o json --socket "$sock" >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 1 "$rc" "show of no trace" || { ig_stop; return 1; }
	wait "$idle"   # the 20: dropped after --client-timeout
	assert_eq "open 0" "$(tail -1 "$TMP/idle20")" "idle clients dropped" || { ig_stop; return 1; }
	# 40 at once: past the cap of 32, the rest are told so right away.
	tld_clients "$sock" 40 >"$TMP/idle40"
	out=$(cat "$TMP/idle40")
	assert_eq 8 "$(grep -c "too many clients" <<<"$out")" "clients turned away" &&
	assert_eq 32 "$(grep -Ec '^[0-9.]+ -$' <<<"$out")" "idle clients dropped silently" ||
		{ ig_stop; return 1; }
	timeout 10 "$IG" traceloop list --socket "$sock" >/dev/null 2>"$TMP/err"; rc=$?
	ig_stop
	assert_eq 0 "$rc" "list once the idle clients are gone" &&
	assert_contains "$(cat "$TMP/daemon.err")" "dropping a client that sent nothing for 3 s" "the daemon says why"
}

# Item 8 without a daemon: ig run traceloop refuses -o asciicast=DIR before
# it makes DIR.
test_tl_run_refused_output_makes_no_directory() {
	local rc
	"$IG" run traceloop -o "asciicast=$TMP/cast" -t 1 >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 2 "$rc" "exit code" &&
	assert_contains "$(cat "$TMP/err")" "traceloop prints columns" "message" || return 1
	[ ! -e "$TMP/cast" ] || fail "the refused run created $TMP/cast"
}

# Item 7: a 64 MiB buffer (262144 records) in JSON and YAML, sent in
# pieces: everything arrives, and the daemon's peak memory grows by the
# snapshot of the trace, not by the size of the answer. A client that stops
# reading meanwhile holds up nothing, and the daemon still stops at once.
test_tl_daemon_large_show_streams() {
	tld_engines || return 1
	local name="ig-tld-big-$RANDOM" sock="$TMP/run/ig.sock" recs hwm0 hwm1 size rows docs rc start ms
	ig_start "$TMP/daemon" daemon --socket "$sock" --buffer-size 64M -c "$name" || return 1
	docker run --name "$name" busybox dd if=/dev/zero of=/dev/null bs=1 count=300000 >/dev/null 2>&1
	docker rm "$name" >/dev/null
	for _ in $(seq 1 100); do
		recs=$("$IG" traceloop list --socket "$sock" -o json | jq -r "select(.runtime.containerName == \"$name\") | .records")
		[ "${recs:-0}" -ge 262144 ] && break
		sleep 0.1
	done
	[ "${recs:-0}" -ge 262144 ] || { ig_stop; fail "the buffer did not fill: ${recs:-no} records"; return 1; }
	hwm0=$(tld_vmhwm "$IG_PID")
	"$IG" traceloop show "$name" --socket "$sock" -o json >"$TMP/show.json" 2>"$TMP/err"; rc=$?
	hwm1=$(tld_vmhwm "$IG_PID")
	assert_eq 0 "$rc" "show -o json exit code ($(head -c 300 "$TMP/err"))" || { ig_stop; return 1; }
	size=$(stat -c %s "$TMP/show.json")
	rows=$(grep -c '"syscall":' "$TMP/show.json")
	[ "$rows" -ge 130000 ] || { ig_stop; fail "only $rows syscalls in $size bytes of JSON"; return 1; }
	tail -1 "$TMP/show.json" | jq -e .syscall >/dev/null || { ig_stop; fail "the last line is not a syscall"; return 1; }
	echo "    json: $size bytes, $rows syscalls; daemon VmHWM $hwm0 -> $hwm1 kB" >&2
	# The copy of the trace (64 MiB) and its index may be held (measured:
	# +74 MB), not the answer, which alone is more than the bound.
	[ "$size" -gt $((96 << 20)) ] || { ig_stop; fail "a $size-byte answer is too small to tell"; return 1; }
	[ $((hwm1 - hwm0)) -lt $((96 << 10)) ] ||
		{ ig_stop; fail "the daemon grew by $((hwm1 - hwm0)) kB for a $size-byte answer"; return 1; }
	"$IG" traceloop show "$name" --socket "$sock" -o yaml >"$TMP/show.yaml" 2>"$TMP/err"; rc=$?
	docs=$(grep -c '^---$' "$TMP/show.yaml")
	assert_eq 0 "$rc" "show -o yaml exit code" || { ig_stop; return 1; }
	[ "$docs" -ge 130000 ] || { ig_stop; fail "only $docs YAML documents"; return 1; }
	rm -f "$TMP/show.json" "$TMP/show.yaml"
	# A reader that never reads: the daemon goes on answering others.
	mkfifo "$TMP/stuck"
	exec 3<>"$TMP/stuck"
	"$IG" traceloop show "$name" --socket "$sock" -o json >"$TMP/stuck" 2>/dev/null &
	local stuck=$!
	start=$(date +%s%N)
	timeout 10 "$IG" traceloop list --socket "$sock" >/dev/null; rc=$?
	ms=$(tld_ms_since "$start")
	# Liveness, not speed: before the fix the list waited for the stalled
	# client's 60 s timeout. (How fast it answers is a bench matter; under
	# ASan on a loaded host it took 4 s once.)
	echo "    list while a show is stalled: $ms ms" >&2
	assert_eq 0 "$rc" "list while a show is stalled (timeout 10 s)" || { kill "$stuck"; ig_stop; return 1; }
	# And SIGTERM ends the daemon at once, stalled client or not.
	start=$(date +%s%N)
	kill -TERM "$IG_PID"
	tld_wait_exit "$IG_PID" 3000 || { kill "$stuck"; fail "the daemon outlived SIGTERM by 3 s"; return 1; }
	ms=$(tld_ms_since "$start")
	kill "$stuck" 2>/dev/null
	wait "$stuck" 2>/dev/null
	exec 3>&-
	assert_eq 0 "$RC" "daemon exit code after SIGTERM" &&
	[ ! -e "$sock" ] || fail "the socket outlived the daemon"
}

# Item 11, traceloop's side: after SIGTERM, ig run traceloop prints while
# the reader takes its output, and exits once it takes nothing for a while.
test_tl_run_sigterm_with_stalled_stdout_is_bounded() {
	tld_engines || return 1
	local name="ig-tld-term-$RANDOM" start ms
	mkfifo "$TMP/stuck"
	exec 3<>"$TMP/stuck"   # a reader that never reads
	"$IG" run traceloop -c "$name" -v >"$TMP/stuck" 2>"$TMP/err" &
	IG_PID=$!
	wait_until 10 grep -q ": attached" "$TMP/err" || { exec 3>&-; fail "ig did not attach: $(cat "$TMP/err")"; return 1; }
	docker run --name "$name" busybox dd if=/dev/zero of=/dev/null bs=1 count=20000 >/dev/null 2>&1
	docker rm "$name" >/dev/null
	wait_until 5 grep -q "recording container $name" "$TMP/err" ||
		{ kill -KILL "$IG_PID"; exec 3>&-; fail "ig did not record $name"; return 1; }
	start=$(date +%s%N)
	kill -TERM "$IG_PID"
	tld_wait_exit "$IG_PID" 5000 || { exec 3>&-; fail "ig run traceloop outlived SIGTERM by 5 s"; return 1; }
	ms=$(tld_ms_since "$start")
	exec 3>&-
	# Like every ig run: a stop that dropped output is said, not an error.
	assert_eq 0 "$RC" "exit code" &&
	assert_contains "$(cat "$TMP/err")" "the output reader is too slow: dropped the rest of the traces" "said on stderr" || return 1
	[ "$ms" -lt 3000 ] || fail "SIGTERM with a stalled reader took $ms ms"
}

# Item 6: records lost while user space was behind are counted and shown.
# A stopped daemon is as far behind as it gets: a container that starts
# meanwhile records into the shared staging ring, which overflows.
test_tl_daemon_lost_while_behind_is_shown() {
	tld_engines || return 1
	local name="ig-tld-lost-$RANDOM" sock="$TMP/run/ig.sock" row lost
	ig_start "$TMP/daemon" daemon --socket "$sock" -c "$name" || return 1
	kill -STOP "$IG_PID"
	docker run -d --name "$name" busybox sh -c \
		'dd if=/dev/zero of=/dev/null bs=1 count=20000 2>/dev/null; touch /tmp/done; sleep 600' >/dev/null ||
		{ kill -CONT "$IG_PID"; ig_stop; return 1; }
	_engines_wait 30 docker exec "$name" test -e /tmp/done
	kill -CONT "$IG_PID"
	for _ in $(seq 1 100); do
		row=$("$IG" traceloop list --socket "$sock" -o json 2>"$TMP/list.err" | jq -c "select(.runtime.containerName == \"$name\")")
		[ -n "$row" ] && break
		sleep 0.1
	done
	"$IG" traceloop show "$name" --socket "$sock" >/dev/null 2>"$TMP/show.err"
	docker rm -f "$name" >/dev/null
	ig_stop
	[ -n "$row" ] || fail "no trace of $name" || return 1
	lost=$(jq -r .lost <<<"$row")
	echo "    $row" | cut -c1-400 >&2
	# 40000 records, 4096 staging slots: most were lost, and said so.
	[ "$lost" -ge 20000 ] || fail "lost $lost, expected most of 40000 records" || return 1
	assert_contains "$(cat "$TMP/list.err")" "records of starting containers were lost while the daemon was behind" "list says so" &&
	assert_contains "$(cat "$TMP/show.err")" "of its first records were lost while ig was behind" "show says so"
}

# Whatever answers on the socket is printed to root's terminal: the client
# talks only to a daemon that runs as root.
test_tl_client_refuses_a_listener_not_roots() {
	[ -x /usr/bin/python3 ] || { fail "/usr/bin/python3 is needed (nobody runs it)"; return 1; }
	local rc pid
	chmod 755 "$TMP" && mkdir -m 777 "$TMP/d"
	setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    c.sendall(b"o\x05\x00\x00\x00fake\nx\x01\x00\x00\x00\x00")
' "$TMP/d/ig.sock" >"$TMP/fake.out" &
	pid=$!
	for _ in $(seq 1 250); do grep -q ready "$TMP/fake.out" && break; sleep 0.02; done
	"$IG" traceloop list --socket "$TMP/d/ig.sock" >"$TMP/out" 2>"$TMP/err"; rc=$?
	kill "$pid"
	wait "$pid" 2>/dev/null
	assert_eq 1 "$rc" "exit code" &&
	assert_eq "" "$(cat "$TMP/out")" "nothing printed from it" &&
	assert_contains "$(cat "$TMP/err")" "runs as uid 65534, not root" "message"
}
