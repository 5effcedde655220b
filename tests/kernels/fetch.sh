#!/bin/bash
# Resolve, download and unpack a Debian kernel for the qemu matrix, without
# installing it on the host. Usage: fetch.sh METAPACKAGE CACHE_DIR
# Prints the directory holding vmlinuz and the modules (cached: a rerun
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
	# apt-get download writes into the current directory; _apt must be
	# able to write there.
	(cd "$dir/deb" && chmod 777 . && apt-get download -qq "$pkg" >&2)
	dpkg-deb -x "$dir"/deb/*.deb "$dir/root"
	rm -rf "$dir/deb"
	touch "$dir/.done"
fi
echo "$dir"
