# shellcheck shell=bash
# Tetragon's export filters (--export-allowlist, --export-denylist) on
# real Docker containers, and ig daemon --policy: a TracingPolicy the
# daemon's trace_process enforces, reread on SIGHUP.
. tests/lib/engines.sh

xf_engines() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

# xf_containers NAME...: busybox containers that sleep, with a shadow file.
xf_containers() {
	local c
	for c in "$@"; do
		docker run -d --name "$c" busybox sh -c 'echo "root:x:1::::::" >/etc/shadow; sleep 300' >/dev/null || return 1
		echo "$c" >>"$TMP/.containers"
	done
	for c in "$@"; do
		wait_until 10 docker exec "$c" test -s /etc/shadow || return 1
	done
}

xf_cleanup() {
	[ -f "$TMP/.containers" ] && xargs -r docker rm -f <"$TMP/.containers" >/dev/null 2>&1
	rm -f "$TMP/.containers"
}

# An allowlist on the container's name: only that container's events,
# though ig watches every container.
test_export_allowlist_container_name() {
	xf_engines || return 1
	local a="ig-xfa-$RANDOM" b="ig-xfb-$RANDOM" tag="xf$RANDOM"
	xf_containers "$a" "$b" || { xf_cleanup; return 1; }
	ig_start "$TMP/out" run trace_process -o json \
		--export-allowlist "{\"container_name_regex\":[\"^$a\$\"]}" || { xf_cleanup; return 1; }
	docker exec "$b" /bin/echo "$tag-b" >/dev/null
	docker exec "$a" /bin/echo "$tag-a" >/dev/null
	# b's events came first; a's last exit says they were all read.
	docker exec "$b" /bin/echo "$tag-b2" >/dev/null
	docker exec "$a" /bin/echo "$tag-a2" >/dev/null
	wait_until 10 json_has "$TMP/out" ".event == \"exit\" and .args == \"$tag-a2\""
	ig_stop
	xf_cleanup
	assert_eq 2 "$(json_count "$TMP/out" ".event == \"exec\" and (.args | startswith(\"$tag-a\"))")" "a's execs" &&
	assert_eq 0 "$(json_count "$TMP/out" ".runtime.containerName != \"$a\"")" "events of others" &&
	assert_eq 0 "$(grep -c "$tag-b" "$TMP/out")" "b's echo"
}

# A denylist on the binary drops cat (exec and exit), and nothing else.
test_export_denylist_binary_drops_cat() {
	xf_engines || return 1
	local a="ig-xfd-$RANDOM" tag="xf$RANDOM"
	xf_containers "$a" || { xf_cleanup; return 1; }
	ig_start "$TMP/out" run trace_process -o json -c "$a" \
		--export-denylist '{"binary_regex":["/cat$"]}' || { xf_cleanup; return 1; }
	docker exec "$a" sh -c "/bin/cat /etc/hostname; /bin/echo $tag" >/dev/null
	wait_until 10 json_has "$TMP/out" ".event == \"exit\" and .args == \"$tag\""
	ig_stop
	xf_cleanup
	assert_eq 0 "$(json_count "$TMP/out" '.binary == "/bin/cat"')" "cat's events" &&
	assert_eq 2 "$(json_count "$TMP/out" ".args == \"$tag\"")" "echo's exec and exit" &&
	assert_eq 1 "$(json_count "$TMP/out" ".event == \"exec\" and .binary == \"/bin/sh\"")" "sh's exec"
}

# event_set PROCESS_EXIT: exits only, from a file (@FILE), in -o compact.
test_export_allowlist_event_set_exit_only() {
	xf_engines || return 1
	local a="ig-xfe-$RANDOM" tag="xf$RANDOM"
	xf_containers "$a" || { xf_cleanup; return 1; }
	printf '{"event_set":["PROCESS_EXIT"]}\n' >"$TMP/allow.json"
	ig_start "$TMP/out" run trace_process -o json -c "$a" \
		--export-allowlist "@$TMP/allow.json" || { xf_cleanup; return 1; }
	docker exec "$a" sh -c "/bin/cat /etc/hostname; /bin/echo $tag" >/dev/null
	wait_until 10 json_has "$TMP/out" ".event == \"exit\" and .args == \"$tag\""
	ig_stop
	xf_cleanup
	assert_eq 0 "$(json_count "$TMP/out" '.event != "exit"')" "events other than exits" &&
	assert_eq 1 "$(json_count "$TMP/out" '.binary == "/bin/cat"')" "cat's exit"
}

# Bad filters: one line, exit 2, nothing attached.
test_export_filter_bad_input_refused() {
	local rc f msg
	for f in '{"nope":["x"]}|unknown key "nope"' '{"binary_regex":["("]}|bad regular expression' \
		'{"pid":[1]|bad JSON' '{"event_set":"PROCESS_EXEC"}|the value is a list'; do
		rc=0
		"$IG" run trace_process -v --host --export-denylist "${f%%|*}" >"$TMP/o" 2>"$TMP/e" || rc=$?
		msg="${f#*|}"
		assert_eq 2 "$rc" "exit code for ${f%%|*}" &&
		assert_eq 1 "$(wc -l <"$TMP/e")" "one line for ${f%%|*}" &&
		assert_contains "$(cat "$TMP/e")" "--export-denylist line 1: " "the list" &&
		assert_contains "$(cat "$TMP/e")" "$msg" "message" || return 1
	done
	rc=0
	"$IG" daemon --gadgets trace_exec --export-allowlist '{"pid":["1"]}' --socket "$TMP/s/ig.sock" \
		>"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 2 "$rc" "the daemon's exit code" &&
	assert_contains "$(cat "$TMP/e")" "export-allowlist line 1: pid: each value is a process id" "daemon message"
}

# _xf_wait_line FILE TEXT N: until FILE has N lines with TEXT (10 s).
_xf_wait_line() {
	local deadline=$((SECONDS + 10))
	until [ "$(grep -cF -- "$2" "$1")" -ge "$3" ]; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
}

# xf_policy FILE PATH: a TracingPolicy killing whoever opens PATH.
xf_policy() { tp_policy "$1" "block-$(basename "$2")" Equal "$2"; }

# The daemon enforces --policy in the container its trace_process is
# narrowed to: cat /etc/shadow dies there (137), runs in another; the
# export holds the match and the SIGKILL exit. A bad policy on SIGHUP is
# refused in one line and the old one still kills; a changed one replaces
# it.
test_daemon_policy_kills_in_one_container_and_reloads() {
	xf_engines || return 1
	local a="ig-xfp-a-$RANDOM" b="ig-xfp-b-$RANDOM" exp=$TMP/events.jsonl
	local rc_a=0 rc_b=0 rc_a2=0 rc_h=0 rc_s=0 m ex
	xf_containers "$a" "$b" || { xf_cleanup; return 1; }
	xf_policy "$TMP/p.yaml" /etc/shadow
	printf 'gadgets:\n  trace_process: {containername: %s}\n' "$a" >"$TMP/ig.yaml"
	_daemon_start "$TMP/err" --config "$TMP/ig.yaml" --policy "$TMP/p.yaml" \
		--socket "$TMP/s/ig.sock" --export-file "$exp" || { xf_cleanup; return 1; }
	docker exec "$a" cat /etc/shadow >/dev/null 2>&1 || rc_a=$?
	docker exec "$b" cat /etc/shadow >/dev/null 2>&1 || rc_b=$?
	wait_until 10 json_has "$exp" '.event == "exit" and .args == "/etc/shadow"'
	assert_eq 137 "$rc_a" "cat /etc/shadow in $a" &&
	assert_eq 0 "$rc_b" "cat /etc/shadow in $b" || { xf_cleanup; return 1; }
	m=$(json_select "$exp" '.event == "match" and .policy == "block-shadow"' | head -1)
	ex=$(json_select "$exp" '.event == "exit" and .args == "/etc/shadow"' | head -1)
	[ -n "$m" ] && [ -n "$ex" ] || { xf_cleanup; fail "no match or exit in: $(head -c 2000 "$exp")"; return 1; }
	assert_eq "trace_process" "$(jq -r .gadget <<<"$m")" "the gadget key" &&
	assert_eq "Sigkill" "$(jq -r .action <<<"$m")" "action" &&
	assert_eq "$a" "$(jq -r .runtime.containerName <<<"$m")" "the match is in $a" &&
	assert_eq "SIGKILL" "$(jq -r .signal <<<"$ex")" "the exit says SIGKILL" &&
	assert_eq "$(jq -r .exec_id <<<"$m")" "$(jq -r .exec_id <<<"$ex")" "one process" || { xf_cleanup; return 1; }

	# A policy that does not parse: refused, the old one acts on.
	printf 'apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\nspec: {kprobes: []}\n' >"$TMP/p.yaml"
	kill -HUP "$IG_PID"
	_xf_wait_line "$TMP/err" "reload refused" 1 || { xf_cleanup; fail "no refusal: $(tail -3 "$TMP/err")"; return 1; }
	assert_eq 1 "$(grep -c "reload refused" "$TMP/err")" "one line" &&
	assert_contains "$(grep "reload refused" "$TMP/err")" "kprobes is not supported" "why" || { xf_cleanup; return 1; }
	docker exec "$a" cat /etc/shadow >/dev/null 2>&1 || rc_a2=$?
	assert_eq 137 "$rc_a2" "the old policy after the refused reload" || { xf_cleanup; return 1; }

	# A changed policy replaces it: /etc/hostname now, /etc/shadow no more.
	xf_policy "$TMP/p.yaml" /etc/hostname
	kill -HUP "$IG_PID"
	_xf_wait_line "$TMP/err" "daemon: reloaded" 1 &&
	_xf_wait_line "$TMP/err" "policy block-hostname: active" 1 || { xf_cleanup; fail "no reload: $(tail -3 "$TMP/err")"; return 1; }
	docker exec "$a" cat /etc/hostname >/dev/null 2>&1 || rc_h=$?
	docker exec "$a" cat /etc/shadow >/dev/null 2>&1 || rc_s=$?
	kill -TERM "$IG_PID"; wait "$IG_PID"
	local rc=$?
	xf_cleanup
	assert_eq 0 "$rc" "exit code after SIGTERM" &&
	assert_eq 137 "$rc_h" "cat /etc/hostname under the new policy" &&
	assert_eq 0 "$rc_s" "cat /etc/shadow after the reload" &&
	assert_eq 2 "$(grep -c "daemon: trace_process attached" "$TMP/err")" "trace_process restarted once" &&
	assert_eq 1 "$(json_count "$exp" '.event == "match" and .policy == "block-hostname"')" "the new policy's match"
}

# Policies alone start trace_process; the config's export-denylist key
# applies to every gadget of the daemon.
test_daemon_config_policies_and_export_denylist() {
	xf_engines || return 1
	local a="ig-xfc-$RANDOM" tag="xf$RANDOM" exp=$TMP/events.jsonl rc=0
	xf_containers "$a" || { xf_cleanup; return 1; }
	xf_policy "$TMP/p.yaml" /etc/shadow
	cat >"$TMP/ig.yaml" <<YAML
gadgets:
  trace_exec:
policies:
- $TMP/p.yaml
export-denylist: |
  {"event_set":["PROCESS_EXEC"],"binary_regex":["/cat\$"]}
  {"event_set":["TRACE_EXEC"],"arguments_regex":["/etc/hostname\$"]}
YAML
	_daemon_start "$TMP/err" --config "$TMP/ig.yaml" --socket "$TMP/s/ig.sock" \
		--export-file "$exp" || { xf_cleanup; return 1; }
	# The shell's status is its last command's: the killed cat's.
	docker exec "$a" sh -c "/bin/cat /etc/hostname; /bin/echo $tag; /bin/cat /etc/shadow" >/dev/null 2>&1 || rc=$?
	wait_until 10 json_has "$exp" '.gadget == "trace_process" and .event == "exit" and .args == "/etc/shadow"'
	wait_until 10 json_has "$exp" '.gadget == "trace_exec" and .args == "/bin/cat /etc/shadow"'
	cp "$exp" "$TMP/before.jsonl"
	# A reload with a bad filter is refused; a good one replaces the
	# filters of the running gadgets, which are not restarted.
	sed -i '$a\  {"bogus":[1]}' "$TMP/ig.yaml"
	kill -HUP "$IG_PID"
	_xf_wait_line "$TMP/err" "reload refused" 1 || { xf_cleanup; fail "no refusal: $(tail -3 "$TMP/err")"; return 1; }
	assert_contains "$(grep "reload refused" "$TMP/err")" 'export-denylist line 3: unknown key "bogus"' "why" || { xf_cleanup; return 1; }
	sed -i '/^export-denylist/,$d' "$TMP/ig.yaml"
	printf 'export-denylist: %s\n' "'{\"binary_regex\":[\"echo\$\"]}'" >>"$TMP/ig.yaml"
	kill -HUP "$IG_PID"
	_xf_wait_line "$TMP/err" "daemon: reloaded" 1 || { xf_cleanup; fail "no reload: $(tail -3 "$TMP/err")"; return 1; }
	docker exec "$a" sh -c "/bin/echo $tag-2; /bin/cat /etc/hostname" >/dev/null 2>&1
	wait_until 10 json_has "$exp" '.gadget == "trace_process" and .event == "exit" and .args == "/etc/hostname"'
	wait_until 10 json_has "$exp" '.gadget == "trace_exec" and .args == "/bin/cat /etc/hostname"'
	kill -TERM "$IG_PID"; wait "$IG_PID"
	xf_cleanup
	# echo's rows (its comm) are gone from both gadgets, sh's stay (its
	# execs: busybox sh execs its last command, so sh itself never exits).
	assert_eq 0 "$(json_count "$exp" "(.args | contains(\"$tag-2\")) and .proc.comm == \"echo\"")" "echo denied after the reload" &&
	assert_eq 2 "$(json_count "$exp" "(.args | contains(\"$tag-2\")) and .proc.comm == \"sh\"")" "sh's execs" &&
	assert_eq 1 "$(json_count "$exp" '.gadget == "trace_process" and .event == "exec" and .args == "/etc/hostname"')" "cat's exec shown after the reload" &&
	assert_eq 1 "$(grep -c "daemon: trace_process attached" "$TMP/err")" "trace_process not restarted" || return 1
	assert_eq 137 "$rc" "sh -c, its cat killed" &&
	assert_contains "$(cat "$TMP/err")" "daemon: trace_process attached" "started for the policies" &&
	assert_eq 0 "$(json_count "$TMP/before.jsonl" '.gadget == "trace_process" and .event == "exec" and .binary == "/bin/cat"')" "cat's execs denied" &&
	assert_eq 2 "$(json_count "$TMP/before.jsonl" '.gadget == "trace_process" and .event == "exit" and .binary == "/bin/cat"')" "cat's exits kept" &&
	assert_eq 1 "$(json_count "$TMP/before.jsonl" '.event == "match" and .policy == "block-shadow"')" "the match" &&
	assert_eq 0 "$(json_count "$TMP/before.jsonl" '.gadget == "trace_exec" and (.args | endswith("/etc/hostname"))')" "trace_exec's cat /etc/hostname denied" &&
	assert_eq 1 "$(json_count "$TMP/before.jsonl" ".gadget == \"trace_exec\" and (.args | endswith(\"echo $tag\"))")" "trace_exec's echo kept" &&
	assert_eq 1 "$(json_count "$TMP/before.jsonl" '.gadget == "trace_exec" and .args == "/bin/cat /etc/shadow"')" "trace_exec's cat /etc/shadow kept"
}

# Two policies, each with its own spec.containerSelector, in one daemon:
# each kills in the container it selects and nowhere else.
test_daemon_policies_each_in_its_own_containers() {
	xf_engines || return 1
	local a="ig-xfs-a-$RANDOM" b="ig-xfs-b-$RANDOM" exp=$TMP/events.jsonl
	local as=0 ah=0 bs=0 bh=0
	xf_containers "$a" "$b" || { xf_cleanup; return 1; }
	xf_policy "$TMP/shadow.yaml" /etc/shadow
	xf_policy "$TMP/hostname.yaml" /etc/hostname
	sed -i "s/^spec:\$/spec:\n  containerSelector: {matchLabels: {name: $a}}/" "$TMP/shadow.yaml"
	sed -i "s/^spec:\$/spec:\n  containerSelector: {matchLabels: {name: $b}}/" "$TMP/hostname.yaml"
	_daemon_start "$TMP/err" --policy "$TMP/shadow.yaml" --policy "$TMP/hostname.yaml" \
		--socket "$TMP/s/ig.sock" --export-file "$exp" || { xf_cleanup; return 1; }
	_wait_line "$TMP/err" "policy scope: container $a " 10 &&
	_wait_line "$TMP/err" "policy scope: container $b " 10 ||
		{ xf_cleanup; fail "no scope: $(grep policy "$TMP/err" | tail -5)"; return 1; }
	docker exec "$a" cat /etc/shadow >/dev/null 2>&1 || as=$?
	docker exec "$a" cat /etc/hostname >/dev/null 2>&1 || ah=$?
	docker exec "$b" cat /etc/shadow >/dev/null 2>&1 || bs=$?
	docker exec "$b" cat /etc/hostname >/dev/null 2>&1 || bh=$?
	wait_until 10 json_has "$exp" '.event == "match"' 2
	kill -TERM "$IG_PID"; wait "$IG_PID"
	xf_cleanup
	assert_eq "137 0 0 137" "$as $ah $bs $bh" "exit codes of cat shadow, hostname in $a, then in $b" &&
	assert_eq 1 "$(json_count "$exp" ".event == \"match\" and .policy == \"block-shadow\" and .runtime.containerName == \"$a\"")" "block-shadow's match in $a" &&
	assert_eq 1 "$(json_count "$exp" ".event == \"match\" and .policy == \"block-hostname\" and .runtime.containerName == \"$b\"")" "block-hostname's match in $b" &&
	assert_eq 2 "$(json_count "$exp" '.event == "match"')" "two matches in all"
}
