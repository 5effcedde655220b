# shellcheck shell=bash
# trace_dns's Prometheus metrics in ig daemon (issue 15): Debian's dnsmasq
# answers in a named container's network namespace (loopback only), busybox
# nslookup asks from inside it, and /metrics must show the latency
# histogram and the rcode counters grow by exactly the responses the
# export holds for that container, plus the unanswered query as a timeout.
. tests/lib/engines.sh

# _metric PORT SERIES: the value of one exact series on /metrics, 0 when
# it is not there yet.
_metric() {
	curl -sf "http://127.0.0.1:$1/metrics" |
		awk -v s="$2" 'index($0, s " ") == 1 { v = $2 } END { print v == "" ? 0 : v }'
}

# _responses EXPORT NAME RCODE: the export's responses for container NAME
# with this rcode (as the rcode column says it).
_responses() {
	jq -c --arg n "$2" --arg r "$3" \
		'select(.gadget == "trace_dns" and .qr == "R" and .runtime.containerName == $n and .rcode == $r)' \
		"$1" | wc -l
}

_dns_metrics_ready() { # port name ok nx timeouts: the counters reached these
	[ "$(_metric "$1" "ig_dns_responses_total{container=\"$2\",rcode=\"NOERROR\"}")" -ge "$3" ] &&
	[ "$(_metric "$1" "ig_dns_responses_total{container=\"$2\",rcode=\"NXDOMAIN\"}")" -ge "$4" ] &&
	[ "$(_metric "$1" "ig_dns_timeouts_total{container=\"$2\"}")" -ge "$5" ]
}

test_fleet_dns_metrics_latency_histogram_and_rcodes() {
	local n=igdnsm-$$ port pid netns exp=$TMP/events.jsonl ok nx to cnt inf sum i
	local deadline
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	docker rm -f "$n" >/dev/null 2>&1
	# shellcheck disable=SC2064
	trap "kill \$DNSMASQ_PID 2>/dev/null; docker rm -f $n >/dev/null 2>&1" EXIT
	docker run -d --network none --name "$n" busybox sleep 600 >/dev/null || { fail "docker run"; return 1; }
	pid=$(docker inspect -f '{{.State.Pid}}' "$n")
	netns=$(stat -L -c %i "/proc/$pid/ns/net")
	_dnsmasq "/proc/$pid/ns/net" || return 1
	port=$(_free_port)
	printf 'gadgets:\n  trace_dns: {query-timeout: 0.5}\n' >"$TMP/ig.yaml"
	"$IG" daemon --config "$TMP/ig.yaml" --socket "$TMP/s/ig.sock" --export-file "$exp" \
		--metrics-listen "127.0.0.1:$port" -v >"$TMP/err.out" 2>"$TMP/err" &
	IG_PID=$!
	echo "$IG_PID" >>"$TMP/.ig-pids"
	_wait_line "$TMP/err" "listening on" 30 || { tail -5 "$TMP/err" >&2; fail "the daemon did not start"; return 1; }
	# The daemon's tick attaches the packet filter in the container's
	# namespace, as ig run's loop does.
	_wait_line "$TMP/err" "packet filter attached in network namespace $netns" 30 ||
		{ tail -5 "$TMP/err" >&2; fail "no packet filter in the container's namespace"; return 1; }
	# nslookup asks A and AAAA: 3 x 2 NOERROR, 2 x 2 NXDOMAIN; then one
	# query to where nothing listens, which only times out.
	for i in 1 2 3; do
		docker exec "$n" nslookup foo.test 127.0.0.1 >/dev/null 2>&1
	done
	for i in 1 2; do
		docker exec "$n" nslookup "a$i.nx.test" 127.0.0.1 >/dev/null 2>&1
	done
	docker exec "$n" nslookup nobody.test 127.0.0.2 >/dev/null 2>&1
	deadline=$((SECONDS + 20))
	until _dns_metrics_ready "$port" "$n" 6 4 1; do
		[ $SECONDS -ge $deadline ] && break
		sleep 0.2
	done
	curl -sf "http://127.0.0.1:$port/metrics" >"$TMP/metrics.txt"
	kill -TERM "$IG_PID"; wait "$IG_PID"
	assert_eq 0 "$?" "the daemon's exit code" || return 1
	grep -E "^ig_dns_|^# TYPE ig_dns" "$TMP/metrics.txt" | grep -F -e "$n" -e TYPE >&2
	ok=$(_metric_in "$TMP/metrics.txt" "ig_dns_responses_total{container=\"$n\",rcode=\"NOERROR\"}")
	nx=$(_metric_in "$TMP/metrics.txt" "ig_dns_responses_total{container=\"$n\",rcode=\"NXDOMAIN\"}")
	to=$(_metric_in "$TMP/metrics.txt" "ig_dns_timeouts_total{container=\"$n\"}")
	cnt=$(_metric_in "$TMP/metrics.txt" "ig_dns_latency_seconds_count{container=\"$n\"}")
	inf=$(_metric_in "$TMP/metrics.txt" "ig_dns_latency_seconds_bucket{container=\"$n\",le=\"+Inf\"}")
	sum=$(_metric_in "$TMP/metrics.txt" "ig_dns_latency_seconds_sum{container=\"$n\"}")
	grep -q '^# TYPE ig_dns_latency_seconds histogram$' "$TMP/metrics.txt" || { fail "no histogram TYPE line"; return 1; }
	# Exactly what was asked, and what the export shows.
	assert_eq 6 "$ok" "NOERROR responses" &&
	assert_eq 6 "$(_responses "$exp" "$n" Success)" "NOERROR responses in the export" &&
	assert_eq 4 "$nx" "NXDOMAIN responses" &&
	assert_eq 4 "$(_responses "$exp" "$n" NameError)" "NXDOMAIN responses in the export" &&
	assert_eq 10 "$cnt" "latency observations (every response was paired)" &&
	assert_eq "$cnt" "$inf" "the +Inf bucket is the count" || return 1
	[ "$to" -ge 1 ] || { fail "no timeout counted"; return 1; }
	assert_eq "$to" "$(jq -c --arg n "$n" 'select(.gadget == "trace_dns" and .timeout == true and .runtime.containerName == $n)' "$exp" | wc -l)" \
		"timeouts against the export" || return 1
	awk -v s="$sum" 'BEGIN { exit !(s > 0 && s < 10) }' || { fail "latency sum $sum"; return 1; }
	# Buckets are cumulative: never decreasing up to +Inf.
	grep -F "ig_dns_latency_seconds_bucket{container=\"$n\"" "$TMP/metrics.txt" |
		awk '{ if ($2 < last) bad = 1; last = $2 } END { exit bad }' || fail "buckets not cumulative"
}

_metric_in() { # file series
	awk -v s="$2" 'index($0, s " ") == 1 { v = $2 } END { print v == "" ? 0 : v }' "$1"
}
