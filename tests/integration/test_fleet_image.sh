# shellcheck shell=bash
# The image and the DaemonSet (issue 15). No cluster here: the agent runs
# in Docker with exactly the manifest's security context, capabilities,
# host PID namespace, mounts, environment and args, read from
# deploy/daemonset.yaml by tests/fleet/manifest2docker.py. It must name the
# host's Docker and containerd/CRI containers, fill k8s.node, export JSON
# lines on stdout, serve metrics and its liveness probe, and stop cleanly.
. tests/lib/engines.sh

FLEET_IMAGE=ig:fleet-test

# _in_agent_net PID CMD...: run CMD in the agent's network namespace (its
# loopback: the manifest gives the pod its own network).
_in_agent_net() { local pid=$1; shift; nsenter -t "$pid" -n "$@"; }

# (Not "| grep -q": under pipefail, jq killed by SIGPIPE would fail it.)
_agent_logs_have() { # agent jq-filter
	[ "$(docker logs "$1" 2>/dev/null | jq -c "select($2)" 2>/dev/null | wc -l)" -gt 0 ]
}

test_image_daemonset_agent_in_docker() {
	local agent=igagent-$$ dname=igimg-d-$$ cname=igimg-c-$$ node=node-$$ pid args size
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	make --no-print-directory image IMAGE=$FLEET_IMAGE >"$TMP/make.log" 2>&1 ||
		{ tail "$TMP/make.log" >&2; fail "make image"; return 1; }
	size=$(docker image inspect -f '{{.Size}}' $FLEET_IMAGE)
	echo "image: $size bytes" >&2
	[ "$size" -le $((5 * 1024 * 1024)) ] || fail "the image is $size bytes" || return 1
	[ -S /run/ig/ig.sock ] && "$IG" traceloop list --socket /run/ig/ig.sock >/dev/null 2>&1 &&
		{ fail "a daemon already serves /run/ig/ig.sock"; return 1; }
	mapfile -t args < <(python3 tests/fleet/manifest2docker.py deploy/daemonset.yaml "$node" |
			    sed "s/^IMAGE\$/$FLEET_IMAGE/") || { fail "manifest2docker"; return 1; }
	[ ${#args[@]} -gt 10 ] || { fail "no arguments from the manifest"; return 1; }
	docker rm -f "$agent" "$dname" >/dev/null 2>&1; ctr_rm "$cname"
	docker run -d --name "$agent" "${args[@]}" >/dev/null || { fail "docker run of the agent"; return 1; }
	pid=$(docker inspect -f '{{.State.Pid}}' "$agent")
	wait_until 30 _in_agent_net "$pid" curl -sf http://127.0.0.1:2224/healthz ||
		{ docker logs "$agent" 2>&1 | tail >&2; docker rm -f "$agent" >/dev/null; fail "no liveness answer"; return 1; }
	docker run -d --name "$dname" busybox sh -c 'while true; do /bin/true; sleep 0.2; done' >/dev/null
	ctr_run_k8s "$cname" "pod-$$" "ns-$$" sh -c 'while true; do /bin/true; sleep 0.2; done'
	local ok=0 step="docker container named"
	wait_until 30 _agent_logs_have "$agent" ".gadget == \"trace_exec\" and .runtime.containerName == \"$dname\" and .runtime.runtimeName == \"docker\"" &&
	step="containerd/CRI container named, k8s.node filled" &&
	wait_until 30 _agent_logs_have "$agent" ".gadget == \"trace_exec\" and .k8s.podName == \"pod-$$\" and .k8s.namespace == \"ns-$$\" and .k8s.node == \"$node\"" &&
	step="metrics" &&
	wait_until 30 _in_agent_net "$pid" sh -c "curl -sf http://127.0.0.1:2224/metrics | grep -q 'ig_execs_total{container=\"$dname\",result=\"ok\"}'" &&
	step="traceloop list" &&
	"$IG" traceloop list --socket /run/ig/ig.sock >"$TMP/tl" 2>&1 && ok=1
	if [ $ok != 1 ]; then
		echo "failed at: $step" >&2
		docker logs "$agent" 2>&1 | grep '^ig:' | tail >&2
		docker logs "$agent" 2>/dev/null | jq -c 'select(.gadget == "trace_exec") | [.runtime.containerName, .runtime.runtimeName, .k8s]' | sort | uniq -c | tail >&2
		cat "$TMP/tl" >&2 2>/dev/null
	fi
	docker stop -t 20 "$agent" >/dev/null
	local code
	code=$(docker inspect -f '{{.State.ExitCode}}' "$agent")
	docker rm -f "$agent" "$dname" >/dev/null; ctr_rm "$cname"
	[ $ok = 1 ] || { fail "the agent did not name both containers, fill k8s.node, serve metrics and traceloop"; return 1; }
	assert_contains "$(cat "$TMP/tl")" "$dname" "traceloop list names the docker container" || return 1
	assert_eq 0 "$code" "the agent's exit code after docker stop (SIGTERM)"
}
