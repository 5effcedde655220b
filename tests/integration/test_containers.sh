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
	docker run -d --name "$name" busybox sh -c 'sleep 1; cat /etc/hostname; sleep 30' >/dev/null || return 1
	ig_start "$TMP/out" run trace_open -o json -c "$name" || { docker rm -f "$name" >/dev/null; return 1; }
	sleep 1.5
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
	sleep 1.5
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
	sleep 1.5
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
	for _ in 1 2 3; do cat /etc/hostname >/dev/null; sleep 0.3; done
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
	sleep 0.5
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
	ctr_run_k8s "$name" "mypod-$name" "myns" sh -c 'sleep 0.5; /bin/echo k8s-hello; sleep 30' >"$TMP/ctr.log" 2>&1 || { ig_stop; cat "$TMP/ctr.log" >&2; fail "ctr_run_k8s"; return 1; }
	sleep 1.5
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
	runc_run "$name" sh -c 'sleep 0.5; /bin/echo runc-hello; sleep 30' >"$TMP/runc.log" 2>&1 || { ig_stop; cat "$TMP/runc.log" >&2; fail "runc_run"; return 1; }
	sleep 1.5
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
	local name="ig-watch-$RANDOM"
	"$IG" list-containers -w -o json >"$TMP/watch" 2>"$TMP/watch.err" &
	local wpid=$!
	sleep 0.5
	docker run -d --name "$name" busybox sleep 30 >/dev/null
	sleep 1
	docker rm -f "$name" >/dev/null
	sleep 1.5
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
	sleep 0.5
	ig_stop
	for i in 1 2 3 4 5 6; do
		assert_eq "$base-$i" "$(json_select "$TMP/out" ".args == \"echo tag-$i\"" | jq -r .runtime.containerName)" \
			"container of echo tag-$i" || return 1
	done
}
