# SPDX-License-Identifier: Apache-2.0
# Build ig: BPF objects (clang) -> skeletons (bpftool) -> one binary.
# `make V=1` shows the commands.

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
# BPF target architecture, from the machine's (x86_64 -> x86); vmlinux/$(ARCH)
# holds its vmlinux.h.
MACHINE := $(shell uname -m)
ARCH_x86_64 := x86
ARCH    ?= $(ARCH_$(MACHINE))
ifeq ($(ARCH),)
$(error ig builds on x86_64 only for now: no vmlinux/ headers and no BPF target for '$(MACHINE)' (set ARCH= and add vmlinux/<arch>/vmlinux.h to port it))
endif

CC      ?= gcc
CLANG   ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip

# Every bpf/<gadget>.bpf.c is built and gets a skeleton; each gadget's
# src/gadgets/<gadget>.c registers itself (IG_GADGET): no list to edit.
GADGETS   := $(patsubst bpf/%.bpf.c,%,$(wildcard bpf/*.bpf.c))
BPF_OBJS  := $(GADGETS:%=$(BUILD)/bpf/%.bpf.o)
SKELS     := $(GADGETS:%=$(BUILD)/skel/%.skel.h) $(BUILD)/skel/bpf_objects_hash.h

SRCS      := $(wildcard src/*.c src/gadgets/*.c src/containers/*.c src/traceloop/*.c src/daemon/*.c \
		       src/static/*.c)
OBJS      := $(SRCS:%.c=$(BUILD)/obj/%.o)
LIB_OBJS  := $(filter-out $(BUILD)/obj/src/main.o,$(OBJS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

CPPFLAGS  += -Isrc -Iinclude -I$(BUILD)/skel -D_GNU_SOURCE
CFLAGS    ?= -O2 -g
CFLAGS    += -std=gnu11 -Wall -Wextra -Wno-missing-field-initializers -MMD -MP
# The libraries are linked in: loading
# 17 shared objects (libmicrohttpd pulls in GnuTLS and 9 more) and running
# their constructors took ~9 ms of CPU at every start, a third of a warm
# `ig run` (docs/performance.md). libmicrohttpd's TLS entry points are
# stubbed (src/static/gnutls_off.c). --wrap: libbpf's calls to
# btf__load_vmlinux_btf() come to ig's (src/btf_cache.c), which serves the
# minimized BTF.
LINK_BTF  := -Wl,--wrap=btf__load_vmlinux_btf
LDLIBS    += $(LINK_BTF) -Wl,-Bstatic -lbpf -lelf -lz -lzstd -ljansson -lmicrohttpd -lyaml \
	     -Wl,-Bdynamic -lpthread
STATIC_LDLIBS := $(LINK_BTF) -l:libbpf.a -l:libelf.a -l:libz.a -l:libzstd.a -l:libjansson.a \
		 -l:libmicrohttpd.a -l:libyaml.a -lpthread

BPF_CFLAGS := -target bpf -g -O2 -D__TARGET_ARCH_$(ARCH) -Wall \
	      -Iinclude -Ivmlinux/$(ARCH) -MMD -MP

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DELETE_ON_ERROR:
.SECONDARY: $(BPF_OBJS) $(SKELS)
.PHONY: all static install clean check unit integration run deps

all: ig ig-dyn

# ig is linked statically: with only libc loaded at run time, a warm
# `ig run trace_open` still spent ~8 ms of CPU more in the dynamic loader
# (relocations, libc's pages) than fully static (docs/performance.md).
# ig uses no NSS, no dlopen. Sanitizer, unit and fuzz builds link $(LDLIBS).
ig: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -static $(LDFLAGS) $^ $(STATIC_LDLIBS) -o $@

# The same objects with libc loaded at run time, for valgrind, which cannot
# follow a static binary's heap (tests/integration/test_robustness.sh).
ig-dyn: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

static: ig-static
ig-static: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -static $(LDFLAGS) $^ $(STATIC_LDLIBS) -o $@
	$(Q)strip -o $@.stripped $@ && mv $@.stripped $@
	@ls -l $@ | awk '{print "  static binary: " $$5 " bytes"}'

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@   # drop DWARF, keep BTF: 700 KB -> tens of KB each

$(BUILD)/skel/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# A hash of the objects the skeletons embed: part of the key of the
# minimized-BTF cache (src/btf_cache.c), computed here so that ig does not
# read every embedded object at start to hash it.
$(BUILD)/skel/bpf_objects_hash.h: $(BPF_OBJS)
	$(call msg,HASH,$@)
	$(Q)mkdir -p $(@D)
	$(Q)printf '#define IG_BPF_OBJECTS_HASH 0x%sULL\n' \
		"$$(cat $(BPF_OBJS) | sha256sum | cut -c1-16)" > $@

# Skeletons must exist before any C file that may include one is compiled.
$(BUILD)/obj/%.o: %.c | $(SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	$(call msg,TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $^ $(LDLIBS) -lcmocka -o $@

install: ig
	install -D -m 0755 ig $(DESTDIR)$(PREFIX)/bin/ig

deps:
	$(Q)./scripts/deps.sh

unit: $(UNIT_BINS)
	$(Q)./tests/run-unit.sh $(UNIT_BINS)

integration: ig
	$(Q)./tests/integration/run.sh

# Everything, as CI runs it: unit tests, then the real ig against real
# workloads. The last line is the summary.
check: deps
	$(Q)$(MAKE) --no-print-directory all $(UNIT_BINS)
	$(Q)./tests/check.sh $(UNIT_BINS)

run: deps
	$(Q)$(MAKE) --no-print-directory all
	./ig run trace_exec --host

clean:
	rm -rf $(BUILD) ig ig-dyn ig-static

# Feature makefiles (bench, fuzz, sanitizers) keep their targets apart.
-include $(wildcard mk/*.mk)

-include $(OBJS:.o=.d) $(BPF_OBJS:.o=.d)
