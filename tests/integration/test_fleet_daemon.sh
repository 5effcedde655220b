# shellcheck shell=bash
# ig daemon with several gadgets in one loop (issue 15): the export, SIGHUP
# reloads that keep the streams of the gadgets that stay, traceloop's
# requests, and a SIGTERM that leaves no BPF object behind.

# _count_execs EXPORT MARK: exec events whose args hold MARK, over the
# export and its rotated files; each line must parse.
_count_execs() {
	cat "$1" "$1".* 2>/dev/null |
		jq -c --arg m "$2" 'select(.gadget == "trace_exec" and (.args | contains($m)))' | wc -l
}

test_daemon_runs_gadgets_and_reloads_without_losing_events() {
	local cfg=$TMP/ig.yaml exp=$TMP/events.jsonl mark=igreload$$ n=300 got
	printf 'gadgets:\n  trace_exec: {host: true}\n  trace_open: {host: true, comm: igdopen}\n' >"$cfg"
	_daemon_start "$TMP/err" --config "$cfg" --socket "$TMP/s/ig.sock" \
		--export-file "$exp" || return 1
	assert_eq 600 "$(stat -c %a "$exp")" "export mode" || return 1
	# Execs before, across and after the reload; the reload drops
	# trace_open and adds trace_tcp while trace_exec stays.
	printf 'gadgets:\n  trace_exec: {host: true}\n  trace_tcp: {host: true}\n' >"$cfg.new"
	for i in $(seq 1 $n); do
		/bin/echo "$mark-$i" >/dev/null
		if [ "$i" = 100 ]; then
			mv "$cfg.new" "$cfg"
			kill -HUP "$IG_PID"
		fi
		[ "$i" = 200 ] && { _wait_line "$TMP/err" "daemon: reloaded" 30 || break; }
	done
	_wait_line "$TMP/err" "daemon: reloaded" 30 || { tail "$TMP/err" >&2; fail "no reload"; return 1; }
	kill -TERM "$IG_PID"; wait "$IG_PID"
	local rc=$?
	assert_eq 0 "$rc" "exit code after SIGTERM" || return 1
	got=$(_count_execs "$exp" "$mark")
	assert_eq "$n" "$got" "exec events across the reload" || return 1
	assert_eq 1 "$(grep -c 'daemon: trace_exec attached' "$TMP/err")" "trace_exec started once" || return 1
	assert_contains "$(cat "$TMP/err")" "daemon: trace_open stopped" "trace_open left" || return 1
	assert_contains "$(cat "$TMP/err")" "daemon: trace_tcp attached" "trace_tcp came" || return 1
	[ ! -s "$TMP/err.out" ] || fail "stdout is not the export when --export-file is given"
}

# Four gadgets in one process: traceloop still answers, the export gets
# the trace gadgets' events on stdout, and after SIGTERM every program
# and map the daemon held is gone.
test_daemon_sigterm_leaves_no_bpf_objects() {
	local sock=$TMP/s/ig.sock progs maps left mark=igterm$$
	printf 'gadgets:\n  trace_exec: {host: true}\n  trace_open:\n  trace_tcp:\n  traceloop:\n' >"$TMP/ig.yaml"
	_daemon_start "$TMP/err" --config "$TMP/ig.yaml" --socket "$sock" || return 1
	# The programs and maps the daemon holds, by its descriptors.
	progs=$(cat /proc/"$IG_PID"/fdinfo/* 2>/dev/null | awk '$1 == "prog_id:" {print $2}' | sort -u)
	maps=$(cat /proc/"$IG_PID"/fdinfo/* 2>/dev/null | awk '$1 == "map_id:" {print $2}' | sort -u)
	[ "$(echo "$progs" | wc -w)" -ge 4 ] || fail "the daemon holds $(echo "$progs" | wc -w) programs" || return 1
	timeout 10 "$IG" traceloop list --socket "$sock" >"$TMP/list" 2>&1 ||
		{ cat "$TMP/list" >&2; fail "ig traceloop list"; return 1; }
	/bin/echo "$mark" >/dev/null
	kill -TERM "$IG_PID"; wait "$IG_PID"
	assert_eq 0 "$?" "exit code after SIGTERM" || return 1
	# The kernel frees a released program or map from a work queue: give
	# it a moment, then nothing of ours may remain.
	local deadline=$((SECONDS + 10))
	while :; do
		left=""
		for id in $progs; do bpftool prog show id "$id" >/dev/null 2>&1 && left="$left prog:$id"; done
		for id in $maps; do bpftool map show id "$id" >/dev/null 2>&1 && left="$left map:$id"; done
		[ -z "$left" ] || [ $SECONDS -ge $deadline ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "left behind:$left" || return 1
	# Without --export-file the export is stdout, drained at the stop.
	assert_eq 1 "$(_count_execs "$TMP/err.out" "$mark")" "our exec on stdout" || return 1
	[ ! -e "$sock" ] || fail "the socket stayed"
}

test_daemon_refuses_bad_config() {
	local out rc
	printf 'gadgets:\n  no_such_gadget:\n' >"$TMP/bad.yaml"
	out=$("$IG" daemon --config "$TMP/bad.yaml" --socket "$TMP/s/ig.sock" 2>&1); rc=$?
	assert_eq 2 "$rc" "exit code for an unknown gadget" || return 1
	assert_contains "$out" "no_such_gadget" "the error" || return 1
	printf 'gadgets:\n  trace_exec: {nope: 1}\n' >"$TMP/bad.yaml"
	out=$("$IG" daemon --config "$TMP/bad.yaml" --socket "$TMP/s/ig.sock" 2>&1); rc=$?
	assert_eq 2 "$rc" "exit code for an unknown flag" || return 1
	assert_contains "$out" "nope" "the error" || return 1
	out=$("$IG" daemon --gadgets trace_exec --config "$TMP/bad.yaml" 2>&1); rc=$?
	assert_eq 2 "$rc" "exit code for --gadgets with --config" || return 1
}

# A gadget whose ring overflows: the export's lost record names it, so a
# shipper knows which stream has a gap; the other gadget's stream has
# none. trace_open gets the smallest ring (4 KiB) and a flood of opens.
test_daemon_lost_record_names_the_gadget() {
	local exp=$TMP/events.jsonl rec
	printf 'gadgets:\n  trace_exec: {host: true}\n  trace_open: {host: true, ring-size: 4096}\n' >"$TMP/ig.yaml"
	_daemon_start "$TMP/err" --config "$TMP/ig.yaml" --socket "$TMP/s/ig.sock" \
		--export-file "$exp" || return 1
	python3 - <<-'PY' &
	import time
	end = time.time() + 20
	while time.time() < end:
	    for _ in range(2000):
	        open("/dev/null").close()
	PY
	local flood=$!
	_wait_line "$TMP/err" "daemon: trace_open lost" 20
	local rc=$?
	kill "$flood" 2>/dev/null; wait "$flood" 2>/dev/null
	kill -TERM "$IG_PID"; wait "$IG_PID"
	assert_eq 0 "$?" "exit code after SIGTERM" || return 1
	[ $rc -eq 0 ] || { tail -5 "$TMP/err" >&2; fail "trace_open never lost events with a 4 KiB ring"; return 1; }
	rec=$(jq -c 'select(.type == "lost")' "$exp" | head -1)
	[ -n "$rec" ] || { fail "no lost record in the export"; return 1; }
	echo "lost record: $rec" >&2
	assert_eq trace_open "$(jq -r .gadget <<<"$rec")" "the lost record's gadget" || return 1
	[ "$(jq -r .count <<<"$rec")" -gt 0 ] || fail "count: $rec" || return 1
	assert_eq 0 "$(jq -c 'select(.type == "lost" and .gadget != "trace_open")' "$exp" | wc -l)" \
		"lost records of another gadget"
}

# SIGHUP starts traceloop (its requests then answer, and it records a
# container started afterwards), then a second SIGHUP stops it (its
# requests are refused again); trace_exec's stream runs through both
# reloads without losing an exec.
test_daemon_reload_starts_and_stops_traceloop() {
	local cfg=$TMP/ig.yaml exp=$TMP/events.jsonl sock=$TMP/s/ig.sock mark=igtlrl$$ n=300
	local ct=igtlrl-$$ out i deadline
	. tests/lib/engines.sh
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	printf 'gadgets:\n  trace_exec: {host: true}\n' >"$cfg"
	_daemon_start "$TMP/err" --config "$cfg" --socket "$sock" --export-file "$exp" || return 1
	out=$(timeout 10 "$IG" traceloop list --socket "$sock" 2>&1) &&
		{ fail "traceloop answered before it was started: $out"; return 1; }
	assert_contains "$out" "does not run traceloop" "the refusal" || return 1
	docker rm -f "$ct" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "docker rm -f $ct >/dev/null 2>&1" EXIT
	for i in $(seq 1 $n); do
		/bin/echo "$mark-$i" >/dev/null
		if [ "$i" = 50 ]; then
			printf 'gadgets:\n  trace_exec: {host: true}\n  traceloop:\n' >"$cfg"
			kill -HUP "$IG_PID"
		fi
		if [ "$i" = 150 ]; then
			_wait_line "$TMP/err" "traceloop on" 30 || { tail "$TMP/err" >&2; fail "traceloop did not start"; return 1; }
			docker run -d --name "$ct" busybox sh -c 'while :; do cat /proc/version >/dev/null; sleep 0.1; done' >/dev/null ||
				{ fail "docker run"; return 1; }
			deadline=$((SECONDS + 20))
			until timeout 10 "$IG" traceloop list --socket "$sock" >"$TMP/list" 2>&1 && grep -q "$ct" "$TMP/list"; do
				[ $SECONDS -ge $deadline ] && { cat "$TMP/list" >&2; fail "traceloop never listed $ct"; return 1; }
				sleep 0.2
			done
			printf 'gadgets:\n  trace_exec: {host: true}\n' >"$cfg"
			kill -HUP "$IG_PID"
		fi
		[ "$i" = 250 ] && { _wait_line "$TMP/err" "traceloop off" 30 || break; }
	done
	_wait_line "$TMP/err" "traceloop off" 30 || { tail "$TMP/err" >&2; fail "traceloop did not stop"; return 1; }
	out=$(timeout 10 "$IG" traceloop list --socket "$sock" 2>&1) &&
		{ fail "traceloop answered after it was stopped: $out"; return 1; }
	assert_contains "$out" "does not run traceloop" "the refusal after the stop" || return 1
	kill -TERM "$IG_PID"; wait "$IG_PID"
	assert_eq 0 "$?" "exit code after SIGTERM" || return 1
	assert_eq "$n" "$(_count_execs "$exp" "$mark")" "exec events across both reloads" || return 1
	assert_eq 1 "$(grep -c 'daemon: trace_exec attached' "$TMP/err")" "trace_exec started once" || return 1
	assert_contains "$(cat "$TMP/err")" "daemon: traceloop stopped" "traceloop stopped"
}

# _echoes EXPORT MARK: echo's execs with MARK (the test's jq and python
# carry MARK in their own arguments too).
_echoes() {
	jq -c --arg m "$2" 'select(.gadget == "trace_exec" and .proc.comm == "echo" and (.args | contains($m)))' "$1" | wc -l
}

# Per-gadget flags on the command line, as ig run takes them: trace_open
# with --failed reports the failed open of our marked file and not the
# successful one; trace_exec's spec has stray blanks; trace_tcp comes from
# --gadgets, with its defaults.
test_daemon_gadget_flags_on_the_command_line() {
	local exp=$TMP/events.jsonl mark=igdflags$$
	_daemon_start "$TMP/err" --gadgets trace_tcp --gadget 'trace_open --host --failed' \
		--gadget '  trace_exec   --host ' --socket "$TMP/s/ig.sock" --export-file "$exp" || return 1
	: >"$TMP/$mark-present"
	python3 -c 'import sys
open(sys.argv[1]).close()
try:
    open(sys.argv[2])
except OSError:
    pass' "$TMP/$mark-present" "$TMP/$mark-missing"
	/bin/echo "$mark" >/dev/null
	local deadline=$((SECONDS + 10))
	until [ "$(jq -c --arg m "$mark-missing" 'select(.gadget == "trace_open" and (.fname | contains($m)))' "$exp" 2>/dev/null | wc -l)" -ge 1 ] &&
		[ "$(_echoes "$exp" "$mark")" -ge 1 ]; do
		[ $SECONDS -ge $deadline ] && break
		sleep 0.1
	done
	kill -TERM "$IG_PID"; wait "$IG_PID"
	assert_eq 0 "$?" "exit code after SIGTERM" || return 1
	assert_eq 1 "$(jq -c --arg m "$mark-missing" 'select(.gadget == "trace_open" and (.fname | contains($m)) and .error == "ENOENT")' "$exp" | wc -l)" \
		"the failed open" || return 1
	assert_eq 0 "$(jq -c --arg m "$mark-present" 'select(.gadget == "trace_open" and (.fname | contains($m)))' "$exp" | wc -l)" \
		"the successful open (--failed hides it)" || return 1
	assert_eq 1 "$(_echoes "$exp" "$mark")" "trace_exec, its spec's blanks trimmed" || return 1
	assert_contains "$(cat "$TMP/err")" "daemon: trace_tcp attached" "trace_tcp, from --gadgets" || return 1
	local out rc
	out=$("$IG" daemon --gadget 'trace_open --nope' --socket "$TMP/s2/ig.sock" 2>&1); rc=$?
	assert_eq 2 "$rc" "exit code for a gadget's unknown flag" || return 1
	assert_contains "$out" "--nope" "the error"
}
