# SPDX-License-Identifier: Apache-2.0
# Performance, side by side with libbpf-tools and bpftrace (docs/performance.md):
#   make bench        the full run: start-up (cold and warm BTF cache, beside
#                     opensnoop), then workloads bare, under ig and under the
#                     peers, alternated; a markdown table on stdout, JSON in
#                     bench/results/ (timestamped and latest.json), and the
#                     overhead-vs-rate plot bench/results/perf-overhead.png
#   make bench-smoke  the same in under two minutes, for CI: proves the bench
#                     works, asserts no timings; results go to build/bench/results
#                     (BENCH_SHORT=1 make bench is the same)
#   make bench-bins   just build the workloads and helpers
#   make bench-containers  enrichment delay of a new container and the cost
#                     of list-containers with 50 running (docs/containers.md)
#   trace_process's RSS across short processes is part of both (100,000 in
#                     make bench, 2,000 in bench-smoke; BENCH_ARGS=--process-rss N)
# BENCH_ARGS passes flags to bench/run.py (see bench/run.py --help).

BENCH_BUILD := $(BUILD)/bench
# Workloads; each is one file using bench/bench.h.
BENCH_LOOPS := open_loop exec_loop connect_loop tty_loop write_loop tcp_rw_loop udp_loop
BENCH_BINS  := $(BENCH_LOOPS:%=$(BENCH_BUILD)/%) $(BENCH_BUILD)/spawn_loop $(BENCH_BUILD)/bench_nop $(BENCH_BUILD)/bench_tiny \
	       $(BENCH_BUILD)/attach_wait $(BENCH_BUILD)/latency $(BENCH_BUILD)/fmt_bench \
	       $(BENCH_BUILD)/empty_tp_btf
BENCH_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE

.PHONY: bench bench-smoke bench-bins bench-containers

bench-bins: $(BENCH_BINS)

$(BENCH_LOOPS:%=$(BENCH_BUILD)/%): $(BENCH_BUILD)/%: bench/%.c bench/bench.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -o $@

# exec_loop with vfork (bench/procrss.py).
$(BENCH_BUILD)/spawn_loop: bench/exec_loop.c bench/bench.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) -DEXEC_LOOP_VFORK $< -o $@

# What exec_loop runs: a small dynamically linked program, like /bin/true,
# with a name of its own so its events are easy to count.
$(BENCH_BUILD)/bench_nop: bench/bench_nop.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -o $@

# What spawn_loop runs for bench/procrss.py (x86_64): no libc, no loader.
$(BENCH_BUILD)/bench_tiny: bench/bench_tiny.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -Os -static -nostdlib -fno-asynchronous-unwind-tables $< -o $@

$(BENCH_BUILD)/attach_wait: bench/attach_wait.c bench/attach.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -lbpf -o $@

# The floor of a tp_btf hook: a program that returns at once.
$(BENCH_BUILD)/empty_tp_btf: bench/empty_tp_btf.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -lbpf -o $@

$(BENCH_BUILD)/latency: bench/latency.c bench/attach.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(BENCH_CFLAGS) $< -lbpf -o $@

# The output layer as ig links it: every object but main.
$(BENCH_BUILD)/fmt_bench: bench/fmt_bench.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ $(LDLIBS) -o $@

bench: ig $(BENCH_BINS)
	$(Q)python3 bench/run.py --ig ./ig --bin $(BENCH_BUILD) $(BENCH_ARGS)

bench-smoke: ig $(BENCH_BINS)
	$(Q)BENCH_SHORT=1 python3 bench/run.py --ig ./ig --bin $(BENCH_BUILD) $(BENCH_ARGS)

bench-containers: ig
	$(Q)python3 bench/containers.py --ig ./ig

# ig daemon with 4 gadgets + metrics against one ig run (bench/fleet.py).
.PHONY: bench-fleet
bench-fleet: ig $(BENCH_BUILD)/exec_loop $(BENCH_BUILD)/bench_nop
	$(Q)python3 bench/fleet.py --ig ./ig --bin $(BENCH_BUILD) $(BENCH_ARGS_FLEET)
bench: bench-fleet
