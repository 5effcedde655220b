# shellcheck shell=bash
# top_file: dd in a container writes and reads a file of known size; the
# counts of every interval add up to exactly what dd did.
. tests/lib/engines.sh

# tf_sum FILE NAME FIELD: FIELD of file NAME, summed over every interval.
tf_sum() {
	jq -s --arg f "$2" "[.[][] | select(.file == \$f) | .$3] | add // 0" "$1" 2>/dev/null
}

tf_done() { [ "$(tf_sum "$1" ig-tf-data rbytes)" = 1048576 ]; }

test_top_file_dd_in_container() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-tf-$RANDOM" i
	ig_start "$TMP/out" run top_file -c "$name" -o json --interval 0.2 || return 1
	# The container stays up until its rows were seen (one that exits
	# within the interval is test_top_file_container_exited_within_interval).
	docker run -d --name "$name" busybox sh -c \
		'dd if=/dev/zero of=/tmp/ig-tf-data bs=4096 count=256 2>/dev/null; dd if=/tmp/ig-tf-data of=/dev/null bs=4096 2>/dev/null; while :; do sleep 1; done' >/dev/null ||
		{ ig_stop; fail "docker run"; return 1; }
	for i in $(seq 1 100); do tf_done "$TMP/out" && break; sleep 0.1; done
	ig_stop
	docker rm -f "$name" >/dev/null
	jq -e . "$TMP/out" >/dev/null || fail "not JSON: $(head -c 300 "$TMP/out")" || return 1
	assert_eq 256 "$(tf_sum "$TMP/out" ig-tf-data writes)" "writes" &&
	assert_eq 1048576 "$(tf_sum "$TMP/out" ig-tf-data wbytes)" "wbytes" &&
	assert_eq 256 "$(tf_sum "$TMP/out" ig-tf-data reads)" "reads" &&
	assert_eq 1048576 "$(tf_sum "$TMP/out" ig-tf-data rbytes)" "rbytes" || return 1
	assert_eq "R dd $name" "$(jq -r '.[] | select(.file == "ig-tf-data") | "\(.t) \(.proc.comm) \(.runtime.containerName)"' "$TMP/out" | sort -u | head -1)" \
		"type, comm and container"
}

# -c NAME, and a container that starts and exits within one interval (and
# is removed, --rm): its rows are named when the interval ends, when its
# processes and its runtime state are gone; they must still be shown.
test_top_file_container_exited_within_interval() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	local name="ig-tfx-$RANDOM" i printed
	ig_start "$TMP/out" run top_file -c "$name" -o json --interval 4 || return 1
	# Just after an interval was printed, so that the container runs
	# (~1 s here) and exits within the next one.
	for i in $(seq 1 100); do [ -s "$TMP/out" ] && break; sleep 0.1; done
	printed=$(wc -l <"$TMP/out")
	docker run --rm --name "$name" busybox sh -c \
		'dd if=/dev/zero of=/tmp/ig-tfx-data bs=4096 count=64 2>/dev/null; dd if=/tmp/ig-tfx-data of=/dev/null bs=4096 2>/dev/null' >/dev/null ||
		{ ig_stop; fail "docker run"; return 1; }
	assert_eq "$printed" "$(wc -l <"$TMP/out")" "intervals printed while the container ran" || { ig_stop; return 1; }
	for i in $(seq 1 100); do
		[ "$(wc -l <"$TMP/out")" -gt "$printed" ] && break
		sleep 0.1
	done
	ig_stop
	jq -e . "$TMP/out" >/dev/null || fail "not JSON: $(head -c 300 "$TMP/out")" || return 1
	assert_eq 64 "$(tf_sum "$TMP/out" ig-tfx-data writes)" "writes" &&
	assert_eq 262144 "$(tf_sum "$TMP/out" ig-tfx-data wbytes)" "wbytes" &&
	assert_eq 64 "$(tf_sum "$TMP/out" ig-tfx-data reads)" "reads" &&
	assert_eq 262144 "$(tf_sum "$TMP/out" ig-tfx-data rbytes)" "rbytes" || return 1
	assert_eq "dd $name" "$(jq -r '.[] | select(.file == "ig-tfx-data") | "\(.proc.comm) \(.runtime.containerName)"' "$TMP/out" | sort -u)" \
		"comm and container"
}

# Columns: the header IG shows, sorted by reads.
test_top_file_columns_and_sort() {
	local i
	dd if=/dev/zero of="$TMP/tf-src" bs=4096 count=64 2>/dev/null
	ig_start "$TMP/out" run top_file --host --comm dd --interval 0.2 --sort -rbytes --max-entries 3 || return 1
	for i in $(seq 1 50); do
		dd if="$TMP/tf-src" of=/dev/null bs=4096 2>/dev/null
		grep -q "tf-src" "$TMP/out" && break
		sleep 0.1
	done
	ig_stop
	assert_contains "$(head -1 "$TMP/out")" "RUNTIME.CONTAINERNAME     PID  READS     RBYTES WRITES     WBYTES FILE" "header" &&
	assert_contains "$(cat "$TMP/out")" "tf-src" "the file read" &&
	grep -Eq '^ +[0-9]+ +64 +262144 +0 +0 tf-src +dd +R$' "$TMP/out" ||
		fail "no row of 64 reads of 262144 bytes: $(grep tf-src "$TMP/out" | head -3)"
}

test_top_file_usage_errors() {
	local err rc
	err=$("$IG" run top_file --sort nosuchfield 2>&1 >/dev/null)
	rc=$?
	assert_eq 2 "$rc" "exit code" &&
	assert_eq 'ig: --sort: unknown field "nosuchfield"' "$err" "message"
}
