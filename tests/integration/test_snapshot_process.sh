# shellcheck shell=bash
# snapshot_process against a Docker container's processes, from the task
# iterator and from the /proc fallback.
. tests/lib/engines.sh

# snap_container NAME: a container with a shell and its sleep child.
snap_container() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	docker run -d --name "$1" busybox sh -c 'sleep 600 & wait' >/dev/null || return 1
	local i
	for i in $(seq 1 100); do
		[ "$(docker top "$1" 2>/dev/null | grep -c 'sleep 600$')" = 1 ] && return 0
		sleep 0.05
	done
	fail "the container's sleep did not start"
}

snap_check() { # NAME OUT
	local sh sl
	sh=$(jq -c '.[] | select(.proc.comm == "sh")' "$2")
	sl=$(jq -c '.[] | select(.proc.comm == "sleep")' "$2")
	[ -n "$sh" ] && [ -n "$sl" ] || fail "sh and sleep not both in: $(head -c 1500 "$2")" || return 1
	assert_eq "$(docker inspect -f '{{.State.Pid}}' "$1")" "$(jq -r .proc.pid <<<"$sh")" "the shell is the container's pid 1" &&
	assert_eq "$(jq -r .proc.pid <<<"$sh")" "$(jq -r .proc.parent.pid <<<"$sl")" "sleep's parent" &&
	assert_eq "sh" "$(jq -r .proc.parent.comm <<<"$sl")" "sleep's parent comm" &&
	assert_eq "$1" "$(jq -r .runtime.containerName <<<"$sl")" "containerName" &&
	assert_eq "2" "$(jq '. | length' "$2")" "only the container's processes"
}

test_snapshot_process_container_iter() {
	local name="ig-snap-$RANDOM"
	snap_container "$name" || { docker rm -f "$name" >/dev/null 2>&1; return 1; }
	timeout 20 "$IG" run snapshot_process -c "$name" -o json >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	snap_check "$name" "$TMP/out"
	local ok=$?
	docker rm -f "$name" >/dev/null
	assert_eq 0 "$rc" "exit code ($(cat "$TMP/err"))" && [ $ok -eq 0 ]
}

test_snapshot_process_container_procfs() {
	local name="ig-snap-$RANDOM"
	snap_container "$name" || { docker rm -f "$name" >/dev/null 2>&1; return 1; }
	IG_KERNEL_FEATURES_OFF=iter_task timeout 20 "$IG" run snapshot_process -c "$name" -o json -v >"$TMP/out" 2>"$TMP/err"
	local rc=$?
	snap_check "$name" "$TMP/out"
	local ok=$?
	docker rm -f "$name" >/dev/null
	assert_eq 0 "$rc" "exit code" && [ $ok -eq 0 ] &&
	assert_contains "$(cat "$TMP/err")" "reading /proc" "the fallback was used"
}

# Both paths list the same host processes (pid, tid, ppid, comm), threads
# included: ig's own threads are one snapshot's, the other's are others.
test_snapshot_process_iter_matches_procfs() {
	sleep 600 &
	local sp=$!
	# Its exec done, or the snapshot could see this shell's fork.
	wait_until 10 grep -qx sleep "/proc/$sp/comm" || { kill $sp; fail "sleep did not start"; return 1; }
	"$IG" run snapshot_process --host --threads --pid $sp -o json >"$TMP/iter" 2>"$TMP/err" &&
	IG_KERNEL_FEATURES_OFF=iter_task "$IG" run snapshot_process --host --threads --pid $sp -o json >"$TMP/proc" 2>>"$TMP/err"
	local rc=$?
	kill $sp; wait $sp 2>/dev/null
	assert_eq 0 "$rc" "exit codes ($(cat "$TMP/err"))" &&
	assert_eq "$sp sleep $$" "$(jq -r '.[] | "\(.proc.pid) \(.proc.comm) \(.proc.parent.pid)"' "$TMP/iter")" "iterator" &&
	assert_eq "$(jq -c '.[] | [.proc.pid, .proc.tid, .proc.parent.pid, .proc.comm, .proc.mntns_id, .proc.creds]' "$TMP/iter")" \
		"$(jq -c '.[] | [.proc.pid, .proc.tid, .proc.parent.pid, .proc.comm, .proc.mntns_id, .proc.creds]' "$TMP/proc")" "iterator and /proc agree"
}

# Every process, not the first 50 (--max-entries is a top flag).
test_snapshot_process_not_cut() {
	local n
	n=$("$IG" run snapshot_process --host -o json | jq length) || return 1
	[ "$n" -gt 50 ] || fail "only $n processes"
}
