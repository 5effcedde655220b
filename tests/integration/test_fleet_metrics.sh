# shellcheck shell=bash
# Prometheus metrics (issue 15): Debian's real prometheus scrapes ig, and
# its HTTP API shows ig's exec counter grow after a burst of execs in a
# named Docker container.
. tests/lib/engines.sh

# _prom_value PROMPORT QUERY: the value of an instant query's first sample,
# empty when there is none yet.
_prom_value() {
	curl -sf --get "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		jq -r '.data.result[0].value[1] // empty'
}

_prom_at_least() { # promport query n
	local v
	v=$(_prom_value "$1" "$2")
	[ -n "$v" ] && [ "${v%.*}" -ge "$3" ]
}

test_metrics_prometheus_scrapes_exec_counter() {
	local name=igprom-$$ igport promport v0
	command -v prometheus >/dev/null || apt-get install -y -qq prometheus >/dev/null ||
		{ fail "cannot install prometheus"; return 1; }
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	docker rm -f "$name" >/dev/null 2>&1
	docker run -d --name "$name" busybox sleep 600 >/dev/null || { fail "docker run"; return 1; }
	igport=$(_free_port); promport=$(_free_port)
	ig_start "$TMP/ig.json" run trace_exec -c "$name" -o json \
		--metrics-listen "127.0.0.1:$igport" || { docker rm -f "$name" >/dev/null; return 1; }
	cat >"$TMP/prometheus.yml" <<-YML
	global:
	  scrape_interval: 1s
	scrape_configs:
	  - job_name: ig
	    static_configs:
	      - targets: ['127.0.0.1:$igport']
	YML
	prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom" \
		--web.listen-address="127.0.0.1:$promport" >"$TMP/prom.log" 2>&1 &
	local prom=$!
	# Prometheus is up and has scraped ig once (up == 1), before the burst.
	wait_until 60 _prom_at_least "$promport" 'up{job="ig"}' 1 ||
		{ tail -5 "$TMP/prom.log" >&2; kill "$prom"; docker rm -f "$name" >/dev/null; fail "prometheus never scraped ig"; return 1; }
	v0=$(_prom_value "$promport" "sum(ig_execs_total{container=\"$name\"}) or vector(0)")
	docker exec "$name" sh -c 'for i in $(seq 1 40); do /bin/true; done'
	wait_until 30 _prom_at_least "$promport" "sum(ig_execs_total{container=\"$name\",result=\"ok\"})" $((${v0%.*} + 41))
	local rc=$? v1
	v1=$(_prom_value "$promport" "sum(ig_execs_total{container=\"$name\"})")
	echo "prometheus: ig_execs_total{container=\"$name\"} went from ${v0:-none} to ${v1:-none}" >&2
	kill "$prom"; wait "$prom" 2>/dev/null
	ig_stop
	docker rm -f "$name" >/dev/null
	[ $rc -eq 0 ] || { fail "the exec counter did not grow by 41 in Prometheus"; return 1; }
	# The same events are in ig's own output.
	[ "$(json_select "$TMP/ig.json" '.args == "/bin/true"' | wc -l)" -ge 40 ] ||
		fail "ig's output lacks the 40 execs"
}

test_metrics_listen_refuses_bad_address() {
	local out rc
	out=$("$IG" run trace_exec --host --metrics-listen nonsense -t 1 2>&1); rc=$?
	assert_eq 2 "$rc" "exit code" || return 1
	assert_contains "$out" "--metrics-listen" "the error"
}

# trace_dns's histogram through a real Prometheus: dnsmasq in a network
# namespace the test makes, python3 asks it from there (the host's
# container, ""), and Prometheus' API finds the NXDOMAIN counter and the
# latency histogram's count grown by the 8 answered queries, and computes
# a quantile from the buckets (it parsed them as a histogram).
test_metrics_prometheus_dns_histogram() {
	local ns=igpromdns-$$ igport promport dpid c0 n0 q
	command -v prometheus >/dev/null || apt-get install -y -qq prometheus >/dev/null ||
		{ fail "cannot install prometheus"; return 1; }
	ip netns add "$ns" || { fail "ip netns add"; return 1; }
	ip -n "$ns" link set lo up
	# shellcheck disable=SC2064
	trap "kill \$dpid \$prom 2>/dev/null; ip netns del $ns" EXIT
	ip netns exec "$ns" dnsmasq --conf-file=/dev/null --keep-in-foreground --no-resolv --no-hosts \
		--listen-address=127.0.0.1 --bind-interfaces --user=root --address=/nx.test/ --pid-file= \
		>"$TMP/dnsmasq.log" 2>&1 &
	dpid=$!
	wait_until 10 sh -c "ip netns exec $ns ss -lun | grep -q '127.0.0.1:53 '" || { fail "dnsmasq"; return 1; }
	igport=$(_free_port); promport=$(_free_port)
	"$IG" daemon --gadget 'trace_dns --host' --socket "$TMP/s/ig.sock" --export-file "$TMP/ig.json" \
		--metrics-listen "127.0.0.1:$igport" -v >/dev/null 2>"$TMP/ig.err" &
	echo $! >>"$TMP/.ig-pids"
	wait_until 30 grep -q "packet filter attached in network namespace $(stat -L -c %i "/run/netns/$ns")" "$TMP/ig.err" ||
		{ tail -5 "$TMP/ig.err" >&2; fail "trace_dns did not attach in the namespace"; return 1; }
	printf 'global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: ig\n    static_configs:\n      - targets: [%s]\n' \
		"'127.0.0.1:$igport'" >"$TMP/prometheus.yml"
	prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/prom" \
		--web.listen-address="127.0.0.1:$promport" >"$TMP/prom.log" 2>&1 &
	prom=$!
	wait_until 60 _prom_at_least "$promport" 'up{job="ig"}' 1 || { fail "prometheus never scraped ig"; return 1; }
	c0=$(_prom_value "$promport" 'sum(ig_dns_latency_seconds_count{container=""}) or vector(0)')
	n0=$(_prom_value "$promport" 'sum(ig_dns_responses_total{container="",rcode="NXDOMAIN"}) or vector(0)')
	# 8 A queries for names under nx.test, each answered NXDOMAIN.
	ip netns exec "$ns" python3 - <<-'PY' || { fail "the queries"; return 1; }
	import socket, struct
	for i in range(8):
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.settimeout(5)
	    name = b"".join(bytes([len(p)]) + p for p in (b"q%d" % i, b"nx", b"test")) + b"\0"
	    s.sendto(struct.pack(">HHHHHH", 0x4200 + i, 0x0100, 1, 0, 0, 0) + name + b"\0\1\0\1", ("127.0.0.1", 53))
	    assert s.recv(512)[3] & 0xf == 3   # NXDOMAIN
	PY
	wait_until 30 _prom_at_least "$promport" 'sum(ig_dns_latency_seconds_count{container=""})' $((${c0%.*} + 8)) ||
		{ fail "the histogram's count did not grow by 8 in Prometheus"; return 1; }
	wait_until 10 _prom_at_least "$promport" 'sum(ig_dns_responses_total{container="",rcode="NXDOMAIN"})' $((${n0%.*} + 8)) ||
		{ fail "the NXDOMAIN counter did not grow by 8 in Prometheus"; return 1; }
	q=$(_prom_value "$promport" 'histogram_quantile(0.5, sum by (le) (ig_dns_latency_seconds_bucket{container=""}))')
	echo "prometheus: dns count ${c0:-0} -> +8, median latency ${q:-none} s" >&2
	awk -v q="$q" 'BEGIN { exit !(q + 0 > 0 && q + 0 <= 5) }' || fail "histogram_quantile gave \"$q\""
}
