# SPDX-License-Identifier: Apache-2.0
"""The workloads and tracers bench/run.py alternates: one scenario a
workload (bench/*_loop.c), with the command of each tracer, ig and its
peers, and the kernel fallbacks whose BPF time is measured apart."""
import os

SHORT = os.environ.get("BENCH_SHORT") == "1"


TCP_BT = r"""
tracepoint:sock:inet_sock_set_state
/args->protocol == IPPROTO_TCP/
{
	printf("%-6d %-16s %d -> %d %d\n", pid, comm, args->oldstate, args->newstate, args->sport);
}
"""

# An empty program on the tracepoints named: the floor of a hook.
EMPTY_BT = "tracepoint:%s { }"

# bench/policy-nomatch.yaml's selector, decided by bpftrace: the path read
# from user memory and compared with the policy's value.
POLICY_BT = r"""
tracepoint:syscalls:sys_enter_openat
/str(args->filename) == "/nonexistent/ig-bench-never-opened"/
{
	@matched = count();
}
"""


def scenarios(ig, bindir):
    """The workloads; their tracers are filtered later by what works."""
    b = lambda name: os.path.join(bindir, name)
    open_scn = dict(
        name="open", what="open+close of /dev/null",
        loop=[b("open_loop"), "-p", "/dev/null"],
        n=100_000 if SHORT else 1_000_000, gadget="trace_open",
        # What each tracer reports per operation.
        needles=("open_loop", "/dev/null"),
        tracers=[
            dict(name="ig", cmd=[ig, "run", "trace_open", "--host", "-o", "json"],
                 tps=["sys_exit_openat"], ig=True, per_op=1, fallbacks=True),
            dict(name="opensnoop", cmd=["opensnoop"], tps=["sys_exit_openat"],
                 tool="opensnoop", per_op=1),
            dict(name="bpftrace", cmd=["bpftrace", "/usr/sbin/opensnoop.bt"],
                 tps=["sys_exit_openat"], tool="bpftrace", per_op=1),
        ])
    return [
        open_scn,
        # --paths reads the opened file through ig_fd_file, the code whose
        # kernel fallbacks differ most.
        dict(open_scn, name="open_paths", what="open+close of /dev/null, trace_open --paths",
             tracers=[dict(open_scn["tracers"][0],
                           cmd=[ig, "run", "trace_open", "--host", "--paths", "-o", "json"])],
             peer_note="no peer: ig's --paths and its kernel fallbacks only"),
        dict(
            name="exec", what="fork+exec+wait of a small program",
            loop=[b("exec_loop"), "-p", b("bench_nop")],
            n=300 if SHORT else 10_000, gadget="trace_exec",
            needles=("bench_nop",), bpf_stats=True,
            tracers=[
                dict(name="ig", cmd=[ig, "run", "trace_exec", "--host", "-o", "json"],
                     tps=["sys_exit_execve"], ig=True, per_op=1),
                dict(name="execsnoop", cmd=["execsnoop"], tps=["sys_exit_execve"],
                     tool="execsnoop", per_op=1),
                dict(name="bpftrace", cmd=["bpftrace", "/usr/sbin/execsnoop.bt"],
                     tps=["sys_enter_execve"], tool="bpftrace", per_op=1),
            ]),
        dict(
            name="tcp", what="loopback TCP connect+accept+close",
            loop=[b("connect_loop")],
            n=5_000 if SHORT else 100_000, gadget="trace_tcp",
            needles=("connect_lo",),   # tcplife and bpftrace cut comm to 16/10
            tracers=[
                dict(name="ig", cmd=[ig, "run", "trace_tcp", "--host", "-o", "json"],
                     tps=["sys_exit_connect"], ig=True, per_op=4),
                dict(name="tcplife", cmd=["tcplife"], tps=["inet_sock_set_state"],
                     tool="tcplife", per_op=2,
                     note="tcplife reports closed connections (2 per op): the nearest "
                          "libbpf-tools tool that attaches here; tcpconnect/tcptracer need kprobes"),
                dict(name="bpftrace", cmd=["bpftrace", "-e", TCP_BT],
                     tps=["inet_sock_set_state"], tool="bpftrace", per_op=None,
                     note="bpftrace one-liner printing every TCP state change "
                          "(tcpconnect.bt needs kprobes)"),
            ]),
        dict(
            name="tty", what="16-byte write to a pty",
            loop=[b("tty_loop")],
            n=20_000 if SHORT else 500_000, gadget="ttysnoop",
            needles=("tty_loop",),
            tracers=[
                dict(name="ig", cmd=[ig, "run", "ttysnoop", "--host", "-o", "json"],
                     tps=["sys_enter_write"], ig=True, per_op=1, fallbacks=True),
            ],
            peer_note="no peer: libbpf-tools has no ttysnoop, and bpftrace's needs kprobes"),
        # trace_process on the same fork+exec+wait: exec, fork and exit
        # events, the process cache; RSS must stay flat however many
        # processes come and go.
        dict(
            name="process", what="fork+exec+wait of a small program, trace_process",
            loop=[b("exec_loop"), "-p", b("bench_nop")],
            n=300 if SHORT else 10_000, gadget="trace_process",
            needles=("bench_nop",), bpf_stats=True,
            tracers=[
                dict(name="ig", cmd=[ig, "run", "trace_process", "--host", "-o", "json"],
                     tps=["sched_process_exec"], ig=True, per_op=None),
                dict(name="execsnoop", cmd=["execsnoop"], tps=["sys_exit_execve"],
                     tool="execsnoop", per_op=1),
            ],
            peer_note="execsnoop as the nearest peer (it reports the exec only; trace_process "
                      "reports fork, exec and exit, with argv, cwd and the process cache); "
                      "Tetragon is not packaged for Debian"),
        # An active policy that matches nothing, on every openat: its cost
        # per hooked syscall (open+close of /dev/null).
        dict(open_scn, name="policy", what="open+close of /dev/null, trace_process --policy (no match)",
             gadget="trace_process", needles=("bench-never",),
             tracers=[dict(name="ig", cmd=[ig, "run", "trace_process", "--host", "-o", "json",
                                          "--policy", os.path.join(os.path.dirname(__file__),
                                                                   "policy-nomatch.yaml")],
                           tps=["sys_enter_openat"], ig=True, per_op=None, bpf_cost=True),
                      # The floors on the same hook: any program there, and
                      # the least one that decides this selector (a read of
                      # the path and a compare; bpftrace's own code).
                      dict(name="empty program", cmd=["bpftrace", "-e", EMPTY_BT % "syscalls:sys_enter_openat"],
                           tps=["sys_enter_openat"], tool="bpftrace", per_op=0, bpf_cost=True),
                      dict(name="path compare", cmd=["bpftrace", "-e", POLICY_BT],
                           tps=["sys_enter_openat"], tool="bpftrace", per_op=0, bpf_cost=True)],
             peer_note="no peer (Tetragon is not packaged for Debian); empty program: bpftrace's "
                       "`tracepoint:syscalls:sys_enter_openat { }`; path compare: bpftrace comparing "
                       "the path with the policy's value, the least program that decides it"),
        # ttysnoop's hook runs on every write in the system: what it costs
        # the writes it does not report.
        dict(
            name="write", what="1-byte write to /dev/null (not a tty)",
            loop=[b("write_loop"), "-p", "/dev/null"],
            n=100_000 if SHORT else 2_000_000, gadget="ttysnoop",
            needles=("write_loop",),
            tracers=[
                dict(name="ig", cmd=[ig, "run", "ttysnoop", "--host", "-o", "json"],
                     tps=["sys_enter_write"], ig=True, per_op=0, fallbacks=True),
            ],
            peer_note="ttysnoop on writes that do not go to a tty: what its hook costs every other write; no event is expected; no peer"),
        # top_tcp on a loopback connection: one op is a send and a recv, so
        # half its overhead is the cost per send or recv (goal: <= 150 ns).
        dict(
            name="tcp_rw", what="1-byte send+recv on a loopback TCP connection (top_tcp)",
            loop=[b("tcp_rw_loop")],
            n=50_000 if SHORT else 1_000_000, gadget="top_tcp",
            needles=("tcp_rw_loop",),
            tracers=[
                dict(name="ig", cmd=[ig, "run", "top_tcp", "--host", "-o", "json"],
                     tps=["inet_sock_set_state"], ig=True, per_op=0, bpf_cost=True),
                # The floor of a design with a program per call (top_tcp's
                # before it read TCP's sequence numbers): an empty program
                # on both of the hooks, tp_btf (bpftrace's tracepoint:
                # probes take the perf path, a dearer one).
                dict(name="empty per-call program",
                     cmd=[b("empty_tp_btf"), "sock_send_length", "sock_recv_length"],
                     tps=["sock_send_length", "sock_recv_length"], per_op=0, bpf_cost=True),
            ],
            peer_note="no peer: libbpf-tools' tcptop needs kprobes; top_tcp runs no program per "
                      "send or recv (it reads TCP's sequence numbers every interval); empty per-call "
                      "program: bench/empty_tp_btf on sock_send_length and sock_recv_length, the "
                      "floor of any design that counts each call"),
        # top_file counts every read/write of a regular file in the kernel.
        dict(
            name="file_rw", what="1-byte write to a regular file, top_file counting it",
            loop=[b("write_loop"), "-p", "/tmp/ig-bench-top-file"],
            n=100_000 if SHORT else 2_000_000, gadget="top_file",
            needles=("write_loop",),
            tracers=[
                dict(name="ig", cmd=[ig, "run", "top_file", "--host", "-o", "json"],
                     tps=["sys_exit_write"], ig=True, per_op=0, fallbacks=True),
                # The floor: an empty program (2 instructions) on the same
                # tracepoint. What any program there costs, and what
                # BPF_ENABLE_STATS's clock reads add to each run (~50-90 ns
                # on this VM, where the clock is kvm-clock).
                dict(name="empty program", cmd=["bpftrace", "-e", EMPTY_BT % "syscalls:sys_exit_write"],
                     tps=["sys_exit_write"], tool="bpftrace", per_op=0, bpf_cost=True),
            ],
            peer_note="top_file: counted in the kernel, one JSON array a second; no peer (filetop needs kprobes); "
                      "empty program: bpftrace's `tracepoint:syscalls:sys_exit_write { }`, the floor"),
        # advise_seccomp runs on every syscall: against traceloop, the
        # other gadget hooked on every syscall.
        dict(
            name="syscall", what="getppid(2), advise_seccomp and traceloop",
            loop=[b("write_loop"), "-p", "getppid"],
            n=200_000 if SHORT else 4_000_000, gadget="advise_seccomp",
            needles=("write_loop",),
            tracers=[
                dict(name="advise (untraced)", cmd=[ig, "run", "advise_seccomp", "-o", "json"],
                     tps=["sys_enter"], ig=True, per_op=0, bpf_cost=True),
                dict(name="advise (traced)", cmd=[ig, "run", "advise_seccomp", "--host", "-o", "json"],
                     tps=["sys_enter"], ig=True, per_op=0, bpf_cost=True),
                dict(name="traceloop (untraced)", cmd=[ig, "run", "traceloop"],
                     tps=["sys_enter"], ig=True, per_op=0, bpf_cost=True),
            ],
            peer_note="advise_seccomp untraced (host syscalls, containers recorded) and traced (--host: the host recorded too), against traceloop untraced (it records containers only)"),
        # trace_dns: a DNS query over loopback UDP, each reported (the
        # socket filter, its copy, the sendto tracepoints, user space's
        # parse); then the same datagrams to port 5353, which it only
        # filters out. No timeouts: the receiver never answers.
        dict(
            name="dns", what="DNS query over loopback UDP (sendto+recv)",
            loop=[b("udp_loop"), "-p", "53"],
            n=20_000 if SHORT else 300_000, gadget="trace_dns",
            needles=("udp_loop", "bench.test"), bpf_stats=True,
            tracers=[
                dict(name="ig", cmd=[ig, "run", "trace_dns", "--host", "-o", "json",
                                     "--query-timeout", "0"],
                     tps=["sys_exit_connect"], ig=True, per_op=1),
                dict(name="ig (tracepoints)", cmd=[ig, "run", "trace_dns", "--host", "-o", "json",
                                                   "--query-timeout", "0"],
                     env={"IG_DNS_FALLBACK": "1"}, tps=["sys_enter_sendto"], ig=True, per_op=1,
                     fallback_of="ig"),
            ],
            peer_note="no peer: libbpf-tools has no DNS tracer; ig (tracepoints) is trace_dns "
                      "without cgroup v2, its packet owners from syscall tracepoints"),
        dict(
            name="udp_other", what="loopback UDP to port 5353 (not DNS)",
            loop=[b("udp_loop"), "-p", "5353"],
            n=20_000 if SHORT else 300_000, gadget="trace_dns",
            needles=("udp_loop",), bpf_stats=True,
            tracers=[
                dict(name="ig", cmd=[ig, "run", "trace_dns", "--host", "-o", "json",
                                     "--query-timeout", "0"],
                     tps=["sys_exit_connect"], ig=True, per_op=0),
                dict(name="ig (tracepoints)", cmd=[ig, "run", "trace_dns", "--host", "-o", "json",
                                                   "--query-timeout", "0"],
                     env={"IG_DNS_FALLBACK": "1"}, tps=["sys_enter_sendto"], ig=True, per_op=0,
                     fallback_of="ig"),
            ],
            peer_note="trace_dns on UDP that is not DNS: what its filter and cgroup sendmsg hook "
                      "(ig) or sendto tracepoints (ig (tracepoints)) cost; no event is expected; no peer"),
    ]


# The kernel fallbacks (src/kfeature.c), forced on this kernel: ig as it
# runs where a fast path is missing, against ig's fast path here.
FALLBACKS = [
    dict(name="ig@6.2", off="void_cast",
         what="6.2-6.16: bpf_rdonly_cast, but not to void (fd slot probe-read)"),
    dict(name="ig@6.1", off="rdonly_cast,void_cast",
         what="before 6.2: no bpf_rdonly_cast (trusted task walks, file fields probe-read)"),
]


def with_fallbacks(tracers):
    """Each ig tracer marked fallbacks=True, then one per FALLBACKS entry."""
    out = []
    for t in tracers:
        out.append(t)
        if t.get("fallbacks"):
            for f in FALLBACKS:
                out.append(dict(t, name=f["name"], env={"IG_KERNEL_FEATURES_OFF": f["off"]},
                                fallbacks=False, fallback_of=t["name"]))
    return out
