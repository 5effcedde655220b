# shellcheck shell=bash
# make deb (issue 15): install the package, start its systemd unit, read
# the export; man pages in place. When systemd is not PID 1 (a container),
# the unit is checked with systemd-analyze verify and its ExecStart run by
# tests/fleet/run-unit.sh under the unit's own capability bounding set,
# NoNewPrivileges, ProtectSystem=strict and PrivateTmp.

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
