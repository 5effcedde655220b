# shellcheck shell=bash
# profile_cpu: a busy loop, on the host and in a container, must show its
# own function in the sampled stacks, symbolized from its ELF file.
. tests/lib/engines.sh

# pc_build: a static busy loop (it runs in the busybox image too), with
# frame pointers so the user stack walks up to main.
pc_build() {
	cat >"$TMP/busy.c" <<'C'
__attribute__((noinline)) void ig_busy_loop_spin(void)
{
	volatile unsigned long x = 0;
	for (;;)
		x++;
}
int main(void) { ig_busy_loop_spin(); return 0; }
C
	gcc -O0 -static -fno-omit-frame-pointer -o "$TMP/ig-busy" "$TMP/busy.c" || fail "gcc"
}

test_profile_cpu_busy_loop_host() {
	pc_build || return 1
	"$TMP/ig-busy" &
	local busy=$!
	# 199 Hz: enough samples even when the loop gets a fraction of a CPU
	# on a loaded machine.
	ig_start "$TMP/out" run profile_cpu --host --comm ig-busy -o json --frequency 199 --timeout 2 || { kill $busy; return 1; }
	wait "$IG_PID"
	kill $busy
	jq -e . "$TMP/out" >/dev/null || fail "not JSON: $(head -c 300 "$TMP/out")" || return 1
	assert_eq "ig-busy" "$(jq -r '.[].proc.comm' "$TMP/out" | sort -u)" "only the selected comm" &&
	assert_eq "$busy" "$(jq -r '.[].proc.pid' "$TMP/out" | sort -u)" "pid" || return 1
	# The samples are in the loop, called from main.
	local top
	top=$(jq -r 'max_by(.samples) | .user_stack' "$TMP/out")
	assert_contains "$top" "main;ig_busy_loop_spin" "the busiest user stack"
}

# In a container, its file is read through /proc/PID/root; --folded lines
# are comm;frames COUNT.
test_profile_cpu_container_folded() {
	pc_build || return 1
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-pc-$RANDOM"
	docker run -d --name "$name" -v "$TMP/ig-busy:/ig-busy:ro" busybox /ig-busy >/dev/null || return 1
	ig_start "$TMP/out" run profile_cpu -c "$name" --folded --timeout 2 || { docker rm -f "$name" >/dev/null; return 1; }
	wait "$IG_PID"
	docker rm -f "$name" >/dev/null
	grep -Eq '^ig-busy;(.*;)?main;ig_busy_loop_spin(;[^ ]*)? [0-9]+$' "$TMP/out" ||
		fail "no folded line of the loop: $(head -c 500 "$TMP/out")" || return 1
	# Only the container's processes.
	assert_eq "" "$(grep -v '^ig-busy;' "$TMP/out" | grep -v '^runc' | head -3)" "other processes"
}

test_profile_cpu_usage_errors() {
	local err rc
	err=$("$IG" run profile_cpu --user-stacks-only --kernel-stacks-only 2>&1 >/dev/null)
	rc=$?
	assert_eq 2 "$rc" "exit code" &&
	assert_eq "ig: --user-stacks-only and --kernel-stacks-only exclude each other" "$err" "message" || return 1
	err=$("$IG" run profile_cpu --frequency 0 2>&1 >/dev/null)
	rc=$?
	assert_eq 2 "$rc" "exit code of --frequency 0" &&
	assert_eq 'ig: invalid --frequency "0": expected 1 to 10000 (samples per second)' "$err" "message"
}
