#!/bin/sh
# Install what building and testing ig needs, from Debian's packages, if missing.
set -eu
PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libzstd-dev
      libjansson-dev libyaml-dev libcmocka-dev jq pkg-config iproute2 util-linux
      libclang-rt-14-dev asciinema valgrind bsdutils python3
      qemu-system-x86 busybox-static cpio nftables dnsmasq-base openssl
      libmicrohttpd-dev prometheus help2man python3-yaml systemd man-db curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
