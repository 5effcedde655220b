# shellcheck shell=bash
# Kernel features (src/kfeature.c): the fallbacks of older kernels, forced
# here with IG_KERNEL_FEATURES_OFF, trace what the fast paths trace; a
# missing required feature is one clear line. The real old kernels are
# tested by make check-kernels (tests/kernels/).

# The slowest paths: no bpf_rdonly_cast at all, as on Linux 6.1.
KF_OLD=rdonly_cast,void_cast

test_kfeature_missing_is_one_line() {
	local rc
	IG_KERNEL_FEATURES_OFF=bpf_loop "$IG" run trace_open --paths >"$TMP/out" 2>"$TMP/err"
	rc=$?
	assert_eq 1 "$rc" "exit code" || return 1
	assert_eq 1 "$(wc -l <"$TMP/err")" "stderr lines" || return 1
	grep -q '^ig: trace_open needs the BPF helper bpf_loop (Linux >= 5.17); this kernel is ' "$TMP/err" ||
		fail "message: $(cat "$TMP/err")"
}

test_kfeature_verbose_names_the_probes() {
	IG_KERNEL_FEATURES_OFF=void_cast "$IG" run trace_exec --host -v -t 0.1 >/dev/null 2>"$TMP/err"
	assert_contains "$(cat "$TMP/err")" "kernel feature void_cast (bpf_rdonly_cast to void, Linux 6.17): yes, off by IG_KERNEL_FEATURES_OFF" "-v" || return 1
	assert_contains "$(cat "$TMP/err")" "kernel feature rdonly_cast" "-v"
}

# --paths reads the opened file through ig_fd_file and IG_FILE_READ.
test_kfeature_fallback_open_paths() {
	local off
	mkdir -p "$TMP/d" && echo x >"$TMP/d/target" && ln -s "$TMP/d/target" "$TMP/link"
	for off in void_cast "$KF_OLD"; do
		IG_KERNEL_FEATURES_OFF=$off ig_start "$TMP/out" run trace_open --host --paths --comm cat -o json || return 1
		cat "$TMP/link" >/dev/null
		local i
		for i in $(seq 1 100); do grep -q '"fpath"' "$TMP/out" && break; sleep 0.05; done
		ig_stop
		assert_contains "$(grep -F "\"fname\":\"$TMP/link\"" "$TMP/out")" "\"fpath\":\"$TMP/d/target\"" "fpath with $off off" || return 1
	done
}

# ttysnoop's tty check reads the fd's file on every write.
test_kfeature_fallback_ttysnoop() {
	local off i
	for off in void_cast "$KF_OLD"; do
		IG_KERNEL_FEATURES_OFF=$off ig_start "$TMP/out" run ttysnoop --host --comm printf || return 1
		script -qfec "/usr/bin/printf ig-kf-$off" /dev/null </dev/null >/dev/null
		for i in $(seq 1 100); do grep -q "ig-kf-$off" "$TMP/out" && break; sleep 0.05; done
		ig_stop
		assert_contains "$(cat "$TMP/out")" "ig-kf-$off" "a pty write with $off off" || return 1
	done
}
