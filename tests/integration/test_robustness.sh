# shellcheck shell=bash
# Robustness: teardown on signals, a bad environment, hostile traced data,
# flooding, and a valgrind session. ig runs as root and reads what
# attackers control; it must not crash, hang, leak kernel objects or let
# traced bytes reach the operator's terminal. docs/security.md has the why.
. tests/lib/engines.sh

# ---------------------------------------------------------------- helpers

rb_skip() { echo "    SKIP: $*" >&2; return 0; }

rb_ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# rb_cc NAME: compile the C helper rb_NAME from the heredoc on stdin into
# $TMP/rb_NAME (a distinct comm, so --comm can single it out).
rb_cc() {
	command -v cc >/dev/null || return 1
	cat >"$TMP/rb_$1.c" && cc -O2 -o "$TMP/rb_$1" "$TMP/rb_$1.c"
}

rb_cc_open_loop() {
	rb_cc open_loop <<-'EOF'
	#include <fcntl.h>
	#include <stdlib.h>
	#include <unistd.h>
	/* open(argv[1]) argv[2] times (forever without it), at full speed */
	int main(int argc, char **argv)
	{
		long n = argc > 2 ? atol(argv[2]) : -1;

		for (long i = 0; n < 0 || i < n; i++) {
			int fd = open(argv[1], O_RDONLY);

			if (fd >= 0)
				close(fd);
		}
		return 0;
	}
	EOF
}

# The BPF objects a process holds, from its fds: "prog 12", "map 7", "link 3".
rb_bpf_ids() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		sed -n 's/^\(prog\|map\|link\)_id:[[:space:]]*\([0-9]*\)$/\1 \2/p' "$f" 2>/dev/null
	done | sort -u
}

# Which of the objects on stdin the kernel still has.
rb_still_loaded() {
	local type id
	while read -r type id; do
		bpftool "$type" show id "$id" >/dev/null 2>&1 && echo "$type $id"
	done
}

# rb_wait_gone "IDS": freeing is deferred (RCU), so allow up to 2 s.
rb_wait_gone() {
	local left i
	for i in $(seq 1 40); do
		left=$(rb_still_loaded <<<"$1")
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	fail "BPF objects still loaded after ig exited: $(tr '\n' ' ' <<<"$left")"
}

rb_is_asan() { grep -qa __asan_init "$IG"; }

# rb_blocked_writing PID: PID sleeps in a write to a full pipe.
rb_blocked_writing() {
	case "$(cat "/proc/$1/wchan" 2>/dev/null)" in *pipe_write) return 0 ;; esac
	return 1
}

# rb_wait_stuck PID: until PID is blocked writing to its pipe (5 s at most).
rb_wait_stuck() {
	wait_until 5 rb_blocked_writing "$1" && return 0
	kill -KILL "$1"
	fail "ig never blocked writing to the pipe (wchan $(cat "/proc/$1/wchan" 2>/dev/null))"
}

# rb_sigint_taken PID: no SIGINT is pending for PID any more: its handler
# has it (a second one sent before would merge with it).
rb_sigint_taken() {
	local key pnd
	[ -r "/proc/$1/status" ] || return 0
	while read -r key pnd; do
		case $key in SigPnd: | ShdPnd:) (( 0x$pnd & 2 )) && return 1 ;; esac
	done <"/proc/$1/status"
	return 0
}

# rb_env_error MESSAGE ARGS...: exit 1, nothing on stdout, one stderr line.
rb_env_error() {
	local msg=$1; shift
	local rc=0
	timeout 20 "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	assert_eq 1 "$rc" "exit code of $*" &&
	assert_eq "" "$(cat "$TMP/stdout")" "stdout of $*" &&
	assert_eq 1 "$(wc -l <"$TMP/stderr")" "stderr lines of $* ($(head -c 500 "$TMP/stderr"))" &&
	assert_contains "$(cat "$TMP/stderr")" "$msg" "message of $*"
}

# ------------------------------------------------------------- teardown

# SIGINT, SIGTERM and SIGHUP each stop ig cleanly, and every program, link
# and map it created is gone afterwards. The objects are identified by
# ig's own fds, not by a global listing, so other users of BPF on the host
# do not disturb the test.
rb_signal_detaches() {
	local sig=$1 ids rc=0 start ms
	ig_start "$TMP/out" run trace_open --host || return 1
	ids=$(rb_bpf_ids "$IG_PID")
	[ "$(grep -c '^prog' <<<"$ids")" -gt 0 ] && [ "$(grep -c '^link' <<<"$ids")" -gt 0 ] &&
		[ "$(grep -c '^map' <<<"$ids")" -gt 0 ] ||
		{ kill -KILL "$IG_PID"; fail "no programs, links or maps found in ig's fds: $ids"; return 1; }
	start=$(date +%s%N)
	kill -"$sig" "$IG_PID"
	wait "$IG_PID" || rc=$?
	ms=$(rb_ms_since "$start")
	assert_eq 0 "$rc" "exit code after SIG$sig" &&
	{ [ "$ms" -lt 1000 ] || fail "ig took ${ms} ms to stop after SIG$sig"; } &&
	rb_wait_gone "$ids"
}

test_robust_sigint_detaches_all() { rb_signal_detaches INT; }
test_robust_sigterm_detaches_all() { rb_signal_detaches TERM; }
test_robust_sighup_detaches_all() { rb_signal_detaches HUP; }

# A consumer that stopped reading (a paused pager, a stuck pipeline) leaves
# ig blocked writing to a full pipe. A second Ctrl-C, sent before the first
# one's drain budget is spent, ends it at once, and the kernel objects still
# go away with the process.
test_robust_second_sigint_exits_at_once() {
	rb_cc_open_loop || { rb_skip "no C compiler"; return 0; }
	local ids rc=0 start ms
	mkfifo "$TMP/stuck"
	exec 3<>"$TMP/stuck"   # a reader that never reads
	"$IG" run trace_open --host -o json --comm rb_open_loop -v >"$TMP/stuck" 2>"$TMP/err" &
	IG_PID=$!
	wait_until 5 grep -q ": attached" "$TMP/err" ||
		{ kill -KILL "$IG_PID"; exec 3>&-; fail "ig did not attach: $(cat "$TMP/err")"; return 1; }
	ids=$(rb_bpf_ids "$IG_PID")
	"$TMP/rb_open_loop" /etc/hostname 200000
	rb_wait_stuck "$IG_PID" || return 1
	start=$(date +%s%N)
	kill -INT "$IG_PID"
	# Fine steps: the second one must come within the first one's budget.
	for _ in $(seq 1 100); do rb_sigint_taken "$IG_PID" && break; sleep 0.01; done
	kill -INT "$IG_PID"
	wait "$IG_PID" || rc=$?
	ms=$(rb_ms_since "$start")
	exec 3>&-
	[ "$ms" -lt 1000 ] || fail "second SIGINT took ${ms} ms" || return 1
	assert_eq 130 "$rc" "exit code after the second SIGINT" &&
	rb_wait_gone "$ids"
}

# One Ctrl-C is enough even when the reader is stuck: the drain after a
# stop has a budget, and what could not be written is said on stderr.
test_robust_sigint_stuck_reader_drain_is_bounded() {
	rb_cc_open_loop || { rb_skip "no C compiler"; return 0; }
	local ids rc=0 start ms
	mkfifo "$TMP/stuck"
	exec 3<>"$TMP/stuck"   # a reader that never reads
	"$IG" run trace_open --host -o json --comm rb_open_loop -v >"$TMP/stuck" 2>"$TMP/err" &
	IG_PID=$!
	wait_until 5 grep -q ": attached" "$TMP/err" ||
		{ kill -KILL "$IG_PID"; exec 3>&-; fail "ig did not attach: $(cat "$TMP/err")"; return 1; }
	ids=$(rb_bpf_ids "$IG_PID")
	"$TMP/rb_open_loop" /etc/hostname 200000
	rb_wait_stuck "$IG_PID" || return 1
	start=$(date +%s%N)
	kill -INT "$IG_PID"
	wait "$IG_PID" || rc=$?
	ms=$(rb_ms_since "$start")
	exec 3>&-
	assert_eq 0 "$rc" "exit code" || return 1
	[ "$ms" -lt 1500 ] || fail "SIGINT with a stuck reader took ${ms} ms" || return 1
	assert_contains "$(cat "$TMP/err")" "the output reader is too slow: dropped" "drop said on stderr" &&
	rb_wait_gone "$ids"
}

# The budget is for stop signals only: at the end of --timeout a slow but
# live reader still gets every event.
test_robust_timeout_slow_reader_gets_everything() {
	rb_cc_open_loop || { rb_skip "no C compiler"; return 0; }
	command -v python3 >/dev/null || { rb_skip "no python3"; return 0; }
	mkfifo "$TMP/pipe"
	python3 -c 'import os, sys, time
while True:
    b = os.read(0, 4096)
    if not b: break
    sys.stdout.buffer.write(b)
    time.sleep(0.01)' <"$TMP/pipe" >"$TMP/out" &
	local reader=$! n
	"$IG" run trace_open --host --comm rb_open_loop -o json -t 1 -v >"$TMP/pipe" 2>"$TMP/err" &
	IG_PID=$!
	wait_until 5 grep -q ": attached" "$TMP/err" ||
		{ kill -KILL "$IG_PID" "$reader"; fail "ig did not attach: $(cat "$TMP/err")"; return 1; }
	"$TMP/rb_open_loop" /etc/hostname 2000
	wait "$IG_PID" || fail "ig failed: $(cat "$TMP/err")" || return 1
	wait "$reader"
	n=$(json_select "$TMP/out" '.fname == "/etc/hostname"' | wc -l)
	assert_eq 2000 "$n" "events written to the slow reader" &&
	assert_not_contains "$(cat "$TMP/err")" "dropped" "nothing dropped"
}

# `ig ... | head -1`: ig ends within a second of head exiting, quietly.
rb_closed_stdout() {
	local mode=$1 head_end ig_end
	timeout 20 bash -c "{ '$IG' run trace_open --host -o $mode 2>'$TMP/err'; date +%s%N >'$TMP/ig_end'; } |
		{ head -1 >/dev/null; date +%s%N >'$TMP/head_end'; }" ||
		fail "pipeline did not finish" || return 1
	head_end=$(cat "$TMP/head_end"); ig_end=$(cat "$TMP/ig_end")
	[ $(( (ig_end - head_end) / 1000000 )) -lt 1000 ] ||
		fail "ig ran $(( (ig_end - head_end) / 1000000 )) ms after stdout closed" || return 1
	# Quiet: no write errors. A loss count is information, not an error
	# storm (a slow sanitizer build can fill the ring before head exits).
	assert_eq 0 "$(grep -vc 'lost [0-9]* events' "$TMP/err")" "stderr lines after a closed stdout ($(head -c 300 "$TMP/err"))"
}

test_robust_closed_stdout_columns() { rb_closed_stdout columns; }
test_robust_closed_stdout_json() { rb_closed_stdout json; }

# ------------------------------------------------------- bad environment

test_robust_env_not_root_every_gadget() {
	command -v setpriv >/dev/null || { rb_skip "no setpriv"; return 0; }
	local g
	for g in $("$IG" list-gadgets | awk '$1 ~ /^[a-z_]+$/ {print $1}'); do
		rb_env_error "needs root" setpriv --reuid=65534 --regid=65534 --clear-groups \
			--inh-caps=-all "$IG" run "$g" || return 1
	done
}

test_robust_env_btf_missing_or_garbage() {
	rb_env_error "cannot read BTF file /bogus" "$IG" run trace_exec --btf /bogus || return 1
	head -c 4096 /dev/urandom >"$TMP/garbage.btf"
	rb_env_error "trace_exec" "$IG" run trace_exec --btf "$TMP/garbage.btf"
}

# A private mount namespace: the host's tracefs stays mounted for everyone
# else, ig sees none.
test_robust_env_tracefs_unmounted_is_mounted() {
	command -v unshare >/dev/null || { rb_skip "no unshare"; return 0; }
	local out
	out=$(unshare -m bash -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null
		'$IG' run trace_open --host -t 1 -o json -v 2>'$TMP/err' >'$TMP/out'
		echo rc=\$?") || return 1
	assert_eq "rc=0" "$out" "exit code" &&
	assert_contains "$(cat "$TMP/err")" "mounted tracefs at /sys/kernel/tracing" "message" &&
	jq -e . "$TMP/out" >/dev/null 2>&1 || fail "no valid events after mounting tracefs"
}

test_robust_env_tracefs_unmountable() {
	command -v unshare >/dev/null || { rb_skip "no unshare"; return 0; }
	# Without CAP_SYS_ADMIN (CAP_BPF + CAP_PERFMON are enough to trace),
	# ig cannot mount tracefs itself.
	unshare -m bash -c "umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null
		setpriv --bounding-set=-sys_admin '$IG' run trace_open --host -t 1 >'$TMP/stdout' 2>'$TMP/stderr'
		echo \$? >'$TMP/rc'"
	assert_eq 1 "$(cat "$TMP/rc")" "exit code" &&
	assert_eq "" "$(cat "$TMP/stdout")" "stdout" &&
	assert_eq 1 "$(wc -l <"$TMP/stderr")" "stderr lines ($(cat "$TMP/stderr"))" &&
	assert_contains "$(cat "$TMP/stderr")" "tracefs is not mounted and mounting it at /sys/kernel/tracing failed" "message"
}

# No container runtime at all (an empty host root, as if docker had never
# run): host events carry empty container fields; nothing crashes or warns.
test_robust_env_no_runtime_state() {
	mkdir -p "$TMP/emptyroot"
	ig_start "$TMP/out" run trace_exec --host --host-root "$TMP/emptyroot" -o json || return 1
	/bin/echo rb-no-runtime >/dev/null
	wait_json "$TMP/out" '.args == "/bin/echo rb-no-runtime"' >/dev/null || { ig_stop; return 1; }
	ig_stop || fail "exit code $?" || return 1
	local ev
	ev=$(json_select "$TMP/out" '.args == "/bin/echo rb-no-runtime"')
	[ -n "$ev" ] || fail "no event" || return 1
	assert_eq "" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "" "$(grep -v '^ig: \|^libbpf: ' "$TMP/out.err")" "unexpected stderr" &&
	# Without --host, HOST_ROOT the same way: no containers, so no events.
	HOST_ROOT="$TMP/emptyroot" timeout 10 "$IG" run trace_exec -t 1 -o json >"$TMP/out2" 2>"$TMP/err2" ||
		fail "exit code $? with HOST_ROOT" || return 1
	assert_eq "" "$(cat "$TMP/out2" "$TMP/err2")" "output with no containers"
}

# A full disk: one clear error and exit 1, not a retry loop.
test_robust_env_full_disk() {
	[ -w /dev/full ] || { rb_skip "no /dev/full"; return 0; }
	local rc=0 start ms
	start=$(date +%s%N)
	timeout 20 "$IG" run trace_open --host -o json >/dev/full 2>"$TMP/err" &
	local pid=$!
	# ig fails at its first write: open a file until it has ended (its
	# attach takes a while, and a single open could come before it).
	while kill -0 $pid 2>/dev/null; do cat /etc/hostname >/dev/null; sleep 0.05; done
	wait $pid || rc=$?
	ms=$(rb_ms_since "$start")
	assert_eq 1 "$rc" "exit code" &&
	assert_eq 1 "$(wc -l <"$TMP/err")" "stderr lines ($(head -c 300 "$TMP/err"))" &&
	assert_contains "$(cat "$TMP/err")" "writing output failed: No space left on device" "message" &&
	{ [ "$ms" -lt 5000 ] || fail "took ${ms} ms"; }
}

# ------------------------------------------------- hostile traced data

# A long path whose end names the file: the middle is cut, never the end,
# so "…/etc/shadow" stays visible in a 40-cell FNAME column.
test_robust_open_long_path_keeps_the_name() {
	local dir f
	dir=/tmp/rb-$(head -c 150 /dev/zero | tr '\0' A)
	f="$dir/$(printf 'x\033[8m')/etc/shadow"
	ig_start "$TMP/out" run trace_open --host --comm cat || return 1
	cat "$f" 2>/dev/null
	wait_for_line "$TMP/out" '/tmp/rb-' || { ig_stop; return 1; }
	ig_stop
	local row
	row=$(grep ' cat ' "$TMP/out" | grep '/tmp/rb-' | head -1)
	[ -n "$row" ] || fail "no row in: $(cat "$TMP/out")" || return 1
	assert_contains "$row" "…" "cut marker" &&
	assert_contains "$row" 'x\x1b[8m/etc/shadow ' "the end of the path" &&
	assert_not_contains "$row" $'\033' "raw ESC"
}

# Bidi overrides, C1 controls (a one-byte CSI), invalid UTF-8.
test_robust_open_bidi_c1_invalid_utf8() {
	local f
	f=$(printf '/tmp/rb-\xe2\x80\xaeexe\xc2\x9b2J\xff\xc0\xaf')
	ig_start "$TMP/cols" run trace_open --host --comm cat || return 1
	cat "$f" 2>/dev/null
	wait_for_line "$TMP/cols" '/tmp/rb-' || { ig_stop; return 1; }
	ig_stop
	ig_start "$TMP/json" run trace_open --host --comm cat -o json || return 1
	cat "$f" 2>/dev/null
	wait_for_line "$TMP/json" '/tmp/rb-' || { ig_stop; return 1; }
	ig_stop
	assert_contains "$(cat "$TMP/cols")" '/tmp/rb-\u202eexe\u009b2J\xff\xc0\xaf' "columns" &&
	! LC_ALL=C grep -q $'\xe2\x80\xae\|\xc2\x9b\|\xff' "$TMP/cols" || fail "raw bytes in columns" || return 1
	jq -e . "$TMP/json" >/dev/null || fail "JSON does not parse" || return 1
	assert_contains "$(cat "$TMP/json")" '\u009b2J\ufffd\ufffd\ufffd' "JSON escapes"
}

# An argv of about 1 MB: shown cut and marked, never more than the kernel
# side copies.
test_robust_exec_1mb_argv() {
	local a
	a=$(head -c 131000 /dev/zero | tr '\0' b)
	ig_start "$TMP/out" run trace_exec --host --comm echo -o json || return 1
	/bin/echo rb-big "$a" "$a" "$a" "$a" "$a" "$a" "$a" "$a" >/dev/null
	wait_json "$TMP/out" '.args | startswith("/bin/echo rb-big")' >/dev/null || { ig_stop; return 1; }
	ig_stop
	local ev
	ev=$(json_select "$TMP/out" '.args | startswith("/bin/echo rb-big")' | head -1)
	[ -n "$ev" ] || fail "no event" || return 1
	assert_eq "true" "$(jq -r .args_truncated <<<"$ev")" "args_truncated" &&
	{ [ "$(jq -r '.args | length' <<<"$ev")" -le 8200 ] || fail "args longer than the 8 KiB copied"; }
}

test_robust_exec_non_utf8_argv() {
	command -v python3 >/dev/null || { rb_skip "no python3"; return 0; }
	ig_start "$TMP/json" run trace_exec --host --comm echo -o json || return 1
	python3 -c 'import os
os.spawnv(os.P_WAIT, b"/bin/echo", [b"/bin/echo", b"rb-utf8", b"\xff\xfe", b"\x1b[31mred", b"\xc2\x9b2J"])' >/dev/null
	wait_for_line "$TMP/json" 'rb-utf8' || { ig_stop; return 1; }
	ig_stop
	ig_start "$TMP/cols" run trace_exec --host --comm echo || return 1
	python3 -c 'import os
os.spawnv(os.P_WAIT, b"/bin/echo", [b"/bin/echo", b"rb-utf8", b"\xff\xfe", b"\x1b[31mred", b"\xc2\x9b2J"])' >/dev/null
	wait_for_line "$TMP/cols" 'rb-utf8' || { ig_stop; return 1; }
	ig_stop
	jq -e . "$TMP/json" >/dev/null || fail "JSON does not parse" || return 1
	assert_eq '/bin/echo rb-utf8 �� \u001b[31mred \u009b2J' \
		"$(json_select "$TMP/json" '.args | startswith("/bin/echo rb-utf8")' | jq -r .args | sed 's/\x1b/\\u001b/; s/\xc2\x9b/\\u009b/')" \
		"args in JSON" &&
	! LC_ALL=C grep -q $'\033\|\xc2\x9b\|\xff' "$TMP/cols" || fail "raw bytes in columns" || return 1
	# ARGS is cut at 40 cells in columns: the start is there.
	assert_contains "$(cat "$TMP/cols")" '/bin/echo rb-utf8 \xff\xfe \x1b[31mred' "columns"
}

# execve(path, {NULL}, envp): the kernel passes an empty argv[0] (or none
# on old kernels); either way ig shows the exec and keeps going.
test_robust_exec_empty_argv() {
	rb_cc noargv <<-'EOF' || { rb_skip "no C compiler"; return 0; }
	#include <unistd.h>
	/* Once argv[1] exists, become /bin/true with argv = { NULL }. */
	int main(int argc, char **argv)
	{
		char *none[] = { NULL };

		while (argc > 1 && access(argv[1], F_OK))
			usleep(10000);
		execve("/bin/true", none, none);
		return 127;
	}
	EOF
	"$TMP/rb_noargv" "$TMP/go" & local pid=$!
	ig_start "$TMP/out" run trace_exec --host --pid $pid -o json || { kill $pid; return 1; }
	touch "$TMP/go"
	wait $pid
	wait_json "$TMP/out" ".proc.pid == $pid" >/dev/null || { ig_stop; return 1; }
	ig_stop || fail "ig exit code $?" || return 1
	jq -e . "$TMP/out" >/dev/null || fail "JSON does not parse" || return 1
	local ev
	ev=$(json_select "$TMP/out" ".proc.pid == $pid")
	[ -n "$ev" ] || fail "no event for the empty argv exec" || return 1
	assert_eq "true" "$(jq -r .proc.comm <<<"$ev")" "comm" &&
	assert_eq "" "$(jq -r .args <<<"$ev")" "args"
}

# Odd but legal docker names ([a-zA-Z0-9][a-zA-Z0-9_.-]*) and image
# references: shown exactly, and usable in -c.
test_robust_docker_odd_names_and_tags() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="rb.Odd_name-9.-_$RANDOM" image="localhost:5000/rb.odd_repo-x/sub__path:T4g.with_odd-Chars_$RANDOM"
	docker tag "$ENGINES_IMAGE" "$image" || return 1
	# The container opens /etc/hostname once ig is attached (/go), then
	# stays for the second session.
	docker run -d --name "$name" "$image" sh -c 'until [ -e /go ]; do sleep 0.05; done; cat /etc/hostname; sleep 30' >/dev/null ||
		{ docker rmi "$image" >/dev/null; return 1; }
	ig_start "$TMP/out" run trace_open -o json -c "$name" || { docker rm -f "$name" >/dev/null; return 1; }
	docker exec "$name" touch /go
	wait_json "$TMP/out" '.fname == "/etc/hostname"' >/dev/null   # if not, the checks below say so
	ig_stop
	ig_start "$TMP/cols" run trace_open -o custom-columns=container,image,fname -c "$name" || return 1
	docker exec "$name" cat /etc/hostname >/dev/null
	wait_for_line "$TMP/cols" '/etc/hostname'
	ig_stop
	docker rm -f "$name" >/dev/null; docker rmi "$image" >/dev/null
	local ev
	ev=$(json_select "$TMP/out" '.fname == "/etc/hostname"' | head -1)
	[ -n "$ev" ] || fail "no event from the container: $(head -c 500 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "$image" "$(jq -r .runtime.containerImageName <<<"$ev")" "image" &&
	assert_contains "$(cat "$TMP/cols")" "/etc/hostname" "custom columns row"
}

# Hostile runtime state, without docker: a fake host root whose Docker
# state names a real process (in its own mount namespace) with escape
# sequences, bidi and C1 characters, next to a FIFO, an oversized file,
# malformed JSON and a symlink to /dev/zero. ig neither hangs nor crashes,
# and the name reaches neither the terminal nor JSON raw.
rb_fake_docker() { # root id name image pid
	local d="$1/var/lib/docker/containers/$2"
	mkdir -p "$d"
	jq -n --arg id "$2" --arg name "$3" --arg image "$4" --argjson pid "$5" \
		'{ID: $id, Name: $name, Config: {Image: $image}, State: {Pid: $pid, Running: true}}' \
		>"$d/config.v2.json"
}

test_robust_hostile_runtime_state() {
	command -v unshare >/dev/null || { rb_skip "no unshare"; return 0; }
	local root="$TMP/hostroot" c="$TMP/hostroot/var/lib/docker/containers" good bad name image
	good=$(printf '%064d' 1); bad=$(printf '%063d' 0)
	mkdir -p "$c" "$c/${bad}2" "$c/${bad}3" "$c/${bad}4" "$c/${bad}5"
	ln -s /proc "$root/proc"
	# The "container": a process in its own mount namespace.
	unshare -m bash -c "while [ ! -e '$TMP/go' ]; do sleep 0.05; done; cat /etc/hostname; sleep 30" &
	local pid=$!
	name=$(printf '/evil\033]0;pwned\a\033[2J\xe2\x80\xaegnp.exe\xc2\x85x')
	image=$(printf 'img\033[31m:\xe2\x80\x8blatest')
	rb_fake_docker "$root" "$good" "$name" "$image" "$pid"
	mkfifo "$c/${bad}2/config.v2.json"
	head -c 5000000 /dev/zero | tr '\0' ' ' >"$c/${bad}3/config.v2.json"
	echo '{"ID": "'"${bad}4"'", "Name": [' >"$c/${bad}4/config.v2.json"
	ln -s /dev/zero "$c/${bad}5/config.v2.json"
	local start ms json_pid
	start=$(date +%s%N)
	ig_start "$TMP/json" run trace_open -o json --host-root "$root" || { kill $pid; return 1; }
	ms=$(rb_ms_since "$start")
	json_pid=$IG_PID
	ig_start "$TMP/cols" run trace_open -o custom-columns=fname,image,container --host-root "$root" ||
		{ kill $pid; return 1; }
	touch "$TMP/go"
	# If they do not come, the checks below say so.
	wait_json "$TMP/json" '.fname == "/etc/hostname"' >/dev/null && wait_for_line "$TMP/cols" '/etc/hostname'
	ig_stop
	IG_PID=$json_pid ig_stop
	kill $pid; wait $pid 2>/dev/null

	[ "$ms" -lt 5000 ] || fail "start took ${ms} ms" || return 1
	jq -e . "$TMP/json" >/dev/null || fail "JSON does not parse" || return 1
	local ev
	ev=$(json_select "$TMP/json" '.fname == "/etc/hostname"' | head -1)
	[ -n "$ev" ] || fail "no event from the fake container: $(head -c 500 "$TMP/json")" || return 1
	assert_eq "$good" "$(jq -r .runtime.containerId <<<"$ev")" "containerId" &&
	assert_contains "$(cat "$TMP/json")" '"containerName":"evil?]0;pwned??[2J' "JSON name" &&
	assert_contains "$(cat "$TMP/json")" 'gnp.exe\u0085x"' "JSON C1" || return 1
	if LC_ALL=C grep -q $'\033\|\a\|\xe2\x80\xae\|\xc2\x85\|\xe2\x80\x8b' "$TMP/cols"; then
		fail "raw control or format characters in columns: $(cat -v "$TMP/cols")"
		return 1
	fi
	assert_contains "$(cat "$TMP/cols")" 'img?[31m:\u200blatest' "columns image" &&
	assert_contains "$(cat "$TMP/cols")" 'evil?]0;pwned??[2J\u202egnp.exe\u0085x' "columns name"
}

# ---------------------------------------------------------------- flooding

# An open loop at full speed against a 4 KiB ring and a slow JSON reader:
# ig answers SIGINT within a second, its RSS stays flat, and what it could
# not keep is counted on stderr and in the JSON stream.
test_robust_flood_small_ring_slow_reader() {
	rb_cc_open_loop || { rb_skip "no C compiler"; return 0; }
	command -v python3 >/dev/null || { rb_skip "no python3"; return 0; }
	mkfifo "$TMP/pipe"
	python3 -c 'import os, sys, time
while True:
    b = os.read(0, 4096)
    if not b: break
    sys.stdout.buffer.write(b)
    time.sleep(0.01)' <"$TMP/pipe" >"$TMP/out" &
	local reader=$!
	"$IG" run trace_open --host --comm rb_open_loop --ring-size 4096 -o json -v \
		>"$TMP/pipe" 2>"$TMP/err" &
	IG_PID=$!
	wait_until 5 grep -q ": attached" "$TMP/err" ||
		{ kill -KILL "$IG_PID" "$reader"; fail "ig did not attach: $(cat "$TMP/err")"; return 1; }
	"$TMP/rb_open_loop" /etc/hostname & local loop=$!
	local rss max=0 first=0 i
	for i in $(seq 1 25); do
		sleep 0.2
		rss=$(awk '/^VmRSS/ {print $2}' /proc/$IG_PID/status)
		[ "$i" -eq 5 ] && first=$rss
		[ "$rss" -gt "$max" ] && max=$rss
	done
	local start ms rc=0
	start=$(date +%s%N)
	kill -INT $IG_PID
	wait $IG_PID || rc=$?
	ms=$(rb_ms_since "$start")
	kill $loop; wait $loop 2>/dev/null; wait $reader
	assert_eq 0 "$rc" "exit code" || return 1
	[ "$ms" -lt 1000 ] || fail "SIGINT took ${ms} ms under flood" || return 1
	# After warm-up RSS may not keep growing (ASan's quarantine gets slack).
	local slack=4096; rb_is_asan && slack=65536
	[ "$max" -le $((first + slack)) ] || fail "RSS grew from ${first} kB to ${max} kB" || return 1
	assert_contains "$(cat "$TMP/err")" "the ring buffer was full" "loss reported on stderr" &&
	[ -n "$(json_select "$TMP/out" '.type == "lost" and .count > 0')" ] ||
		fail "no {\"type\":\"lost\"} record in the JSON stream" || return 1
	jq -e . "$TMP/out" >/dev/null || fail "JSON stream does not parse"
}

# --------------------------------------------------------------- valgrind

# One gadget session under memcheck: no invalid access, no leak. libbpf's
# feature probes pass bpf() a bpf_attr shorter than the one valgrind
# checks (the kernel reads only attr size bytes); those two are suppressed.
# valgrind cannot follow a static binary's heap: a static ig is checked as
# ig-dyn, the same objects with libc loaded at run time (make all builds it).
test_robust_valgrind_trace_open() {
	local vig=$IG
	command -v valgrind >/dev/null || { rb_skip "valgrind not installed"; return 0; }
	rb_is_asan && { rb_skip "$IG is an ASan build"; return 0; }
	if ! file -L "$IG" | grep -q "dynamically linked"; then
		vig=$(dirname "$IG")/ig-dyn
		[ -x "$vig" ] || { fail "$IG is static and there is no $vig to run under valgrind"; return 1; }
	fi
	cat >"$TMP/libbpf.supp" <<-'EOF'
	{
	   libbpf-probe-short-attr-expected_attach_type
	   Memcheck:Param
	   bpf(attr->expected_attach_type)
	   fun:syscall
	   fun:sys_bpf_prog_load
	}
	{
	   libbpf-probe-short-attr-prog_ifindex
	   Memcheck:Param
	   bpf(attr->prog_ifindex)
	   fun:syscall
	   fun:sys_bpf_prog_load
	}
	EOF
	local rc=0
	timeout 120 valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
		--suppressions="$TMP/libbpf.supp" "$vig" run trace_open --host -t 2 \
		>"$TMP/out" 2>"$TMP/vg" || rc=$?
	[ $rc -eq 0 ] || { grep -v 'unhandled eBPF' "$TMP/vg" | tail -40 >&2; fail "valgrind exit $rc"; return 1; }
	assert_contains "$(cat "$TMP/vg")" "ERROR SUMMARY: 0 errors" "valgrind summary"
}
