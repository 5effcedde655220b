#!/bin/bash
# Run every integration test function; print "N passed, N failed" last.
# TESTS=pattern runs only matching test functions.
set -u
cd "$(dirname "$0")/../.." || exit 1
export IG=${IG:-$PWD/ig}
. tests/integration/lib.sh

# Run under "flock /tmp/ig-integration.lock", we inherit the lock's
# descriptor (3): a test's own "exec 3<>..." would then open on 4, and a
# daemon a test starts would hold the lock. flock keeps the lock itself.
for fd in /proc/$$/fd/*; do
	fd=${fd##*/}
	[ "$fd" -gt 2 ] 2>/dev/null && eval "exec $fd>&-"
done

passed=0 failed=0 failures=()
for file in tests/integration/test_*.sh; do
	# shellcheck disable=SC1090
	tests=$(bash -c ". tests/integration/lib.sh; . $file; declare -F" | awk '{print $3}' | grep '^test_')
	for t in $tests; do
		[[ -n "${TESTS:-}" && ! "$t" =~ ${TESTS} ]] && continue
		start=$(date +%s%N)
		tmp=$(mktemp -d /tmp/ig-test.XXXXXX)
		out=$(TMP=$tmp bash -c "set -o pipefail; . tests/integration/lib.sh; . $file; $t" 2>&1)
		rc=$?
		# A test that failed before ig_stop must not leave a tracer behind.
		[ -f "$tmp/.ig-pids" ] && xargs -r kill -INT <"$tmp/.ig-pids" 2>/dev/null
		rm -rf "$tmp"
		ms=$(( ($(date +%s%N) - start) / 1000000 ))
		if [ $rc -eq 0 ]; then
			passed=$((passed + 1)); echo "  ok   $t (${ms} ms)"
		else
			failed=$((failed + 1)); failures+=("$t"); echo "  FAIL $t (${ms} ms)"
			printf '%s\n' "$out" | tail -n 30 | sed 's/^/       /'
		fi
	done
done
[ ${#failures[@]} -gt 0 ] && echo "integration failures: ${failures[*]}"
echo "integration: $passed passed, $failed failed"
[ $failed -eq 0 ]
