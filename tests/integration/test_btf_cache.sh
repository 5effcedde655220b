# shellcheck shell=bash
# The minimized-BTF cache at run time (src/btf_cache.c, docs/performance.md):
# a cold start attaches with the full BTF and writes the entry after
# attaching; the next start uses it; a corrupt entry or a read-only cache
# directory costs a cold start, never an error. The entry's validation
# itself is unit-tested (tests/unit/test_btf_cache.c).

# The cache entry of this kernel and build, once there is one.
btfc_entry() { ls "$1"/"$(uname -r)"-*/min-*.btf 2>/dev/null | head -1; }

# An open of a marker file, traced: proves the programs work.
btfc_traced_open() { # cache-dir marker
	IG_CACHE_DIR=$1 ig_start "$TMP/out" run trace_open --host -o json || return 1
	cat "$TMP/$2" >/dev/null
	wait_json "$TMP/out" ".fname == \"$TMP/$2\"" >/dev/null
	local rc=$?
	ig_stop
	return $rc
}

test_btf_cache_cold_then_warm() {
	local c=$TMP/cache e
	echo x >"$TMP/m1" && echo x >"$TMP/m2"
	btfc_traced_open "$c" m1 || return 1
	assert_contains "$(cat "$TMP/out.err")" "BTF cache: no valid entry yet, built after attaching" "cold -v" || return 1
	# Attached first, built after.
	grep -n ": attached\|BTF cache: built" "$TMP/out.err" | head -1 | grep -q ": attached" ||
		fail "built before attaching: $(cat "$TMP/out.err")" || return 1
	e=$(btfc_entry "$c")
	[ -s "$e" ] || fail "no cache entry in $c after the cold start" || return 1
	btfc_traced_open "$c" m2 || return 1
	assert_contains "$(cat "$TMP/out.err")" "BTF cache: using $e" "warm -v"
}

test_btf_cache_corrupt_entry_rebuilt() {
	local c=$TMP/cache e
	echo x >"$TMP/m1" && echo x >"$TMP/m2"
	btfc_traced_open "$c" m1 || return 1
	e=$(btfc_entry "$c")
	[ -s "$e" ] || fail "no cache entry" || return 1
	printf 'garbage' | dd of="$e" bs=1 seek=4096 conv=notrunc status=none
	btfc_traced_open "$c" m2 || return 1
	assert_contains "$(cat "$TMP/out.err")" "built after attaching" "a corrupt entry is a miss" || return 1
	assert_contains "$(cat "$TMP/out.err")" "BTF cache: built $e" "and is rebuilt" || return 1
	IG_CACHE_DIR=$c "$IG" run trace_open --host -v -t 0.1 2>&1 >/dev/null | grep -q "BTF cache: using $e" ||
		fail "the rebuilt entry is not used"
}

test_btf_cache_readonly_dir() {
	local c=$TMP/ro
	echo x >"$TMP/m1"
	mkdir -p "$c" && chmod 0500 "$c"
	# root ignores permissions: a read-only bind mount makes it so.
	mount --bind "$c" "$c" || { fail "cannot bind-mount $c"; return 1; }
	mount -o remount,bind,ro "$c" || { umount "$c"; fail "cannot make $c read-only"; return 1; }
	btfc_traced_open "$c" m1
	local rc=$?
	umount "$c"
	[ $rc -eq 0 ] || return 1
	assert_contains "$(cat "$TMP/out.err")" "BTF cache: could not build" "-v says so" || return 1
	[ -z "$(ls -A "$c")" ] || fail "something was written to the read-only $c"
}
