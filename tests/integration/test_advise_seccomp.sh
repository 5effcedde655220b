# shellcheck shell=bash
# advise_seccomp: the profile it writes for a container is proven by Docker
# itself: the same workload runs under it, and a syscall the workload never
# made fails with EPERM.
. tests/lib/engines.sh

# The workload, and a probe that does the same plus one syscall (mkdir)
# the workload never makes.
ADV_WORK='cat /etc/hostname >/dev/null; echo advised > /tmp/f; cat /tmp/f; ls / >/dev/null'
ADV_PROBE='cat /etc/hostname >/dev/null; mkdir /tmp/d && echo made'

adv_engines() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

# adv_assert_profile FILE: the shape Docker reads, with the workload's calls.
adv_assert_profile() {
	local f=$1
	jq -e . "$f" >/dev/null || fail "not JSON: $(head -c 300 "$f")" || return 1
	assert_eq "SCMP_ACT_ERRNO" "$(jq -r .defaultAction "$f")" "defaultAction" &&
	assert_eq "SCMP_ARCH_X86_64" "$(jq -r '.architectures[0]' "$f")" "architecture" &&
	assert_eq "SCMP_ACT_ALLOW" "$(jq -r '.syscalls[0].action' "$f")" "action" || return 1
	local names
	names=$(jq -r '.syscalls[0].names[]' "$f")
	assert_contains "$names" $'\nexecve\n' "execve allowed" &&
	assert_contains "$names" $'\nopenat\n' "openat allowed" &&
	assert_not_contains "$names" $'\nmkdir\n' "mkdir (never made) allowed"
}

# adv_record NAME: ig records container NAME into $TMP/profiles.
adv_record() {
	mkdir "$TMP/profiles"
	ig_start "$TMP/out" run advise_seccomp -c "$1" --output-dir "$TMP/profiles"
}

# adv_assert_one_file NAME WHAT: the only profile written is NAME's, whole.
adv_assert_one_file() {
	assert_eq "$1.json" "$(ls "$TMP/profiles")" "$2" || return 1
	adv_assert_profile "$TMP/profiles/$1.json"
}

# adv_prove PROFILE: Docker runs the workload under it, and refuses mkdir.
adv_prove() {
	local profile=$1 out rc
	out=$(docker run --rm --security-opt "seccomp=$profile" busybox sh -c "$ADV_WORK" 2>&1)
	rc=$?
	assert_eq "0 advised" "$rc $out" "the workload under its profile" || return 1
	# Without the profile the probe works: mkdir itself is fine.
	out=$(docker run --rm busybox sh -c "$ADV_PROBE" 2>&1)
	assert_eq "made" "$out" "the probe without a profile" || return 1
	out=$(docker run --rm --security-opt "seccomp=$profile" busybox sh -c "$ADV_PROBE" 2>&1)
	rc=$?
	[ "$rc" -ne 0 ] || fail "mkdir worked under the profile: $out" || return 1
	assert_contains "$out" "can't create directory '/tmp/d': Operation not permitted" "EPERM from mkdir"
}

# Recorded from the container's start (runc's own syscalls after the filter
# goes in included), one file per container.
test_advise_seccomp_docker_proof() {
	adv_engines || return 1
	local name="ig-adv-$RANDOM" out
	adv_record "$name" || return 1
	out=$(docker run --name "$name" busybox sh -c "$ADV_WORK" 2>&1)
	assert_eq "advised" "$out" "the workload while recorded" || { docker rm -f "$name" >/dev/null; return 1; }
	ig_stop
	docker rm -f "$name" >/dev/null
	adv_assert_one_file "$name" "one file, named after the container" || return 1
	# The summary table names the container and its file.
	assert_contains "$(cat "$TMP/out")" "$name" "container in the summary" &&
	assert_contains "$(cat "$TMP/out")" "$TMP/profiles/$name.json" "file in the summary" || return 1
	assert_not_contains "$(cat "$TMP/out.err")" "already running" "start-up warning" || return 1
	adv_prove "$TMP/profiles/$name.json"
}

# Without --output-dir, stdout is the profile itself; -o json gives rows.
test_advise_seccomp_stdout_and_json() {
	adv_engines || return 1
	local name="ig-adv-$RANDOM"
	ig_start "$TMP/out" run advise_seccomp -c "$name" || return 1
	IG_PID1=$IG_PID
	ig_start "$TMP/json" run advise_seccomp -c "$name" -o json || return 1
	docker run --name "$name" busybox sh -c "$ADV_WORK" >/dev/null 2>&1
	ig_stop
	IG_PID=$IG_PID1 ig_stop
	docker rm -f "$name" >/dev/null
	adv_assert_profile "$TMP/out" || return 1
	assert_eq "1" "$(jq length "$TMP/json")" "one row" &&
	assert_eq "$name" "$(jq -r '.[0].runtime.containerName' "$TMP/json")" "container" &&
	assert_eq "$(jq -r '.[0].profile.syscalls[0].names | length' "$TMP/json")" \
		"$(jq -r '.[0].syscalls' "$TMP/json")" "syscalls is the count of names" || return 1
	assert_eq "$(jq -c . "$TMP/out")" "$(jq -c '.[0].profile' "$TMP/json")" "same profile both ways" || return 1
	adv_prove "$TMP/out"
}

# docker run --rm: the container is gone, state and all, when ig stops;
# its profile still carries its name (looked up while it ran).
test_advise_seccomp_removed_container() {
	adv_engines || return 1
	local name="ig-adv-$RANDOM" out
	adv_record "$name" || return 1
	out=$(docker run --rm --name "$name" busybox sh -c "$ADV_WORK" 2>&1)
	assert_eq "advised" "$out" "the workload" || { ig_stop; return 1; }
	# Until docker has removed it (its state directory goes with it).
	local i
	for i in $(seq 1 50); do docker inspect "$name" >/dev/null 2>&1 || break; sleep 0.1; done
	ig_stop
	adv_assert_one_file "$name" "a file named after the removed container"
}

# ig sleeps (SIGSTOP) over a container's whole life, as a slow ig did once
# under ASan: the process that made its syscalls is gone when ig looks, and
# the cgroup BPF noted names it while docker keeps its record.
test_advise_seccomp_container_gone_before_ig_looked() {
	adv_engines || return 1
	local name="ig-adv-$RANDOM" out
	adv_record "$name" || return 1
	kill -STOP "$IG_PID"
	out=$(docker run --name "$name" busybox sh -c "$ADV_WORK" 2>&1)
	kill -CONT "$IG_PID"
	wait_for_line "$TMP/out.err" "mount namespace [0-9]+ is container $name\$"
	local rc=$?
	docker rm "$name" >/dev/null
	ig_stop
	[ $rc -eq 0 ] && assert_eq "advised" "$out" "the workload" || return 1
	adv_assert_one_file "$name" "a file named after the container"
}

# A container already running misses its start-up: said on stderr.
test_advise_seccomp_running_container_warned() {
	adv_engines || return 1
	local name="ig-adv-$RANDOM"
	docker run -d --name "$name" busybox sh -c 'while :; do cat /etc/hostname >/dev/null; sleep 0.1; done' >/dev/null || return 1
	ig_start "$TMP/out" run advise_seccomp -c "$name" --timeout 1 || { docker rm -f "$name" >/dev/null; return 1; }
	wait "$IG_PID"
	docker rm -f "$name" >/dev/null
	jq -e '.syscalls[0].names | index("openat")' "$TMP/out" >/dev/null ||
		fail "the loop's openat is not in: $(head -c 300 "$TMP/out")" || return 1
	assert_contains "$(cat "$TMP/out.err")" "container $name was already running" "warning"
}

test_advise_seccomp_usage_errors() {
	local err rc
	err=$("$IG" run advise_seccomp --output-dir /nonexistent/dir 2>&1 >/dev/null)
	rc=$?
	assert_eq 2 "$rc" "exit code" &&
	assert_eq 'ig: --output-dir "/nonexistent/dir": not a writable directory' "$err" "message"
}
