# shellcheck shell=bash
# traceloop: the multiplication demo of the guide, through "ig run" and
# through the daemon; overwriting; containers started before ig.
. tests/lib/engines.sh

# The guide's demo: the result goes to one file, cat reads another.
TL_DEMO='RANDOM=output ; echo "3*7*2" | bc > /tmp/file-$RANDOM ; cat /tmp/file-$RANDOM'

tl_engines() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

# tl_assert_demo_json FILE: the guide's three findings, in -o json output.
tl_assert_demo_json() {
	local out=$1 w ok bad
	jq -e . "$out" >/dev/null || fail "JSON does not parse: $(head -c 500 "$out")" || return 1
	w=$(json_select "$out" '.syscall == "write" and .parameters[1].content == "42\n"' | head -1)
	[ -n "$w" ] || fail "no write of \"42\\n\" in $(wc -l <"$out") syscalls" || return 1
	assert_eq "bc" "$(jq -r .proc.comm <<<"$w")" "comm of the write" &&
	assert_eq "3" "$(jq -r .ret <<<"$w")" "ret of the write" || return 1
	ok=$(json_select "$out" '.syscall == "openat" and (.parameters[1].content // "" | test("^/tmp/file-[0-9]+$")) and .error == ""' | head -1)
	[ -n "$ok" ] || fail "no successful open of /tmp/file-N" || return 1
	assert_eq "O_WRONLY|O_CREAT|O_TRUNC" "$(jq -r '.parameters[2].value' <<<"$ok")" "flags of the first open" || return 1
	bad=$(json_select "$out" '.syscall == "openat" and .parameters[1].content == "/tmp/file-3240"' | head -1)
	[ -n "$bad" ] || fail "no open of /tmp/file-3240" || return 1
	assert_eq "ENOENT" "$(jq -r .error <<<"$bad")" "error of the second open" &&
	assert_eq "-2" "$(jq -r .ret_raw <<<"$bad")" "ret_raw of the second open" &&
	assert_eq "cat" "$(jq -r .proc.comm <<<"$bad")" "comm of the second open"
}

# tl_assert_demo_yaml FILE: bc's write of "42\n", in -o yaml output.
tl_assert_demo_yaml() {
	local line doc
	line=$(grep -Ex '^parameters: \[\{"name":"fd","value":"1","content":null\},\{"name":"buf","value":"0x[0-9a-f]+","content":"42\\u000a","truncated":false\},\{"name":"count","value":"3","content":null\}\]$' "$1" | head -1)
	[ -n "$line" ] || fail "no parameters line of the write of \"42\\n\" in $(grep -c '^---$' "$1") documents" || return 1
	doc=$(yaml_doc "$1" "$line")
	assert_contains "$doc" $'\n  comm: "bc"\n' "comm of the write" &&
	assert_contains "$doc" $'\nret: "3"\nret_raw: 3\n' "ret of the write" &&
	assert_contains "$doc" $'\nsyscall: "write"\n' "syscall"
}

# tl_wait_recording NAME: until ig run traceloop (-v) has a trace for
# container NAME. Its syscalls are in the kernel's rings by the time the
# container is gone; the ones ig has not read yet are read when it stops
# (it drains the staging ring into the traces), so a trace that exists
# before ig_stop holds them all.
tl_wait_recording() {
	_wait_line "$TMP/out.err" "traceloop: recording container $1 (" 10 ||
		fail "ig did not record container $1: $(tail -5 "$TMP/out.err")"
}

tl_size_at_least() { [ "$(stat -c %s "$1")" -ge "$2" ]; }

# The container starts after ig: it is recorded from its first syscall.
test_traceloop_demo_json() {
	tl_engines || return 1
	local name="ig-tl-demo-$RANDOM"
	ig_start "$TMP/out" run traceloop -o json -c "$name" || return 1
	docker run --name "$name" busybox sh -c "$TL_DEMO" >/dev/null 2>&1
	docker rm "$name" >/dev/null
	tl_wait_recording "$name" || { ig_stop; return 1; }
	ig_stop
	tl_assert_demo_json "$TMP/out" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName "$TMP/out" | sort -u)" "only the selected container" &&
	assert_eq "docker" "$(jq -r .runtime.runtimeName "$TMP/out" | sort -u)" "runtime" || return 1
	# From its first syscall: runc's init, before the image's sh, is in it.
	[ -n "$(json_select "$TMP/out" '.proc.comm | startswith("runc:[")' | head -1)" ] ||
		fail "the container's first syscalls (runc init) are missing"
}

test_traceloop_demo_text() {
	tl_engines || return 1
	local name="ig-tl-text-$RANDOM" out
	ig_start "$TMP/out" run traceloop -c "$name" || return 1
	docker run --name "$name" busybox sh -c "$TL_DEMO" >/dev/null 2>&1
	docker rm "$name" >/dev/null
	tl_wait_recording "$name" || { ig_stop; return 1; }
	ig_stop
	out=$(cat "$TMP/out")
	assert_contains "$out" "# trace 1: container $name (docker " "header" &&
	assert_contains "$out" '[bc] write(fd=1, buf="42\n", count=3) = 3' "the result" &&
	assert_contains "$out" 'openat(dfd=-100, filename="/tmp/file-3240", flags=O_RDONLY, mode=0000) = -1 ENOENT (No such file or directory)' "the failed open" &&
	assert_contains "$out" 'exit_group(error_code=1) = ?' "cat's exit" || return 1
	# A strace-like line: time, cpu, pid, comm.
	grep -qE '^[0-9]{2}:[0-9]{2}\.[0-9]{9} cpu#[0-9]+ pid [0-9]+ \[sh\] openat\(dfd=-100, filename="/tmp/file-[0-9]+", flags=O_WRONLY\|O_CREAT\|O_TRUNC, mode=0666\)' "$TMP/out" ||
		fail "no strace-like line for the first open"
}

test_traceloop_columns_and_filters() {
	tl_engines || return 1
	local name="ig-tl-col-$RANDOM" out
	ig_start "$TMP/out" run traceloop -o columns -c "$name" --syscall-filters openat,write || return 1
	docker run --name "$name" busybox sh -c "$TL_DEMO" >/dev/null 2>&1
	docker rm "$name" >/dev/null
	tl_wait_recording "$name" || { ig_stop; return 1; }
	ig_stop
	out=$(cat "$TMP/out")
	assert_eq "RUNTIME.CONTAINERNAME PID COMM SYSCALL PARAMETERS RET" "$(head -1 "$TMP/out" | tr -s ' ')" "header" &&
	assert_contains "$out" 'buf="42\n"' "the write" || return 1
	# Recorded in the kernel: nothing but openat and write.
	assert_eq "openat write" "$(tail -n +2 "$TMP/out" | awk '{print $4}' | sort -u | tr '\n' ' ' | sed 's/ $//')" "syscalls"
}

# --fields without -o asks for the table, as in the other gadgets.
test_traceloop_fields_give_columns() {
	tl_engines || return 1
	local name="ig-tl-fld-$RANDOM"
	ig_start "$TMP/out" run traceloop --fields pid,syscall,ret -c "$name" --syscall-filters write || return 1
	docker run --name "$name" busybox sh -c "$TL_DEMO" >/dev/null 2>&1
	docker rm "$name" >/dev/null
	tl_wait_recording "$name" || { ig_stop; return 1; }
	ig_stop
	assert_eq "PID SYSCALL RET" "$(head -1 "$TMP/out" | xargs)" "header" &&
	assert_eq "write" "$(tail -n +2 "$TMP/out" | awk '{print $2}' | sort -u)" "rows"
}

# A container older than ig is recorded too.
test_traceloop_running_container() {
	tl_engines || return 1
	local name="ig-tl-old-$RANDOM"
	local pid ticks n0
	# Each round of its loop adds a byte to /tmp/ticks, which we read
	# through /proc: the loop runs before ig starts, and rounds after ig
	# has its trace are the ones we wait for.
	docker run -d --name "$name" busybox sh -c 'while true; do cat /etc/hostname >/dev/null; echo >>/tmp/ticks; sleep 0.2; done' >/dev/null || return 1
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	ticks=/proc/$pid/root/tmp/ticks
	wait_until 10 test -s "$ticks" || { docker rm -f "$name" >/dev/null; fail "the container's loop did not run"; return 1; }
	ig_start "$TMP/out" run traceloop -o json -c "$name" || { docker rm -f "$name" >/dev/null; return 1; }
	tl_wait_recording "$name" || { ig_stop; docker rm -f "$name" >/dev/null; return 1; }
	# Two more ticks: the round between them opened /etc/hostname wholly
	# after ig had the trace.
	n0=$(stat -c %s "$ticks")
	wait_until 10 tl_size_at_least "$ticks" $((n0 + 2)) ||
		fail "the container's loop stopped: $(stat -c %s "$ticks") ticks"
	ig_stop
	docker rm -f "$name" >/dev/null
	[ -n "$(json_select "$TMP/out" '.syscall == "openat" and .parameters[1].content == "/etc/hostname" and .runtime.containerName == "'"$name"'"' | head -1)" ] ||
		fail "no open of /etc/hostname from the running container"
}

# Far more syscalls than the buffer holds: the newest survive, the rest are
# reported as dropped.
test_traceloop_overwrite() {
	tl_engines || return 1
	local name="ig-tl-ovw-$RANDOM" n last
	ig_start "$TMP/out" run traceloop -o json -c "$name" --buffer-size 16k || return 1
	docker run --name "$name" busybox sh -c 'i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done >/dev/null' >/dev/null 2>&1
	docker rm "$name" >/dev/null
	tl_wait_recording "$name" || { ig_stop; return 1; }
	ig_stop
	n=$(json_select "$TMP/out" '.syscall' | wc -l)
	[ "$n" -gt 0 ] && [ "$n" -le 64 ] || fail "expected 1..64 syscalls from a 64-record buffer, got $n" || return 1
	last=$(json_select "$TMP/out" '.syscall == "write"' | jq -r '.parameters[1].content | rtrimstr("\n")' | tail -1)
	assert_eq "line2999" "$last" "the newest write survives" || return 1
	[ -z "$(json_select "$TMP/out" '.parameters[1].content == "line0\n"')" ] || fail "the oldest write survived" || return 1
	[ -n "$(json_select "$TMP/out" '.type == "lost" and .count > 5000')" ] || fail "no lost record for the dropped ones" || return 1
	assert_contains "$(cat "$TMP/out.err")" "older records were overwritten" "stderr notice"
}

test_traceloop_usage_errors() {
	local rc
	"$IG" run traceloop --host >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 2 "$rc" "--host exit code" &&
	assert_contains "$(cat "$TMP/err")" "--host is not supported" "--host message" || return 1
	"$IG" run traceloop --syscall-filters openat,nosuchcall >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 2 "$rc" "bad syscall exit code" &&
	assert_contains "$(cat "$TMP/err")" 'unknown syscall "nosuchcall"' "bad syscall message" || return 1
	"$IG" run traceloop --buffer-size 1k >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 2 "$rc" "small buffer exit code"
}

# The guide's workflow: the daemon records everything; the container is
# gone by the time we look.
test_traceloop_daemon_list_show_close() {
	tl_engines || return 1
	local name="ig-tl-d-$RANDOM" sock="$TMP/run/ig.sock" out
	ig_start "$TMP/daemon" daemon --socket "$sock" || return 1
	# The container lives until the daemon lists it: a container gone
	# within milliseconds is not always recorded by the daemon (seen once
	# under ASan; see the closing note), and this test is about list, show
	# and close, not about that race. It waits blocked on a FIFO: a loop of
	# `sleep`s would fill its ring with their syscalls on a slow machine
	# (CI once waited 14 s) and overwrite the demo's.
	docker run -d --name "$name" busybox sh -c "$TL_DEMO; mkfifo /tmp/go; read x </tmp/go" >/dev/null || return 1
	local i
	for i in $(seq 1 100); do
		"$IG" traceloop list --socket "$sock" | grep -q " $name " && break
		sleep 0.1
	done
	# (Before the mkfifo, this makes a plain file, and the read ends as well.)
	docker exec "$name" sh -c 'echo go >/tmp/go'
	docker wait "$name" >/dev/null
	docker rm "$name" >/dev/null
	# The daemon reads its rings on its own clock: wait until it lists
	# the container as exited and its trace holds the command's write.
	for i in $(seq 1 100); do
		out=$("$IG" traceloop list --socket "$sock")
		if grep -E " $name .* exited " <<<"$out" >/dev/null; then
			"$IG" traceloop show "$name" --socket "$sock" >"$TMP/show"
			grep -qF '[bc] write(fd=1, buf="42\n", count=3) = 3' "$TMP/show" && break
		fi
		sleep 0.1
	done
	assert_contains "$out" "$name" "list" || { ig_stop; return 1; }
	grep -E " $name .* exited " <<<"$out" >/dev/null || { ig_stop; fail "not listed as exited: $out"; return 1; }
	assert_contains "$(cat "$TMP/show")" '[bc] write(fd=1, buf="42\n", count=3) = 3' "show" || { ig_stop; return 1; }
	"$IG" traceloop show "$name" --socket "$sock" -o json >"$TMP/show.json"
	tl_assert_demo_json "$TMP/show.json" || { ig_stop; return 1; }
	# yaml works wherever json does: parameters stay a JSON flow node.
	"$IG" traceloop show "$name" --socket "$sock" -o yaml >"$TMP/show.yaml"
	tl_assert_demo_yaml "$TMP/show.yaml" || { ig_stop; return 1; }
	"$IG" traceloop list --socket "$sock" -o yaml >"$TMP/list.yaml"
	yaml_doc "$TMP/list.yaml" "  containerName: \"$name\"" | grep -qFx 'state: "exited"' ||
		{ ig_stop; fail "list -o yaml: no exited document for $name in $(head -c 600 "$TMP/list.yaml")"; return 1; }
	assert_eq "closed" "$("$IG" traceloop close "$name" --socket "$sock")" "close" || { ig_stop; return 1; }
	assert_not_contains "$("$IG" traceloop list --socket "$sock")" "$name" "list after close" || { ig_stop; return 1; }
	"$IG" traceloop show "$name" --socket "$sock" >/dev/null 2>"$TMP/err"
	assert_eq 1 "$?" "show after close exit code"
	ig_stop
	[ ! -e "$sock" ] || fail "the socket outlived the daemon"
}

# A container that comes and goes while the daemon cannot look (stopped
# here, behind under load elsewhere): docker has cleared its pid by then,
# and its start and finish times tie the namespace to it, so it is
# recorded under its own name, not as a "name?" hint or not at all.
test_traceloop_daemon_gone_container() {
	tl_engines || return 1
	local name="ig-tl-gone-$RANDOM" sock="$TMP/run/ig.sock" out i
	ig_start "$TMP/daemon" daemon --socket "$sock" || return 1
	kill -STOP "$IG_PID"
	docker run --name "$name" busybox sh -c 'echo 42' >/dev/null
	kill -CONT "$IG_PID"
	docker rm "$name" >/dev/null
	for i in $(seq 1 100); do
		out=$("$IG" traceloop list --socket "$sock")
		grep -E " $name .* exited " <<<"$out" >/dev/null && break
		sleep 0.1
	done
	"$IG" traceloop show "$name" --socket "$sock" >"$TMP/show" 2>&1
	ig_stop
	grep -E " $name .* exited " <<<"$out" >/dev/null || { fail "not listed as exited: $out"; return 1; }
	assert_not_contains "$out" "$name?" "listed as a hint" &&
	assert_contains "$(cat "$TMP/show")" 'write(fd=1, buf="42\n", count=3) = 3' "the container's write"
}

# Only root may talk to the daemon: the directory and the socket are closed.
test_traceloop_daemon_root_only() {
	local sock="$TMP/run/ig.sock" rc
	ig_start "$TMP/daemon" daemon --socket "$sock" || return 1
	assert_eq "700" "$(stat -c %a "$TMP/run")" "directory mode" &&
	assert_eq "600" "$(stat -c %a "$sock")" "socket mode" || { ig_stop; return 1; }
	chmod 755 "$TMP" "$TMP/run"   # even when the directory is opened up
	setpriv --reuid=65534 --regid=65534 --clear-groups "$IG" traceloop list --socket "$sock" >"$TMP/out" 2>"$TMP/err"; rc=$?
	ig_stop
	assert_eq 1 "$rc" "exit code for nobody" &&
	assert_contains "$(cat "$TMP/err")" "permission denied" "message for nobody" &&
	assert_eq "" "$(cat "$TMP/out")" "no output for nobody"
}

test_traceloop_daemon_retention() {
	tl_engines || return 1
	local sock="$TMP/run/ig.sock" p="ig-tl-keep-$RANDOM" out
	ig_start "$TMP/daemon" daemon --socket "$sock" --max-exited 2 -c "$p-1,$p-2,$p-3" || return 1
	# Each container is removed once the daemon lists it: a container
	# removed before the daemon looked leaves no record to name it by.
	local i j
	for i in 1 2 3; do
		docker run --name "$p-$i" busybox true >/dev/null 2>&1
		for j in $(seq 1 200); do
			"$IG" traceloop list --socket "$sock" | grep -q " $p-$i " && break
			sleep 0.1
		done
		docker rm "$p-$i" >/dev/null
	done
	# The third trace's arrival drops the first (--max-exited 2).
	for j in $(seq 1 200); do
		out=$("$IG" traceloop list --socket "$sock" -o json)
		grep -q "\"$p-1\"" <<<"$out" || break
		sleep 0.1
	done
	ig_stop
	assert_not_contains "$out" "$p-1" "the oldest exited trace is dropped" &&
	assert_contains "$out" "$p-2" "second kept" &&
	assert_contains "$out" "$p-3" "third kept" &&
	assert_eq 2 "$(jq -r 'select(.state == "exited") | .runtime.containerName' <<<"$out" | wc -l)" "exited traces kept"
}

test_traceloop_client_without_daemon() {
	local rc
	"$IG" traceloop list --socket "$TMP/none.sock" >/dev/null 2>"$TMP/err"; rc=$?
	assert_eq 1 "$rc" "exit code" &&
	assert_contains "$(cat "$TMP/err")" "no ig daemon listens on" "message"
}
