# shellcheck shell=bash
# trace_exec against real workloads.

test_exec_unique_argv_json() {
	local tag="ig-exec-$RANDOM$RANDOM"
	ig_start "$TMP/out" run trace_exec -o json --host || return 1
	/bin/echo "$tag" 'with space' >/dev/null
	wait_json "$TMP/out" ".args == \"/bin/echo $tag with space\"" >/dev/null || { ig_stop; return 1; }
	ig_stop
	local ev
	ev=$(json_select "$TMP/out" ".args == \"/bin/echo $tag with space\"")
	[ -n "$ev" ] || fail "no event for the echo; got: $(head -c 1500 "$TMP/out")" || return 1
	assert_eq "echo" "$(jq -r .proc.comm <<<"$ev")" "comm" &&
	assert_eq "3" "$(jq -r .args_count <<<"$ev")" "args_count" &&
	assert_eq "" "$(jq -r .error <<<"$ev")" "error" &&
	assert_eq "0" "$(jq -r .error_raw <<<"$ev")" "error_raw" &&
	assert_eq "$(jq -r .proc.pid <<<"$ev")" "$(jq -r .proc.tid <<<"$ev")" "pid == tid" &&
	assert_eq "$BASHPID" "$(jq -r .proc.parent.pid <<<"$ev")" "ppid is this shell" &&
	assert_eq "0" "$(jq -r .proc.creds.uid <<<"$ev")" "uid" &&
	assert_eq "$(readlink /proc/self/ns/mnt | tr -dc 0-9)" "$(jq -r .proc.mntns_id <<<"$ev")" "mntns_id" &&
	[[ "$(jq -r .timestamp <<<"$ev")" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$ ]] ||
		fail "timestamp is not RFC 3339 with ns"
}

test_exec_custom_columns_pid_comm() {
	local tag="ig-cc-$RANDOM"
	ig_start "$TMP/out" run trace_exec -o custom-columns=pid,comm --host || return 1
	/bin/echo "$tag" >/dev/null & local pid=$!
	wait $pid
	wait_for_line "$TMP/out" "^ *$pid echo *$" || { ig_stop; return 1; }
	ig_stop
	assert_eq "PID COMM" "$(head -1 "$TMP/out" | tr -s ' ' | sed 's/^ //;s/ $//')" "header" || return 1
	grep -Eq "^ *$pid echo *$" "$TMP/out" || fail "no '$pid echo' row in: $(cat "$TMP/out")"
}

test_exec_failed_shown_with_ignore_failed_false() {
	ig_start "$TMP/out" run trace_exec -o json --host --ignore-failed=false || return 1
	/nonexistent/ig-missing-binary 2>/dev/null
	wait_json "$TMP/out" '.error == "ENOENT" and (.args | contains("ig-missing-binary"))' >/dev/null ||
		{ ig_stop; return 1; }
	ig_stop
	local ev
	# Other processes on the host may fail an exec meanwhile: ours is the
	# one with its path in args.
	ev=$(json_select "$TMP/out" '.error == "ENOENT" and (.args | contains("ig-missing-binary"))' | head -1)
	[ -n "$ev" ] || fail "failed exec not reported" || return 1
	assert_contains "$(jq -r .args <<<"$ev")" "/nonexistent/ig-missing-binary" "args of the failed exec" &&
	assert_eq "2" "$(jq -r .error_raw <<<"$ev")" "error_raw"
}

test_exec_failed_hidden_by_default() {
	local tag="ig-hidden-$RANDOM$RANDOM"
	ig_start "$TMP/out" run trace_exec -o json --host || return 1
	/nonexistent/ig-missing-binary 2>/dev/null
	# After the failed exec: once its row is out, the failed one was read.
	/bin/true "$tag"
	wait_json "$TMP/out" ".args == \"/bin/true $tag\"" >/dev/null || { ig_stop; return 1; }
	ig_stop
	[ -z "$(json_select "$TMP/out" '.error != ""')" ] || fail "failed exec shown despite --ignore-failed default"
}

test_exec_paths() {
	ig_start "$TMP/out" run trace_exec -o json --host --paths --comm ls || return 1
	(cd /usr/share && /bin/ls >/dev/null)
	wait_json "$TMP/out" '.args == "/bin/ls"' >/dev/null || { ig_stop; return 1; }
	ig_stop
	local ev
	ev=$(head -1 "$TMP/out")
	assert_eq "/usr/share" "$(jq -r .cwd <<<"$ev")" "cwd" &&
	assert_eq "$(readlink -f /bin/ls)" "$(jq -r .exepath <<<"$ev")" "exepath"
}

# A cwd deeper than the walk goes, or longer than EXEC_PATH_MAX, is marked
# "…" where it was cut, never cut silently.
test_exec_paths_cut_are_marked() {
	local deep="$TMP/deep" long="$TMP/long" i comp ev cwd
	comp=$(printf 'd%.0s' $(seq 1 100))
	mkdir -p "$deep" "$long"
	for i in $(seq 1 40); do deep="$deep/c$i"; done
	for i in 1 2 3 4 5 6; do long="$long/$comp$i"; done
	mkdir -p "$deep" "$long"
	ig_start "$TMP/out" run trace_exec -o json --host --paths --comm true || return 1
	(cd "$deep" && /bin/true) && (cd "$long" && /bin/true)
	# The second exec's row (its cwd starts with $long, marked or not).
	wait_json "$TMP/out" "(.cwd | contains(\"/${comp}1\"))" >/dev/null || { ig_stop; return 1; }
	ig_stop
	cwd=$(jq -r 'select(.cwd | test("/c40$")) | .cwd' "$TMP/out")
	[[ "$cwd" == "…/"* ]] || fail "deep cwd not marked at its top: '$cwd'" || return 1
	[[ "$deep" == *"${cwd#…}" ]] || fail "deep cwd '$cwd' is not the end of $deep" || return 1
	cwd=$(jq -r "select(.cwd | contains(\"/${comp}1\")) | .cwd" "$TMP/out")
	[[ "$cwd" == *"…" ]] || fail "long cwd not marked at its end: '$cwd'" || return 1
	[[ "$long" == "${cwd%…}"* ]] || fail "long cwd '$cwd' is not the start of $long"
}

test_exec_pid_filter_in_kernel() {
	# Only the subshell's own exec is reported with --pid. It execs once
	# ig is attached (a fixed delay lost that race under ASan and load);
	# ig starts once its exec of bash is done (that exec has its pid too).
	GO="$TMP/go" READY="$TMP/ready" \
		bash -c 'touch "$READY"; until [ -e "$GO" ]; do sleep 0.02; done; exec /bin/echo only-me' >/dev/null &
	local pid=$!
	wait_until 10 test -e "$TMP/ready" || { kill $pid; fail "the subshell did not start"; return 1; }
	ig_start "$TMP/out" run trace_exec -o json --host --pid $pid || { kill $pid; return 1; }
	/bin/echo not-me >/dev/null
	touch "$TMP/go"
	wait $pid
	ig_stop   # ig drains its ring when stopped
	assert_eq "1" "$(jq -s length "$TMP/out")" "number of events" &&
	assert_eq "/bin/echo only-me" "$(jq -r .args "$TMP/out")" "args"
}

test_exec_argv_truncated_is_marked() {
	local big
	big=$(head -c 20000 /dev/zero | tr '\0' a)
	ig_start "$TMP/out" run trace_exec -o json --host --comm echo || return 1
	/bin/echo "$big" >/dev/null
	wait_json "$TMP/out" '.args | startswith("/bin/echo aaaa")' >/dev/null || { ig_stop; return 1; }
	ig_stop
	assert_eq "true" "$(jq -r .args_truncated "$TMP/out" | head -1)" "args_truncated"
}

# execveat, successful (fexecve: execveat with AT_EMPTY_PATH) and failed:
# both flagged. A successful one reaches sys_exit_execve's tracepoint, so
# the flag comes from its entry's mark. ig drains the ring when stopped.
test_exec_execveat_flagged() {
	local tag="ig-at-$RANDOM$RANDOM"
	ig_start "$TMP/out" run trace_exec -o json --host --ignore-failed=false || return 1
	python3 -c 'import os, sys; fd = os.open("/bin/true", os.O_RDONLY); os.execve(fd, ["true", sys.argv[1]], {})' "$tag"
	python3 -c 'import os, sys; os.execve(os.open("/tmp", os.O_RDONLY | os.O_DIRECTORY), ["x", sys.argv[1] + "-fail"], {})' "$tag" 2>/dev/null
	/bin/echo "$tag-plain" >/dev/null
	ig_stop
	local ok fail plain
	ok=$(json_select "$TMP/out" ".args == \"true $tag\"")
	fail=$(json_select "$TMP/out" ".args == \"x $tag-fail\"")
	plain=$(json_select "$TMP/out" ".args == \"/bin/echo $tag-plain\"")
	[ -n "$ok" ] && [ -n "$fail" ] && [ -n "$plain" ] ||
		fail "missing events; got: $(grep "$tag" "$TMP/out" | head -c 1500)" || return 1
	assert_eq "true" "$(jq -r .execveat <<<"$ok")" "fexecve is an execveat" &&
	assert_eq "" "$(jq -r .error <<<"$ok")" "fexecve succeeded" &&
	assert_eq "true" "$(jq -r .execveat <<<"$fail")" "failed execveat" &&
	assert_eq "EACCES" "$(jq -r .error <<<"$fail")" "a directory cannot be executed" &&
	assert_eq "false" "$(jq -r .execveat <<<"$plain")" "execve is not flagged"
}

# A successful exec's record is reserved in the ring at one of a few fixed
# sizes, the smallest that holds argv (bpf/trace_exec.bpf.c): argv just
# below, at and above each edge arrives whole, up to EXEC_ARGS_MAX (8192).
test_exec_argv_sizes_at_record_edges() {
	local tag="ig-edge-$RANDOM$RANDOM" sizes="127 128 129 512 513 2048 2049 4096 4097 8191 8192"
	local n head fill ev
	ig_start "$TMP/out" run trace_exec -o json --host --comm echo || return 1
	for n in $sizes; do
		# "/bin/echo\0TAG-N\0FILL\0" is N bytes; the spaces stand for NULs.
		head="/bin/echo $tag-$n "
		fill=$(head -c $((n - ${#head} - 1)) /dev/zero | tr '\0' x)
		/bin/echo "$tag-$n" "$fill" >/dev/null
	done
	ig_stop
	for n in $sizes; do
		ev=$(json_select "$TMP/out" ".args | startswith(\"/bin/echo $tag-$n \")" | head -1)
		[ -n "$ev" ] || fail "no event for argv of $n bytes" || return 1
		assert_eq "$n" "$(jq -r .args_size <<<"$ev")" "args_size of $n bytes" &&
			assert_eq "$((n - 1))" "$(jq -r '.args | length' <<<"$ev")" "args length of $n bytes" &&
			assert_eq "3" "$(jq -r .args_count <<<"$ev")" "args_count of $n bytes" &&
			assert_eq "false" "$(jq -r .args_truncated <<<"$ev")" "args_truncated of $n bytes" ||
			return 1
	done
}
