# shellcheck shell=bash
# trace_open against real workloads.

test_open_enoent() {
	local f="/tmp/ig-missing-$RANDOM$RANDOM"
	ig_start "$TMP/out" run trace_open -o json --host || return 1
	cat "$f" 2>/dev/null
	sleep 0.3
	ig_stop
	local ev
	ev=$(json_select "$TMP/out" ".fname == \"$f\"")
	[ -n "$ev" ] || fail "no event for $f" || return 1
	assert_eq "cat" "$(jq -r .proc.comm <<<"$ev")" "comm" &&
	assert_eq "ENOENT" "$(jq -r .error <<<"$ev")" "error" &&
	assert_eq "2" "$(jq -r .error_raw <<<"$ev")" "error_raw" &&
	assert_eq "0" "$(jq -r .fd <<<"$ev")" "fd" &&
	assert_eq "O_RDONLY" "$(jq -r .flags <<<"$ev")" "flags"
}

test_open_creat_mode_and_flags() {
	local f="$TMP/created-$RANDOM"
	ig_start "$TMP/out" run trace_open -o json --host --comm python3 || return 1
	python3 -c "import os; fd = os.open('$f', os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o640); print(fd)" >"$TMP/fd"
	sleep 0.3
	ig_stop
	local ev
	ev=$(json_select "$TMP/out" ".fname == \"$f\"")
	[ -n "$ev" ] || fail "no event for $f" || return 1
	assert_eq "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC" "$(jq -r .flags <<<"$ev")" "flags" &&
	assert_eq "0640" "$(jq -r .mode <<<"$ev")" "mode" &&
	assert_eq "$(cat "$TMP/fd")" "$(jq -r .fd <<<"$ev")" "fd" &&
	assert_eq "" "$(jq -r .error <<<"$ev")" "error"
}

test_open_failed_only() {
	local f="/tmp/ig-missing-$RANDOM"
	ig_start "$TMP/out" run trace_open -o json --host --failed --comm cat || return 1
	cat /etc/hostname "$f" >/dev/null 2>&1
	sleep 0.3
	ig_stop
	[ -n "$(json_select "$TMP/out" ".fname == \"$f\"")" ] || fail "failed open not shown" || return 1
	[ -z "$(json_select "$TMP/out" '.error == ""')" ] || fail "a successful open was shown with --failed"
}

test_open_prefixes_in_kernel() {
	ig_start "$TMP/out" run trace_open -o json --host --comm cat --prefixes /etc/host,/nonexist || return 1
	cat /etc/hostname /etc/passwd /nonexistent 2>/dev/null >/dev/null
	sleep 0.3
	ig_stop
	assert_eq "/etc/hostname /nonexistent" "$(jq -r .fname "$TMP/out" | grep -v '^/lib\|^/usr' | sort | tr '\n' ' ' | sed 's/ $//')" "paths"
}

test_open_columns_escape_hostile_name() {
	local f
	f=$(printf '/tmp/ig-a\033[1A\033[2K/etc/shadow')
	ig_start "$TMP/out" run trace_open --host --comm cat || return 1
	cat "$f" 2>/dev/null
	sleep 0.3
	ig_stop
	if grep -q $'\033' "$TMP/out"; then fail "raw ESC in columns output"; return 1; fi
	assert_contains "$(cat "$TMP/out")" '/tmp/ig-a\x1b[1A\x1b[2K/etc/shadow' "escaped name"
}

test_open_json_escape_hostile_name() {
	local f
	f=$(printf '/tmp/ig-b\033]0;x\007\xff\x01')
	ig_start "$TMP/out" run trace_open -o json --host --comm cat || return 1
	cat "$f" 2>/dev/null
	sleep 0.3
	ig_stop
	jq -e . "$TMP/out" >/dev/null || fail "JSON does not parse" || return 1
	assert_contains "$(cat "$TMP/out")" '/tmp/ig-b\u001b]0;x\u0007\ufffd\u0001' "escaped JSON name"
}

test_open_filter_user_space() {
	ig_start "$TMP/out" run trace_open -o json --host --filter 'fname~^/etc/host,proc.comm==cat' || return 1
	cat /etc/hostname /etc/passwd >/dev/null
	head -c1 /etc/hostname >/dev/null
	sleep 0.3
	ig_stop
	assert_eq "cat /etc/hostname" "$(jq -r 'select(.type != "lost") | .proc.comm + " " + .fname' "$TMP/out" | sort -u | tr '\n' ' ' | sed 's/ $//')" "filtered events"
}
