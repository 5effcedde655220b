# shellcheck shell=bash
# make deb (issue 15): install the package, start its systemd unit, read
# the export; man pages in place.
# - test_deb_unit_starts_under_systemd_pid1: a real systemd, booted as PID 1
#   in a Docker container from the host's own /usr, installs the .deb,
#   starts, reloads and stops the unit with its sandbox.
# - test_deb_installs_unit_runs_and_exports: on the host itself (man pages,
#   systemd-analyze verify); when systemd is not PID 1 here, the unit's
#   ExecStart is run by tests/fleet/run-unit.sh under the unit's capability
#   bounding set, NoNewPrivileges, ProtectSystem=strict and PrivateTmp: the
#   fallback for hosts without Docker.

_deb_cleanup() {
	[ -n "${UNIT_PID:-}" ] && kill -TERM "$UNIT_PID" 2>/dev/null && wait "$UNIT_PID" 2>/dev/null
	if [ -d /run/systemd/system ]; then systemctl stop ig.service 2>/dev/null; fi
	dpkg -P ig >/dev/null 2>&1
	rm -rf /var/log/ig /var/cache/ig /run/ig-deb-test
}

test_deb_installs_unit_runs_and_exports() {
	local deb mark=igdeb$$ export=/var/log/ig/events.jsonl rc
	make --no-print-directory deb >"$TMP/make.log" 2>&1 || { tail "$TMP/make.log" >&2; fail "make deb"; return 1; }
	deb=$(ls -t ig_*_amd64.deb | head -1)
	dpkg -s ig >/dev/null 2>&1 && { fail "an ig package is installed already"; return 1; }
	curl -s -o /dev/null 127.0.0.1:2224 2>/dev/null && { fail "127.0.0.1:2224 is taken"; return 1; }
	trap _deb_cleanup RETURN
	dpkg -i "$deb" >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log" >&2; fail "dpkg -i"; return 1; }
	for page in ig ig-daemon ig-trace_exec ig-trace_tcp; do
		man -w "$page" >/dev/null 2>&1 || { fail "no man page $page"; return 1; }
	done
	man ig 2>/dev/null | grep -q "ig daemon" || { fail "man ig does not show the usage"; return 1; }
	systemd-analyze verify /lib/systemd/system/ig.service >"$TMP/verify" 2>&1 ||
		{ cat "$TMP/verify" >&2; fail "systemd-analyze verify"; return 1; }
	[ ! -s "$TMP/verify" ] || { cat "$TMP/verify" >&2; fail "systemd-analyze verify complained"; return 1; }
	if [ -d /run/systemd/system ]; then
		systemctl start ig.service || { fail "systemctl start ig"; return 1; }
	else
		echo "systemd is not PID 1 here: running ig.service's ExecStart under its constraints" >&2
		tests/fleet/run-unit.sh /lib/systemd/system/ig.service >"$TMP/unit.out" 2>&1 &
		UNIT_PID=$!
	fi
	local deadline=$((SECONDS + 30))
	until curl -sf 127.0.0.1:2224/healthz >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && { tail "$TMP/unit.out" >&2; fail "the unit's ig did not serve metrics"; return 1; }
		sleep 0.2
	done
	/bin/echo "$mark" >/dev/null
	deadline=$((SECONDS + 30))
	until grep -q "$mark" "$export" 2>/dev/null; do
		[ $SECONDS -ge $deadline ] && { tail "$TMP/unit.out" >&2; fail "our exec is not in $export"; return 1; }
		sleep 0.2
	done
	assert_eq 600 "$(stat -c %a "$export")" "export mode" || return 1
	assert_eq 700 "$(stat -c %a /var/log/ig)" "LogsDirectoryMode" || return 1
	# (jq 1.6's -e fails when the last line selects nothing: count instead)
	[ "$(grep "$mark" "$export" | jq -c "select(.gadget == \"trace_exec\" and .args == \"/bin/echo $mark\")" | wc -l)" = 1 ] ||
		{ grep "$mark" "$export" | head -3 >&2; fail "the export's record of our exec"; return 1; }
	curl -sf 127.0.0.1:2224/metrics | grep -q '^ig_execs_total{container="",result="ok"}' ||
		{ fail "metrics lack ig_execs_total"; return 1; }
	if [ -n "${UNIT_PID:-}" ]; then
		grep -q "CapBnd:.*$(printf '%016x' $(( (1 << 21) | (1 << 39) | (1 << 38) | (1 << 19) | (1 << 2) )))" \
			"/proc/$UNIT_PID/status" || { grep Cap "/proc/$UNIT_PID/status" >&2; fail "ig's bounding set is not the unit's"; return 1; }
		grep -q "NoNewPrivs:.*1" "/proc/$UNIT_PID/status" || { fail "NoNewPrivileges not in force"; return 1; }
		kill -TERM "$UNIT_PID"; wait "$UNIT_PID"; rc=$?
		UNIT_PID=
		assert_eq 0 "$rc" "ig's exit code after SIGTERM" || return 1
	fi
}

# The .deb under a real systemd: this host's systemd is not PID 1, so it is
# booted as PID 1 in a Docker container (tests/fleet/systemd-container.sh:
# the host's own /usr under an overlay, nothing downloaded). dpkg -i there
# runs the postinst, which enables and starts ig.service; systemd applies
# the unit's sandbox itself. The emulation above stays for hosts without
# Docker and for what only the host shows (man, systemd-analyze).
_sd() { docker exec "$SD_NAME" "$@"; }

_sd_echoes() { # mark: trace_exec's records of /bin/echo MARK in the unit's export
	# (a line being written as we read is skipped)
	_sd cat /var/log/ig/events.jsonl |
		jq -cR --arg a "/bin/echo $1" 'fromjson? | select(.gadget == "trace_exec" and .args == $a)' | wc -l
}

_sd_cleanup() {
	tests/fleet/systemd-container.sh stop "$SD_NAME" "$SD_DIR"
}

test_deb_unit_starts_under_systemd_pid1() {
	local deb mark=igsd$$ pid export=/var/log/ig/events.jsonl deadline
	SD_NAME=igsd-$$ SD_DIR=/tmp/igsd-$$
	make --no-print-directory deb >"$TMP/make.log" 2>&1 || { tail "$TMP/make.log" >&2; fail "make deb"; return 1; }
	deb=$(ls -t ig_*_amd64.deb | head -1)
	trap _sd_cleanup RETURN
	tests/fleet/systemd-container.sh start "$SD_NAME" "$SD_DIR" || { fail "no systemd container"; return 1; }
	assert_eq systemd "$(_sd cat /proc/1/comm)" "PID 1 is" || return 1
	docker cp "$deb" "$SD_NAME:/root/ig.deb" >/dev/null || { fail "docker cp"; return 1; }
	# The packaged config traces every host open that fails and every
	# exec and TCP event: on a busy build host that rotates 50 MB of
	# export away in seconds. The admin's own config, kept by dpkg
	# (--force-confold), narrows it to our echo and the opens of a name.
	_sd mkdir -p /etc/ig &&
	printf 'gadgets:\n  trace_exec: {host: true, comm: echo}\n  trace_open: {host: true, comm: igsdopen}\n' |
		docker exec -i "$SD_NAME" sh -c 'cat >/etc/ig/ig.yaml' || { fail "the config"; return 1; }
	_sd dpkg -i --force-confold /root/ig.deb >"$TMP/dpkg.log" 2>&1 || { cat "$TMP/dpkg.log" >&2; fail "dpkg -i"; return 1; }
	# The postinst enabled and started it.
	assert_eq enabled "$(_sd systemctl is-enabled ig.service)" "is-enabled" || return 1
	deadline=$((SECONDS + 30))
	until _sd curl -sf 127.0.0.1:2224/healthz >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && { _sd systemctl status ig --no-pager >&2; fail "the unit's ig did not serve metrics"; return 1; }
		sleep 0.2
	done
	assert_eq active "$(_sd systemctl is-active ig.service)" "is-active" || return 1
	_sd /bin/echo "$mark" >/dev/null
	# (read with cat: a grep for the mark would match its own exec)
	deadline=$((SECONDS + 30))
	until [ "$(_sd_echoes "$mark")" -ge 1 ]; do
		[ $SECONDS -ge $deadline ] && { _sd journalctl -u ig --no-pager | tail >&2; fail "our exec is not in $export"; return 1; }
		sleep 0.2
	done
	assert_eq 1 "$(_sd_echoes "$mark")" "the export's records of our exec" || return 1
	assert_eq "600 700" "$(_sd stat -c %a "$export" /var/log/ig | tr '\n' ' ' | sed 's/ $//')" "export and LogsDirectory modes" || return 1
	_sd curl -sf 127.0.0.1:2224/metrics | grep -q '^ig_execs_total{container="",result="ok"}' ||
		{ fail "metrics lack ig_execs_total"; return 1; }
	# systemd's sandbox, as the unit asks: the bounding set (this
	# container's dockerd knows no CAP_BPF or CAP_PERFMON, so SYS_ADMIN,
	# SYS_PTRACE and DAC_READ_SEARCH remain), NoNewPrivileges, and
	# ProtectSystem=strict's read-only / in ig's mount namespace.
	pid=$(_sd systemctl show -P MainPID ig.service)
	_sd grep -q "CapBnd:.*$(printf '%016x' $(( (1 << 21) | (1 << 19) | (1 << 2) )))" "/proc/$pid/status" ||
		{ _sd grep Cap "/proc/$pid/status" >&2; fail "ig's bounding set is not the unit's"; return 1; }
	_sd grep -q "NoNewPrivs:.*1" "/proc/$pid/status" || { fail "NoNewPrivileges not in force"; return 1; }
	[ "$(_sd awk '$5 == "/" { split($6, o, ","); print o[1] }' "/proc/$pid/mountinfo")" = ro ] ||
		{ fail "ig's / is writable: ProtectSystem=strict not in force"; return 1; }
	# systemctl reload is SIGHUP: the same process goes on serving.
	_sd systemctl reload ig.service || { fail "systemctl reload"; return 1; }
	assert_eq "$pid" "$(_sd systemctl show -P MainPID ig.service)" "MainPID after reload" || return 1
	_sd curl -sf 127.0.0.1:2224/healthz >/dev/null || { fail "no metrics after reload"; return 1; }
	_sd systemctl stop ig.service || { fail "systemctl stop"; return 1; }
	assert_eq inactive "$(_sd systemctl is-active ig.service)" "after stop" &&
	assert_eq 0 "$(_sd systemctl show -P ExecMainStatus ig.service)" "ig's exit code after SIGTERM"
}
