# shellcheck shell=bash
# trace_mount against a tmpfs mounted inside a Docker container with
# CAP_SYS_ADMIN, and a mount the kernel refuses.
. tests/lib/engines.sh

test_mount_tmpfs_in_container() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-mount-$RANDOM"
	ig_start "$TMP/out" run trace_mount -o json -c "$name" || return 1
	docker run --rm --name "$name" --cap-add SYS_ADMIN busybox \
		sh -c 'mkdir -p /mnt/t && mount -t tmpfs -o size=1m,nosuid tmpsrc /mnt/t && umount /mnt/t && mount -t nosuchfs x /mnt/t' \
		>"$TMP/docker.out" 2>&1
	local m u bad
	m=$(wait_json "$TMP/out" '.op == "mount" and .src == "tmpsrc"') &&
	u=$(wait_json "$TMP/out" '.op == "umount" and .dest == "/mnt/t"') &&
	bad=$(wait_json "$TMP/out" '.fs == "nosuchfs"')
	local rc=$?
	ig_stop
	[ $rc -eq 0 ] || { cat "$TMP/docker.out" >&2; return 1; }
	assert_eq "$name" "$(jq -r .runtime.containerName <<<"$m")" "containerName" &&
	assert_eq "mount" "$(jq -r .proc.comm <<<"$m")" "comm" &&
	assert_eq "tmpsrc" "$(jq -r .src <<<"$m")" "src" &&
	assert_eq "/mnt/t" "$(jq -r .dest <<<"$m")" "dest" &&
	assert_contains "$(jq -r .flags <<<"$m")" "MS_NOSUID" "flags (busybox adds MS_SILENT)" &&
	assert_eq "" "$(jq -r .error <<<"$m")" "error" &&
	assert_contains "$(jq -r .data <<<"$m")" "size=1m" "data" &&
	assert_contains "$(jq -r .call <<<"$m")" 'mount("tmpsrc", "/mnt/t", "tmpfs", MS_NOSUID' "call" &&
	assert_contains "$(jq -r .call <<<"$m")" ', "size=1m") = 0' "call's data and result" &&
	assert_eq 'umount("/mnt/t", 0) = 0' "$(jq -r .call <<<"$u")" "umount call" &&
	assert_eq "ENODEV" "$(jq -r .error <<<"$bad")" "unknown fs type" &&
	[ "$(jq -r .delta_raw <<<"$m")" -gt 0 ] || fail "delta_raw: $m"
}

# The columns: IG's defaults, and a hostile target escaped.
test_mount_columns_escape() {
	local d
	d=$(printf '%s/m\033[2J' "$TMP")
	mkdir -p "$d"
	ig_start "$TMP/out" run trace_mount --host --comm mount || return 1
	mount -t tmpfs none "$d" || return 1
	wait_for_line "$TMP/out" 'tmpfs'
	ig_stop
	umount "$d"
	if grep -q $'\033' "$TMP/out"; then fail "raw ESC in columns output"; return 1; fi
	assert_contains "$(head -1 "$TMP/out")" "COMM" "header" &&
	assert_eq "RUNTIME.CONTAINERNAME COMM PID TID DELTA FLAGS CALL ERROR" \
		"$(head -1 "$TMP/out" | tr -s ' ' | sed 's/ $//')" "default columns" &&
	assert_contains "$(cat "$TMP/out")" 'm\x1b[2J", "tmpfs", 0' "escaped call (the column is cut after)"
}
