# shellcheck shell=bash
# audit_seccomp against a Docker container under a seccomp profile with
# kill and trap actions.
. tests/lib/engines.sh

test_audit_seccomp_docker_profile() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-seccomp-$RANDOM"
	cat >"$TMP/profile.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [
  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"},
  {"names": ["rmdir"], "action": "SCMP_ACT_TRAP"}]}
JSON
	ig_start "$TMP/out" run audit_seccomp -o json -c "$name" || return 1
	docker run --rm --name "$name" --security-opt seccomp="$TMP/profile.json" busybox \
		sh -c 'mkdir /tmp/x; echo "mkdir $?"; rmdir /tmp; echo "rmdir $?"; ls / >/dev/null; echo "ls $?"' \
		>"$TMP/docker.out" 2>&1
	local k t
	k=$(wait_json "$TMP/out" '.syscall == "mkdir"') &&
	t=$(wait_json "$TMP/out" '.syscall == "rmdir"')
	local rc=$?
	ig_stop
	[ $rc -eq 0 ] || { cat "$TMP/docker.out" >&2; return 1; }
	assert_contains "$(cat "$TMP/docker.out")" "mkdir 159" "mkdir died of SIGSYS (128 + 31)" &&
	assert_contains "$(cat "$TMP/docker.out")" "ls 0" "ls was allowed" &&
	assert_eq "SECCOMP_RET_KILL" "$(jq -r .code <<<"$k")" "kill code" &&
	assert_eq "mkdir" "$(jq -r .proc.comm <<<"$k")" "comm" &&
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$k")" "containerName" &&
	assert_eq "x86_64" "$(jq -r .arch <<<"$k")" "arch" &&
	assert_eq "SECCOMP_RET_TRAP" "$(jq -r .code <<<"$t")" "trap code" &&
	assert_eq "84" "$(jq -r .syscall_raw <<<"$t")" "rmdir's number" &&
	assert_eq "2" "$(jq -s length "$TMP/out")" "nothing else was reported"
}

# The cases Docker's busybox cannot show: SECCOMP_RET_KILL_THREAD in a
# process with another thread (no signal: the thread's exit is the trace),
# and a kill of a whole process, with the kernel-matrix guest's helper.
test_audit_seccomp_kill_thread_and_process() {
	local gh="$TMP/guest_helper"
	cc -O2 -static -o "$gh" tests/kernels/guest_helper.c || return 1
	ig_start "$TMP/out" run audit_seccomp -o json --host --comm guest_helper || return 1
	"$gh" seccomp kill-thread >"$TMP/kt.out" 2>&1
	"$gh" seccomp kill >/dev/null 2>&1
	local kt k
	kt=$(wait_json "$TMP/out" '.code == "SECCOMP_RET_KILL_THREAD"') &&
	k=$(wait_json "$TMP/out" '.code == "SECCOMP_RET_KILL"')
	local rc=$?
	ig_stop
	[ $rc -eq 0 ] || return 1
	assert_eq "survived" "$(cat "$TMP/kt.out")" "the process outlived its killed thread" &&
	assert_eq "getppid" "$(jq -r .syscall <<<"$kt")" "syscall, from the thread's registers" &&
	[ "$(jq -r .proc.tid <<<"$kt")" != "$(jq -r .proc.pid <<<"$kt")" ] || fail "not the second thread: $kt" || return 1
	assert_eq "getppid" "$(jq -r .syscall <<<"$k")" "syscall, from the siginfo"
}
