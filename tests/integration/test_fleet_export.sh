# shellcheck shell=bash
# The export file: JSON lines, mode 0600, rotated by size without losing or
# splitting a record (issue 15).

# _export_count FILE MARKER [MAX]: "EVENTS LOST ROTATED" over FILE and
# FILE.N, the events being our workload's (fname ends in MARKER); fails
# when a line is not one whole JSON record, a file is not mode 0600 or
# (MAX given) is larger than MAX bytes.
_export_count() {
	python3 - "$@" <<'PY' || fail "the export holds a broken record"
import glob, json, os, sys
path, marker = sys.argv[1], sys.argv[2]
most = int(sys.argv[3]) if len(sys.argv) > 3 else None
events = lost = 0
rotated = glob.glob(path + ".*")
for f in [path] + rotated:
    st = os.stat(f)
    if st.st_mode & 0o777 != 0o600:
        sys.exit(f"{f}: mode {st.st_mode & 0o777:o}, not 600")
    if most is not None and st.st_size > most:
        sys.exit(f"{f}: {st.st_size} bytes, past {most}")
    with open(f) as fh:
        for line in fh:
            r = json.loads(line)
            if r.get("type") == "lost":
                lost += r["count"]
            elif r.get("fname", "").endswith(marker):
                events += 1
print(events, lost, len(rotated))
PY
}

# _opens COMM FILE N: open FILE N times from a process called COMM.
_opens() {
	python3 -c '
import os, sys, ctypes
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)
for _ in range(int(sys.argv[3])):
    os.close(os.open(sys.argv[2], os.O_RDONLY))
' "$@" || fail "the open workload failed"
}

# A flood of opens across many rotations: every one is in the files, none
# split, and the rotated files are complete and root's alone.
test_export_rotation_flood_loses_nothing() {
	local exp=$TMP/export/ig.jsonl n=100000 got lost files
	mkdir -p "$TMP/export"
	: >"$TMP/export/floodmark"
	ig_start "$TMP/out" run trace_open --host --comm igflood --ring-size 67108864 \
		--export-file "$exp" --export-rotate-size 256k --export-keep 1000 || return 1
	_opens igflood "$TMP/export/floodmark" "$n" || return 1
	ig_stop
	# Rotation is at record ends: no file passes the rotate size.
	read -r got lost files < <(_export_count "$exp" floodmark $((256 * 1024))) || return 1
	echo "flood: $got events + $lost lost of $n opens, $files rotated files" >&2
	[ "$files" -ge 10 ] || fail "expected many rotations, got $files" || return 1
	assert_eq "$n" "$((got + lost))" "events + lost against the workload" || return 1
	assert_eq 0 "$lost" "lost events with a 64 MB ring" || return 1
}

# --export-keep drops the oldest; the newest events are in FILE.
test_export_keep_drops_oldest() {
	local exp=$TMP/keep.jsonl
	ig_start "$TMP/out" run trace_open --host --comm igkeep \
		--export-file "$exp" --export-rotate-size 4k --export-keep 2 || return 1
	: >"$TMP/keepmark"
	_opens igkeep "$TMP/keepmark" 400 || return 1
	ig_stop
	[ -f "$exp.1" ] && [ -f "$exp.2" ] || fail "FILE.1 and FILE.2 expected" || return 1
	[ ! -e "$exp.3" ] || fail "FILE.3 kept past --export-keep 2" || return 1
}

test_export_refuses_other_modes_and_symlinks() {
	local out rc
	out=$("$IG" run trace_open --export-file "$TMP/x" -o columns 2>&1); rc=$?
	assert_eq 2 "$rc" "exit code of -o columns with --export-file" || return 1
	assert_contains "$out" "JSON lines" "the error" || return 1
	ln -s /etc/passwd-not-there "$TMP/link"
	out=$("$IG" run trace_open --host --export-file "$TMP/link" -t 1 2>&1); rc=$?
	assert_eq 1 "$rc" "exit code of a symlinked export file" || return 1
	assert_contains "$out" "--export-file" "the error" || return 1
	[ ! -e /etc/passwd-not-there ] || fail "followed the symlink"
}
