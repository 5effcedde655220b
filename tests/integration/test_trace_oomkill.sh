# shellcheck shell=bash
# trace_oomkill against a Docker container whose small --memory limit a
# bounded allocation overruns: busybox tail keeps a line without a newline
# whole, and /dev/zero has none, so it grows until the memory cgroup's OOM
# killer stops it (at most 200 MiB are read). Whichever of head and tail
# allocates last runs the killer; tail, the biggest, is the victim. Here
# (cgroup v1) the killer often goes on to kill the container's sh too: its
# processes are then all gone, maybe before ig looked, and before docker
# wrote the end down (ig names it from its cgroup and docker's record).
. tests/lib/engines.sh

test_oomkill_container_memory_limit() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-oom-$RANDOM"
	ig_start "$TMP/out" run trace_oomkill -o json -c "$name" || return 1
	docker run -d --name "$name" --memory 32m --memory-swap 32m busybox \
		sh -c 'head -c 200m /dev/zero | tail >/dev/null; echo "status $?"' >/dev/null ||
		{ fail "docker run"; return 1; }
	local ev
	ev=$(wait_json "$TMP/out" '.tcomm == "tail"')
	local rc=$?
	docker wait "$name" >/dev/null
	docker logs "$name" >"$TMP/docker.out" 2>&1
	local oom
	oom=$(docker inspect -f '{{.State.OOMKilled}}' "$name")
	docker rm -f "$name" >/dev/null
	ig_stop
	[ $rc -eq 0 ] || { cat "$TMP/docker.out" >&2; return 1; }
	# tail's end is seen by sh, unless the killer took sh as well.
	case "$(cat "$TMP/docker.out")/$oom" in
	*"status 137"*|*/true) ;;
	*) fail "tail was not OOM-killed: $(cat "$TMP/docker.out"), OOMKilled $oom"; return 1 ;;
	esac
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$ev")" "containerName" &&
	case "$(jq -r .fcomm <<<"$ev")" in head|tail) ;; *) fail "fcomm: the killer is one of the pipeline: $ev"; return 1 ;; esac
	assert_eq "$(jq -r .fcomm <<<"$ev")" "$(jq -r .proc.comm <<<"$ev")" "fcomm is proc.comm" &&
	assert_eq "$(jq -r .proc.pid <<<"$ev")" "$(jq -r .fpid <<<"$ev")" "fpid is proc.pid" &&
	assert_eq "0" "$(jq -r .fuid <<<"$ev")" "fuid" &&
	[ "$(jq -r .tpid <<<"$ev")" -gt 0 ] || fail "tpid: $ev" || return 1
	# 32 MiB is 8192 pages: the victim holds most of that.
	local pages
	pages=$(jq -r .pages <<<"$ev")
	[ "$pages" -gt 4096 ] && [ "$pages" -le 9000 ] || fail "pages $pages not near the 32 MiB limit"
}
