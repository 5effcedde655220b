# SPDX-License-Identifier: Apache-2.0
# Sanitizer builds, kept apart from the normal build:
#   make asan        ./ig-asan and the unit tests in build-asan/, with ASan+UBSan
#   make check-asan  the whole suite (unit and integration) against them
# Every sanitizer report (memory error, undefined behaviour, leak) is written
# to $(ASAN_LOGDIR) and fails check-asan, even from an ig the integration
# tests ran in the background and whose exit status they do not look at.

ASAN_BUILD    ?= build-asan
ASAN_LOGDIR   ?= /tmp/ig-asan-logs
ASAN_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer
ASAN_UNIT_BINS = $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(UNIT_BINS))

# halt_on_error: the first finding stops the process (and fails its test).
# log_path: reports go to files, so none is lost with a discarded stderr.
ASAN_RUN_ENV = \
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=0:log_path=$(ASAN_LOGDIR)/asan \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(ASAN_LOGDIR)/ubsan \
	LSAN_OPTIONS=log_path=$(ASAN_LOGDIR)/lsan

.PHONY: asan check-asan asan-bins

# The sub-make sees the sanitizer flags in the environment, where the
# Makefile's "CFLAGS ?=" keeps them and its "+=" adds the usual ones.
# clang, not gcc: with gcc's separate libubsan, UBSan reports ignore
# log_path and would be lost with a test's discarded stderr.
asan:
	$(Q)CFLAGS="-O1 -g $(ASAN_SANITIZE)" LDFLAGS="$(ASAN_SANITIZE)" \
		$(MAKE) --no-print-directory CC=$(CLANG) BUILD=$(ASAN_BUILD) IG_ASAN_SUBMAKE=1 asan-bins

ifeq ($(IG_ASAN_SUBMAKE),1)
asan-bins: ig-asan $(UNIT_BINS)

ig-asan: $(OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
endif

check-asan: asan
	$(Q)rm -rf $(ASAN_LOGDIR) && mkdir -p $(ASAN_LOGDIR) && chmod 1777 $(ASAN_LOGDIR)
	$(Q)$(ASAN_RUN_ENV) IG=$(CURDIR)/ig-asan ./tests/check.sh $(ASAN_UNIT_BINS); rc=$$?; \
	if [ -n "$$(ls -A $(ASAN_LOGDIR))" ]; then \
		echo "sanitizer reports ($(ASAN_LOGDIR)):"; \
		for f in $(ASAN_LOGDIR)/*; do echo "== $$f"; head -n 60 "$$f"; done; \
		rc=1; \
	else \
		echo "sanitizers: no reports"; \
	fi; \
	exit $$rc


.PHONY: clean-asan
clean-asan:
	rm -rf $(ASAN_BUILD) ig-asan
clean: clean-asan
