#!/bin/bash
# make check: unit tests, then integration tests; the summary line is last.
set -u
cd "$(dirname "$0")/.." || exit 1
unit_out=$(./tests/run-unit.sh "$@" 2>&1); unit_rc=$?
printf '%s\n' "$unit_out"
./tests/integration/run.sh 2>&1 | tee /tmp/ig-integration.log
int_rc=${PIPESTATUS[0]}
up=$(printf '%s\n' "$unit_out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed/\1 \2/p')
ip=$(sed -n 's/^integration: \([0-9]*\) passed, \([0-9]*\) failed/\1 \2/p' /tmp/ig-integration.log)
set -- ${up:-0 1} ${ip:-0 1}
echo "$(($1 + $3)) passed, $(($2 + $4)) failed"
[ $unit_rc -eq 0 ] && [ $int_rc -eq 0 ]
