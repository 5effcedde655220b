#!/bin/bash
# Resolve, download and unpack a Debian kernel for the qemu matrix, without
# installing it on the host. Usage: fetch.sh METAPACKAGE CACHE_DIR
# Prints the directory whose boot/ holds vmlinuz (cached: a rerun
# with the same package version downloads nothing).
set -euo pipefail
meta=$1 cache=$2

resolve() {
	apt-cache depends "$meta" 2>/dev/null |
		awk '/Depends: linux-image-/ { print $2; exit }'
}

pkg=$(resolve)
if [ -z "$pkg" ]; then
	apt-get update -qq >&2
	pkg=$(resolve)
fi
if [ -z "$pkg" ]; then
	echo "fetch.sh: cannot resolve $meta with apt-cache depends" >&2
	exit 1
fi
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ { print $2 }')
dir=$cache/${pkg}_$ver
if [ ! -f "$dir/.done" ]; then
	rm -rf "$dir" && mkdir -p "$dir/deb"
	# apt-get download writes into the current directory, which apt's
	# sandbox user may not reach under $HOME.
	(cd "$dir/deb" && apt-get download -qq -o APT::Sandbox::User=root "$pkg" >&2)
	# Only the kernel image: the cloud kernels have what ig needs built in
	# (BTF, tracepoints, kprobes, devtmpfs, IPv6, ptys).
	dpkg-deb --fsys-tarfile "$dir"/deb/*.deb | tar -x -C "$dir" ./boot
	rm -rf "$dir/deb"
	touch "$dir/.done"
fi
echo "$dir"
