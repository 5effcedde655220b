# shellcheck shell=bash
# Prometheus metrics (issue 15): Debian's real prometheus scrapes ig, and
# its HTTP API shows ig's exec counter grow after a burst of execs in a
# named Docker container.
. tests/lib/engines.sh

# A free loopback port.
_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# _prom_value PROMPORT QUERY: the value of an instant query's first sample,
# empty when there is none yet.
_prom_value() {
	curl -sf --get "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
		jq -r '.data.result[0].value[1] // empty'
}

# _wait_for SECONDS CMD...: until CMD succeeds.
_wait_for() {
	local deadline=$((SECONDS + $1)); shift
	until "$@"; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.2
	done
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
	_wait_for 60 _prom_at_least "$promport" 'up{job="ig"}' 1 ||
		{ tail -5 "$TMP/prom.log" >&2; kill "$prom"; docker rm -f "$name" >/dev/null; fail "prometheus never scraped ig"; return 1; }
	v0=$(_prom_value "$promport" "sum(ig_execs_total{container=\"$name\"}) or vector(0)")
	docker exec "$name" sh -c 'for i in $(seq 1 40); do /bin/true; done'
	_wait_for 30 _prom_at_least "$promport" "sum(ig_execs_total{container=\"$name\",result=\"ok\"})" $((${v0%.*} + 41))
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
