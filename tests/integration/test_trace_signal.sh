# shellcheck shell=bash
# trace_signal against real signals between processes in a Docker container.
. tests/lib/engines.sh

sig_setup() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

# In a container: a sleep gets SIGUSR1 from its shell once it runs sleep
# (not the shell's fork), then a kill of a pid that does not exist.
SIG_WORKLOAD='sleep 30 & p=$!; until [ "$(cat /proc/$p/comm)" = sleep ]; do :; done; kill -USR1 $p; kill -USR1 999999; wait $p; echo done'

test_signal_kill_usr1_in_container() {
	sig_setup || return 1
	local name="ig-signal-$RANDOM"
	ig_start "$TMP/out" run trace_signal -o json -c "$name" || return 1
	docker run --rm --name "$name" busybox sh -c "$SIG_WORKLOAD" >"$TMP/docker.out" 2>&1
	local ev fail_ev
	ev=$(wait_json "$TMP/out" '.sig == "SIGUSR1" and .via == "kill" and .error == ""') &&
	fail_ev=$(wait_json "$TMP/out" '.sig == "SIGUSR1" and .error == "ESRCH"')
	local rc=$?
	ig_stop
	[ $rc -eq 0 ] || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "sh" "$(jq -r .proc.comm <<<"$ev")" "sender comm" &&
	assert_eq "sleep" "$(jq -r .tcomm <<<"$ev")" "target comm" &&
	assert_eq "10" "$(jq -r .sig_raw <<<"$ev")" "sig_raw" &&
	assert_eq "delivered" "$(jq -r .result <<<"$ev")" "result" &&
	[ "$(jq -r .tpid <<<"$ev")" -gt 0 ] || fail "tpid: $ev" || return 1
	assert_eq "999999" "$(jq -r .tpid <<<"$fail_ev")" "tpid of the failed kill" &&
	assert_eq "3" "$(jq -r .error_raw <<<"$fail_ev")" "error_raw"
}

# The target pid is the host's, like proc.pid: the SIGCHLD the sleep's death
# sends goes to the sender of SIGUSR1. A dying process has left its mount
# namespace when it sends SIGCHLD, so that event is the host's (--host).
test_signal_tpid_is_host_pid() {
	sig_setup || return 1
	local name="ig-signal-$RANDOM"
	ig_start "$TMP/out" run trace_signal -o json --host || return 1
	docker run --rm --name "$name" busybox sh -c "$SIG_WORKLOAD" >/dev/null 2>&1
	local usr1 chld
	usr1=$(wait_json "$TMP/out" ".sig == \"SIGUSR1\" and .error == \"\" and .runtime.containerName == \"$name\"") &&
	chld=$(wait_json "$TMP/out" ".sig == \"SIGCHLD\" and .proc.pid == $(jq -r .tpid <<<"$usr1")")
	local rc=$?
	ig_stop
	[ $rc -eq 0 ] || return 1
	assert_eq "$(jq -r .tpid <<<"$usr1")" "$(jq -r .proc.pid <<<"$chld")" "SIGUSR1's target is the sleep" &&
	assert_eq "$(jq -r .proc.pid <<<"$usr1")" "$(jq -r .tpid <<<"$chld")" "SIGCHLD's target is the shell" &&
	assert_eq "kernel" "$(jq -r .via <<<"$chld")" "SIGCHLD via"
}

# --kill-only drops kernel-generated signals, --signal keeps one signal,
# --failed keeps failed calls: all in the kernel.
test_signal_flags_filter() {
	sig_setup || return 1
	local name="ig-signal-$RANDOM"
	ig_start "$TMP/out" run trace_signal -o json -c "$name" --kill-only --signal usr1 --failed || return 1
	docker run --rm --name "$name" busybox sh -c "$SIG_WORKLOAD; kill -USR2 999998" >/dev/null 2>&1
	wait_json "$TMP/out" '.tpid == 999999' >/dev/null
	local rc=$?
	ig_stop
	[ $rc -eq 0 ] || return 1
	assert_eq "999999" "$(jq -r .tpid "$TMP/out" | sort -u | tr '\n' ' ' | sed 's/ $//')" "only the failed SIGUSR1 kill"
}

test_signal_bad_signal_usage_error() {
	local rc=0
	"$IG" run trace_signal --signal SIGNOPE >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	assert_eq 2 "$rc" "exit code" &&
	assert_eq 1 "$(wc -l <"$TMP/stderr")" "one stderr line" &&
	assert_contains "$(cat "$TMP/stderr")" '"SIGNOPE" is not a signal' "message"
}
