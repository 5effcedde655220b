# shellcheck shell=bash
# Helpers for integration tests. Each tests/integration/test_*.sh file defines
# functions named test_*; run.sh runs each in its own subshell, as root,
# against the real ./ig. A test fails by returning non-zero (use the
# assertions below, which say what went wrong on stderr).

IG=${IG:-$PWD/ig}
TMP=${TMP:-$(mktemp -d /tmp/ig-test.XXXXXX)}

fail() { echo "    FAIL: $*" >&2; return 1; }

assert_eq() { # expected actual what
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_contains() { # haystack needle what
	case "$1" in *"$2"*) return 0 ;; esac
	fail "$3: '$2' not found in: $(printf '%s' "$1" | head -c 2000)"
}

assert_not_contains() {
	case "$1" in *"$2"*) fail "$3: '$2' should not appear" ;; esac
	return 0
}

# ig_start OUT ARGS...: run ig in the background, writing stdout to OUT and
# stderr to OUT.err; waits until the programs are attached.
ig_start() {
	local out=$1; shift
	"$IG" "$@" -v >"$out" 2>"$out.err" &
	IG_PID=$!
	echo "$IG_PID" >>"$TMP/.ig-pids"   # run.sh stops what a failed test left
	local i
	for i in $(seq 1 100); do
		grep -q ": attached" "$out.err" 2>/dev/null && return 0
		kill -0 "$IG_PID" 2>/dev/null || { cat "$out.err" >&2; fail "ig exited early"; return 1; }
		sleep 0.05
	done
	fail "ig did not attach within 5s"
}

# ig_stop: SIGINT, and wait (ig drains what is left).
ig_stop() {
	kill -INT "$IG_PID" 2>/dev/null
	wait "$IG_PID"
}

# json_select FILE JQ-FILTER: the JSON events matching a jq select expression.
json_select() {
	jq -c "select($2)" "$1"
}

# yaml_doc FILE LINE: the YAML document ("---" up to the next one) that has
# LINE as one of its lines, exactly.
yaml_doc() {
	WANT=$2 awk '
		$0 == "---" { if (found) exit; doc = $0; next }
		{ doc = doc "\n" $0; if ($0 == ENVIRON["WANT"]) found = 1 }
		END { if (found) print doc }' "$1"
}

# wait_for_line FILE PATTERN: wait (up to 5 s) until FILE has a line
# matching the grep -E PATTERN.
wait_for_line() {
	local i
	for i in $(seq 1 100); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	fail "no line matching '$2' in $1: $(head -c 1500 "$1")"
}

# wait_json FILE JQ-FILTER [SECONDS]: wait (default 10 s) until FILE has a
# JSON event matching the jq select expression; prints it.
wait_json() {
	local i ev
	for i in $(seq 1 $(( ${3:-10} * 20 ))); do
		ev=$(jq -c "select($2)" "$1" 2>/dev/null | head -1)
		[ -n "$ev" ] && { echo "$ev"; return 0; }
		sleep 0.05
	done
	fail "no event matching '$2' in $1: $(head -c 1500 "$1")"
}
# wait_json_all JQ-FILTER...: until $TMP/out has an event matching each
# filter; stops ig (ig_stop) and fails if one does not come.
wait_json_all() {
	local f
	for f in "$@"; do
		wait_json "$TMP/out" "$f" >/dev/null || { ig_stop; return 1; }
	done
}
# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1)); shift
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

# json_count FILE JQ-FILTER: how many JSON events match.
json_count() { jq -c "select($2)" "$1" 2>/dev/null | wc -l; }
json_has() { [ "$(json_count "$1" "$2")" -ge "${3:-1}" ]; }

# _dnsmasq NSPATH [ADDR]: dnsmasq on ADDR:53 (default 127.0.0.1) in the
# network namespace at NSPATH, answering foo.test (A and AAAA), NXDOMAIN
# for nx.test, REFUSED for the rest. Waits for its port; stopped when the
# test ends.
_dnsmasq() {
	local i addr=${2:-127.0.0.1}
	nsenter --net="$1" dnsmasq --conf-file=/dev/null --keep-in-foreground --no-resolv \
		--no-hosts --listen-address="$addr" --bind-interfaces --user=root \
		--address=/foo.test/10.1.2.3 --address=/foo.test/fd00::5 --address=/nx.test/ \
		--pid-file= >"$TMP/dnsmasq.log" 2>&1 &
	DNSMASQ_PID=$!
	for i in $(seq 1 100); do
		nsenter --net="$1" ss -lun 2>/dev/null | grep -qF "$addr:53 " && return 0
		kill -0 "$DNSMASQ_PID" 2>/dev/null || break
		sleep 0.05
	done
	fail "dnsmasq did not start: $(cat "$TMP/dnsmasq.log")"
}

# A free loopback port.
_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# tp_policy FILE NAME MATCH-OP VALUE: a policy killing whoever opens VALUE.
tp_policy() {
	cat >"$1" <<YAML
apiVersion: cilium.io/v1alpha1
kind: TracingPolicy
metadata:
  name: $2
spec:
  tracepoints:
  - subsystem: syscalls
    event: sys_enter_openat
    args:
    - index: 6
      type: string
    selectors:
    - matchArgs:
      - index: 0
        operator: $3
        values:
        - "$4"
      matchActions:
      - action: Sigkill
YAML
}

# _daemon_start ERRFILE ARGS...: ig daemon in the background (its stdout to
# ERRFILE.out), until it says it is listening.
_daemon_start() {
	local err=$1; shift
	"$IG" daemon "$@" -v >"$err.out" 2>"$err" &
	IG_PID=$!
	echo "$IG_PID" >>"$TMP/.ig-pids"
	_wait_line "$err" "listening on" 30 || { tail -5 "$err" >&2; fail "the daemon did not start"; }
}

# _wait_line FILE TEXT SECONDS: until FILE has a line with TEXT.
_wait_line() {
	local deadline=$((SECONDS + $3))
	until grep -qF -- "$2" "$1" 2>/dev/null; do
		kill -0 "$IG_PID" 2>/dev/null || return 1
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.05
	done
}
