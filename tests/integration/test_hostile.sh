# shellcheck shell=bash
# Hostile traced data, issue 17: a padded path must not pass for a whole
# one, and traced strings reach stderr escaped like stdout.
. tests/lib/engines.sh

# open("/etc/" + "./" * 200 + "shadow"): the kernel side reads 255 bytes,
# so "shadow" is lost. The cut is marked in columns, JSON and YAML.
test_hostile_padded_path_cut_is_marked() {
	local pad f
	pad=$(printf './%.0s' $(seq 1 200))
	f="/etc/${pad}shadow"
	ig_start "$TMP/json" run trace_open --host --comm cat -o json || return 1
	local json_pid=$IG_PID
	ig_start "$TMP/yaml" run trace_open --host --comm cat -o yaml || { IG_PID=$json_pid ig_stop; return 1; }
	local yaml_pid=$IG_PID
	ig_start "$TMP/cols" run trace_open --host --comm cat || { IG_PID=$json_pid ig_stop; IG_PID=$yaml_pid ig_stop; return 1; }
	cat "$f" /etc/hostname >/dev/null 2>&1
	wait_for_line "$TMP/cols" '/etc/hostname' && wait_for_line "$TMP/json" '/etc/hostname' &&
		wait_for_line "$TMP/yaml" '/etc/hostname'
	local ok=$?
	ig_stop; IG_PID=$json_pid ig_stop; IG_PID=$yaml_pid ig_stop
	[ $ok -eq 0 ] || return 1
	local want="${f:0:255}…" ev
	ev=$(json_select "$TMP/json" '.fname | startswith("/etc/./")')
	[ -n "$ev" ] || fail "no event for the padded path: $(head -c 800 "$TMP/json")" || return 1
	assert_eq "$want" "$(jq -r .fname <<<"$ev")" "JSON fname" &&
	assert_eq true "$(jq -r .fname_truncated <<<"$ev")" "JSON fname_truncated" &&
	assert_eq false "$(json_select "$TMP/json" '.fname == "/etc/hostname"' | jq -r .fname_truncated)" \
		"fname_truncated of a whole name" &&
	assert_contains "$(cat "$TMP/yaml")" "fname: \"$want\"" "YAML fname" &&
	assert_contains "$(cat "$TMP/yaml")" "fname_truncated: true" "YAML fname_truncated" || return 1
	# The FNAME column keeps its end, which is now the mark.
	local row
	row=$(grep ' /etc/\./' "$TMP/cols" | head -1)
	[ -n "$row" ] || fail "no row for the padded path: $(cat "$TMP/cols")" || return 1
	[[ "$row" =~ \./…\ +[0-9]{4} ]] || fail "the FNAME column does not end in the cut mark: $row"
}

# hs_fake_docker ROOT ID NAME PID: Docker state naming a real process.
hs_fake_docker() {
	local d="$1/var/lib/docker/containers/$2"
	mkdir -p "$d"
	jq -n --arg id "$2" --arg name "$3" --argjson pid "$4" \
		'{ID: $id, Name: $name, Config: {Image: "img"}, State: {Pid: $pid, Running: true}}' \
		>"$d/config.v2.json"
}

# A container name with ESC, a one-byte CSI (U+009B) and a bidi override
# (U+202E) reaches stderr escaped, as on stdout: here in traceloop's note
# that older records were overwritten.
test_hostile_container_name_escaped_on_stderr() {
	command -v unshare >/dev/null || { echo "    SKIP: no unshare" >&2; return 0; }
	local root="$TMP/hostroot" id name pid
	id=$(printf '%064d' 7)
	mkdir -p "$root"; ln -s /proc "$root/proc"
	unshare -m bash -c "while [ ! -e '$TMP/go' ]; do sleep 0.05; done
		i=0; while [ \$i -lt 3000 ]; do echo \$i >/dev/null; i=\$((i+1)); done; touch '$TMP/done'; sleep 30" &
	pid=$!
	name=$(printf 'web\033[2J\xc2\x9b31m\xe2\x80\xaegnp.exe')
	hs_fake_docker "$root" "$id" "$name" "$pid"
	ig_start "$TMP/out" run traceloop -o json --buffer-size 16k --host-root "$root" || { kill $pid; return 1; }
	touch "$TMP/go"
	local i
	for i in $(seq 1 200); do [ -e "$TMP/done" ] && break; sleep 0.05; done
	ig_stop
	kill $pid; wait $pid 2>/dev/null
	local note
	note=$(grep 'older records were overwritten' "$TMP/out.err")
	[ -n "$note" ] || fail "no overwrite note: $(grep -v '^libbpf' "$TMP/out.err" | head -5)" || return 1
	# (container discovery already turns ESC into ?)
	assert_contains "$note" 'web?[2J\u009b31m\u202egnp.exe' "escaped name" &&
	! grep '^ig: ' "$TMP/out.err" | LC_ALL=C grep -q $'\033\|\xc2\x9b\|\xe2\x80\xae' ||
		fail "raw control or bidi bytes on stderr: $(cat -v "$TMP/out.err" | grep -v '^libbpf' | head -5)"
}
