# shellcheck shell=bash
# Hostile traced data, issue 17: a padded path must not pass for a whole
# one, and traced strings reach stderr escaped like stdout.
. tests/lib/engines.sh

# hs_wait FILE PATTERN: wait (up to 5 s) for a line matching grep -E PATTERN.
hs_wait() {
	local i
	for i in $(seq 1 100); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no line matching '$2' in $1: $(head -c 1500 "$1")"
}

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
	hs_wait "$TMP/cols" '/etc/hostname' && hs_wait "$TMP/json" '/etc/hostname' &&
		hs_wait "$TMP/yaml" '/etc/hostname'
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
