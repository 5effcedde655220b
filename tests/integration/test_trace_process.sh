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
# chain.
test_process_container_chain_links_by_exec_id() {
	tp_engines || return 1
	local name="ig-tp-$RANDOM" tag="tp-$RANDOM"
	docker run -d --name "$name" busybox sleep 300 >/dev/null || return 1
	ig_start "$TMP/out" run trace_process -o json -c "$name" ||
		{ docker rm -f "$name" >/dev/null; return 1; }
	# a path, so busybox's sh execs /bin/cat rather than /proc/self/exe
	docker exec "$name" sh -c "/bin/cat /etc/hostname; echo $tag >/dev/null; true" >/dev/null
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
	[ "$(jq -r .lifetime_ns <<<"$cat_exit")" -gt 0 ] || fail "cat's lifetime_ns: $(jq -r .lifetime_ns <<<"$cat_exit")" || return 1
	# The exec_id is Tetragon's: base64 of node:ktime:pid.
	local raw
	raw=$(jq -r .exec_id <<<"$cat_exec" | base64 -d)
	[[ "$raw" =~ ^$(hostname):[0-9]+:$(jq -r .proc.pid <<<"$cat_exec")$ ]] || fail "exec_id decodes to '$raw'"
}

# Tetragon's documented recipe, unchanged, on -o tetragon: a containerd
# container with the CRI's annotations is pod xwing in namespace default.
test_process_tetragon_json_jq_recipe() {
	tp_engines || return 1
	local name="ig-tpj-$RANDOM" tag="tpj-$RANDOM"
	ig_start "$TMP/out" run trace_process -o tetragon --host || return 1
	ctr_run_k8s "$name" xwing default sh -c "/bin/echo $tag; sleep 30" >"$TMP/ctr.log" 2>&1 ||
		{ ig_stop; cat "$TMP/ctr.log" >&2; ctr_rm "$name"; fail "ctr_run_k8s"; return 1; }
	/bin/echo "$tag" >/dev/null
	wait_until 20 json_has "$TMP/out" ".process_exit.process.arguments == \"$tag\" and .process_exit.process.pod.name == \"xwing\""
	ig_stop
	ctr_rm "$name"
	local sel
	sel=$(jq -c 'select(.process_exec.process.pod.name=="xwing" or .process_exit.process.pod.name=="xwing")' "$TMP/out")
	assert_eq "2" "$(jq -c "select(.process_exec.process.arguments == \"$tag\" or .process_exit.process.arguments == \"$tag\")" <<<"$sel" | wc -l)" "exec and exit of echo selected by pod" &&
	assert_eq "1" "$(jq -c "select(.process_exec.process.arguments == \"$tag\")" "$TMP/out" | grep -vc xwing)" "the host's echo is not in the pod" &&
	assert_eq "default" "$(jq -r 'select(.process_exec) | .process_exec.process.pod.namespace' <<<"$sel" | head -1)" "pod namespace" &&
	assert_eq "$name" "$(jq -r 'select(.process_exec) | .process_exec.process.pod.container.name' <<<"$sel" | head -1)" "pod container name" &&
	assert_eq "$(hostname)" "$(jq -r '.node_name' <<<"$sel" | head -1)" "node_name" &&
	assert_eq "0" "$(jq -r "select(.process_exit.process.arguments == \"$tag\") | .process_exit.status" <<<"$sel")" "exit status" &&
	assert_eq "$(jq -r "select(.process_exec.process.arguments == \"$tag\") | .process_exec.process.exec_id" <<<"$sel")" \
		"$(jq -r "select(.process_exit.process.arguments == \"$tag\") | .process_exit.process.exec_id" <<<"$sel")" "exec_id links exec and exit"
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
# SIGKILL shows by name. The tag is sleep's time (GNU sleep refuses other
# arguments: it exited 1 before `kill -9` once), and sleep is killed only
# once its exec is out. grep reads its lines from files: given on its
# command line, they are in ig's line for grep itself, which it then finds.
test_process_compact_lines() {
	local tag="1$RANDOM$RANDOM" pid
	printf '%s\n' "🚀 process host /bin/sleep $tag" >"$TMP/l.exec"
	printf '%s\n' "💥 exit    host /bin/sleep $tag SIGKILL" >"$TMP/l.kill"
	printf '%s\n' "🚀 process host /bin/echo $tag" >"$TMP/l.echo"
	printf '%s\n' "💥 exit    host /bin/echo $tag 0" >"$TMP/l.echo-exit"
	ig_start "$TMP/out" run trace_process -o compact --host || return 1
	/bin/sleep "$tag" &
	pid=$!
	wait_until 10 grep -qxFf "$TMP/l.exec" "$TMP/out"
	kill -9 "$pid"
	wait "$pid" 2>/dev/null
	/bin/echo "$tag" >/dev/null
	wait_until 10 grep -qxFf "$TMP/l.echo-exit" "$TMP/out"
	wait_until 10 grep -qxFf "$TMP/l.kill" "$TMP/out"
	ig_stop
	local l
	for l in exec kill echo echo-exit; do
		grep -qxFf "$TMP/l.$l" "$TMP/out" ||
			fail "no line '$(cat "$TMP/l.$l")' in: $(grep -a "$tag" "$TMP/out")" || return 1
	done
}

test_process_bad_cache_size_refused() {
	local rc=0
	"$IG" run trace_process --cache-size 0 --host --timeout 1 >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 2 "$rc" "exit code" && assert_contains "$(cat "$TMP/e")" "invalid --cache-size \"0\"" "message"
}

# The policy acts in the container -c names, and nowhere else: cat there
# dies by SIGKILL (137), the same command in another container and on the
# host runs, and the stream says which policy matched and what it did.
test_process_policy_kills_in_one_container_only() {
	tp_engines || return 1
	local a="ig-pol-a-$RANDOM" b="ig-pol-b-$RANDOM" rc_a=0 rc_b=0 rc_host=0
	for c in "$a" "$b"; do
		docker run -d --name "$c" busybox sh -c 'echo "root:x:1::::::" >/etc/shadow; sleep 300' >/dev/null || return 1
	done
	wait_until 10 docker exec "$a" test -s /etc/shadow
	wait_until 10 docker exec "$b" test -s /etc/shadow
	tp_policy "$TMP/p.yaml" block-shadow Equal /etc/shadow
	ig_start "$TMP/out" run trace_process -o json -c "$a" --policy "$TMP/p.yaml" ||
		{ docker rm -f "$a" "$b" >/dev/null; return 1; }
	docker exec "$a" cat /etc/shadow >/dev/null 2>&1 || rc_a=$?
	docker exec "$b" cat /etc/shadow >/dev/null 2>&1 || rc_b=$?
	cat /etc/shadow >/dev/null || rc_host=$?
	wait_until 10 json_has "$TMP/out" '.event == "exit" and .args == "/etc/shadow"'
	ig_stop
	docker rm -f "$a" "$b" >/dev/null
	assert_eq 137 "$rc_a" "cat /etc/shadow in $a" &&
	assert_eq 0 "$rc_b" "cat /etc/shadow in $b" &&
	assert_eq 0 "$rc_host" "cat /etc/shadow on the host" || return 1
	local m ex
	m=$(tp_ev "$TMP/out" match '.policy == "block-shadow"')
	ex=$(tp_ev "$TMP/out" exit '.args == "/etc/shadow"')
	[ -n "$m" ] && [ -n "$ex" ] || fail "no match or exit in: $(head -c 2000 "$TMP/out")" || return 1
	assert_eq "Sigkill" "$(jq -r .action <<<"$m")" "action" &&
	assert_eq "syscalls/sys_enter_openat" "$(jq -r .hook <<<"$m")" "hook" &&
	assert_eq '["/etc/shadow"]' "$(jq -c .hook_args <<<"$m")" "hook_args" &&
	assert_eq "$a" "$(jq -r .runtime.containerName <<<"$m")" "the match is in $a" &&
	assert_eq "SIGKILL" "$(jq -r .signal <<<"$ex")" "the exit says SIGKILL" &&
	assert_eq "$(jq -r .exec_id <<<"$m")" "$(jq -r .exec_id <<<"$ex")" "the match and the exit name one process" &&
	assert_eq "1" "$(json_count "$TMP/out" '.event == "match"')" "one match in all"
}

# What Sigkill at sys_enter does not prevent: the syscall itself runs to
# completion before the signal is delivered on the way back to user space.
# touch's openat(O_CREAT) creates the file although touch dies; the shell's
# write that would follow its open never happens, so that file stays empty.
test_process_policy_sigkill_at_sys_enter_lets_the_syscall_finish() {
	local rc_touch=0 rc_sh=0
	tp_policy "$TMP/p.yaml" no-victims Prefix "$TMP/victim"
	ig_start "$TMP/out" run trace_process -o json --host --policy "$TMP/p.yaml" || return 1
	/usr/bin/touch "$TMP/victim-1" || rc_touch=$?
	/bin/sh -c "echo data >'$TMP/victim-2'" || rc_sh=$?
	ig_stop
	assert_eq 137 "$rc_touch" "touch" &&
	assert_eq 137 "$rc_sh" "sh" &&
	[ -e "$TMP/victim-1" ] || fail "the killed touch's openat did not create the file" || return 1
	[ -e "$TMP/victim-2" ] || fail "the killed sh's openat did not create the file" || return 1
	assert_eq 0 "$(stat -c %s "$TMP/victim-2")" "size of the file sh was killed before writing" &&
	assert_eq 2 "$(json_count "$TMP/out" '.event == "match" and .action == "Sigkill"')" "matches"
}

# Values shorter than a word, Equal and Prefix: Equal /igq kills an open
# of /igq only, Prefix /igq of /igqq too, neither of /ig. The kill comes at
# sys_enter, so the paths need not exist (cat then fails with 1).
test_process_policy_short_values() {
	local op rc_eq rc_longer rc_shorter
	for op in Equal Prefix; do
		rc_eq=0 rc_longer=0 rc_shorter=0
		tp_policy "$TMP/p.yaml" short "$op" /igq
		ig_start "$TMP/out" run trace_process -o json --host --policy "$TMP/p.yaml" || return 1
		cat /igq 2>/dev/null || rc_eq=$?
		cat /igqq 2>/dev/null || rc_longer=$?
		cat /ig 2>/dev/null || rc_shorter=$?
		ig_stop
		assert_eq 137 "$rc_eq" "$op: cat /igq" &&
		assert_eq "$([ $op = Prefix ] && echo 137 || echo 1)" "$rc_longer" "$op: cat /igqq" &&
		assert_eq 1 "$rc_shorter" "$op: cat /ig" || return 1
	done
}

test_process_bad_policies_load_nothing() {
	local rc=0
	printf 'apiVersion: cilium.io/v1alpha1\nkind: TracingPolicy\nmetadata: {name: x}\nspec: {kprobes: []}\n' >"$TMP/k.yaml"
	"$IG" run trace_process --host --policy "$TMP/k.yaml" >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 2 "$rc" "exit code" &&
	assert_eq "ig: policy $TMP/k.yaml: spec: kprobes is not supported by ig" "$(cat "$TMP/e")" "message" &&
	assert_eq "" "$(cat "$TMP/o")" "stdout" || return 1
	printf 'a: &a [x, x]\nb: [*a, *a]\n' >"$TMP/bomb.yaml"
	rc=0
	"$IG" run trace_process --host --policy "$TMP/bomb.yaml" >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 2 "$rc" "bomb: exit code" &&
	assert_contains "$(cat "$TMP/e")" "YAML anchors and aliases are not accepted" "bomb: message" || return 1
	head -c 300000 /dev/zero | tr '\0' '#' >"$TMP/huge.yaml"
	rc=0
	"$IG" run trace_process --host --policy "$TMP/huge.yaml" >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 2 "$rc" "huge: exit code" &&
	assert_contains "$(cat "$TMP/e")" "larger than 262144 bytes" "huge: message" || return 1
	tp_policy "$TMP/p.yaml" p Equal /x
	sed -i 's/index: 6/index: 60/' "$TMP/p.yaml"
	rc=0
	"$IG" run trace_process --host --policy "$TMP/p.yaml" >"$TMP/o" 2>"$TMP/e" || rc=$?
	assert_eq 1 "$rc" "index beyond the format: exit code" &&
	assert_contains "$(cat "$TMP/e")" "index 60 is beyond its 9 fields" "index beyond the format" &&
	assert_not_contains "$(cat "$TMP/e")" "attached" "nothing attached"
}

# spec.containerSelector: the policy acts in the containers it names, one
# of them started after ig, and nowhere else (not on the host) although
# ig shows every namespace (--host).
test_process_policy_container_selector() {
	tp_engines || return 1
	local a="ig-sel-a-$RANDOM" b="ig-sel-b-$RANDOM" c="ig-sel-c-$RANDOM" rc_a=0 rc_b=0 rc_c=0 rc_host=0
	for n in "$a" "$b"; do
		docker run -d --name "$n" busybox sh -c 'echo "root:x:1::::::" >/etc/shadow; sleep 300' >/dev/null || return 1
	done
	wait_until 10 docker exec "$a" test -s /etc/shadow
	wait_until 10 docker exec "$b" test -s /etc/shadow
	tp_policy "$TMP/p.yaml" scoped-shadow Equal /etc/shadow
	sed -i "s/^spec:\$/spec:\n  containerSelector:\n    matchExpressions:\n    - {key: name, operator: In, values: [$a, $c]}/" "$TMP/p.yaml"
	ig_start "$TMP/out" run trace_process -o json --host --policy "$TMP/p.yaml" ||
		{ docker rm -f "$a" "$b" >/dev/null; return 1; }
	wait_for_line "$TMP/out.err" "policy scope: container $a " ||
		{ ig_stop; docker rm -f "$a" "$b" >/dev/null; return 1; }
	# (c writes no /etc/shadow: in scope, its own write would be killed;
	# its cat dies at the open's entry, before the lookup that would fail)
	docker run -d --name "$c" busybox sleep 300 >/dev/null
	wait_until 20 grep -q "policy scope: container $c " "$TMP/out.err" ||
		{ ig_stop; docker rm -f "$a" "$b" "$c" >/dev/null; fail "$c never came in scope: $(tail -5 "$TMP/out.err")"; return 1; }
	docker exec "$a" cat /etc/shadow >/dev/null 2>&1 || rc_a=$?
	docker exec "$b" cat /etc/shadow >/dev/null 2>&1 || rc_b=$?
	docker exec "$c" cat /etc/shadow >/dev/null 2>&1 || rc_c=$?
	cat /etc/shadow >/dev/null || rc_host=$?
	wait_until 10 json_has "$TMP/out" '.event == "exit" and .args == "/etc/shadow"' 3
	ig_stop
	docker rm -f "$a" "$b" "$c" >/dev/null
	[ "$rc_c" = 137 ] || { grep "policy scope\|mntns" "$TMP/out.err" | grep -v libbpf >&2
		jq -c "select(.runtime.containerName == \"$c\") | [.event, .args, .mntns_id]" "$TMP/out" >&2; }
	assert_eq 137 "$rc_a" "cat /etc/shadow in $a (selected)" &&
	assert_eq 0 "$rc_b" "cat /etc/shadow in $b (not selected)" &&
	assert_eq 137 "$rc_c" "cat /etc/shadow in $c (selected, started after ig)" &&
	assert_eq 0 "$rc_host" "cat /etc/shadow on the host" &&
	assert_eq 2 "$(json_count "$TMP/out" '.event == "match" and .policy == "scoped-shadow"')" "two matches" &&
	assert_eq "$b" "$(json_select "$TMP/out" ".event == \"exit\" and .args == \"/etc/shadow\" and .runtime.containerName == \"$b\"" | jq -r .runtime.containerName | head -1)" "$b's cat is shown, not killed"
}
