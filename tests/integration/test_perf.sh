# shellcheck shell=bash
# Behaviour under load: losses are counted and reported, never silent, and
# batching does not hold events back at low rates. No timing is asserted
# beyond generous bounds; `make bench` measures (docs/performance.md).

# perf_load COMM N: open+close /dev/null N times as fast as python can, in a
# process named COMM (set before the loop, so its startup opens are not
# counted by a --comm COMM filter).
perf_load() {
	python3 - "$1" "$2" <<'EOF'
import ctypes, os, sys
ctypes.CDLL(None).prctl(15, sys.argv[1].encode(), 0, 0, 0)   # PR_SET_NAME
for _ in range(int(sys.argv[2])):
    os.close(os.open("/dev/null", os.O_RDONLY))
EOF
}

# perf_load_stalled COMM N: perf_load while ig is stopped, so a small ring
# overflows however fast ig drains it once it runs again.
perf_load_stalled() {
	kill -STOP "$IG_PID"
	perf_load "$@"
	kill -CONT "$IG_PID"
}

test_perf_tiny_ring_losses_counted_and_reported() {
	local comm="igperf$RANDOM" n=100000
	ig_start "$TMP/out" run trace_open -o json --host --comm "$comm" --ring-size 4096 || return 1
	perf_load_stalled "$comm" "$n"
	# The running report (once a second), before the stop's final one.
	wait_for_line "$TMP/out.err" "the ring buffer was full; try a larger --ring-size" || { ig_stop; return 1; }
	ig_stop || fail "ig exited with $?" || return 1
	local events lost_sum lost_total final
	events=$(jq -c 'select(.fname == "/dev/null")' "$TMP/out" | wc -l)
	lost_sum=$(jq -s '[.[] | select(.type == "lost") | .count] | add // 0' "$TMP/out")
	lost_total=$(jq -s '[.[] | select(.type == "lost") | .total] | max // 0' "$TMP/out")
	[ "$lost_sum" -gt 0 ] || fail "a 4 KiB ring under $n opens lost nothing (events: $events)" || return 1
	# Each loss is reported once: the records add up to the running total.
	assert_eq "$lost_total" "$lost_sum" "sum of lost records vs their total" || return 1
	# Nothing vanished unaccounted: every open was shown or counted as lost.
	assert_eq "$n" "$((events + lost_sum))" "events + lost" || return 1
	assert_contains "$(cat "$TMP/out.err")" "the ring buffer was full; try a larger --ring-size" \
		"running report on stderr" || return 1
	final=$(sed -n 's/.*lost \([0-9]*\) events in total.*/\1/p; s/.*lost [0-9]* events (\([0-9]*\) in total).*/\1/p' \
		"$TMP/out.err" | tail -n 1)
	assert_eq "$lost_total" "$final" "last total on stderr"
}

test_perf_lost_record_shape() {
	local comm="igperf$RANDOM"
	ig_start "$TMP/out" run trace_open -o json --host --comm "$comm" --ring-size 4096 || return 1
	perf_load_stalled "$comm" 100000
	ig_stop
	local rec
	rec=$(jq -c 'select(.type == "lost")' "$TMP/out" | head -n 1)
	[ -n "$rec" ] || fail "no lost record" || return 1
	assert_eq "count,timestamp,total,type" "$(jq -r 'keys | join(",")' <<<"$rec")" "keys" &&
	jq -e '(.count | type) == "number" and .count > 0 and .total >= .count' <<<"$rec" >/dev/null ||
		fail "lost record: $rec" || return 1
	jq -e '.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z$")' <<<"$rec" >/dev/null ||
		fail "timestamp: $rec"
}

# -o yaml: the same record, as a document of its own.
test_perf_lost_record_yaml() {
	local comm="igperf$RANDOM" doc
	local re=$'^---\ncount: [1-9][0-9]*\ntimestamp: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{9}Z"\ntotal: [1-9][0-9]*\ntype: "lost"$'
	ig_start "$TMP/out" run trace_open -o yaml --host --comm "$comm" --ring-size 4096 || return 1
	perf_load_stalled "$comm" 100000
	ig_stop
	doc=$(yaml_doc "$TMP/out" 'type: "lost"')
	[[ "$doc" =~ $re ]] || fail "lost document: '$doc' in $(grep -c '^---$' "$TMP/out") documents"
}

test_perf_lost_columns_on_stderr_only() {
	local comm="igperf$RANDOM"
	ig_start "$TMP/out" run trace_open --host --comm "$comm" --ring-size 4096 || return 1
	perf_load_stalled "$comm" 100000
	ig_stop
	grep -qE "lost [0-9]+ events" "$TMP/out.err" || fail "no loss report on stderr" || return 1
	assert_not_contains "$(cat "$TMP/out")" '"type"' "a JSON record in columns output" &&
	assert_contains "$(head -n 1 "$TMP/out")" "FNAME" "header"
}

# At a low rate an event must not wait for a batch to fill: it shows up
# while ig still runs, well before any stop drains it.
test_perf_low_rate_event_shows_while_running() {
	local f="/nonexistent-igperf/$RANDOM" i
	mkfifo "$TMP/pipe"
	"$IG" run trace_open -o json --host -v >"$TMP/pipe" 2>"$TMP/out.err" &
	IG_PID=$!
	cat "$TMP/pipe" >"$TMP/out" &
	wait_for_line "$TMP/out.err" ": attached" || { ig_stop; wait; return 1; }
	cat "$f" 2>/dev/null
	for i in $(seq 1 50); do
		grep -qF "\"fname\":\"$f\"" "$TMP/out" && break
		sleep 0.1
	done
	local shown=no
	grep -qF "\"fname\":\"$f\"" "$TMP/out" && kill -0 "$IG_PID" 2>/dev/null && shown=yes
	ig_stop
	wait
	assert_eq "yes" "$shown" "event on the pipe while ig runs"
}
