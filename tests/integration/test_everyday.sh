# shellcheck shell=bash
# What a user meets every day: usage errors that say what is wrong, columns
# without trailing blanks, fields that bring what they need, warnings for a
# selector that matches nothing, and the tcptracer guide's JSON shape.

# ev_usage_error MESSAGE ARGS...: exit 2, nothing on stdout, one stderr line.
ev_usage_error() {
	local msg=$1; shift
	local rc=0
	timeout 20 "$IG" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	assert_eq 2 "$rc" "exit code of ig $*" &&
	assert_eq "" "$(cat "$TMP/stdout")" "stdout of ig $*" &&
	assert_eq 1 "$(wc -l <"$TMP/stderr")" "stderr lines of ig $* ($(head -c 300 "$TMP/stderr"))" &&
	assert_contains "$(cat "$TMP/stderr")" "$msg" "message of ig $*"
}

# A single "=" used to be taken as "==" without a word.
test_everyday_filter_single_equals_refused() {
	ev_usage_error 'use == to compare' run trace_open -F 'proc.comm=ls' &&
	ev_usage_error 'use == to compare' run trace_exec --filter 'proc.pid>=1,comm=ls'
}

# A ring size the kernel cannot take is a usage error (2), not a runtime one.
test_everyday_ring_size_is_usage_error() {
	ev_usage_error 'invalid --ring-size "1000"' run trace_open --ring-size 1000 &&
	ev_usage_error 'invalid --ring-size "2048"' run trace_exec --ring-size=2048 &&
	ev_usage_error 'invalid --ring-size "-4096"' run trace_tcp --ring-size -4096
}

test_everyday_extra_arguments_refused() {
	ev_usage_error 'list-gadgets takes no arguments (got "extra")' list-gadgets extra &&
	ev_usage_error 'version takes no arguments' version now
}

# -c NAME with no such container: one warning, and the run goes on.
test_everyday_unknown_container_name_warns() {
	local name="ig-nosuch-$RANDOM$RANDOM" rc=0
	timeout 20 "$IG" run trace_open -c "$name" -t 0.5 -o json >"$TMP/out" 2>"$TMP/err" || rc=$?
	assert_eq 0 "$rc" "exit code" &&
	assert_eq 1 "$(wc -l <"$TMP/err")" "stderr lines ($(cat "$TMP/err"))" &&
	assert_contains "$(cat "$TMP/err")" "-c $name: no running container has this name" "warning" &&
	assert_eq "" "$(cat "$TMP/out")" "events"
}

# --fields cwd,exepath (or fpath) without --paths used to print empty
# columns; asking for the field turns --paths on.
test_everyday_paths_fields_turn_paths_on() {
	local tag="ig-ev-$RANDOM$RANDOM" ev
	ig_start "$TMP/exec" run trace_exec --host -o json --fields args,cwd,exepath || return 1
	(cd /usr/share && /bin/echo "$tag" >/dev/null)
	wait_for_line "$TMP/exec" "$tag" || { ig_stop; return 1; }
	ig_stop
	ev=$(json_select "$TMP/exec" ".args == \"/bin/echo $tag\"")
	assert_eq "/usr/share" "$(jq -r .cwd <<<"$ev")" "cwd" &&
	assert_eq "/usr/bin/echo" "$(jq -r .exepath <<<"$ev" | sed 's|^/bin/|/usr/bin/|')" "exepath" || return 1
	ig_start "$TMP/open" run trace_open --host --comm cat -o custom-columns=fname,fpath || return 1
	(cd /etc && cat ./hostname >/dev/null)
	wait_for_line "$TMP/open" '^\./hostname' || { ig_stop; return 1; }
	ig_stop
	assert_contains "$(grep '^\./hostname' "$TMP/open")" "/etc/hostname" "fpath column" || return 1
	# An explicit --paths=false is kept, and said.
	"$IG" run trace_exec --host --paths=false --fields args,cwd -t 0.2 >/dev/null 2>"$TMP/err"
	assert_contains "$(cat "$TMP/err")" "cwd stays empty: it needs --paths" "--paths=false kept"
}

# A row whose last columns are empty ends with its last visible character.
test_everyday_no_trailing_spaces() {
	ig_start "$TMP/out" run trace_open --host --comm cat --fields comm,fd,fname,error || return 1
	cat /etc/hostname >/dev/null
	cat /nonexistent-ig-ev 2>/dev/null
	wait_for_line "$TMP/out" 'nonexistent-ig-ev' || { ig_stop; return 1; }
	ig_stop
	grep -q '/etc/hostname$' "$TMP/out" || fail "the success row does not end with the name: $(cat -A "$TMP/out")" || return 1
	grep -q 'nonexistent-ig-ev *ENOENT$' "$TMP/out" || fail "no failure row: $(cat "$TMP/out")" || return 1
	! grep -q ' $' "$TMP/out" || fail "rows end in spaces: $(grep ' $' "$TMP/out" | cat -A | head -3)"
}

# A non-root user with CAP_BPF+CAP_PERFMON and a 0700 tracefs (the default
# on recent kernels) is told that, not that tracefs is not mounted.
test_everyday_tracefs_unreadable_said() {
	command -v setpriv >/dev/null || { echo "    SKIP: no setpriv" >&2; return 0; }
	[ "$(stat -c %a /sys/kernel/tracing)" = 700 ] ||
		{ echo "    SKIP: tracefs is not 0700 here" >&2; return 0; }
	local rc=0
	timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all,+bpf,+perfmon \
		--ambient-caps=+bpf,+perfmon "$IG" run trace_open --host -t 1 >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	assert_eq 1 "$rc" "exit code" &&
	assert_eq "" "$(cat "$TMP/stdout")" "stdout" &&
	assert_eq 1 "$(wc -l <"$TMP/stderr")" "stderr lines ($(cat "$TMP/stderr"))" &&
	assert_contains "$(cat "$TMP/stderr")" "tracefs is mounted at /sys/kernel/tracing but uid 65534 may not read it (mode 0700" "message" &&
	assert_not_contains "$(cat "$TMP/stderr")" "not mounted" "message"
}

# The tcptracer guide's JSON (shared/reference/tcptracer-guide.md) behind
# --legacy-json: its keys, and its jq filters unchanged, on a loopback
# connection made by a python3 client (comm "python3" or so).
test_everyday_tcptracer_legacy_json() {
	command -v python3 >/dev/null || { echo "    SKIP: no python3" >&2; return 0; }
	ev_usage_error '--legacy-json is a JSON shape' run trace_tcp --legacy-json || return 1
	ev_usage_error '--legacy-json is a JSON shape' run trace_tcp -o json --legacy-json --fields pid || return 1
	ig_start "$TMP/out" run trace_tcp --host --connect-only -o json --legacy-json || return 1
	python3 - "$TMP/client" <<'PY' &
import os, socket, sys
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
c = socket.create_connection(srv.getsockname())
open(sys.argv[1], "w").write("%d %d %d\n" % (os.getpid(), c.getsockname()[1], srv.getsockname()[1]))
c.close(); srv.close()
PY
	wait $!
	local pid sport dport ev
	read -r pid sport dport <"$TMP/client"
	wait_for_line "$TMP/out" "\"dport\":$dport" || { ig_stop; return 1; }
	ig_stop
	ev=$(json_select "$TMP/out" ".dport == $dport and .sport == $sport")
	[ -n "$ev" ] || fail "no event for the connection: $(head -c 1000 "$TMP/out")" || return 1
	# The guide's keys, exactly, with their types.
	assert_eq "comm container daddr dport ipversion namespace node operation pid pod saddr sport type" \
		"$(jq -r 'keys | join(" ")' <<<"$ev")" "keys" &&
	assert_eq "string string string number number string string string number string string number string" \
		"$(jq -r '[.comm, .container, .daddr, .dport, .ipversion, .namespace, .node, .operation, .pid, .pod, .saddr, .sport, .type] | map(type) | join(" ")' <<<"$ev")" "types" &&
	# The guide's `jq` (pretty printing) and the fields it reads.
	jq . "$TMP/out" >/dev/null || fail "jq cannot read the stream" || return 1
	assert_eq "normal" "$(jq -r .type <<<"$ev")" "type" &&
	assert_eq "connect" "$(jq -r .operation <<<"$ev")" "operation" &&
	assert_eq "4 127.0.0.1 127.0.0.1 $sport $dport $pid" \
		"$(jq -r '"\(.ipversion) \(.saddr) \(.daddr) \(.sport) \(.dport) \(.pid)"' <<<"$ev")" "addresses" &&
	assert_eq "$dport" "$(jq -r "select(.operation == \"connect\" and .pid == $pid) | .dport" "$TMP/out")" \
		"a select on operation and pid"
}
