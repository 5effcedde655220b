# shellcheck shell=bash
# Container awareness with real engines: docker, containerd (CRI labels), runc.
. tests/lib/engines.sh

# docker_started NAME: State.StartedAt with 9 fraction digits, as ig prints
# RFC 3339 (Go drops trailing zeros).
docker_started() {
	docker inspect -f '{{.State.StartedAt}}' "$1" |
		awk -F'[.Z]' '{ printf "%s.%-9sZ\n", $1, $2 }' | tr ' ' 0
}

setup_engines() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; }
}

test_docker_events_enriched() {
	setup_engines || return 1
	local name="ig-enrich-$RANDOM"
	docker run -d --name "$name" busybox \
		sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null || return 1
	ig_start "$TMP/out" run trace_open -o json -c "$name" || { docker rm -f "$name" >/dev/null; return 1; }
	# The container runs before ig attaches: wait for an open, not a time.
	wait_until 10 json_has "$TMP/out" '.fname == "/etc/hostname"'
	ig_stop
	local id pid ev mntns started image_id
	id=$(docker inspect -f '{{.Id}}' "$name"); pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	started=$(docker_started "$name"); image_id=$(docker inspect -f '{{.Image}}' "$name")
	mntns=$(readlink /proc/$pid/ns/mnt | tr -dc 0-9)
	docker rm -f "$name" >/dev/null
	ev=$(json_select "$TMP/out" '.fname == "/etc/hostname"' | head -1)
	[ -n "$ev" ] || fail "no open of /etc/hostname in: $(head -c 1000 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "$id" "$(jq -r .runtime.containerId <<<"$ev")" "containerId" &&
	assert_eq "busybox" "$(jq -r .runtime.containerImageName <<<"$ev")" "image" &&
	assert_eq "docker" "$(jq -r .runtime.runtimeName <<<"$ev")" "runtimeName" &&
	assert_eq "$pid" "$(jq -r .runtime.containerPid <<<"$ev")" "containerPid" &&
	assert_eq "$started" "$(jq -r .runtime.containerStartedAt <<<"$ev")" "containerStartedAt" &&
	assert_eq "$image_id" "$(jq -r .runtime.containerImageDigest <<<"$ev")" "containerImageDigest (docker: the image ID)" &&
	assert_eq "$mntns" "$(jq -r .proc.mntns_id <<<"$ev")" "mntns" &&
	assert_eq "" "$(jq -r .k8s.podName <<<"$ev")" "no k8s pod for docker"
}

test_containername_excludes_host_and_others() {
	setup_engines || return 1
	local a="ig-sel-a-$RANDOM" b="ig-sel-b-$RANDOM"
	docker run -d --name "$a" busybox sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null
	docker run -d --name "$b" busybox sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null
	ig_start "$TMP/out" run trace_open -o json --containername "$a" || { docker rm -f "$a" "$b" >/dev/null; return 1; }
	cat /etc/hostname >/dev/null
	# Three opens of $a after the host's: $b opened as often meanwhile, and
	# ig_stop prints every event written before it, so a host or $b event
	# that got through would be in the output.
	wait_until 10 json_has "$TMP/out" ".runtime.containerName == \"$a\" and .fname == \"/etc/hostname\"" 3 ||
		fail "no opens from $a: $(head -c 800 "$TMP/out")"
	ig_stop
	docker rm -f "$a" "$b" >/dev/null
	[ -s "$TMP/out" ] || fail "no events at all" || return 1
	assert_eq "$a" "$(jq -r .runtime.containerName "$TMP/out" | sort -u | tr '\n' ' ' | sed 's/ $//')" "only container $a"
}

test_containername_exclusion() {
	setup_engines || return 1
	local a="ig-ex-a-$RANDOM" b="ig-ex-b-$RANDOM"
	docker run -d --name "$a" busybox sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null
	docker run -d --name "$b" busybox sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null
	ig_start "$TMP/out" run trace_open -o json -c "!$a" || { docker rm -f "$a" "$b" >/dev/null; return 1; }
	# $a opens as often as $b: by $b's third open, $a's would be printed
	# (ig_stop prints every event written before it).
	wait_until 10 json_has "$TMP/out" ".runtime.containerName == \"$b\" and .fname == \"/etc/hostname\"" 3 ||
		fail "no opens from $b: $(head -c 800 "$TMP/out")"
	ig_stop
	docker rm -f "$a" "$b" >/dev/null
	local names
	names=$(jq -r .runtime.containerName "$TMP/out" | sort -u)
	assert_contains "$names" "$b" "other container shown" &&
	assert_not_contains "$names" "$a" "excluded container" &&
	{ ! grep -qx '' <<<"$names" || fail "host events without --host"; }
}

test_default_is_containers_only() {
	setup_engines || return 1
	local name="ig-def-$RANDOM"
	docker run -d --name "$name" busybox sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null
	ig_start "$TMP/out" run trace_open -o json || { docker rm -f "$name" >/dev/null; return 1; }
	# Host opens spread over the run: after each, one more container event
	# shows ig has read past it (and ig_stop prints all it has).
	local i n sel=".runtime.containerName == \"$name\""
	for i in 1 2 3; do
		n=$(json_count "$TMP/out" "$sel")
		cat /etc/hostname >/dev/null
		wait_until 10 json_has "$TMP/out" "$sel" $((n + 1)) || { fail "no event from $name"; break; }
	done
	ig_stop
	docker rm -f "$name" >/dev/null
	assert_contains "$(jq -r .runtime.containerName "$TMP/out" | sort -u)" "$name" "container events" &&
	assert_eq "0" "$(jq -r 'select(.runtime.containerName == "") | .proc.comm' "$TMP/out" | wc -l)" "host events without --host"
}

test_late_container_first_exec_and_open() {
	setup_engines || return 1
	local name="ig-late-$RANDOM"
	ig_start "$TMP/out" run trace_open -o json -c "$name" || return 1
	ig_start "$TMP/exec" run trace_exec -o json -c "$name" || return 1
	local open_pid=$IG_PID
	IG_PID=$(pgrep -f "run trace_open -o json -c $name" | head -1)
	docker run --rm --name "$name" busybox cat /etc/ig-first-open-$name 2>/dev/null
	# The container is gone: wait for both events, then stop.
	wait_json "$TMP/out" ".fname == \"/etc/ig-first-open-$name\"" >/dev/null
	wait_json "$TMP/exec" ".args == \"cat /etc/ig-first-open-$name\"" >/dev/null
	ig_stop
	IG_PID=$open_pid; ig_stop
	local ev
	ev=$(json_select "$TMP/out" ".fname == \"/etc/ig-first-open-$name\"")
	[ -n "$ev" ] || fail "first open of the late container missing: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "enriched" &&
	assert_eq "ENOENT" "$(jq -r .error <<<"$ev")" "error" || return 1
	ev=$(head -1 "$TMP/exec")
	assert_eq "cat /etc/ig-first-open-$name" "$(jq -r .args <<<"$ev")" "first exec of the container" &&
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "exec enriched"
}

test_containerd_k8s_fields() {
	setup_engines || return 1
	local name="ig-k8s-$RANDOM"
	ig_start "$TMP/out" run trace_exec -o json --k8s-podname mypod-$name || return 1
	# The echo comes at once: the bundle's config.json and init.pid that
	# name the container are written before its command runs.
	ctr_run_k8s "$name" "mypod-$name" "myns" sh -c '/bin/echo k8s-hello; sleep 30' >"$TMP/ctr.log" 2>&1 || { ig_stop; cat "$TMP/ctr.log" >&2; fail "ctr_run_k8s"; return 1; }
	wait_json "$TMP/out" '.args == "/bin/echo k8s-hello"' >/dev/null
	ig_stop
	ctr_rm "$name" >/dev/null 2>&1
	local ev
	ev=$(json_select "$TMP/out" '.args == "/bin/echo k8s-hello"')
	[ -n "$ev" ] || fail "no event from the containerd container: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "mypod-$name" "$(jq -r .k8s.podName <<<"$ev")" "k8s.podName" &&
	assert_eq "myns" "$(jq -r .k8s.namespace <<<"$ev")" "k8s.namespace" &&
	assert_eq "$name" "$(jq -r .k8s.containerName <<<"$ev")" "k8s.containerName" &&
	assert_eq "containerd" "$(jq -r .runtime.runtimeName <<<"$ev")" "runtimeName" &&
	assert_eq "$(hostname)" "$(jq -r .k8s.node <<<"$ev")" "k8s.node" || return 1
	# No start time in containerd's state: the init process's, from /proc,
	# shortly before the event (clock ticks: 10 ms).
	jq -e '(.runtime.containerStartedAt | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) as $s
	       | (.timestamp | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) as $t
	       | $s <= $t and $t - $s < 10' <<<"$ev" >/dev/null ||
		fail "containerStartedAt not shortly before the event: $ev"
}

test_runc_container_enriched_by_id() {
	setup_engines || return 1
	local name="ig-runc-$RANDOM"
	ig_start "$TMP/out" run trace_exec -o json -c "$name" || return 1
	# The echo comes at once: runc writes state.json at create, before
	# the command runs.
	runc_run "$name" sh -c '/bin/echo runc-hello; sleep 30' >"$TMP/runc.log" 2>&1 || { ig_stop; cat "$TMP/runc.log" >&2; fail "runc_run"; return 1; }
	wait_json "$TMP/out" '.args == "/bin/echo runc-hello"' >/dev/null
	ig_stop
	runc_rm "$name" >/dev/null 2>&1
	local ev
	ev=$(json_select "$TMP/out" '.args == "/bin/echo runc-hello"')
	[ -n "$ev" ] || fail "no event from the runc container: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "$name" "$(jq -r .runtime.containerId <<<"$ev")" "containerId" &&
	assert_eq "runc" "$(jq -r .runtime.runtimeName <<<"$ev")" "runtimeName"
}

test_list_containers() {
	setup_engines || return 1
	local name="ig-list-$RANDOM"
	docker run -d --name "$name" busybox sleep 30 >/dev/null || return 1
	local out pid mntns
	pid=$(docker inspect -f '{{.State.Pid}}' "$name")
	mntns=$(readlink /proc/$pid/ns/mnt | tr -dc 0-9)
	out=$("$IG" list-containers -o json | jq -c "select(.runtime.containerName == \"$name\")")
	local table id
	table=$("$IG" list-containers)
	"$IG" list-containers -o yaml >"$TMP/list.yaml"
	local image_id started
	id=$(docker inspect -f '{{.Id}}' "$name")
	image_id=$(docker inspect -f '{{.Image}}' "$name"); started=$(docker_started "$name")
	docker rm -f "$name" >/dev/null
	assert_eq "$pid" "$(jq -r .runtime.containerPid <<<"$out")" "pid" &&
	assert_eq "$mntns" "$(jq -r .proc.mntns_id <<<"$out")" "mntns" &&
	assert_contains "$table" "$name" "columns" &&
	assert_contains "$(head -1 <<<"$table")" "RUNTIME.CONTAINERNAME" "header" &&
	assert_eq "---
k8s:
  containerName: \"\"
  namespace: \"\"
  podName: \"\"
proc:
  mntns_id: $mntns
runtime:
  containerId: \"$id\"
  containerImageDigest: \"$image_id\"
  containerImageName: \"$(jq -r .runtime.containerImageName <<<"$out")\"
  containerName: \"$name\"
  containerPid: $pid
  containerStartedAt: \"$started\"
  runtimeName: \"docker\"" "$(yaml_doc "$TMP/list.yaml" "  containerName: \"$name\"")" "-o yaml"
}

test_list_containers_watch() {
	setup_engines || return 1
	local name="ig-watch-$RANDOM" early="ig-watch-early-$RANDOM" sel
	# A container that runs before the watch: its "added" line in the
	# first listing says the watch has its starting point, so $name is
	# one it must notice starting.
	docker run -d --name "$early" busybox sleep 30 >/dev/null || return 1
	"$IG" list-containers -w -o json >"$TMP/watch" 2>"$TMP/watch.err" &
	local wpid=$!
	wait_json "$TMP/watch" ".runtime.containerName == \"$early\"" >/dev/null
	docker rm -f "$early" >/dev/null
	sel=".runtime.containerName == \"$name\""
	docker run -d --name "$name" busybox sleep 30 >/dev/null
	wait_json "$TMP/watch" "$sel and .event == \"added\"" >/dev/null
	docker rm -f "$name" >/dev/null
	wait_json "$TMP/watch" "$sel and .event == \"removed\"" >/dev/null
	kill -INT $wpid; wait $wpid
	assert_eq "added removed" "$(jq -r "select(.runtime.containerName == \"$name\") | .event" "$TMP/watch" | tr '\n' ' ' | sed 's/ $//')" "watch events"
}

# Mount namespace inode numbers are recycled, and a container that lives a
# millisecond is gone before user space looks: each must still be named right.
test_short_lived_containers_named_right() {
	setup_engines || return 1
	local base="ig-short-$RANDOM" i
	ig_start "$TMP/out" run trace_exec -o json || return 1
	for i in 1 2 3 4 5 6; do
		docker run --rm --name "$base-$i" busybox echo "tag-$i" >/dev/null || return 1
	done
	for i in 1 2 3 4 5 6; do
		wait_json "$TMP/out" ".args == \"echo tag-$i\"" >/dev/null || break
	done
	ig_stop
	for i in 1 2 3 4 5 6; do
		assert_eq "$base-$i" "$(json_select "$TMP/out" ".args == \"echo tag-$i\"" | jq -r .runtime.containerName)" \
			"container of echo tag-$i" || return 1
	done
}

# Issue 17, item 13: a real Podman container (rootful, runc), named and
# imaged from containers/storage, selectable with -c, listed.
test_podman_container() {
	engines_podman_setup >"$TMP/podman.log" 2>&1 || { cat "$TMP/podman.log" >&2; fail "engines_podman_setup"; return 1; }
	local name="ig-pod-$RANDOM"
	ig_start "$TMP/out" run trace_exec -o json -c "$name" || return 1
	podman_run "$name" sh -c 'while true; do /bin/echo podman-hello; sleep 0.2; done' 2>"$TMP/podman.err" ||
		{ ig_stop; cat "$TMP/podman.err" >&2; fail "podman run"; return 1; }
	wait_until 20 json_has "$TMP/out" '.args == "/bin/echo podman-hello"' 2
	ig_stop
	local id pid list ev table
	id=$(podman inspect -f '{{.Id}}' "$name"); pid=$(podman inspect -f '{{.State.Pid}}' "$name")
	list=$("$IG" list-containers -o json | jq -c "select(.runtime.containerName == \"$name\")")
	table=$("$IG" list-containers)
	podman_rm "$name"
	ev=$(json_select "$TMP/out" '.args == "/bin/echo podman-hello"' | head -1)
	[ -n "$ev" ] || fail "no event from the podman container: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "$id" "$(jq -r .runtime.containerId <<<"$ev")" "containerId" &&
	assert_eq "podman" "$(jq -r .runtime.runtimeName <<<"$ev")" "runtimeName" &&
	assert_eq "$ENGINES_PODMAN_IMAGE" "$(jq -r .runtime.containerImageName <<<"$ev")" "image" &&
	assert_eq "$pid" "$(jq -r .runtime.containerPid <<<"$ev")" "containerPid" &&
	assert_eq "podman" "$(jq -r .runtime.runtimeName <<<"$list")" "list-containers runtimeName" &&
	assert_eq "$id" "$(jq -r .runtime.containerId <<<"$list")" "list-containers containerId" &&
	assert_eq "$ENGINES_PODMAN_IMAGE" "$(jq -r .runtime.containerImageName <<<"$list")" "list-containers image" &&
	assert_contains "$table" "$name" "list-containers table"
}

# The mount point of the cgroup v2 hierarchy (hybrid hosts have it apart).
cgroup2_root() { awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts; }

# Issue 17, item 2: an unprivileged process (uid 65534, its own user and
# mount namespace) in a delegated cgroup it named docker-<ID>.scope after a
# created-but-stopped container is not that container: its events say the
# name is only a hint ("NAME?"), claim no ID or image, and -c NAME does not
# select them. The forger opens /etc/hostname from its long-lived sh: the
# opens of a short-lived cat are read once cat is gone, under a slow ig
# (ASan), when no cgroup is left to claim anything and they are dropped.
test_forged_cgroup_is_a_hint() {
	setup_engines || return 1
	local victim="ig-victim-$RANDOM" id root deleg fpid mntns host_mntns open_pid
	root=$(cgroup2_root)
	[ -n "$root" ] || { fail "no cgroup v2 hierarchy"; return 1; }
	docker create --name "$victim" busybox sleep 30 >/dev/null || return 1
	id=$(docker inspect -f '{{.Id}}' "$victim")
	deleg="$root/ig-deleg-$$-$RANDOM"
	mkdir "$deleg" && chown 65534:65534 "$deleg" "$deleg/cgroup.procs" "$deleg/cgroup.threads" \
		"$deleg/cgroup.subtree_control" || { docker rm "$victim" >/dev/null; fail "delegation"; return 1; }
	ig_start "$TMP/sel" run trace_open -o json -c "$victim" || return 1
	open_pid=$IG_PID
	ig_start "$TMP/out" run trace_open -o json || return 1
	# root places it in the delegated cgroup; from there, as uid 65534 in
	# its own namespaces, it makes and enters the forged one itself.
	bash -c 'echo $$ >"$1/cgroup.procs" && exec setpriv --reuid 65534 --regid 65534 --clear-groups \
		unshare -Urm sh -c "mkdir \"\$1\" && echo \$\$ >\"\$1/cgroup.procs\" &&
			while :; do read -r x </etc/hostname; sleep 0.1; done" sh "$2"' \
		_ "$deleg" "$deleg/docker-$id.scope" 2>"$TMP/forge.err" &
	fpid=$!
	host_mntns=$(readlink /proc/self/ns/mnt | tr -dc 0-9)
	wait_until 5 grep -q "docker-$id.scope" "/proc/$fpid/cgroup"
	mntns=$(readlink "/proc/$fpid/ns/mnt" | tr -dc 0-9)
	wait_until 20 json_has "$TMP/out" ".proc.mntns_id == $mntns and .fname == \"/etc/hostname\"" 3
	ig_stop
	IG_PID=$open_pid; ig_stop
	local uid
	uid=$(awk '/^Uid:/ { print $2 }' "/proc/$fpid/status")
	kill "$fpid"; wait "$fpid" 2>/dev/null
	wait_until 5 rmdir "$deleg/docker-$id.scope"; rmdir "$deleg"
	docker rm "$victim" >/dev/null
	cat "$TMP/forge.err" >&2
	assert_eq 65534 "$uid" "the forger's uid" || return 1
	[ "$mntns" != "$host_mntns" ] || { fail "the forger has the host's mount namespace"; return 1; }
	local ev
	ev=$(json_select "$TMP/out" ".proc.mntns_id == $mntns" | head -1)
	[ -n "$ev" ] || fail "no event from the forger: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "$victim?" "$(jq -r .runtime.containerName <<<"$ev")" "containerName is a hint" &&
	assert_eq "" "$(jq -r .runtime.containerId <<<"$ev")" "no containerId" &&
	assert_eq "" "$(jq -r .runtime.containerImageName <<<"$ev")" "no image" &&
	assert_eq "0" "$(json_count "$TMP/out" ".runtime.containerId == \"$id\"")" "events claiming the container" &&
	assert_eq "0" "$(json_count "$TMP/sel" ".proc.mntns_id == $mntns")" "-c $victim selects the forger"
}

# Issue 17, item 3: one user-set Kubernetes label does not rename a plain
# Docker container, and -c with the label's name does not select it.
test_docker_k8s_label_does_not_rename() {
	setup_engines || return 1
	local name="ig-imp-$RANDOM" victim="ig-victim-$RANDOM" sel_pid
	ig_start "$TMP/sel" run trace_open -o json -c "$victim" || return 1
	sel_pid=$IG_PID
	ig_start "$TMP/out" run trace_open -o json -c "$name" || return 1
	docker run -d --label "io.kubernetes.container.name=$victim" --label io.kubernetes.pod.name=pod \
		--label io.kubernetes.pod.namespace=ns --name "$name" busybox \
		sh -c 'while true; do cat /etc/hostname >/dev/null; sleep 0.2; done' >/dev/null
	wait_until 10 json_has "$TMP/out" '.fname == "/etc/hostname"' 3
	ig_stop
	IG_PID=$sel_pid; ig_stop
	local list
	list=$("$IG" list-containers -o json | jq -c "select(.runtime.containerName == \"$name\")")
	docker rm -f "$name" >/dev/null
	local ev
	ev=$(json_select "$TMP/out" '.fname == "/etc/hostname"' | head -1)
	[ -n "$ev" ] || fail "no event from $name: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "" "$(jq -r .k8s.containerName <<<"$ev")" "k8s.containerName" &&
	assert_eq "" "$(jq -r .k8s.podName <<<"$ev")" "k8s.podName" &&
	assert_eq "" "$(jq -r .k8s.containerName <<<"$list")" "list-containers k8s.containerName" &&
	assert_eq "0" "$(wc -l <"$TMP/sel")" "events selected by -c $victim"
}

# Issue 17, item 9: a config.v2.json over 4 MiB (90 labels of 60 kB, about
# 5.4 MB) still names its container, with its image, as Docker's.
test_docker_big_config_named() {
	setup_engines || return 1
	local name="ig-big-$RANDOM" i pad
	pad=$(head -c 60000 /dev/zero | tr '\0' x)
	for i in $(seq 1 90); do echo "com.example.label$i=$pad"; done >"$TMP/labels"
	ig_start "$TMP/out" run trace_exec -o json -c "$name" || return 1
	docker run -d --label-file "$TMP/labels" --name "$name" busybox \
		sh -c 'while true; do /bin/echo big-hello; sleep 0.2; done' >/dev/null || { ig_stop; return 1; }
	wait_until 10 json_has "$TMP/out" '.args == "/bin/echo big-hello"' 2
	ig_stop
	local id size list ev
	id=$(docker inspect -f '{{.Id}}' "$name")
	size=$(stat -c %s "/var/lib/docker/containers/$id/config.v2.json")
	list=$("$IG" list-containers -o json | jq -c "select(.runtime.containerId == \"$id\")")
	docker rm -f "$name" >/dev/null
	[ "$size" -gt $((4 << 20)) ] || { fail "config.v2.json is only $size bytes"; return 1; }
	ev=$(json_select "$TMP/out" '.args == "/bin/echo big-hello"' | head -1)
	[ -n "$ev" ] || fail "no event selected by -c $name: $(head -c 800 "$TMP/out")" || return 1
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	assert_eq "docker" "$(jq -r .runtime.runtimeName <<<"$ev")" "runtimeName" &&
	assert_eq "busybox" "$(jq -r .runtime.containerImageName <<<"$ev")" "image" &&
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$list")" "list-containers name" &&
	assert_eq "docker" "$(jq -r .runtime.runtimeName <<<"$list")" "list-containers runtime"
}
