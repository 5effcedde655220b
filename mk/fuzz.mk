# SPDX-License-Identifier: Apache-2.0
# libFuzzer targets (tests/fuzz/fuzz_<name>.c), built with clang and
# ASan+UBSan in build-fuzz/, apart from the normal build.
#   make fuzz             build every target
#   make fuzz-smoke       replay the corpora and reproducers, then fuzz each
#                         target for FUZZ_TIME seconds (CI)
#   make fuzz-run T=name  fuzz one target until FUZZ_TIME (default 600 s)
# New inputs found while fuzzing go to build-fuzz/work/<name>, never into
# the checked-in corpora; crashes go to build-fuzz/artifacts/.
# docs/fuzzing.md says what each target checks.

FUZZ_BUILD   ?= build-fuzz
FUZZ_TIME    ?= 20
FUZZ_CC      ?= $(CLANG)
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link -std=gnu11 -Wall -Wextra \
		-Wno-missing-field-initializers -MMD -MP
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_SRCS = $(filter-out src/main.c,$(SRCS))
FUZZ_LIB_OBJS = $(FUZZ_LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_ENV     := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

.PHONY: fuzz fuzz-smoke fuzz-run fuzz-corpus

fuzz: $(FUZZ_BINS)

# Keep the objects: a rebuild after one edit then compiles one file.
.SECONDARY: $(FUZZ_LIB_OBJS) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o)

$(FUZZ_BUILD)/obj/%.o: %.c | $(SKELS)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ $(LDLIBS) -o $@

# Every reproducer in tests/fuzz/crashes/<name>/ must now pass, then every
# corpus input, then FUZZ_TIME seconds of new inputs per target.
fuzz-smoke: $(FUZZ_BINS)
	$(Q)rc=0; for t in $(FUZZ_TARGETS); do \
		mkdir -p $(FUZZ_BUILD)/work/$$t $(FUZZ_BUILD)/artifacts; \
		if [ -d tests/fuzz/crashes/$$t ] && [ -n "$$(ls -A tests/fuzz/crashes/$$t)" ]; then \
			$(FUZZ_ENV) $(FUZZ_BUILD)/fuzz_$$t tests/fuzz/crashes/$$t/* >$(FUZZ_BUILD)/$$t.replay.log 2>&1 || \
				{ echo "  FAIL fuzz_$$t: a reproducer still crashes ($(FUZZ_BUILD)/$$t.replay.log)"; rc=1; continue; }; \
		fi; \
		if $(FUZZ_ENV) $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_TIME) -timeout=10 \
			-rss_limit_mb=1024 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_BUILD)/artifacts/$$t- \
			$(FUZZ_BUILD)/work/$$t tests/fuzz/corpus/$$t >$(FUZZ_BUILD)/$$t.log 2>&1; then \
			echo "  ok   fuzz_$$t: $$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_BUILD)/$$t.log) runs in $(FUZZ_TIME) s"; \
		else \
			echo "  FAIL fuzz_$$t: see $(FUZZ_BUILD)/$$t.log"; \
			grep -m3 -E 'ERROR|invariant|SUMMARY' $(FUZZ_BUILD)/$$t.log | sed 's/^/       /'; \
			rc=1; \
		fi; \
	done; exit $$rc

FUZZ_RUN_TIME ?= 600
fuzz-run: $(FUZZ_BUILD)/fuzz_$(T)
	$(Q)mkdir -p $(FUZZ_BUILD)/work/$(T) $(FUZZ_BUILD)/artifacts
	$(FUZZ_ENV) $(FUZZ_BUILD)/fuzz_$(T) -max_total_time=$(FUZZ_RUN_TIME) -timeout=10 \
		-rss_limit_mb=1024 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/artifacts/$(T)- \
		$(FUZZ_BUILD)/work/$(T) tests/fuzz/corpus/$(T)

# Seed records for fuzz_decode come from the shared event headers.
fuzz-corpus: $(FUZZ_BUILD)/gen_decode_corpus
	$(Q)mkdir -p tests/fuzz/corpus/decode && $< tests/fuzz/corpus/decode

$(FUZZ_BUILD)/gen_decode_corpus: tests/fuzz/gen_decode_corpus.c
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) -O1 -g -Wall -Wextra -Wno-missing-field-initializers $< -o $@

-include $(FUZZ_LIB_OBJS:.o=.d) $(FUZZ_BINS:$(FUZZ_BUILD)/fuzz_%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.d)


.PHONY: clean-fuzz
clean-fuzz:
	rm -rf $(FUZZ_BUILD)
clean: clean-fuzz
