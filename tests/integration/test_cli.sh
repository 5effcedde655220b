# shellcheck shell=bash
# Usage errors: exit 2, one clear line on stderr, nothing on stdout.

usage_error() { # expected-message args...
	local msg=$1; shift
	local rc=0
	"$IG" "$@" >"$TMP/stdout" 2>"$TMP/stderr" || rc=$?
	assert_eq 2 "$rc" "exit code of ig $*" &&
	assert_eq "" "$(cat "$TMP/stdout")" "stdout of ig $*" &&
	assert_eq 1 "$(wc -l <"$TMP/stderr")" "stderr lines of ig $*" &&
	assert_contains "$(cat "$TMP/stderr")" "$msg" "message of ig $*"
}

test_cli_unknown_gadget() { usage_error 'unknown gadget "nope"' run nope; }
test_cli_unknown_flag() { usage_error 'unknown flag "--bogus"' run trace_exec --bogus; }
test_cli_unknown_field() { usage_error 'unknown field "nosuch"' run trace_open --fields pid,nosuch; }
test_cli_unknown_custom_column() { usage_error 'unknown field "zz"' run trace_exec -o custom-columns=pid,zz; }
test_cli_bad_filter_op() { usage_error 'bad filter' run trace_open --filter 'fname'; }
test_cli_bad_filter_field() { usage_error 'unknown field "nope"' run trace_open --filter 'nope==1'; }
test_cli_bad_filter_number() { usage_error 'is a number' run trace_open --filter 'proc.pid==abc'; }
test_cli_bad_filter_regex() { usage_error 'invalid regular expression' run trace_open --filter 'fname~(('; }
test_cli_bad_output() { usage_error 'unknown output mode' run trace_open -o yaml2; }
test_cli_missing_value() { usage_error 'needs a value' run trace_open --pid; }
test_cli_bad_bool() { usage_error 'expected true or false' run trace_exec --ignore-failed=maybe; }

# -o yaml: one document an event, the keys of JSON in its order, nested
# mappings indented by 2, every string double-quoted with JSON's escapes.
test_cli_yaml_exec() {
	local tag="ig-yaml-$RANDOM$RANDOM" arg=$'a\x1bb"c\\d\xff\xc2\x9b' pid doc
	ig_start "$TMP/out" run trace_exec --host -o yaml -t 2 || return 1
	/bin/echo "$tag" "$arg" >/dev/null & pid=$!
	wait $pid
	wait "$IG_PID" || fail "ig -t 2 exited with $?" || return 1
	doc=$(yaml_doc "$TMP/out" "args: \"/bin/echo $tag a\\u001bb\\\"c\\\\d\\ufffd\\u009b\"")
	[ -n "$doc" ] || fail "no document for the echo in: $(head -c 1500 "$TMP/out")" || return 1
	assert_eq "---
args: \"/bin/echo $tag a\\u001bb\\\"c\\\\d\\ufffd\\u009b\"
args_count: 3
args_size: $((10 + ${#tag} + 1 + 11))
args_truncated: false
cwd: \"\"
error: \"\"
error_raw: 0
execveat: false
exepath: \"\"
k8s:
  containerName: \"\"
  namespace: \"\"
  node: \"\"
  podName: \"\"
proc:
  comm: \"echo\"
  creds:
    gid: 0
    uid: 0
  mntns_id: $(readlink /proc/self/ns/mnt | tr -dc 0-9)
  parent:
    comm: \"bash\"
    pid: $BASHPID
  pid: $pid
  tid: $pid
runtime:
  containerId: \"\"
  containerImageDigest: \"\"
  containerImageName: \"\"
  containerName: \"\"
  containerPid: 0
  containerStartedAt: \"\"
  runtimeName: \"\"
timestamp: \"T\"
timestamp_raw: N" "$(sed -E 's/^timestamp: "20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z"$/timestamp: "T"/; s/^timestamp_raw: [0-9]{19}$/timestamp_raw: N/' <<<"$doc")" "the document" || return 1
	# Every line is a document start or a key, never a raw control byte.
	local line_re='^(---|( {2})*[A-Za-z0-9_]+:( .+)?)$'
	! grep -qvE "$line_re" "$TMP/out" ||
		fail "not YAML lines: $(grep -vE "$line_re" "$TMP/out" | head -3)" || return 1
	! LC_ALL=C grep -q '[[:cntrl:]]' "$TMP/out" || fail "a raw control byte in the output" || return 1
	# Where PyYAML is installed (not a dependency), it reads the strings back.
	python3 -c 'import yaml' 2>/dev/null || return 0
	python3 - "$TMP/out" "$tag" "$arg" <<'PY' || fail "PyYAML disagrees"
import sys, yaml
path, tag, arg = sys.argv[1], sys.argv[2], sys.argv[3].encode("utf-8", "surrogateescape")
want = "/bin/echo %s %s" % (tag, arg.decode("utf-8", "replace"))
docs = [d for d in yaml.safe_load_all(open(path, encoding="utf-8")) if d.get("args") == want]
assert len(docs) == 1, "%d documents with args %r" % (len(docs), want)
assert docs[0]["args_count"] == 3 and docs[0]["proc"]["comm"] == "echo", docs[0]
PY
}

test_cli_list_gadgets() {
	local out
	out=$("$IG" list-gadgets) || return 1
	assert_contains "$out" "trace_exec" "list" && assert_contains "$out" "trace_open" "list"
}

test_cli_gadget_help() {
	local out
	out=$("$IG" run trace_open --help) || return 1
	assert_contains "$out" "--failed" "flags" && assert_contains "$out" "fname" "fields" &&
	assert_contains "$(ig help trace_exec 2>/dev/null || "$IG" help trace_exec)" "--ignore-failed" "ig help"
}

test_cli_version() {
	assert_contains "$("$IG" version)" "ig version" "version"
}

test_cli_not_root() {
	command -v setpriv >/dev/null || return 0
	local rc=0
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$IG" run trace_open >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 1 "$rc" "exit code" && assert_contains "$(cat "$TMP/e")" "needs root" "message" &&
	assert_eq "" "$(cat "$TMP/o")" "stdout"
}

test_cli_bogus_btf() {
	local rc=0
	"$IG" run trace_open --btf /nonexistent/vmlinux >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 1 "$rc" "exit code" && assert_contains "$(cat "$TMP/e")" "cannot read BTF file /nonexistent/vmlinux" "message"
}

test_cli_timeout_and_head() {
	# A closed pipe ends ig promptly, even with no further events.
	local start end
	start=$(date +%s%N)
	timeout 10 bash -c "'$IG' run trace_exec --host -o json -v 2>'$TMP/err' | head -1 >/dev/null" &
	local pid=$!
	# An exec once ig is attached, so that head has a line to read.
	wait_for_line "$TMP/err" ": attached" || { wait $pid; return 1; }
	/bin/true
	wait $pid || fail "ig did not end after head closed the pipe" || return 1
	end=$(date +%s%N)
	[ $(( (end - start) / 1000000 )) -lt 5000 ] || fail "took too long"
}

test_cli_timeout_flag() {
	local rc=0
	timeout 10 "$IG" run trace_open --host -t 1 >/dev/null || rc=$?
	assert_eq 0 "$rc" "exit code after --timeout"
}

test_cli_sigterm_detaches() {
	ig_start "$TMP/out" run trace_open --host || return 1
	local ids
	ids=$(cat /proc/$IG_PID/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' | sort -u)
	[ -n "$ids" ] || fail "no programs owned by ig" || return 1
	kill -TERM "$IG_PID"; wait "$IG_PID"
	local left
	left=$(bpftool prog list -j | jq -r '.[].id' | grep -Fxf <(echo "$ids") || true)
	assert_eq "" "$left" "programs left after SIGTERM"
}

# Inspektor Gadget's users name gadgets as images; any tag of the upstream
# image is the built-in gadget, another repository's image is not.
test_cli_image_names() {
	local want got name
	want=$("$IG" run ttysnoop --help) || return 1
	for name in ttysnoop:latest ttysnoop:v0.55.0 ghcr.io/inspektor-gadget/gadget/ttysnoop:latest \
		"ttysnoop@sha256:0123abcd"; do
		got=$("$IG" run "$name" --help) || { fail "ig run $name --help failed"; return 1; }
		assert_eq "$want" "$got" "help of $name" || return 1
	done
	assert_contains "$("$IG" help opensnoop:latest)" "trace_open" "ig help opensnoop:latest" &&
	usage_error 'unknown gadget "docker.io/someone/ttysnoop:latest"' run docker.io/someone/ttysnoop:latest &&
	usage_error 'unknown gadget "nope:latest"' run nope:latest
}

test_cli_run_help_lists_gadgets() {
	local out
	out=$("$IG" run --help) || { fail "ig run --help failed"; return 1; }
	assert_contains "$out" "ig run GADGET" "usage" && assert_contains "$out" "trace_tcp" "gadgets" &&
	assert_eq "$out" "$("$IG" help run)" "ig help run" &&
	assert_eq "$out" "$("$IG" run -h)" "ig run -h"
}

# The older CLI's "ig trace open" is ig run trace_open.
test_cli_trace_old_form() {
	local tag="igoldform$RANDOM"
	assert_eq "$("$IG" run trace_open --help)" "$("$IG" trace open --help)" "ig trace open --help" || return 1
	usage_error 'trace needs exec, open or tcp' trace || return 1
	usage_error 'unknown gadget "trace nope"' trace nope || return 1
	ig_start "$TMP/out" trace exec --host -o json || return 1
	/bin/echo "$tag" >/dev/null
	# The tag goes to jq in its environment: jq's own exec is traced too,
	# and its argv must not hold the tag the assertion looks for.
	# shellcheck disable=SC2016 # $ENV is jq's
	IG_TAG=$tag wait_json "$TMP/out" '.args == "/bin/echo " + $ENV.IG_TAG' >/dev/null || { ig_stop; return 1; }
	ig_stop
	assert_eq "/bin/echo $tag" "$(jq -r "select(.args | contains(\"$tag\")) | .args" "$TMP/out")" \
		"the exec, traced by ig trace exec"
}
