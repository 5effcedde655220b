# shellcheck shell=bash
# ttysnoop against real ttys: docker -t containers and host ptys.

# Docker containers come from tests/lib/engines.sh (offline busybox image).
tty_docker() {
	# shellcheck disable=SC1091
	. tests/lib/engines.sh
	engines_setup || { fail "container engines are not available"; return 1; }
}

# tty_container NAME CMD: a detached container with a tty (docker run -d -t).
# It lingers after CMD until tty_release: ig attributes an event to a
# container through its processes, and a container gone before ig reads its
# events is missed (a limit of container discovery, not of ttysnoop). The
# test waits for the events it needs first.
tty_container() {
	local name=$1; shift
	docker rm -f "$name" >/dev/null 2>&1
	docker run -d -t --name "$name" busybox sh -c "$1; until [ -e /release ]; do sleep 0.05; done" >/dev/null ||
		{ fail "docker run $name failed"; return 1; }
}

# tty_release NAME: let the container's command end, and wait until it has.
tty_release() {
	docker exec "$1" touch /release || { fail "docker exec $1 failed"; return 1; }
	tty_wait_exit "$1"
}

# tty_wait_exit NAME: until the container's command is done (at most 10s).
tty_wait_exit() {
	timeout 10 docker wait "$1" >/dev/null || fail "container $1 did not exit"
}

# tty_rows FILE ERE N: FILE has N lines or more matching ERE.
tty_rows() { [ "$(grep -Ec "$2" "$1")" -ge "$3" ]; }

# tty_cast_has DIR TEXT: a cast in DIR has TEXT.
tty_cast_has() {
	local f
	for f in "$1"/*.cast; do grep -qsF -- "$2" "$f" && return 0; done
	return 1
}

# The writes are traced at the syscall: once the writer is done, its
# events are in the ring buffer, in order (wait_json_all waits for them).

# in_pty CMD...: run CMD with a pty as its stdin/stdout/stderr.
in_pty() {
	script -qfec "$*" /dev/null </dev/null
}

# replay FILE: what `asciinema cat` prints. It needs a terminal of its own
# (it opens /dev/tty and sets raw mode, so the bytes pass unchanged).
replay() {
	script -qfec "asciinema cat $1" /dev/null </dev/null
}

test_ttysnoop_container_columns() {
	local name=test-ttysnoop
	tty_docker || return 1
	ig_start "$TMP/out" run ttysnoop -c "$name" || return 1
	tty_container "$name" 'while /bin/true; do echo foo; sleep 3; done' || return 1
	# echo writes "foo\n"; the tty's \r is added later by the line discipline.
	local row='^test-ttysnoop +sh +[0-9]+ +[0-9]+ 4 +foo\\n$' rows
	# The second echo comes 3 s after the first.
	wait_until 10 tty_rows "$TMP/out" "$row" 2
	ig_stop
	docker rm -f "$name" >/dev/null
	head -1 "$TMP/out" | grep -Eq '^RUNTIME.CONTAINERNAME +COMM +PID +TID LEN +BUF$' ||
		fail "header: $(head -1 "$TMP/out")" || return 1
	rows=$(grep -Ec "$row" "$TMP/out")
	[ "$rows" -ge 2 ] || fail "expected 2+ 'sh 4 foo\\n' rows, got: $(cat "$TMP/out")"
}

test_ttysnoop_container_json() {
	local name=test-ttysnoop-json
	tty_docker || return 1
	ig_start "$TMP/out" run ttysnoop -c "$name" -o json || return 1
	tty_container "$name" 'echo foo' || return 1
	wait_json_all '.buf == "foo\n"' || { docker rm -f "$name" >/dev/null; return 1; }
	ig_stop
	docker rm -f "$name" >/dev/null
	local ev
	ev=$(json_select "$TMP/out" '.buf == "foo\n"' | head -1)
	[ -n "$ev" ] || fail "no foo event: $(cat "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "container" &&
	assert_eq "sh" "$(jq -r .proc.comm <<<"$ev")" "comm" &&
	assert_eq "4" "$(jq -r .len <<<"$ev")" "len" &&
	assert_eq "false" "$(jq -r .buf_truncated <<<"$ev")" "buf_truncated" &&
	assert_eq "write" "$(jq -r .syscall <<<"$ev")" "syscall" &&
	assert_eq "true" "$(jq -r .onlcr <<<"$ev")" "onlcr" &&
	[[ "$(jq -r .tty <<<"$ev")" =~ ^pts[0-9]+$ ]] || fail "tty: $(jq -r .tty <<<"$ev")" || return 1
	[[ "$(jq -r .dev <<<"$ev")" =~ ^13[6-9]:|^14[0-3]: ]] || fail "dev: $(jq -r .dev <<<"$ev")"
}

# Escape sequences from the container must not reach the operator's terminal.
test_ttysnoop_escape_columns() {
	local name=test-ttysnoop-esc
	tty_docker || return 1
	ig_start "$TMP/out" run ttysnoop -c "$name" || return 1
	tty_container "$name" "printf '\\033[2J\\033[31mred'" || return 1
	wait_for_line "$TMP/out" 'x1b\[31mred' || { ig_stop; docker rm -f "$name" >/dev/null; return 1; }
	ig_stop
	docker rm -f "$name" >/dev/null
	if grep -q $'\033' "$TMP/out"; then fail "raw ESC in columns output"; return 1; fi
	assert_contains "$(cat "$TMP/out")" '\x1b[2J\x1b[31mred' "escaped bytes"
}

test_ttysnoop_escape_json() {
	local name=test-ttysnoop-esc-json
	tty_docker || return 1
	ig_start "$TMP/out" run ttysnoop -c "$name" -o json || return 1
	tty_container "$name" "printf '\\033[2J\\033[31mred'" || return 1
	wait_json_all '.buf == "\u001b[2J\u001b[31mred"' || { docker rm -f "$name" >/dev/null; return 1; }
	ig_stop
	docker rm -f "$name" >/dev/null
	if grep -q $'\033' "$TMP/out"; then fail "raw ESC in JSON output"; return 1; fi
	jq -e . "$TMP/out" >/dev/null || fail "JSON does not parse" || return 1
	# jq decodes \u001b back to the original bytes: a lossless round trip.
	[ -n "$(json_select "$TMP/out" '.buf == "\u001b[2J\u001b[31mred"')" ] ||
		fail "buf did not round-trip: $(cat "$TMP/out")"
}

# The cast replays what the container's terminal showed: docker logs of a
# -t container is the pty's output, after the line discipline.
test_ttysnoop_asciicast_container_dir() {
	local name=test-ttysnoop-cast
	tty_docker || return 1
	ig_start "$TMP/out" run ttysnoop -c "$name" -o "asciicast=$TMP/casts" || return 1
	tty_container "$name" "printf '\\033[1mbold\\033[0m\\n'; sleep 0.3; echo 'second line'; printf 'tab\\there caf\\303\\251\\n'" || return 1
	# The last write in the cast, then the end, for docker logs.
	wait_until 10 tty_cast_has "$TMP/casts" 'here caf' ||
		{ ig_stop; docker rm -f "$name" >/dev/null; fail "no last write in $TMP/casts: $(cat "$TMP"/casts/*)"; return 1; }
	tty_release "$name" || { ig_stop; docker rm -f "$name" >/dev/null; return 1; }
	ig_stop
	local cast
	cast=$(ls "$TMP"/casts/"$name"-*.cast 2>/dev/null)
	[ -n "$cast" ] || fail "no cast in $TMP/casts: $(ls "$TMP/casts")" || return 1
	head -1 "$cast" | jq -e '.version == 2 and .width == 80 and .height == 24 and (.timestamp | type) == "number"' >/dev/null ||
		fail "bad header: $(head -1 "$cast")" || return 1
	tail -n +2 "$cast" | jq -e 'type == "array" and length == 3 and .[1] == "o"' >/dev/null ||
		fail "bad events: $(cat "$cast")" || return 1
	docker logs "$name" >"$TMP/expected" 2>&1
	docker rm -f "$name" >/dev/null
	[ -s "$TMP/expected" ] || fail "docker logs is empty" || return 1
	replay "$cast" >"$TMP/replayed"
	cmp "$TMP/expected" "$TMP/replayed" ||
		fail "replay differs: expected $(od -c "$TMP/expected" | head -5) got $(od -c "$TMP/replayed" | head -5)"
}

test_ttysnoop_asciicast_stdout() {
	local name=test-ttysnoop-cast-out
	tty_docker || return 1
	ig_start "$TMP/out.cast" run ttysnoop -c "$name" -o asciicast || return 1
	tty_container "$name" "for i in 1 2 3; do echo \"step \$i\"; sleep 0.2; done" || return 1
	wait_for_line "$TMP/out.cast" 'step 3' || { ig_stop; docker rm -f "$name" >/dev/null; return 1; }
	tty_release "$name" || { ig_stop; docker rm -f "$name" >/dev/null; return 1; }
	ig_stop
	docker logs "$name" >"$TMP/expected" 2>&1
	docker rm -f "$name" >/dev/null
	[ -s "$TMP/expected" ] || fail "docker logs is empty" || return 1
	assert_eq "4" "$(wc -l <"$TMP/out.cast" | tr -d ' ')" "header + 3 events" || return 1
	replay "$TMP/out.cast" >"$TMP/replayed"
	cmp "$TMP/expected" "$TMP/replayed" || fail "replay differs: $(od -c "$TMP/replayed" | head -5)" || return 1
	# Event times grow with the container's sleeps.
	local t3
	t3=$(sed -n 4p "$TMP/out.cast" | jq '.[0]')
	jq -en "$t3 >= 0.3 and $t3 < 3" >/dev/null || fail "third event at $t3 s"
}

# A host terminal, without containers: write, writev and pwritev2(-1) on a
# pty slave are reported with the pty's name.
test_ttysnoop_host_pty() {
	ig_start "$TMP/out" run ttysnoop --host --comm python3 -o json || return 1
	python3 - >"$TMP/ttyname" <<'EOF'
import ctypes, os
m, s = os.openpty()
print(os.ttyname(s))
os.write(s, b"hi from a pty\n")
os.writev(s, [b"ab", b"", b"cd"])
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_char_p), ("len", ctypes.c_size_t)]
v = iovec(b"pv2", 3)
libc = ctypes.CDLL(None, use_errno=True)
# pwritev2(fd, iov, 1, offset -1 = the current position, 0): a tty accepts it.
assert libc.syscall(328, s, ctypes.byref(v), 1, ctypes.c_long(-1), ctypes.c_long(0), 0) == 3
EOF
	wait_json_all '.buf == "hi from a pty\n"' '.buf == "abcd"' '.buf == "pv2"' || return 1
	ig_stop
	local tty ev
	tty=$(sed 's|^/dev/pts/|pts|' "$TMP/ttyname")
	ev=$(json_select "$TMP/out" '.buf == "hi from a pty\n"')
	[ -n "$ev" ] || fail "no write event: $(cat "$TMP/out")" || return 1
	assert_eq "$tty" "$(jq -r .tty <<<"$ev")" "tty" &&
	assert_eq "" "$(jq -r .runtime.containerName <<<"$ev")" "container" &&
	assert_eq "14" "$(jq -r .len <<<"$ev")" "len" || return 1
	ev=$(json_select "$TMP/out" '.buf == "abcd"')
	assert_eq "writev 4" "$(jq -r '.syscall + " " + (.len|tostring)' <<<"$ev")" "writev" || return 1
	ev=$(json_select "$TMP/out" '.buf == "pv2"')
	assert_eq "pwritev2" "$(jq -r .syscall <<<"$ev")" "pwritev2"
}

# script(1) gives a shell a real pty; printf is its builtin.
test_ttysnoop_host_script() {
	local marker="hi-$RANDOM$RANDOM"
	ig_start "$TMP/out" run ttysnoop --host || return 1
	in_pty "printf $marker" >/dev/null
	wait_for_line "$TMP/out" " ${#marker} +$marker\$" || { ig_stop; return 1; }
	ig_stop
	grep -Eq " ${#marker} +$marker\$" "$TMP/out" || fail "no '$marker' row: $(cat "$TMP/out")"
}

# Writes to files, pipes and /dev/null go unreported; a pty write in the
# same process shows the tracer was listening.
test_ttysnoop_non_tty_not_reported() {
	local m="notty-$RANDOM$RANDOM"
	ig_start "$TMP/out" run ttysnoop --host --comm python3 -o json || return 1
	python3 - "$m" "$TMP/file" <<'EOF'
import os, sys
m, path = sys.argv[1].encode(), sys.argv[2]
with open(path, "wb", buffering=0) as f:
    f.write(m + b" file")
r, w = os.pipe()
os.write(w, m + b" pipe")
os.writev(w, [m, b" pipev"])
with open("/dev/null", "wb", buffering=0) as f:
    f.write(m + b" null")
pm, ps = os.openpty()
os.write(ps, m + b" pty")
EOF
	# The pty write is the last: the others, had they been reported, come
	# before it.
	wait_json_all ".buf == \"$m pty\"" || return 1
	ig_stop
	assert_eq "$m pty" "$(jq -r .buf "$TMP/out" | grep "$m" | tr '\n' ' ' | sed 's/ $//')" "reported writes"
}

# 8 KiB are copied; len is still the full length.
test_ttysnoop_truncated() {
	ig_start "$TMP/out" run ttysnoop --host --comm python3 -o json || return 1
	timeout 5 python3 -c '
import os, threading
m, s = os.openpty()
def drain():
    while os.read(m, 65536):
        pass
threading.Thread(target=drain, daemon=True).start()
os.write(s, b"A" * 10000)
os.writev(s, [b"B" * 5000, b"C" * 5000])
'
	wait_json_all '.syscall == "write" and .len == 10000' '.syscall == "writev" and .len == 10000' || return 1
	ig_stop

	local ev
	ev=$(json_select "$TMP/out" '.syscall == "write" and .len == 10000')
	[ -n "$ev" ] || fail "no 10000-byte write: $(jq -c '{len, syscall}' "$TMP/out")" || return 1
	assert_eq "8192 true" "$(jq -r '"\(.buf | length) \(.buf_truncated)"' <<<"$ev")" "write cut at 8 KiB" || return 1
	ev=$(json_select "$TMP/out" '.syscall == "writev" and .len == 10000')
	[ -n "$ev" ] || fail "no 10000-byte writev" || return 1
	jq -e '.buf == ("B" * 5000) + ("C" * 3192) and .buf_truncated' <<<"$ev" >/dev/null ||
		fail "writev not cut after 5000 B + 3192 C: $(jq -c '{len, n: (.buf | length)}' <<<"$ev")"
}

test_ttysnoop_asciicast_needs_buf() {
	if "$IG" run trace_open -o asciicast -t 1 >"$TMP/out" 2>"$TMP/err"; then
		fail "trace_open -o asciicast should fail"
		return 1
	fi
	assert_contains "$(cat "$TMP/err")" '"buf" field' "error"
}

# ig's rows on a terminal are tty writes: ig must not trace itself, nor what
# reads its output (| cat), or each row would make another, without end.
test_ttysnoop_no_feedback_loop() {
	in_pty "timeout 2 $IG run ttysnoop --host" >"$TMP/direct" 2>&1
	in_pty "timeout 2 $IG run ttysnoop --host | cat" >"$TMP/piped" 2>&1
	local f
	for f in direct piped; do
		tr -d '\r' <"$TMP/$f" >"$TMP/$f.txt"
		grep -Eq '^ +(ig|cat|timeout) ' "$TMP/$f.txt" &&
			{ fail "$f: ig's own output was traced: $(head -5 "$TMP/$f.txt")"; return 1; }
		[ "$(wc -l <"$TMP/$f.txt")" -lt 50 ] || fail "$f: $(wc -l <"$TMP/$f.txt") lines in 2s" || return 1
	done
}
