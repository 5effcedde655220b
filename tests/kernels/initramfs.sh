#!/bin/bash
# Build the kernel-matrix guest's initramfs: busybox-static, ig-static, the
# suite's helper and scripts. Usage: initramfs.sh IG_STATIC OUT.cpio.gz
set -euo pipefail
ig=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
busybox=/bin/busybox   # busybox-static's; the guest has no libc of its own
if [ ! -x $busybox ] || ldd $busybox >/dev/null 2>&1; then
	echo "initramfs.sh: needs a static $busybox (apt-get install busybox-static)" >&2
	exit 1
fi
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,etc}
cp "$busybox" "$root/bin/busybox"
cp "$ig" "$root/bin/ig"
gcc -O2 -Wall -static -o "$root/bin/guest_helper" "$here/guest_helper.c" 2>&1 |
	grep -v "statically linked applications requires" >&2 || true
cp "$here/init" "$root/init"
cp "$here/guest.sh" "$root/guest.sh"
chmod 0755 "$root/init" "$root/guest.sh"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
