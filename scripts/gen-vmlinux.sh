#!/bin/sh
# Regenerate vmlinux/x86/vmlinux.h from the running kernel's BTF.
# CO-RE relocations make the checked-in header valid on other kernels too.
set -eu
btf=${1:-/sys/kernel/btf/vmlinux}
out=$(dirname "$0")/../vmlinux/x86/vmlinux.h
[ -r "$btf" ] || { echo "gen-vmlinux: no BTF at $btf" >&2; exit 1; }
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out"
