# SPDX-License-Identifier: Apache-2.0
# The kernel matrix (tests/kernels/): every gadget on Debian 12's own
# kernels, booted under qemu (TCG, no KVM needed) with ig-static in an
# initramfs.
#   make check-kernels   6.1 (linux-image-cloud-amd64) and 6.12
#                        (linux-image-6.12-cloud-amd64); prints per kernel
#                        and overall "N passed, N failed"
# KERNELS=metapackage... picks others; KERNEL_CACHE (default
# ~/.cache/ig-kernels) keeps the downloaded kernels for reruns.

.PHONY: check-kernels

check-kernels: deps ig-static
	$(Q)BUILD=$(BUILD) ./tests/kernels/run.sh
