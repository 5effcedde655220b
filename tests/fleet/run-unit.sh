#!/bin/bash
# run-unit.sh UNIT: run a systemd unit's ExecStart the way systemd would,
# as far as this machine allows when systemd is not PID 1. Read from the
# unit file itself: CapabilityBoundingSet (setpriv --bounding-set),
# NoNewPrivileges, ProtectSystem=strict (every mount read-only except /dev,
# /proc, /sys and the unit's LogsDirectory, RuntimeDirectory and
# CacheDirectory, made as systemd makes them), PrivateTmp. Other hardening
# lines (ProtectHome, MemoryDenyWriteExecute, RestrictAddressFamilies...)
# are checked by systemd-analyze verify only. Runs in the foreground.
set -eu
unit=$1
get() { sed -n "s/^$1=//p" "$unit" | tail -1; }

exec_start=$(get ExecStart)
[ -n "$exec_start" ] || { echo "run-unit: no ExecStart in $unit" >&2; exit 1; }
[ "$(get ProtectSystem)" = strict ] || { echo "run-unit: expected ProtectSystem=strict" >&2; exit 1; }
bounding="-all"
for cap in $(get CapabilityBoundingSet); do
	cap=${cap#CAP_}
	bounding="$bounding,+$(echo "$cap" | tr 'A-Z' 'a-z')"
done
nnp=()
[ "$(get NoNewPrivileges)" = yes ] && nnp=(--no-new-privs)
writable=()
for kind in LogsDirectory:/var/log RuntimeDirectory:/run CacheDirectory:/var/cache; do
	d=$(get "${kind%%:*}")
	[ -n "$d" ] || continue
	mode=$(get "${kind%%:*}Mode")
	install -d -m "${mode:-0755}" "${kind#*:}/$d"
	writable+=("${kind#*:}/$d")
done
private_tmp=$(get PrivateTmp)

export RUN_UNIT_WRITABLE="${writable[*]}" RUN_UNIT_PRIVATE_TMP="$private_tmp"
# shellcheck disable=SC2086
exec unshare -m --propagation private bash -c '
	set -e
	for d in $RUN_UNIT_WRITABLE; do mount --bind "$d" "$d"; done
	[ "$RUN_UNIT_PRIVATE_TMP" = yes ] && mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs -o mode=1777 tmpfs /var/tmp
	keep=" $RUN_UNIT_WRITABLE /tmp /var/tmp "
	awk "{print \$2}" /proc/self/mounts | sort -u | while read -r m; do
		case $m in /dev|/dev/*|/proc|/proc/*|/sys|/sys/*) continue ;; esac
		case $keep in *" $m "*) continue ;; esac
		mount -o remount,bind,ro "$m" 2>/dev/null || true
	done
	touch /usr/.ig-run-unit-probe 2>/dev/null && { echo "run-unit: / is still writable" >&2; exit 1; }
	exec setpriv --bounding-set "$0" --inh-caps -all '"${nnp[*]}"' -- '"$exec_start"'
' "$bounding"
