# shellcheck shell=bash
# top_blockio and profile_blockio: dd with O_DIRECT on a loop device the
# test makes, so every 4 KiB block is one request of known size.
. tests/lib/engines.sh

# bio_loop: a loop device over a file in $TMP, in $BIO_DEV (detach it
# with bio_unloop).
bio_loop() {
	truncate -s 8M "$TMP/disk.img" || return 1
	BIO_DEV=$(losetup -f --show "$TMP/disk.img") || fail "losetup" || return 1
	BIO_MINOR=$((0x$(stat -c %T "$BIO_DEV")))
}

bio_unloop() { losetup -d "$BIO_DEV"; }

# profile_blockio counts every request dd issues, on any device: a first
# dd pages dd itself in, so that the measured one reads nothing from disk.
bio_warm() { dd if=/dev/zero of="$BIO_DEV" bs=4096 count=1 oflag=direct 2>/dev/null; }

# bio_sum FILE FIELD RW: FIELD of dd's rows on the loop device, summed.
bio_sum() {
	jq -s --argjson m "$BIO_MINOR" --arg rw "$3" \
		"[.[][] | select(.major == 7 and .minor == \$m and .rw == \$rw and .proc.comm == \"dd\") | .$2] | add // 0" "$1" 2>/dev/null
}

test_top_blockio_dd_direct() {
	bio_loop || return 1
	local i
	ig_start "$TMP/out" run top_blockio --host --comm dd -o json --interval 0.2 || { bio_unloop; return 1; }
	dd if=/dev/zero of="$BIO_DEV" bs=4096 count=64 oflag=direct 2>/dev/null &&
	dd if="$BIO_DEV" of=/dev/null bs=4096 count=32 iflag=direct 2>/dev/null
	for i in $(seq 1 50); do [ "$(bio_sum "$TMP/out" io R)" = 32 ] && break; sleep 0.1; done
	ig_stop
	bio_unloop
	assert_eq 262144 "$(bio_sum "$TMP/out" bytes W)" "bytes written" &&
	assert_eq 64 "$(bio_sum "$TMP/out" io W)" "write requests" &&
	assert_eq 131072 "$(bio_sum "$TMP/out" bytes R)" "bytes read" &&
	assert_eq 32 "$(bio_sum "$TMP/out" io R)" "read requests" || return 1
	[ "$(bio_sum "$TMP/out" us W)" -gt 0 ] || fail "no time spent writing"
}

# -c NAME, and a container that writes to the loop device and exits (--rm)
# within one interval: its rows are named when the interval ends, when
# its processes and its runtime state are gone; they must still be shown.
test_top_blockio_container_exited_within_interval() {
	engines_setup >"$TMP/engines.log" 2>&1 || { cat "$TMP/engines.log" >&2; fail "engines_setup"; return 1; }
	bio_loop || return 1
	local name="ig-tbx-$RANDOM" i printed
	ig_start "$TMP/out" run top_blockio -c "$name" -o json --interval 4 || { bio_unloop; return 1; }
	# Just after an interval was printed, so that the container runs
	# (~1 s here) and exits within the next one.
	for i in $(seq 1 100); do [ -s "$TMP/out" ] && break; sleep 0.1; done
	printed=$(wc -l <"$TMP/out")
	docker run --rm --name "$name" --device "$BIO_DEV:/dev/ig-bio" busybox \
		dd if=/dev/zero of=/dev/ig-bio bs=4096 count=16 oflag=direct 2>/dev/null ||
		{ ig_stop; bio_unloop; fail "docker run"; return 1; }
	assert_eq "$printed" "$(wc -l <"$TMP/out")" "intervals printed while the container ran" || { ig_stop; bio_unloop; return 1; }
	for i in $(seq 1 100); do
		[ "$(wc -l <"$TMP/out")" -gt "$printed" ] && break
		sleep 0.1
	done
	ig_stop
	bio_unloop
	assert_eq 65536 "$(bio_sum "$TMP/out" bytes W)" "bytes written" &&
	assert_eq 16 "$(bio_sum "$TMP/out" io W)" "write requests" &&
	assert_eq "$name" "$(jq -r --argjson m "$BIO_MINOR" '.[] | select(.major == 7 and .minor == $m) | .runtime.containerName' "$TMP/out" | sort -u)" \
		"container"
}

test_top_blockio_columns() {
	bio_loop || return 1
	local i
	ig_start "$TMP/out" run top_blockio --host --comm dd --interval 0.2 || { bio_unloop; return 1; }
	for i in $(seq 1 30); do
		dd if=/dev/zero of="$BIO_DEV" bs=4096 count=16 oflag=direct 2>/dev/null
		grep -Eq "^ +[0-9]+ +7 +$BIO_MINOR dd +65536 +[0-9]+ +16 W$" "$TMP/out" && break
	done
	ig_stop
	bio_unloop
	assert_contains "$(head -1 "$TMP/out")" "RUNTIME.CONTAINERNAME     PID MAJOR MINOR COMM                  BYTES         US     IO RW" "header" &&
	grep -Eq "^ +[0-9]+ +7 +$BIO_MINOR dd +65536 +[0-9]+ +16 W$" "$TMP/out" ||
		fail "no row of 16 writes of 65536 bytes: $(grep ' dd ' "$TMP/out" | head -3)"
}

test_profile_blockio_histogram() {
	bio_loop || return 1
	bio_warm
	ig_start "$TMP/out" run profile_blockio --host --comm dd -o json || { bio_unloop; return 1; }
	dd if=/dev/zero of="$BIO_DEV" bs=4096 count=64 oflag=direct 2>/dev/null
	ig_stop
	bio_unloop
	jq -e . "$TMP/out" >/dev/null || fail "not JSON: $(head -c 300 "$TMP/out")" || return 1
	assert_eq 64 "$(jq '[.[].count] | add' "$TMP/out")" "requests in the histogram" &&
	assert_eq true "$(jq '[.[] | .max_us >= .min_us] | all' "$TMP/out")" "slot bounds" &&
	assert_eq 40 "$(jq -r '[.[].distribution | length] | max' "$TMP/out")" "the fullest slot's bar"
}

test_profile_blockio_columns_at_timeout() {
	bio_loop || return 1
	bio_warm
	ig_start "$TMP/out" run profile_blockio --host --comm dd --timeout 3 || { bio_unloop; return 1; }
	dd if=/dev/zero of="$BIO_DEV" bs=4096 count=8 oflag=direct 2>/dev/null
	wait "$IG_PID"
	bio_unloop
	assert_eq "    MIN_US     MAX_US    COUNT DISTRIBUTION" "$(head -1 "$TMP/out")" "header" &&
	assert_eq 8 "$(awk 'NR > 1 { s += $3 } END { print s }' "$TMP/out")" "requests"
}
