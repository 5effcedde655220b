# shellcheck shell=bash
# trace_open against real workloads.

test_open_enoent() {
	local f="/tmp/ig-missing-$RANDOM$RANDOM"
	ig_start "$TMP/out" run trace_open -o json --host || return 1
	cat "$f" 2>/dev/null
	wait_json "$TMP/out" ".fname == \"$f\"" >/dev/null || { ig_stop; return 1; }
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
	wait_json "$TMP/out" ".fname == \"$f\"" >/dev/null || { ig_stop; return 1; }
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
	# The successful open came before the failed one, in the same ring.
	wait_json "$TMP/out" ".fname == \"$f\"" >/dev/null || { ig_stop; return 1; }
	ig_stop
	[ -n "$(json_select "$TMP/out" ".fname == \"$f\"")" ] || fail "failed open not shown" || return 1
	[ -z "$(json_select "$TMP/out" '.error == ""')" ] || fail "a successful open was shown with --failed"
}

test_open_prefixes_in_kernel() {
	ig_start "$TMP/out" run trace_open -o json --host --comm cat --prefixes /etc/host,/nonexist || return 1
	cat /etc/hostname /etc/passwd /nonexistent 2>/dev/null >/dev/null
	# The last open: /etc/passwd's, dropped in the kernel, came before.
	wait_json "$TMP/out" '.fname == "/nonexistent"' >/dev/null || { ig_stop; return 1; }
	ig_stop
	assert_eq "/etc/hostname /nonexistent" "$(jq -r .fname "$TMP/out" | grep -v '^/lib\|^/usr' | sort | tr '\n' ' ' | sed 's/ $//')" "paths"
}

test_open_columns_escape_hostile_name() {
	local f
	f=$(printf '/tmp/ig-a\033[1A\033[2K/etc/shadow')
	ig_start "$TMP/out" run trace_open --host --comm cat || return 1
	cat "$f" 2>/dev/null
	# Its row, escaped or not (the assertions tell which).
	wait_for_line "$TMP/out" 'ig-a.*/etc/shadow' || { ig_stop; return 1; }
	ig_stop
	if grep -q $'\033' "$TMP/out"; then fail "raw ESC in columns output"; return 1; fi
	assert_contains "$(cat "$TMP/out")" '/tmp/ig-a\x1b[1A\x1b[2K/etc/shadow' "escaped name"
}

test_open_json_escape_hostile_name() {
	local f
	f=$(printf '/tmp/ig-b\033]0;x\007\xff\x01')
	ig_start "$TMP/out" run trace_open -o json --host --comm cat || return 1
	cat "$f" 2>/dev/null
	wait_for_line "$TMP/out" '/tmp/ig-b' || { ig_stop; return 1; }
	ig_stop
	jq -e . "$TMP/out" >/dev/null || fail "JSON does not parse" || return 1
	assert_contains "$(cat "$TMP/out")" '/tmp/ig-b\u001b]0;x\u0007\ufffd\u0001' "escaped JSON name"
}

test_open_filter_user_space() {
	ig_start "$TMP/out" run trace_open -o json --host --filter 'fname~^/etc/host,proc.comm==cat' || return 1
	cat /etc/hostname /etc/passwd >/dev/null
	head -c1 /etc/hostname >/dev/null
	# A marker after the filtered opens: once its row is out, theirs were
	# read (and dropped) before it.
	cat /etc/hostname >/dev/null
	wait_until 10 json_has "$TMP/out" '.proc.comm == "cat" and .fname == "/etc/hostname"' 2 ||
		{ ig_stop; fail "no second cat /etc/hostname in: $(head -c 1500 "$TMP/out")"; return 1; }
	ig_stop
	assert_eq "cat /etc/hostname" "$(jq -r 'select(.type != "lost") | .proc.comm + " " + .fname' "$TMP/out" | sort -u | tr '\n' ' ' | sed 's/ $//')" "filtered events"
}

# --paths: fpath is the file actually opened, from the new fd (a relative
# name from the cwd, a symlink resolved to its target).
test_open_paths_relative_and_symlink() {
	local d n=$RANDOM$RANDOM
	d=$(realpath "$TMP") && mkdir "$d/p" && d=$d/p
	echo x >"$d/target-$n" && ln -s "target-$n" "$d/link-$n"
	ig_start "$TMP/out" run trace_open -o json --host --comm cat --paths || return 1
	(cd "$d" && cat "./target-$n" "link-$n" >/dev/null)
	wait_json "$TMP/out" ".fname == \"link-$n\"" >/dev/null || { ig_stop; return 1; }
	ig_stop
	local ev link
	ev=$(json_select "$TMP/out" ".fname == \"./target-$n\"")
	link=$(json_select "$TMP/out" ".fname == \"link-$n\"")
	[ -n "$ev" ] && [ -n "$link" ] || fail "no events in: $(head -c 2000 "$TMP/out")" || return 1
	assert_eq "$d/target-$n" "$(jq -r .fpath <<<"$ev")" "fpath of ./target" &&
	assert_eq "" "$(jq -r .error <<<"$ev")" "error" &&
	assert_eq "$d/target-$n" "$(jq -r .fpath <<<"$link")" "fpath through the symlink" &&
	assert_eq "" "$(jq -r .error <<<"$link")" "error through the symlink"
}

# A failed relative open: the cwd, "/", and the name as given.
test_open_paths_failed_relative_cwd() {
	local d n=missing-$RANDOM$RANDOM
	d=$(realpath "$TMP") && mkdir -p "$d/cwd/sub" && d=$d/cwd
	ig_start "$TMP/out" run trace_open -o json --host --comm cat --paths || return 1
	(cd "$d" && cat "$n" "sub/$n" 2>/dev/null)
	(cd / && cat "$n" 2>/dev/null)
	wait_until 10 json_has "$TMP/out" "(.fname | endswith(\"$n\"))" 3 ||
		{ ig_stop; fail "not 3 events for $n in: $(head -c 1500 "$TMP/out")"; return 1; }
	ig_stop
	assert_eq "$d/$n ENOENT|$d/sub/$n ENOENT|/$n ENOENT" \
		"$(jq -r "select(.fname | endswith(\"$n\")) | .fpath + \" \" + .error" "$TMP/out" | paste -sd '|')" \
		"fpath of the failed opens"
}

# openat/openat2 with a dirfd: failed names are joined to the dirfd's path,
# not the cwd; openat2's RESOLVE_IN_ROOT puts an absolute name under it.
test_open_paths_dirfd() {
	command -v python3 >/dev/null || { echo "    skip: no python3" >&2; return 0; }
	local d n=$RANDOM$RANDOM
	d=$(realpath "$TMP") && mkdir "$d/dir" && d=$d/dir && echo x >"$d/ok-$n"
	ig_start "$TMP/out" run trace_open -o json --host --comm python3 --paths || return 1
	(cd / && python3 - "$d" "$n" <<'PY'
import ctypes, os, sys
d, n = sys.argv[1], sys.argv[2]
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("ok-" + n, os.O_RDONLY, dir_fd=dfd))
try:
    os.open("nope-" + n, os.O_RDONLY, dir_fd=dfd)
except FileNotFoundError:
    pass
how = (ctypes.c_uint64 * 3)(0, 0, 0x10)   # flags, mode, resolve = RESOLVE_IN_ROOT
ctypes.CDLL(None, use_errno=True).syscall(437, dfd, ("/in-root-" + n).encode(), how, 24)
PY
	)
	wait_json "$TMP/out" ".fname == \"/in-root-$n\"" >/dev/null || { ig_stop; return 1; }
	ig_stop
	local ok nope root
	ok=$(json_select "$TMP/out" ".fname == \"ok-$n\"")
	nope=$(json_select "$TMP/out" ".fname == \"nope-$n\"")
	root=$(json_select "$TMP/out" ".fname == \"/in-root-$n\"")
	[ -n "$ok" ] && [ -n "$nope" ] && [ -n "$root" ] || fail "missing events in: $(grep -- "-$n" "$TMP/out")" || return 1
	assert_eq "$d/ok-$n" "$(jq -r .fpath <<<"$ok")" "fpath via dirfd" &&
	assert_eq "$d/nope-$n ENOENT" "$(jq -r '.fpath + " " + .error' <<<"$nope")" "failed fpath via dirfd" &&
	assert_eq "$d/in-root-$n ENOENT" "$(jq -r '.fpath + " " + .error' <<<"$root")" "openat2 RESOLVE_IN_ROOT"
}

# Deeper than the in-kernel walk (32 components): the missing top is marked.
test_open_paths_deep_marked() {
	local d n=$RANDOM$RANDOM rel want
	d=$(realpath "$TMP")
	rel=$(printf "d%d/" $(seq 1 40))f-$n
	mkdir -p "$d/$(dirname "$rel")" && echo x >"$d/$rel"
	want="…/$(tr '/' '\n' <<<"${d#/}/$rel" | tail -n 32 | paste -sd /)"
	ig_start "$TMP/out" run trace_open -o json --host --comm cat --paths || return 1
	(cd "$d" && cat "$rel" >/dev/null)
	wait_json "$TMP/out" ".fname == \"$rel\"" >/dev/null || { ig_stop; return 1; }
	ig_stop
	assert_eq "$want" "$(jq -r "select(.fname == \"$rel\") | .fpath" "$TMP/out")" "cut fpath"
}

# Without --paths fpath is empty (and records stay at their real length).
test_open_no_paths_fpath_empty() {
	local n=$RANDOM$RANDOM
	ig_start "$TMP/out" run trace_open -o json --host --comm cat || return 1
	(cd "$TMP" && cat "missing-$n" /etc/hostname 2>/dev/null >/dev/null)
	wait_json "$TMP/out" '.fname == "/etc/hostname"' >/dev/null || { ig_stop; return 1; }
	ig_stop
	local ev ok
	ev=$(json_select "$TMP/out" ".fname == \"missing-$n\"")
	ok=$(json_select "$TMP/out" '.fname == "/etc/hostname"' | tail -1)
	[ -n "$ev" ] && [ -n "$ok" ] || fail "no events" || return 1
	assert_eq '""' "$(jq -c .fpath <<<"$ev")" "fpath of a failed open" &&
	assert_eq '""' "$(jq -c .fpath <<<"$ok")" "fpath of a successful open"
}

# Columns: FPATH is not a default column; --fields +fpath adds it.
test_open_paths_columns() {
	local n=$RANDOM$RANDOM
	ig_start "$TMP/out" run trace_open --host --comm cat --paths --fields comm,fname,fpath || return 1
	(cd / && cat "etc/../nope-$n" 2>/dev/null)
	wait_for_line "$TMP/out" "nope-$n" || { ig_stop; return 1; }
	ig_stop
	assert_eq "COMM FNAME FPATH" "$(head -1 "$TMP/out" | tr -s ' ')" "header" &&
	assert_contains "$(cat "$TMP/out")" "etc/../nope-$n" "fname" &&
	assert_contains "$(grep -- "nope-$n" "$TMP/out")" " /etc/../nope-$n" "fpath column"
}

# A relative name longer than fname holds (255 bytes): the joined fpath
# ends in the mark, not in a silently shorter name. One of exactly 255
# bytes fits, and is not marked.
test_open_paths_long_name_marked() {
	local d long exact
	d=$(realpath "$TMP")
	long=$(head -c 300 /dev/zero | tr '\0' q)
	exact=$(head -c 255 /dev/zero | tr '\0' e)
	ig_start "$TMP/out" run trace_open -o json --host --comm cat --paths || return 1
	(cd "$d" && cat "$long" "$exact" 2>/dev/null)
	# The 255-byte name's row, the last (whole or not: the assertions tell).
	wait_for_line "$TMP/out" '"fname":"e{200}' || { ig_stop; return 1; }
	ig_stop
	# A cut fname ends in the mark too, and says so; a 255-byte name is whole.
	assert_eq "$d/${long:0:255}… ENAMETOOLONG true" \
		"$(jq -r "select(.fname == \"${long:0:255}…\") | .fpath + \" \" + .error + \" \" + (.fname_truncated | tostring)" "$TMP/out")" "cut name" &&
	assert_eq "$d/$exact ENOENT false" \
		"$(jq -r "select(.fname == \"$exact\") | .fpath + \" \" + .error + \" \" + (.fname_truncated | tostring)" "$TMP/out")" "255-byte name"
}
