#!/bin/bash
# make check-kernels: boot each Debian kernel of the matrix under qemu (TCG)
# with ig-static in an initramfs, run tests/kernels/guest.sh there, and sum
# up its results. Kernels are downloaded once into the cache (never
# installed on the host).
#   KERNELS       metapackages to test (default: Debian 12's 6.1 and 6.12)
#   KERNEL_CACHE  where kernels are kept (default ~/.cache/ig-kernels)
#   KERNEL_TIMEOUT seconds a guest may run (default 600)
#   IG_STATIC     the ig binary to test (default ig-static)
set -uo pipefail
cd "$(dirname "$0")/../.."
KERNELS=${KERNELS:-linux-image-cloud-amd64 linux-image-6.12-cloud-amd64}
KERNEL_CACHE=${KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ig-kernels}
KERNEL_TIMEOUT=${KERNEL_TIMEOUT:-600}
BUILD=${BUILD:-build}
out=$BUILD/kernels
mkdir -p "$out"

command -v qemu-system-x86_64 >/dev/null || {
	echo "check-kernels: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2
	exit 1
}
tests/kernels/initramfs.sh "${IG_STATIC:-ig-static}" "$out/initramfs.cpio.gz" || exit 1

# boot META: run the suite on one kernel; its log is $out/META.log.
boot() {
	local meta=$1 dir vmlinuz log=$out/$1.log start
	dir=$(tests/kernels/fetch.sh "$meta" "$KERNEL_CACHE") || return 1
	vmlinuz=$(ls "$dir"/boot/vmlinuz-*)
	start=$(date +%s)
	# TCG: no /dev/kvm here. -no-reboot turns a panic into an exit.
	# thread=single: with one host thread per vCPU (MTTCG), a vCPU may run
	# a stale translation of kernel text that another vCPU is patching
	# with int3 (a static key turned on when a program attaches): the
	# 6.12 guest died once with "Oops: int3" in syscall_trace_enter. One
	# thread for both vCPUs keeps such code patching coherent.
	timeout --foreground -k 10 "$KERNEL_TIMEOUT" \
		qemu-system-x86_64 -machine q35 -accel tcg,thread=single -cpu max -smp 2 -m 1G -nographic \
		-no-reboot -kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" \
		-append "console=ttyS0 panic=-1 quiet loglevel=3" </dev/null >"$log" 2>&1
	echo "$(($(date +%s) - start))" >"$out/$meta.secs"
}

total_pass=0 total_fail=0
for meta in $KERNELS; do
	echo "== $meta"
	boot "$meta"
	log=$out/$meta.log
	tr -d '\r' <"$log" | sed -n 's/.*IG-GUEST: //p' | grep -E '^(FAIL|  |kernel|feature: (rdonly|void))|took'
	line=$(tr -d '\r' <"$log" | sed -n 's/.*IG-GUEST: \([0-9]* passed, [0-9]* failed\)$/\1/p' | tail -1)
	if [ -z "$line" ]; then
		echo "$meta: the guest did not finish (see $log)"
		tail -20 "$log"
		total_fail=$((total_fail + 1))
		continue
	fi
	echo "$meta: $line in $(cat "$out/$meta.secs") s"
	set -- $line
	total_pass=$((total_pass + $1))
	total_fail=$((total_fail + $3))
done
echo "check-kernels: $total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
