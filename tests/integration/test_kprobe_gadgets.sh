# shellcheck shell=bash
# trace_capabilities and trace_fsslower need kprobes. Where the kernel has
# none (the development host) they say so in one line and exit 1; where it
# has them, they report a real event (the kernel matrix runs them on
# Debian's 6.1 and 6.12 too: tests/kernels/guest.sh).

kp_available() { [ -e /sys/bus/event_source/devices/kprobe/type ] || [ -e /sys/kernel/tracing/kprobe_events ]; }

test_kprobe_gadgets_refused_without_kprobes() {
	kp_available && return 0   # checked by the tests below instead
	local g err rc
	for g in trace_capabilities trace_fsslower; do
		err=$("$IG" run "$g" --host 2>&1 >/dev/null)
		rc=$?
		assert_eq 1 "$rc" "$g: exit code" &&
		assert_eq "ig: $g needs kprobes (CONFIG_KPROBES, CONFIG_KPROBE_EVENTS), which this kernel lacks" \
			"$err" "$g: one line" || return 1
	done
}

test_trace_capabilities_chroot() {
	kp_available || return 0   # refused above
	ig_start "$TMP/out" run trace_capabilities --host --comm chroot || return 1
	chroot / true
	local i
	for i in $(seq 1 50); do grep -q CAP_SYS_CHROOT "$TMP/out" && break; sleep 0.1; done
	ig_stop
	grep -Eq 'chroot .* 18 +CAP_SYS_CHROOT +1 +Allow' "$TMP/out" || fail "no check of CAP_SYS_CHROOT: $(head -5 "$TMP/out")"
}

test_trace_fsslower_read() {
	kp_available || return 0
	echo fsslower >"$TMP/fss-target"
	ig_start "$TMP/out" run trace_fsslower --host --comm dd --min 0 -o json || return 1
	dd if="$TMP/fss-target" of=/dev/null 2>/dev/null
	local i
	for i in $(seq 1 50); do grep -q '"file":"fss-target"' "$TMP/out" && break; sleep 0.1; done
	ig_stop
	[ -n "$(json_select "$TMP/out" '.file == "fss-target" and .op == "R" and .bytes == 9')" ] ||
		fail "no read of fss-target: $(head -3 "$TMP/out")"
}
