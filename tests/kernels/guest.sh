#!/bin/sh
# The kernel-matrix suite, run by the guest's /init (busybox sh) on each
# kernel: every gadget and its main flags against real workloads, lean
# enough for a TCG guest. Ends with "N passed, N failed".
# Each check waits for its condition (ig attached, an event seen), with a
# deadline; none sleeps a fixed time.

PASS=0 FAIL=0
T=/tmp/suite
mkdir -p "$T"

pass() { PASS=$((PASS + 1)); echo "PASS: $1"; }

# fail NAME FILE...: say why, with the end of each file (where ig's error
# and the verifier's verdict are)
fail() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $1"
	shift
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "  --- $f"
		tail -n 25 "$f" | cut -c1-300 | sed 's/^/  | /'
	done
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s
wait_until() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		usleep 100000
		n=$((n - 1))
	done
	return 1
}

attached() { grep -q ": attached" "$1.err"; }
attached_or_gone() { attached "$1" || ! kill -0 "$IG_PID" 2>/dev/null; }
has() { grep -Eq -- "$2" "$1"; }

# ig_start OUT ARGS...: ig in the background until its programs are
# attached (BPF loads are slow under TCG: up to 90 s).
ig_start() {
	out=$1
	shift
	ig "$@" -v >"$out" 2>"$out.err" &
	IG_PID=$!
	wait_until 90 attached_or_gone "$out"
	attached "$out" && return 0
	kill -INT "$IG_PID" 2>/dev/null
	wait "$IG_PID"
	return 1
}

ig_stop() {
	kill -INT "$IG_PID" 2>/dev/null
	wait "$IG_PID"
}

# run_check NAME OUT WORKLOAD PATTERN... -- IG-ARGS...: start ig, run the
# workload, wait until the first pattern shows, stop; then every pattern
# must match a line (a pattern starting with ! must match none).
run_check() {
	name=$1 out=$T/$2 work=$3
	shift 3
	pats=
	while [ "$1" != "--" ]; do
		pats="$pats
$1"
		shift
	done
	shift
	if ! ig_start "$out" "$@"; then
		fail "$name: ig did not attach" "$out.err"
		return
	fi
	sh -c "$work" >"$out.work" 2>&1
	first=$(echo "$pats" | sed -n 2p)
	wait_until 20 has "$out" "$first"
	ig_stop
	echo "$pats" | while read -r p; do
		[ -n "$p" ] || continue
		case "$p" in
		!*) if has "$out" "${p#!}"; then echo "unexpected '${p#!}'"; fi ;;
		*) if ! has "$out" "$p"; then echo "missing '$p'"; fi ;;
		esac
	done >"$out.why"
	if [ -s "$out.why" ]; then
		fail "$name: $(head -1 "$out.why")" "$out" "$out.err" "$out.work"
	else
		pass "$name"
	fi
}

# ---- a runc-style container: its own mount namespace and runc state ------

# The container runs each line written to its fifo; ig knows it from
# /run/runc/<id>/state.json, as a container started by "runc run".
container_start() {
	mkfifo /tmp/ct.fifo
	unshare -m sh -c 'while read -r cmd </tmp/ct.fifo; do eval "$cmd"; done' >/dev/null 2>&1 &
	CT_PID=$!
	mkdir -p /run/runc/igct
	echo "{\"id\":\"igct\",\"init_process_pid\":$CT_PID}" >/run/runc/igct/state.json
}

# ct_run CMD: run CMD in the container and wait for it to finish.
ct_run() {
	rm -f /tmp/ct.done
	echo "$*; touch /tmp/ct.done" >/tmp/ct.fifo
	wait_until 20 test -e /tmp/ct.done
}

# ---- the checks -----------------------------------------------------------

suite() {
	mkdir -p /tmp/work /etc/ig
	echo target >/etc/ig/target
	ln -s /etc/ig/target /tmp/work/link
	cd /tmp/work || return

	run_check "trace_exec --paths" exec.json \
		'/bin/echo ig-exec-marker' \
		'"args":"/bin/echo ig-exec-marker".*"cwd":"/tmp/work"' \
		-- run trace_exec --host --paths -o json
	run_check "trace_exec failed exec (argv through bpf_loop)" exec-failed.json \
		'/nonexistent-ig a1 a2; true' \
		'"args":"/nonexistent-ig a1 a2".*"error":"ENOENT"' \
		-- run trace_exec --host --ignore-failed=false -o json
	run_check "trace_open --paths (symlink, relative name)" open.json \
		'cat /tmp/work/link; cat missing-rel; true' \
		'"fname":"missing-rel",.*"fpath":"/tmp/work/missing-rel"' \
		'"fname":"/tmp/work/link",.*"fpath":"/etc/ig/target"' \
		-- run trace_open --host --paths --comm cat -o json
	run_check "trace_open --failed" open-failed.json \
		'cat /etc/ig/target; cat /nonexistent-open; true' \
		'"fname":"/nonexistent-open"' \
		'!"fname":"/etc/ig/target"' \
		-- run trace_open --host --failed --comm cat -o json
	run_check "trace_tcp IPv4 loopback" tcp4.txt \
		'guest_helper tcp 127.0.0.1' \
		'^close +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +guest_helper' \
		'^connect +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +guest_helper' \
		'^accept +127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:[0-9]+ +guest_helper' \
		-- run trace_tcp --host --fields type,src,dst,comm
	run_check "trace_tcp IPv6 loopback" tcp6.txt \
		'guest_helper tcp ::1' \
		'^close +\[::1\]:[0-9]+ +\[::1\]:[0-9]+ +guest_helper' \
		'^connect +\[::1\]:[0-9]+ +\[::1\]:[0-9]+ +guest_helper' \
		'^accept +\[::1\]:[0-9]+ +\[::1\]:[0-9]+ +guest_helper' \
		-- run trace_tcp --host --fields type,src,dst,comm
	run_check "ttysnoop write and writev on a pty" tty.txt \
		'guest_helper pty ig-pty' \
		'guest_helper .* ig-pty-v\\n$' \
		'guest_helper .* ig-pty-w\\n$' \
		-- run ttysnoop --host

	net_checks
	dns_check
	sni_check
	trace_process_check
	clear_error_check
	trace_signal_check
	trace_mount_check
	trace_oomkill_check
	snapshot_process_check
	audit_seccomp_check

	container_start
	# -c: the container's exec is shown, the host's is not.
	run_check "trace_exec -c (runc-style container)" exec-ct.txt \
		'/bin/echo ig-host-exec; echo "/bin/echo ig-ct-exec; touch /tmp/ct.done" >/tmp/ct.fifo' \
		'^igct +.*ig-ct-exec' \
		'!ig-host-exec' \
		-- run trace_exec -c igct --fields containername,comm,args
	traceloop_check
	advise_seccomp_check
	kill "$CT_PID" 2>/dev/null
	top_file_check
	blockio_checks
	profile_cpu_check
	run_check "trace_capabilities (kprobe cap_capable)" caps.txt \
		'chroot / true' \
		'chroot .* 18 +CAP_SYS_CHROOT +1 +Allow' \
		-- run trace_capabilities --host --comm chroot
	# dd, not cat: busybox's cat copies with sendfile, not vfs_read.
	run_check "trace_fsslower --min 0 (kprobes on vfs_*)" fsslower.json \
		'dd if=/etc/ig/target of=/dev/null 2>/dev/null' \
		'"bytes":7,.*"file":"target",.*"op":"R"' \
		'"file":"target",.*"op":"O"' \
		-- run trace_fsslower --host --comm dd --min 0 -o json
}

# advise_seccomp prints its profile when it stops: wait for the container's
# command, then look for the syscall only that command made.
advise_seccomp_check() {
	out=$T/advise.json
	if ! ig_start "$out" run advise_seccomp -c igct; then
		fail "advise_seccomp -c: ig did not attach" "$out.err"
		return
	fi
	ct_run 'mkdir /tmp/ig-adv-dir; rmdir /tmp/ig-adv-dir'
	ig_stop
	if has "$out" '"SCMP_ACT_ERRNO"' && has "$out" '^ +"mkdir",?$'; then
		pass "advise_seccomp -c (runc-style container)"
	else
		fail "advise_seccomp -c: no profile allowing mkdir" "$out" "$out.err"
	fi
}

# 64 writes of 4 KiB by dd, counted in one interval's array.
top_file_check() {
	run_check "top_file (sys_exit_write, fd to file)" top_file.json \
		'dd if=/dev/zero of=/tmp/ig-tf bs=4096 count=64 2>/dev/null' \
		'"file":"ig-tf".*"wbytes":262144,"writes":64' \
		-- run top_file --host --comm dd -o json --interval 0.5
}

# The guest has no block device: the block gadgets must load, attach and
# print their (empty) tables.
blockio_checks() {
	for g in top_blockio profile_blockio; do
		out=$T/$g.txt
		ig run "$g" --host --timeout 1 >"$out" 2>"$out.err"
		rc=$?
		if [ $rc -eq 0 ] && has "$out" '(MAJOR MINOR|MIN_US)'; then
			pass "$g loads (no block device to do I/O on)"
		else
			fail "$g: exit $rc" "$out" "$out.err"
		fi
	done
}

# dd from /dev/zero spends its time in the kernel: kallsyms names it.
profile_cpu_check() {
	out=$T/profile_cpu.txt
	if ! ig_start "$out" run profile_cpu --host --comm dd --kernel-stacks-only --folded; then
		fail "profile_cpu: ig did not attach" "$out.err"
		return
	fi
	# enough work for a few dozen samples even under TCG (5000 blocks gave
	# as few as 3, none of them in the read path, once in CI)
	dd if=/dev/zero of=/dev/null bs=64k count=40000 2>/dev/null
	ig_stop
	if has "$out" '^dd;.*(read|zero|clear_user).* [0-9]+$'; then
		pass "profile_cpu (perf event, kernel stacks from kallsyms)"
	else
		fail "profile_cpu: no kernel stack of dd" "$out" "$out.err"
	fi
}

# trace_dns: the socket filter in this namespace sees busybox nslookup's
# query to 127.0.0.1 (nothing listens: no response), and the query is
# reported again once --query-timeout has passed.
# nslookup is named by the cgroup hooks where cgroup v2's root is mounted,
# else (and with IG_DNS_FALLBACK) by the syscall tracepoints.
dns_check() {
	run_check "trace_dns query and its timeout (socket filter)" dns.json \
		'nslookup -type=A ig-dns.test 127.0.0.1; true' \
		'"name":"ig-dns\.test".*"rcode":"Timeout"' \
		'"name":"ig-dns\.test".*"comm":"nslookup".*"qr":"Q".*"timeout":false' \
		-- run trace_dns --host --query-timeout 0.5 -o json
	want="the syscall tracepoints"
	for m in $(awk '$3 == "cgroup2" { print $2 }' /proc/mounts); do
		[ "$(stat -c %i "$m")" = 1 ] && want="cgroup hooks on the root cgroup"
	done
	if grep -q "packet owners from $want" "$T/dns.json.err"; then
		pass "trace_dns packet owners from $want"
	else
		fail "trace_dns: not 'packet owners from $want'" "$T/dns.json.err"
	fi
	export IG_DNS_FALLBACK=1
	run_check "trace_dns query, owners from the syscall tracepoints (IG_DNS_FALLBACK)" dns-fb.json \
		'nslookup -type=A ig-dns.test 127.0.0.1; true' \
		'"name":"ig-dns\.test".*"comm":"nslookup".*"qr":"Q".*"timeout":false' \
		-- run trace_dns --host --query-timeout 0 -o json
	unset IG_DNS_FALLBACK
}

# trace_sni: busybox's ssl_client sends a ClientHello naming ig-sni.test to
# a plain nc listener on loopback (which never answers: timeout ends it).
sni_check() {
	run_check "trace_sni ClientHello (socket filter)" sni.txt \
		'nc -l -p 8443 >/dev/null </dev/null & l=$!; i=0
		 until netstat -ltn | grep -q ":8443 " || [ $i -gt 50 ]; do usleep 100000; i=$((i+1)); done
		 timeout 3 nc 127.0.0.1 8443 -e ssl_client -s 0 -n ig-sni.test </dev/null; kill $l; true' \
		'(nc|busybox) +[0-9]+ +[0-9]+ +ig-sni\.test$' \
		-- run trace_sni --host
}

# trace_process: one process's exec and exit (tracepoints and tp_btf), and a
# policy killing from the tracepoint program (bpf_get_attach_cookie and
# bpf_send_signal): cat dies by SIGKILL, and the stream says so.
trace_process_check() {
	run_check "trace_process exec and exit" proc.json \
		'/bin/echo ig-proc-marker' \
		'"args":"ig-proc-marker".*"event":"exit".*"status":"0"' \
		'"args":"ig-proc-marker".*"event":"exec"' \
		-- run trace_process --host -o json
	out=$T/policy.json
	printf '%s\n' 'apiVersion: cilium.io/v1alpha1' 'kind: TracingPolicy' \
		'metadata: {name: kill-me}' 'spec:' '  tracepoints:' \
		'  - {subsystem: syscalls, event: sys_enter_openat, args: [{index: 6, type: string}],' \
		'     selectors: [{matchArgs: [{index: 0, operator: Equal, values: [/tmp/ig-kill-me]}],' \
		'                  matchActions: [{action: Sigkill}]}]}' >/tmp/kill.yaml
	# a second policy on the same tracepoint: one attachment walks both
	sed 's/kill-me/kill-two/g' /tmp/kill.yaml >/tmp/kill2.yaml
	echo x >/tmp/ig-kill-me
	echo x >/tmp/ig-kill-two
	if ! ig_start "$out" run trace_process --host -o json --policy /tmp/kill.yaml --policy /tmp/kill2.yaml; then
		fail "trace_process --policy: ig did not attach" "$out.err"
		return
	fi
	sh -c '/bin/cat /tmp/ig-kill-me' >"$out.work" 2>&1
	echo "rc=$?" >>"$out.work"
	sh -c '/bin/cat /tmp/ig-kill-two' >>"$out.work" 2>&1
	echo "rc2=$?" >>"$out.work"
	wait_until 20 has "$out" '"policy":"kill-two"'
	ig_stop
	if grep -q 'rc=137' "$out.work" && grep -q 'rc2=137' "$out.work" &&
		has "$out" '"action":"Sigkill".*"event":"match".*"policy":"kill-me"' &&
		has "$out" '"action":"Sigkill".*"event":"match".*"policy":"kill-two"' &&
		has "$out" '"event":"exit".*"signal":"SIGKILL"'; then
		pass "trace_process --policy Sigkill"
	else
		fail "trace_process --policy Sigkill" "$out" "$out.err" "$out.work"
	fi
}

# A kernel without a required feature (pretended: IG_KERNEL_FEATURES_OFF)
# gets one line naming it and the kernel that has it, exit 1, no verifier log.
clear_error_check() {
	out=$T/clear-error
	IG_KERNEL_FEATURES_OFF=bpf_loop ig run trace_open --paths >"$out" 2>"$out.err"
	rc=$?
	if [ $rc -eq 1 ] && [ "$(wc -l <"$out.err")" -eq 1 ] &&
		grep -q '^ig: trace_open needs the BPF helper bpf_loop (Linux >= 5.17); this kernel is ' "$out.err"; then
		pass "a missing feature: one clear line, exit 1"
	else
		fail "a missing feature: exit $rc" "$out.err"
	fi
}

# The network gadgets: one event each on loopback (trace_tcpretrans only
# loads: loopback alone cannot lose a segment without nftables or tc).
net_checks() {
	run_check "trace_bind IPv4 and IPv6" bind.txt \
		'guest_helper tcp 127.0.0.1; guest_helper tcp ::1' \
		'^\[::1\]:[0-9]+ +guest_helper +TCP' \
		'^127\.0\.0\.1:[0-9]+ +guest_helper +TCP' \
		-- trace bind --host --fields addr,comm,addr.proto
	run_check "trace_tcpconnect (latency)" tcpconnect.txt \
		'guest_helper tcp 127.0.0.1; guest_helper refused' \
		'^127\.0\.0\.1:[0-9]+ +guest_helper +[0-9]+ +ECONNREFUSED' \
		'^127\.0\.0\.1:[0-9]+ +guest_helper +[1-9][0-9]* *$' \
		-- trace tcpconnect --host --fields dst,comm,latency,error
	run_check "trace_tcpdrop (NO_SOCKET, reason names)" tcpdrop.txt \
		'guest_helper refused' \
		'^127\.0\.0\.1:[0-9]+ +SYN +SKB_DROP_REASON_NO_SOCKET' \
		-- trace tcpdrop --host --fields dst,tcpflags,reason
	run_check "top_tcp (sock_*_length or the syscall fallback)" top_tcp.json \
		'guest_helper tcp 127.0.0.1' \
		'"comm":"guest_helper".*"sent":[1-9]' \
		-- run top_tcp --host --interval 0.5 -o json
	snapshot_check
	out=$T/tcpretrans.txt
	if ig_start "$out" trace tcpretrans --host; then
		ig_stop
		pass "trace_tcpretrans loads"
	else
		fail "trace_tcpretrans: ig did not attach" "$out.err"
	fi
}

# snapshot_socket prints once and exits: a listener the workload leaves
# open, through the iterators and through /proc.
snapshot_check() {
	out=$T/snapshot.txt
	guest_helper listen 127.0.0.1 >"$out.port" &
	helper=$!
	wait_until 20 test -s "$out.port"
	port=$(cat "$out.port")
	for mode in iterators proc; do
		if [ $mode = proc ]; then
			IG_SNAPSHOT_SOCKET_PROC=1 ig run snapshot_socket --host >"$out" 2>"$out.err"
		else
			ig run snapshot_socket --host >"$out" 2>"$out.err"
		fi
		if has "$out" "^ +127\\.0\\.0\\.1:$port +0\\.0\\.0\\.0:0 +LISTEN"; then
			pass "snapshot_socket ($mode)"
		else
			fail "snapshot_socket ($mode): no listener on $port" "$out" "$out.err"
		fi
	done
	kill "$helper" 2>/dev/null
}

trace_signal_check() {
	run_check "trace_signal: a kill and a failed kill" signal.json \
		'sleep 30 & p=$!; kill -USR1 $p; kill -USR1 999999; true' \
		'"error":"ESRCH".*"sig":"SIGUSR1".*"tpid":999999' \
		'"error":"".*"result":"delivered".*"sig":"SIGUSR1"' \
		-- run trace_signal --host --kill-only -o json
}

trace_mount_check() {
	mkdir -p /tmp/igmnt
	run_check "trace_mount: tmpfs mount and umount" mount.json \
		'mount -t tmpfs igsrc /tmp/igmnt; umount /tmp/igmnt' \
		'"dest":"/tmp/igmnt",.*"op":"umount"' \
		'"dest":"/tmp/igmnt",.*"fs":"tmpfs",.*"op":"mount",.*"src":"igsrc"' \
		-- run trace_mount --host -o json
}

# A memory cgroup of 16 MiB and a tail that holds /dev/zero (no newline)
# until the OOM killer stops it. 6.1's mark_victim has only the pid: the
# victim's comm and pages come from its SIGKILL (tp_btf/signal_generate).
# The killer picks head or tail, whichever holds more.
trace_oomkill_check() {
	cg=/sys/fs/cgroup/igoom
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
	mkdir -p $cg && echo 16M >$cg/memory.max && echo 0 >$cg/memory.swap.max 2>/dev/null
	run_check "trace_oomkill: a memory cgroup's OOM kill" oom.json \
		"sh -c 'echo \$\$ >$cg/cgroup.procs; head -c 100m /dev/zero | tail >/dev/null'; true" \
		'"pages":[1-9][0-9]*,.*"tcomm":"(head|tail)"' \
		-- run trace_oomkill --host -o json
	rmdir $cg 2>/dev/null
}

# Both ways of listing: the task iterator, and /proc.
snapshot_process_check() {
	sleep 300 &
	sp=$!
	for how in iter_none iter_task; do
		out=$T/snapshot-$how.json
		IG_KERNEL_FEATURES_OFF=${how#iter_none} ig run snapshot_process --host --pid $sp -o json >"$out" 2>"$out.err"
		if has "$out" "\"comm\":\"sleep\".*\"pid\":$sp,"; then
			pass "snapshot_process, IG_KERNEL_FEATURES_OFF=${how#iter_none}"
		else
			fail "snapshot_process, IG_KERNEL_FEATURES_OFF=${how#iter_none}: no sleep $sp" "$out" "$out.err"
		fi
	done
	kill $sp
}

audit_seccomp_check() {
	run_check "audit_seccomp: kill, trap and kill-thread" seccomp.json \
		'guest_helper seccomp kill-thread; guest_helper seccomp trap; guest_helper seccomp kill; true' \
		'"code":"SECCOMP_RET_KILL".*"syscall":"getppid"' \
		'"code":"SECCOMP_RET_TRAP".*"syscall":"getppid"' \
		'"code":"SECCOMP_RET_KILL_THREAD".*"syscall":"getppid"' \
		-- run audit_seccomp --host -o json
}

# traceloop prints when it stops, so its check waits for the container's
# command instead of for a line of output.
traceloop_check() {
	out=$T/traceloop.txt
	if ! ig_start "$out" run traceloop -c igct; then
		fail "traceloop -c: ig did not attach" "$out.err"
		return
	fi
	ct_run 'cat /nonexistent-traceloop 2>/dev/null'
	ig_stop
	if has "$out" 'openat\(.*"/nonexistent-traceloop".*ENOENT'; then
		pass "traceloop -c (runc-style container)"
	else
		fail "traceloop -c: no openat of /nonexistent-traceloop" "$out" "$out.err"
	fi
}

start=$(date +%s)
# Which fast paths this kernel has (ig -v says what it probed).
ig run trace_exec --host -v -t 0.1 2>&1 >/dev/null | sed -n 's/^ig: kernel feature /feature: /p'
suite
echo "suite took $(($(date +%s) - start)) s"
echo "$PASS passed, $FAIL failed"
