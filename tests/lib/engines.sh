# shellcheck shell=bash
# Container engines for integration tests: docker, containerd (CRI-style
# k8s.io namespace), bare runc and rootful podman, all working offline from
# one busybox rootfs.
#
# Source this file, then call engines_setup once. Every function returns
# non-zero on failure and logs to stderr with an "engines:" prefix.

ENGINES_BUSYBOX_ROOTFS=${ENGINES_BUSYBOX_ROOTFS:-/tmp/ig-busybox-rootfs}
# dockerd starts its own containerd unless a system one is running.
ENGINES_CTR_ADDRESS=${ENGINES_CTR_ADDRESS:-}
ENGINES_BUNDLES=${ENGINES_BUNDLES:-/tmp/ig-runc-bundles}
ENGINES_CTR_LOGS=${ENGINES_CTR_LOGS:-/tmp/ig-ctr-logs}
ENGINES_IMAGE=${ENGINES_IMAGE:-busybox:latest}
ENGINES_PODMAN_IMAGE=${ENGINES_PODMAN_IMAGE:-localhost/ig-busybox:latest}

_engines_log() { echo "engines: $*" >&2; }

_engines_ctr_address() {
	local sock
	[ -n "$ENGINES_CTR_ADDRESS" ] && { echo "$ENGINES_CTR_ADDRESS"; return 0; }
	for sock in /run/docker/containerd/containerd.sock /run/containerd/containerd.sock; do
		[ -S "$sock" ] && { echo "$sock"; return 0; }
	done
	return 1
}

_engines_ctr() { ctr --address "$(_engines_ctr_address)" -n k8s.io "$@"; }

_engines_install() {
	local missing=()
	command -v dockerd >/dev/null || missing+=(docker.io)
	# The rootfs needs the static build: the image has no libc.
	dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
	command -v containerd >/dev/null || missing+=(containerd)
	command -v runc >/dev/null || missing+=(runc)
	command -v jq >/dev/null || missing+=(jq)
	[ ${#missing[@]} -eq 0 ] && return 0
	_engines_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq "${missing[@]}" >/dev/null ||
		{ apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null; }
}

# Wait until "$@" succeeds, for at most $1 seconds.
_engines_wait() {
	local timeout=$1; shift
	local deadline=$((SECONDS + timeout))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
}

# Run "$@" as a daemon: in its own session (it must outlive the test's
# process group) and without the descriptors above 2 this shell inherited.
# A test runs under "flock /tmp/ig-integration.lock": a daemon that kept
# the lock's descriptor would hold the lock for everyone until it exits.
_engines_daemon() {
	(
		for fd in /proc/self/fd/*; do
			fd=${fd##*/}
			[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
		done
		exec setsid "$@" </dev/null
	) &
}

_engines_start_dockerd() {
	docker info >/dev/null 2>&1 && return 0
	if ! pgrep -x dockerd >/dev/null; then
		_engines_log "starting dockerd (log: /tmp/dockerd.log)"
		_engines_daemon dockerd --bridge=none --iptables=false --ip6tables=false \
			>>/tmp/dockerd.log 2>&1
	fi
	_engines_wait 60 docker info || { _engines_log "dockerd did not come up"; return 1; }
	# docker's containerd starts a moment after the API socket.
	_engines_wait 30 _engines_ctr_address
}

# A rootfs with busybox and every applet (including bc) linked into /bin.
_engines_build_rootfs() {
	local dir=$ENGINES_BUSYBOX_ROOTFS applet
	[ -x "$dir/bin/busybox" ] && [ -e "$dir/bin/sh" ] && return 0
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"/{bin,tmp,etc,proc,sys,dev,root}
	chmod 1777 "$dir.tmp/tmp"
	cp /bin/busybox "$dir.tmp/bin/busybox"
	for applet in $(/bin/busybox --list) bc; do
		[ -e "$dir.tmp/bin/$applet" ] || ln -s busybox "$dir.tmp/bin/$applet"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$dir.tmp/etc/passwd"
	echo 'root:x:0:' >"$dir.tmp/etc/group"
	rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

_engines_docker_image() {
	docker image inspect "$ENGINES_IMAGE" >/dev/null 2>&1 && return 0
	_engines_log "importing $ENGINES_IMAGE"
	tar -C "$ENGINES_BUSYBOX_ROOTFS" -c . | docker import - "$ENGINES_IMAGE" >/dev/null
}

_engines_ctr_image() {
	_engines_ctr image ls -q 2>/dev/null | grep -qx "docker.io/library/$ENGINES_IMAGE" && return 0
	_engines_log "importing $ENGINES_IMAGE into containerd k8s.io"
	docker save "$ENGINES_IMAGE" | _engines_ctr image import - >/dev/null
}

engines_setup() {
	_engines_install || { _engines_log "package install failed"; return 1; }
	_engines_start_dockerd || return 1
	_engines_build_rootfs || return 1
	_engines_docker_image || return 1
	_engines_ctr_image || return 1
}

# _ctr_run_detached NAME ANNOTATION... -- CMD...: a detached task whose
# output goes to a file: its FIFOs have no reader and would block a chatty
# container once the pipe fills.
_ctr_run_detached() {
	local name=$1 args=(); shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=(--annotation "$1"); shift; done
	shift
	mkdir -p "$ENGINES_CTR_LOGS"
	_engines_ctr run -d --log-uri "file://$ENGINES_CTR_LOGS/$name.log" "${args[@]}" \
		"docker.io/library/$ENGINES_IMAGE" "$name" "$@" >/dev/null
}

# ctr_run_k8s NAME POD NAMESPACE CMD...: a detached containerd container that
# looks like a Kubernetes workload to container discovery: the CRI plugin's
# whole set of annotations, and the pod's sandbox ("NAME-pod") beside it.
ctr_run_k8s() {
	local name=$1 pod=$2 ns=$3; shift 3
	local k=io.kubernetes.cri
	_engines_ctr_image || return 1
	ctr_rm "$name"
	_ctr_run_detached "$name-pod" "$k.container-type=sandbox" "$k.sandbox-id=$name-pod" \
		"$k.sandbox-name=$pod" "$k.sandbox-namespace=$ns" -- sleep 3600 || return 1
	_ctr_run_detached "$name" "$k.container-type=container" "$k.container-name=$name" \
		"$k.sandbox-id=$name-pod" "$k.sandbox-name=$pod" "$k.sandbox-namespace=$ns" \
		"$k.image-name=docker.io/library/$ENGINES_IMAGE" -- "$@"
}

# ctr_rm NAME: the container and its sandbox, if any. Forced task removal
# kills a running task first, so no wait is needed.
ctr_rm() {
	local name
	for name in "$1" "$1-pod"; do
		_engines_ctr task rm -f "$name" >/dev/null 2>&1
		_engines_ctr container rm "$name" >/dev/null 2>&1
		rm -f "$ENGINES_CTR_LOGS/$name.log"
	done
	return 0
}

# engines_podman_setup: podman (Debian's package, rootful) and the busybox
# image imported into its store, offline. Independent of dockerd.
engines_podman_setup() {
	if ! command -v podman >/dev/null; then
		_engines_log "installing podman"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq podman >/dev/null ||
			{ apt-get update -qq >/dev/null && apt-get install -y -qq podman >/dev/null; } ||
			return 1
	fi
	_engines_build_rootfs || return 1
	podman image exists "$ENGINES_PODMAN_IMAGE" && return 0
	_engines_log "importing $ENGINES_PODMAN_IMAGE into podman"
	tar -C "$ENGINES_BUSYBOX_ROOTFS" -c . | podman import -q - "$ENGINES_PODMAN_IMAGE" >/dev/null
}

# podman_run NAME CMD...: a detached podman container with no network.
# This kernel refuses podman's default rlimits, hence the explicit ones.
podman_run() {
	local name=$1; shift
	podman_rm "$name"
	podman run -d --name "$name" --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
		"$ENGINES_PODMAN_IMAGE" "$@" >/dev/null
}

# "-t 0": no grace period, the container is killed at once.
podman_rm() {
	podman rm -f -t 0 "$1" >/dev/null 2>&1
	return 0
}

# runc_run NAME CMD...: a detached container started by runc alone, with no
# engine above it (the case runtime sockets cannot see).
runc_run() {
	local name=$1; shift
	local bundle=$ENGINES_BUNDLES/$name args arg
	_engines_build_rootfs || return 1
	runc_rm "$name"
	mkdir -p "$bundle"
	# A private copy: runc may write into the rootfs (mountpoints, /dev).
	cp -a "$ENGINES_BUSYBOX_ROOTFS" "$bundle/rootfs"
	(cd "$bundle" && runc spec) || return 1
	# One --arg per word: jq 1.6 would parse "-c" after --args as its own.
	args='[]'
	for arg in "$@"; do
		args=$(jq -c --arg a "$arg" '. + [$a]' <<<"$args") || return 1
	done
	jq --argjson args "$args" \
		'.process.args = $args | .process.terminal = false | .root.readonly = false' \
		"$bundle/config.json" >"$bundle/config.json.new" &&
		mv "$bundle/config.json.new" "$bundle/config.json" || return 1
	# Detached without a terminal: runc passes our stdio to the container,
	# so it must not be a pipe the caller waits on.
	runc run -d --bundle "$bundle" --pid-file "$bundle/pid" "$name" \
		</dev/null >"$bundle/stdout" 2>"$bundle/stderr"
}

# "delete -f" SIGKILLs a running container before deleting it.
runc_rm() {
	local name=$1
	runc delete -f "$name" >/dev/null 2>&1
	rm -rf "${ENGINES_BUNDLES:?}/$name"
	return 0
}
