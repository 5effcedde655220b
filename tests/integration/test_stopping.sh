# shellcheck shell=bash
# Stopping on time with a reader that does not read (issue 17, items 10
# and 11): --timeout ends the run on time while stdout is blocked, and a
# stop never hangs on ig's own last message to a stalled stderr. Every
# wait here is bounded by `timeout`, so a regression fails, never hangs.
. tests/lib/engines.sh

st_ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# st_open_loop: opens at full speed, forever, as comm st_open_loop, so the
# output of trace_open --comm st_open_loop fills any pipe or tty. Sets
# ST_LOOP to its pid.
st_open_loop() {
	ln -s "$(python3 -c "import os, sys; print(os.path.realpath(sys.executable))")" "$TMP/st_open_loop" || return 1
	"$TMP/st_open_loop" -c 'import os
while True:
    os.close(os.open("/etc/hostname", os.O_RDONLY))' &
	ST_LOOP=$!
}

# `ig run trace_open -t 2 | (sleep 12; wc -l)`: a reader that reads nothing
# for longer than the timeout. ig ends at the deadline plus the drain
# budget, and says what it dropped.
test_stop_timeout_blocked_pipe() {
	st_open_loop || return 1
	mkfifo "$TMP/stuck"
	exec 3<>"$TMP/stuck"   # a reader that never reads
	local rc=0 attached ms
	timeout 20 "$IG" run trace_open --host --comm st_open_loop -o json -t 2 -v >"$TMP/stuck" 2>"$TMP/err" &
	IG_PID=$!
	for _ in $(seq 1 100); do grep -q ": attached" "$TMP/err" && break; sleep 0.05; done
	attached=$(date +%s%N)
	wait "$IG_PID" || rc=$?
	ms=$(st_ms_since "$attached")
	kill "$ST_LOOP"; wait "$ST_LOOP" 2>/dev/null
	exec 3>&-
	assert_eq 0 "$rc" "exit code ($(tail -3 "$TMP/err"))" &&
	{ [ "$ms" -lt 3500 ] || fail "-t 2 with a blocked stdout ended ${ms} ms after attaching"; } &&
	assert_contains "$(cat "$TMP/err")" "the output reader is too slow: dropped" "drop said"
}

# st_pty_run TIMEOUT SIGNAL ARGS...: run ig with stdout and stderr on a pty
# that nobody reads (a stalled terminal). With SIGNAL (not "-"), send it
# once ig is blocked writing. Prints "rc ms" (ms from the start, or from
# the signal); rc 124 if ig was still alive after TIMEOUT seconds.
st_pty_run() {
	python3 - "$@" <<'PY'
import os, signal, subprocess, sys, time
limit, sig, args = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
master, slave = os.openpty()
p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
os.close(slave)
t0 = time.monotonic()
if sig != "-":
    while time.monotonic() - t0 < 10:
        try:
            if open("/proc/%d/syscall" % p.pid).read().split()[0] == "1":
                break
        except (OSError, IndexError):
            pass
        time.sleep(0.05)
    t0 = time.monotonic()
    p.send_signal(getattr(signal, "SIG" + sig))
try:
    rc = p.wait(timeout=limit)
except subprocess.TimeoutExpired:
    p.kill(); p.wait(); rc = 124
print(rc, int((time.monotonic() - t0) * 1000))
PY
}

# The same on a terminal that is not read: a tty blocks a writer too, and
# stderr is the same stalled tty.
test_stop_timeout_stalled_tty() {
	st_open_loop || return 1
	local out rc ms
	out=$(st_pty_run 15 - "$IG" run trace_open --host --comm st_open_loop -t 2)
	kill "$ST_LOOP"; wait "$ST_LOOP" 2>/dev/null
	read -r rc ms <<<"$out"
	assert_eq 0 "$rc" "exit code" &&
	{ [ "$ms" -lt 5000 ] || fail "-t 2 on a stalled tty took ${ms} ms"; }
}

# Ctrl-C on a stalled terminal: the drain is dropped after its budget, and
# the message saying so must not hang on the same stalled tty.
test_stop_sigint_stalled_tty() {
	st_open_loop || return 1
	local out rc ms
	out=$(st_pty_run 15 INT "$IG" run trace_open --host --comm st_open_loop)
	kill "$ST_LOOP"; wait "$ST_LOOP" 2>/dev/null
	read -r rc ms <<<"$out"
	assert_eq 0 "$rc" "exit code" &&
	{ [ "$ms" -lt 1500 ] || fail "SIGINT on a stalled tty took ${ms} ms"; }
}

# ig run traceloop prints after the stop (here the end of -t 1): once ig
# blocks writing the traces to a stalled tty, SIGTERM ends it within the
# drain budget, and its message on the same stalled tty is bounded too.
test_stop_traceloop_sigterm_stalled_tty() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-st-tl-$RANDOM" out rc ms blocked
	docker run -d --name "$name" busybox sh -c 'while true; do echo line >/dev/null; done' >/dev/null || return 1
	out=$(python3 - "$IG" "$name" <<'PY'
import os, signal, subprocess, sys, time
ig, name = sys.argv[1], sys.argv[2]
master, slave = os.openpty()
p = subprocess.Popen([ig, "run", "traceloop", "-c", name, "-t", "1"],
                     stdin=subprocess.DEVNULL, stdout=slave, stderr=slave)
os.close(slave)
blocked, t0 = 0, time.monotonic()
while not blocked and time.monotonic() - t0 < 15 and p.poll() is None:
    try:
        blocked = int(open("/proc/%d/syscall" % p.pid).read().split()[0] == "1")
    except (OSError, IndexError):
        pass
    time.sleep(0.01)
t0 = time.monotonic()
p.send_signal(signal.SIGTERM)
try:
    rc = p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill(); p.wait(); rc = 124
print(rc, int((time.monotonic() - t0) * 1000), blocked)
PY
)
	docker rm -f "$name" >/dev/null
	read -r rc ms blocked <<<"$out"
	assert_eq 1 "$blocked" "ig blocked writing to the stalled tty" &&
	assert_eq 0 "$rc" "exit code" &&
	{ [ "$ms" -lt 1500 ] || fail "SIGTERM with a stalled tty took ${ms} ms"; }
}

# A stop signal the parent left blocked is unblocked: the first Ctrl-C works.
test_stop_inherited_blocked_sigint() {
	local out rc ms
	out=$(python3 - "$IG" <<'PY'
import os, signal, subprocess, sys, time
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
p = subprocess.Popen([sys.argv[1], "run", "trace_exec", "--host", "-v"],
                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
for line in p.stderr:
    if b": attached" in line:
        break
t0 = time.monotonic()
p.send_signal(signal.SIGINT)
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill(); p.wait(); rc = 124
print(rc, int((time.monotonic() - t0) * 1000))
PY
)
	read -r rc ms <<<"$out"
	assert_eq 0 "$rc" "exit code after SIGINT" &&
	{ [ "$ms" -lt 1000 ] || fail "SIGINT took ${ms} ms"; }
}

# A stderr that is full from the start (a stalled terminal, a stuck log
# pipe): the loss reports, written in the loop, must not outlive
# --timeout either.
test_stop_timeout_stalled_stderr() {
	st_open_loop || return 1
	mkfifo "$TMP/stuck"
	exec 3<>"$TMP/stuck"
	# Fill the pipe: any write to it now blocks.
	python3 -c 'import os, fcntl
fd = os.open("'"$TMP/stuck"'", os.O_WRONLY | os.O_NONBLOCK)
try:
    while True: os.write(fd, b"x" * 4096)
except BlockingIOError:
    pass'
	local rc=0 start ms
	start=$(date +%s%N)
	timeout 20 "$IG" run trace_open --host --comm st_open_loop --ring-size 4096 -o json -t 2 \
		>/dev/null 2>"$TMP/stuck" || rc=$?
	ms=$(st_ms_since "$start")
	kill "$ST_LOOP"; wait "$ST_LOOP" 2>/dev/null
	exec 3>&-
	assert_eq 0 "$rc" "exit code" &&
	{ [ "$ms" -lt 5000 ] || fail "-t 2 with a stalled stderr took ${ms} ms"; }
}
