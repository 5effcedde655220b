# shellcheck shell=bash
# trace_process against real processes and real Docker containers.
. tests/lib/engines.sh

tp_engines() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

# tp_ev FILE EVENT JQ-COND: the first event of that kind matching.
tp_ev() { json_select "$1" ".event == \"$2\" and ($3)" | head -1; }

# In a container, sh -c forks and execs cat: cat's exec names sh as its
# parent, cat's exit and exec share one exec_id, and sh's exit closes the
# chain. The container is a pod to enrichment (Kubernetes labels), so
# Tetragon's own jq recipe selects it from -o tetragon, unchanged.
test_process_container_chain_links_by_exec_id() {
	tp_engines || return 1
	local name="ig-tp-$RANDOM" tag="tp-$RANDOM"
	docker run -d --name "$name" --label io.kubernetes.pod.name=xwing \
		--label io.kubernetes.pod.namespace=default \
		--label io.kubernetes.container.name=spaceship busybox sleep 300 >/dev/null || return 1
	ig_start "$TMP/out" run trace_process -o json -c "$name" ||
		{ docker rm -f "$name" >/dev/null; return 1; }
	docker exec "$name" sh -c "cat /etc/hostname; echo $tag >/dev/null; true" >/dev/null
	wait_until 10 json_has "$TMP/out" '.event == "exit" and .binary == "/bin/cat"'
	wait_until 5 json_has "$TMP/out" ".event == \"exit\" and (.args | contains(\"$tag\"))"
	ig_stop
	docker rm -f "$name" >/dev/null
	local sh_exec cat_exec cat_exit sh_exit
	sh_exec=$(tp_ev "$TMP/out" exec "(.args | contains(\"$tag\"))")
	cat_exec=$(tp_ev "$TMP/out" exec '.binary == "/bin/cat"')
	cat_exit=$(tp_ev "$TMP/out" exit '.binary == "/bin/cat"')
	sh_exit=$(tp_ev "$TMP/out" exit "(.args | contains(\"$tag\"))")
	[ -n "$sh_exec" ] && [ -n "$cat_exec" ] && [ -n "$cat_exit" ] && [ -n "$sh_exit" ] ||
		fail "missing events in: $(head -c 3000 "$TMP/out")" || return 1
	assert_eq "/bin/sh" "$(jq -r .binary <<<"$sh_exec")" "sh's binary" &&
	assert_eq "/etc/hostname" "$(jq -r .args <<<"$cat_exec")" "cat's arguments (argv[0] left out)" &&
	assert_eq "$(jq -r .exec_id <<<"$sh_exec")" "$(jq -r .parent_exec_id <<<"$cat_exec")" "cat's parent_exec_id is sh's exec_id" &&
	assert_eq "/bin/sh" "$(jq -r .parent.binary <<<"$cat_exec")" "cat's parent binary" &&
	assert_eq "$(jq -r .exec_id <<<"$cat_exec")" "$(jq -r .exec_id <<<"$cat_exit")" "cat's exec and exit share exec_id" &&
	assert_eq "$(jq -r .parent_exec_id <<<"$cat_exec")" "$(jq -r .parent_exec_id <<<"$cat_exit")" "cat's exit names the same parent" &&
	assert_eq "$(jq -r .exec_id <<<"$sh_exec")" "$(jq -r .exec_id <<<"$sh_exit")" "sh's exec and exit share exec_id" &&
	assert_eq "0" "$(jq -r .status <<<"$cat_exit")" "cat's exit status" &&
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$cat_exec")" "containerName" &&
	assert_eq "xwing" "$(jq -r .k8s.podName <<<"$cat_exec")" "pod" &&
	[ "$(jq -r .lifetime_ns <<<"$cat_exit")" -gt 0 ] || fail "cat's lifetime_ns: $(jq -r .lifetime_ns <<<"$cat_exit")" || return 1
	# The exec_id is Tetragon's: base64 of node:ktime:pid.
	local raw
	raw=$(jq -r .exec_id <<<"$cat_exec" | base64 -d)
	[[ "$raw" =~ ^$(hostname):[0-9]+:$(jq -r .proc.pid <<<"$cat_exec")$ ]] || fail "exec_id decodes to '$raw'"
}

# Tetragon's documented recipe, unchanged, on -o tetragon.
test_process_tetragon_json_jq_recipe() {
	tp_engines || return 1
	local name="ig-tpj-$RANDOM"
	docker run -d --name "$name" --label io.kubernetes.pod.name=xwing \
		--label io.kubernetes.pod.namespace=default \
		--label io.kubernetes.container.name=spaceship busybox sleep 300 >/dev/null || return 1
	ig_start "$TMP/out" run trace_process -o tetragon ||
		{ docker rm -f "$name" >/dev/null; return 1; }
	docker exec "$name" whoami >/dev/null
	/bin/true
	wait_until 10 json_has "$TMP/out" '.process_exit.process.binary == "/bin/whoami"'
	ig_stop
	docker rm -f "$name" >/dev/null
	local sel
	sel=$(jq -c 'select(.process_exec.process.pod.name=="xwing" or .process_exit.process.pod.name=="xwing")' "$TMP/out")
	assert_eq "2" "$(grep -c whoami <<<"$sel")" "exec and exit of whoami selected by pod" &&
	assert_eq "0" "$(grep -c '"/bin/true"' <<<"$sel")" "a host process is not in the pod" &&
	assert_eq "default" "$(jq -r 'select(.process_exec) | .process_exec.process.pod.namespace' <<<"$sel" | head -1)" "pod namespace" &&
	assert_eq "spaceship" "$(jq -r 'select(.process_exec) | .process_exec.process.pod.container.name' <<<"$sel" | head -1)" "pod container name" &&
	assert_eq "$(hostname)" "$(jq -r '.node_name' <<<"$sel" | head -1)" "node_name" &&
	assert_eq "0" "$(jq -r 'select(.process_exit) | .process_exit.status' <<<"$sel")" "exit status"
}

# A process that started before ig gets its parent from the /proc seed:
# the shell waits on a FIFO until ig is attached, then runs echo.
test_process_parent_from_proc_seed() {
	local tag="seed-$RANDOM" fifo="$TMP/fifo"
	mkfifo "$fifo"
	sh -c "read x < '$fifo'; /bin/echo $tag >/dev/null" &
	local sh_pid=$!
	ig_start "$TMP/out" run trace_process -o json --host || { kill $sh_pid; return 1; }
	echo go >"$fifo"
	wait $sh_pid
	wait_until 10 json_has "$TMP/out" ".event == \"exit\" and .args == \"$tag\""
	ig_stop
	local ev
	ev=$(tp_ev "$TMP/out" exec ".args == \"$tag\"")
	[ -n "$ev" ] || fail "no exec of echo in: $(head -c 2000 "$TMP/out")" || return 1
	assert_eq "$sh_pid" "$(jq -r .parent.pid <<<"$ev")" "parent pid" &&
	assert_eq "procFS" "$(jq -r .parent.flags <<<"$ev")" "the parent is marked as read from /proc" &&
	assert_contains "$(jq -r .parent.args <<<"$ev")" "read x" "parent's arguments from /proc" &&
	[ -n "$(jq -r .parent_exec_id <<<"$ev")" ] || fail "no parent_exec_id"
}

# -o compact: Tetragon's lines; the source of a host process is "host", a
# SIGKILL shows by name.
test_process_compact_lines() {
	local tag="cmp-$RANDOM"
	ig_start "$TMP/out" run trace_process -o compact --host || return 1
	/bin/sh -c "/bin/sleep 30 $tag & kill -9 \$!; wait; /bin/echo $tag" >/dev/null
	wait_until 10 grep -q "exit    host /bin/echo $tag 0" "$TMP/out"
	wait_until 5 grep -q "sleep 30 $tag SIGKILL\$" "$TMP/out"
	ig_stop
	grep -q "^🚀 process host /bin/echo $tag\$" "$TMP/out" || fail "no process line: $(grep -a "$tag" "$TMP/out")" || return 1
	grep -q "^💥 exit    host /bin/echo $tag 0\$" "$TMP/out" || fail "no exit line: $(grep -a "$tag" "$TMP/out")" || return 1
	grep -Eq "^💥 exit    host /bin/(sleep|sh) .*$tag SIGKILL\$" "$TMP/out" || fail "no SIGKILL line: $(grep -a "$tag" "$TMP/out")"
}

test_process_bad_cache_size_refused() {
	local rc=0
	"$IG" run trace_process --cache-size 0 --host --timeout 1 >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 2 "$rc" "exit code" && assert_contains "$(cat "$TMP/e")" "invalid --cache-size \"0\"" "message"
}
