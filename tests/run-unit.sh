#!/bin/bash
# Run cmocka unit test binaries; print "unit: N passed, N failed".
set -u
passed=0 failed=0
for bin in "$@"; do
	out=$("$bin" 2>&1); rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed
	[ $rc -ne 0 ] && printf '%s\n' "$out" | grep -v '^\[ \+OK \+\]\|^\[ RUN' | sed 's/^/       /'
	echo "  $(basename "$bin"): $p passed, $f failed"
	passed=$((passed + p)); failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ $failed -eq 0 ]
