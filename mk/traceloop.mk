# SPDX-License-Identifier: Apache-2.0
# make bench-traceloop: traceloop's per-syscall overhead and start time
# (docs/gadgets/traceloop.md). Needs root and docker; starts and removes
# up to 100 busybox containers.

TL_BENCH_DIR := tests/fixtures/traceloop/bench

.PHONY: bench-traceloop

$(BUILD)/traceloop/getpid_loop: $(TL_BENCH_DIR)/getpid_loop.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -O2 -static $< -o $@

bench-traceloop: ig $(BUILD)/traceloop/getpid_loop
	$(Q)$(TL_BENCH_DIR)/bench.sh $(CURDIR)/ig $(CURDIR)/$(BUILD)/traceloop/getpid_loop
