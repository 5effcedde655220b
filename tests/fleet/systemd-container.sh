#!/bin/bash
# A Docker container whose PID 1 is the host's own systemd, for testing the
# .deb's unit for real where systemd is not PID 1 on the host (CI runners,
# containers). Nothing is downloaded: the root is a few symlinks, a
# minimal /etc and an empty dpkg database (imported as an image of a few
# KiB), and /usr is the host's /usr under an overlay whose writes (dpkg's)
# land in a tmpfs, so the host is never touched.
#
#   systemd-container.sh start NAME DIR   boot it; DIR holds the overlay
#   systemd-container.sh stop NAME DIR    remove it, unmount, clean DIR
#
# start returns once systemd says the system is up (running or degraded).
set -u

die() { echo "systemd-container: $*" >&2; exit 1; }

start() {
	local name=$1 dir=$2 root state
	command -v /lib/systemd/systemd >/dev/null || die "no systemd on the host to boot"
	mkdir -p "$dir" && mount -t tmpfs -o size=512m,mode=0700 ig-sd "$dir" || die "tmpfs on $dir"
	mkdir -p "$dir/up" "$dir/work" "$dir/usr" "$dir/root"
	mount -t overlay ig-sd-usr -o "lowerdir=/usr,upperdir=$dir/up,workdir=$dir/work" "$dir/usr" ||
		die "overlay of /usr"
	root=$dir/root
	for l in bin sbin lib lib64; do ln -s "usr/$l" "$root/$l"; done
	mkdir -p "$root"/{etc/systemd/system,proc,sys,dev,run,tmp,root,var/log,var/cache,var/tmp,var/lib/dpkg/{info,updates,triggers}}
	touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
	cp -a /etc/passwd /etc/group /etc/shadow /etc/gshadow /etc/nsswitch.conf /etc/ld.so.cache \
		/etc/os-release /etc/login.defs "$root/etc/" 2>/dev/null
	cp -a /etc/ld.so.conf /etc/ld.so.conf.d /etc/dpkg /etc/alternatives "$root/etc/" 2>/dev/null
	: >"$root/etc/machine-id"   # systemd makes a transient one
	tar -C "$root" -c . | docker import - "ig-systemd-root:$name" >/dev/null || die "docker import"
	docker rm -f "$name" >/dev/null 2>&1
	# systemd as PID 1 in a container: every capability this host's
	# bounding set has (--privileged asks for all, and a host that is
	# itself a container may lack one, e.g. SYS_RESOURCE), no seccomp or
	# AppArmor filter (it mounts; the unit's sandbox needs namespaces),
	# its own cgroup namespace, whose cgroup2 mount it makes writable
	# before exec'ing systemd as PID 1; /run and /tmp as tmpfs,
	# "container" set, SIGRTMIN+3 to stop.
	local caps=() c
	for c in $(capsh --decode="$(awk '/^CapBnd/ {print $2}' /proc/self/status)" | sed 's/.*=//; s/,/ /g'); do
		# this dockerd predates CAP_BPF and CAP_PERFMON (SYS_ADMIN
		# covers them)
		case $c in cap_bpf|cap_perfmon|cap_checkpoint_restore) continue ;; esac
		caps+=(--cap-add "${c#cap_}")
	done
	docker run -d --name "$name" --cap-drop ALL "${caps[@]}" \
		--security-opt seccomp=unconfined --security-opt apparmor=unconfined \
		--cgroupns=private --tmpfs /run --tmpfs /run/lock --tmpfs /tmp -e container=docker \
		--stop-signal SIGRTMIN+3 -v "$dir/usr:/usr" "ig-systemd-root:$name" \
		/bin/sh -c 'mount -o remount,rw /sys/fs/cgroup && exec /lib/systemd/systemd --unit=basic.target' \
		>/dev/null || die "docker run"
	for _ in $(seq 1 300); do
		state=$(docker exec "$name" systemctl is-system-running 2>/dev/null)
		case $state in
		running|degraded) echo "systemd-container: $name is up ($state)" >&2; return 0 ;;
		esac
		[ "$(docker inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" = true ] || break
		sleep 0.1
	done
	docker logs "$name" 2>&1 | tail -20 >&2
	die "systemd did not come up (state: ${state:-none})"
}

stop() {
	local name=$1 dir=$2
	docker rm -f "$name" >/dev/null 2>&1
	docker rmi -f "ig-systemd-root:$name" >/dev/null 2>&1
	umount "$dir/usr" 2>/dev/null
	umount "$dir" 2>/dev/null
	rmdir "$dir" 2>/dev/null
	return 0
}

case ${1:-} in
start|stop) [ $# = 3 ] || die "usage: $0 start|stop NAME DIR"; "$@" ;;
*) die "usage: $0 start|stop NAME DIR" ;;
esac
