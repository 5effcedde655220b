#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ig against libbpf-tools and bpftrace, on the same workloads, in one run.

Each workload (bench/*_loop.c) runs bare, under ig, and under each peer that
works on this kernel, alternated round by round (bare, ig, peer, bare, ig,
peer, ...) so that drift in the machine's load hits every tracer alike.
Every tracer writes its events to a file, as a user would.

Per run it records: the workload's wall ns and CPU ns per operation (a BPF
program runs in the workload's own context, so its cost shows there), the
tracer's CPU after it attached (user space formatting and writing: through
the wait for its exit, so a backlog drained at the end counts), the events
captured and the losses the tracer reported, the tracer's RSS while tracing
(sampled) and its VmHWM, and its start time: exec to programs attached, as
the kernel sees it (bench/attach_wait.c), the same test for every tracer.

First, start-up end to end (bench/startup.py): exec -> attached -> first
event, ig cold (empty minimized-BTF cache) and warm, beside opensnoop. The
workload runs use a private, warm cache ($IG_CACHE_DIR). For exec, the BPF
run time of each tracer's programs per operation (bench/bpfstats.py,
kernel.bpf_stats_enabled during those runs, bare ones included).

Then: overhead per event against the rate of events (for the plot), the
delay from open() to ig's line at low and high rates (bench/latency.c), and
the output layer's throughput (bench/fmt_bench.c).

Output: a markdown table on stdout; <out>/<UTC time>.json and latest.json,
perf-overhead.dat and .png (out: bench/results, or build/bench/results for
the smoke run, whose numbers are not worth keeping).
No timing is asserted: the exit status says whether the bench ran.
"""
import argparse
import ctypes
import datetime
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import bpfstats
import procrss
import startup

SHORT = os.environ.get("BENCH_SHORT") == "1"
HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Workloads and tracers

def count_lines(path, *needles):
    """Lines of a tracer's output that mention every needle."""
    n = 0
    bneedles = [s.encode() for s in needles]
    with open(path, "rb") as f:
        for line in f:
            if all(s in line for s in bneedles):
                n += 1
    return n


LOST_PATTERNS = [
    re.compile(rb"lost (\d+) events \((\d+) in total\)"),   # ig, running total
    re.compile(rb"lost (\d+) events in total"),             # ig, at exit
]
PEER_LOST = re.compile(rb"[Ll]ost (\d+) (?:events|samples)")


def ig_lost(err_path):
    total = 0
    with open(err_path, "rb") as f:
        data = f.read()
    for m in LOST_PATTERNS[0].finditer(data):
        total = max(total, int(m.group(2)))
    for m in LOST_PATTERNS[1].finditer(data):
        total = max(total, int(m.group(1)))
    return total


def peer_lost(err_path):
    with open(err_path, "rb") as f:
        return sum(int(m.group(1)) for m in PEER_LOST.finditer(f.read()))


TCP_BT = r"""
tracepoint:sock:inet_sock_set_state
/args->protocol == IPPROTO_TCP/
{
	printf("%-6d %-16s %d -> %d %d\n", pid, comm, args->oldstate, args->newstate, args->sport);
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
                           tps=["sys_enter_openat"], ig=True, per_op=None, bpf_cost=True)],
             peer_note="no peer"),
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
        # top_tcp counts in the kernel: one op is a send and a recv, so
        # half its overhead is the cost per send or recv (goal: <= 150 ns).
        dict(
            name="tcp_rw", what="1-byte send+recv on a loopback TCP connection (top_tcp)",
            loop=[b("tcp_rw_loop")],
            n=50_000 if SHORT else 1_000_000, gadget="top_tcp",
            needles=("tcp_rw_loop",),
            tracers=[
                dict(name="ig", cmd=[ig, "run", "top_tcp", "--host", "-o", "json"],
                     tps=["sock_send_length", "sock_recv_length"], ig=True, per_op=0,
                     bpf_cost=True),
                dict(name="ig@6.1", cmd=[ig, "run", "top_tcp", "--host", "-o", "json"],
                     env={"IG_TOP_TCP_FALLBACK": "1"}, tps=["sys_exit_sendto", "sys_exit_recvfrom"],
                     ig=True, per_op=0, fallback_of="ig"),
            ],
            peer_note="no peer: libbpf-tools' tcptop needs kprobes; ig@6.1 is top_tcp's "
                      "syscall-exit fallback for kernels before 6.3"),
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
                dict(name="empty program", cmd=["bpftrace", "-e", "tracepoint:syscalls:sys_exit_write { }"],
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
                     tps=["sys_enter_sendto"], ig=True, per_op=1),
            ],
            peer_note="no peer: libbpf-tools has no DNS tracer"),
        dict(
            name="udp_other", what="loopback UDP to port 5353 (not DNS)",
            loop=[b("udp_loop"), "-p", "5353"],
            n=20_000 if SHORT else 300_000, gadget="trace_dns",
            needles=("udp_loop",), bpf_stats=True,
            tracers=[
                dict(name="ig", cmd=[ig, "run", "trace_dns", "--host", "-o", "json",
                                     "--query-timeout", "0"],
                     tps=["sys_enter_sendto"], ig=True, per_op=0),
            ],
            peer_note="trace_dns on UDP that is not DNS: what its filter and sendto hooks cost; no event is expected; no peer"),
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


# --------------------------------------------------------------------------
# BPF run time per program run: the kernel's own account (BPF_ENABLE_STATS),
# on only while the fallback pass runs; it holds on a loaded, shared machine
# where wall-clock overheads drown in noise.

NR_BPF = {"x86_64": 321, "aarch64": 280}.get(os.uname().machine)
BPF_ENABLE_STATS, BPF_STATS_RUN_TIME = 32, 0


def bpf_stats_on():
    """An fd that keeps BPF run-time stats on until closed, or None."""
    if NR_BPF is None:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.c_uint32(BPF_STATS_RUN_TIME)
    fd = libc.syscall(NR_BPF, BPF_ENABLE_STATS, ctypes.byref(attr), ctypes.sizeof(attr))
    return fd if fd >= 0 else None


def prog_stats(pid):
    """Run time and count summed over the BPF programs process pid holds."""
    ids = set()
    fdinfo = f"/proc/{pid}/fdinfo"
    for fd in os.listdir(fdinfo):
        try:
            with open(os.path.join(fdinfo, fd)) as f:
                m = re.search(r"^prog_id:\s+(\d+)", f.read(), re.M)
        except OSError:
            continue
        if m:
            ids.add(m.group(1))
    ns = cnt = 0
    for i in ids:
        out = subprocess.run(["bpftool", "prog", "show", "id", i, "-j"], capture_output=True,
                             text=True)
        if out.returncode == 0:
            j = json.loads(out.stdout)
            ns += j.get("run_time_ns", 0)
            cnt += j.get("run_cnt", 0)
    return ns, cnt


def bpf_cost_once(scn, tracer, n, args, tmp):
    """ns of BPF per program run, and runs per op, for one tracer."""
    loop = scn["loop"] + ["-n", str(n), "-w", "0"]
    p = start_tracer(tracer, args, tmp)[0]
    try:
        ns0, cnt0 = prog_stats(p.pid)
        ops = run_workload(loop)["ops"]
        ns1, cnt1 = prog_stats(p.pid)
    finally:
        stop_tracer(p)
    runs = cnt1 - cnt0
    return dict(ns_per_run=(ns1 - ns0) / runs if runs else None, runs_per_op=runs / ops)


def run_bpf_costs(args, tmp, rounds):
    """The fast path and each fallback, alternated, with BPF stats on."""
    fd = bpf_stats_on()
    if fd is None:
        log("bpf costs: BPF_ENABLE_STATS is not available; skipped")
        return []
    out = []
    try:
        for scn in scenarios(args.ig, args.bin):
            if args.only and scn["name"] not in args.only:
                continue
            ts = [t for t in with_fallbacks(scn["tracers"])
                  if t.get("fallbacks") or t.get("fallback_of") or t.get("bpf_cost")]
            if not ts:
                continue
            res = {t["name"]: [] for t in ts}
            n = max(scn["n"] // 4, 1000)
            for rnd in range(rounds):
                for t in ts:
                    log(f"bpf cost {scn['name']} round {rnd + 1}/{rounds}: {t['name']}")
                    res[t["name"]].append(bpf_cost_once(scn, t, n, args, tmp))
            out.append(dict(scenario=scn["name"], ops=n, tracers={
                name: dict(ns_per_run=med(r["ns_per_run"] for r in rs),
                           ns_per_run_all=[round(r["ns_per_run"] or 0, 1) for r in rs],
                           runs_per_op=med(r["runs_per_op"] for r in rs))
                for name, rs in res.items()}))
    finally:
        os.close(fd)
    return out


# --------------------------------------------------------------------------
# Measuring one run

def proc_cpu_ns(pid):
    """CPU time of every thread of pid, in ns (schedstat: ns resolution)."""
    total = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        pass
    return total


def proc_status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class RssSampler(threading.Thread):
    """The tracer's largest VmRSS while it traces, every 50 ms."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.done, self.samples = pid, 0, threading.Event(), []

    def run(self):
        while not self.done.is_set():
            self.samples.append(proc_status_kb(self.pid, "VmRSS"))
            self.peak = max(self.peak, self.samples[-1])
            self.done.wait(0.05)

    def growth(self):
        """KB the peak of the run's second half exceeds that of its first
        quarter: what keeps growing once the ring buffer's pages are in."""
        n = len(self.samples)
        if n < 8:
            return 0
        return max(self.samples[n // 2:]) - max(self.samples[:n // 4])

    def stop(self):
        self.done.set()
        self.join()
        self.peak = max(self.peak, proc_status_kb(self.pid, "VmRSS"))
        return self.peak


WORKLOAD_RE = re.compile(r"ops=(\d+) wall_ns=(\d+) cpu_ns=(\d+)")


def run_workload(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    m = WORKLOAD_RE.search(out.stdout)
    if out.returncode or not m:
        raise RuntimeError(f"{' '.join(cmd)} failed ({out.returncode}): {out.stderr.strip()}")
    ops, wall, cpu = map(int, m.groups())
    return dict(ops=ops, wall_ns=wall, cpu_ns=cpu, ns_per_op=wall / ops, cpu_ns_per_op=cpu / ops)


def stop_tracer(p, timeout=300):
    """SIGINT, then wait: the tracer drains what it has. Returns its CPU ns
    over its whole life, from the kernel's account at exit."""
    try:
        p.send_signal(signal.SIGINT)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + timeout
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            p.returncode = os.waitstatus_to_exitcode(status)
            return int((ru.ru_utime + ru.ru_stime) * 1e9)
        if time.monotonic() > deadline:
            p.kill()
        time.sleep(0.01)


def start_tracer(tracer, args, tmp):
    """Start a tracer (stdout to tmp/out, stderr to tmp/err) and wait until
    its programs are attached: (process, ms from exec to attached)."""
    env = dict(os.environ, **tracer["env"]) if tracer.get("env") else None
    err = os.path.join(tmp, "err")
    with open(os.path.join(tmp, "out"), "wb") as fo, open(err, "wb") as fe:
        t0 = time.time_ns()
        p = subprocess.Popen(tracer["cmd"], stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                             env=env)
    aw = subprocess.run([os.path.join(args.bin, "attach_wait"), "-t", "60", str(p.pid)]
                        + tracer["tps"], capture_output=True, text=True)
    if aw.returncode:
        stop_tracer(p)
        raise RuntimeError(f"{tracer['name']} did not attach: {aw.stderr.strip()} "
                           + open(err, errors="replace").read()[-500:])
    return p, (int(aw.stdout) - t0) / 1e6


def run_once(scn, tracer, n, args, rate=0, tmp=None):
    """One run of a workload, bare (tracer None) or under a tracer."""
    loop = scn["loop"] + ["-n", str(n), "-w", str(0 if rate else n // 10)]
    if rate:
        loop += ["-r", str(rate)]
    warm = 0 if rate else n // 10
    res = dict(scenario=scn["name"], tracer=tracer["name"] if tracer else "none", rate=rate)
    if not tracer:
        res.update(run_workload(loop))
        return res
    out, err = os.path.join(tmp, "out"), os.path.join(tmp, "err")
    p, res["start_ms"] = start_tracer(tracer, args, tmp)
    try:
        cpu_attached = proc_cpu_ns(p.pid)
        rss = RssSampler(p.pid)
        rss.start()
        bpf0 = bpfstats.prog_stats(p.pid)
        res.update(run_workload(loop))
        if scn.get("bpf_stats"):
            res["bpf_ns_per_op"] = bpfstats.delta_ns(bpf0, bpfstats.prog_stats(p.pid)) / (n + warm)
        res["rss_kb"] = rss.stop()
        res["rss_growth_kb"] = rss.growth()
        res["hwm_kb"] = proc_status_kb(p.pid, "VmHWM")
    finally:
        cpu_total = stop_tracer(p)
    res["tracer_cpu_ns"] = max(0, cpu_total - cpu_attached)
    res["tracer_cpu_ns_per_op"] = res["tracer_cpu_ns"] / res["ops"]
    res["exit"] = p.returncode
    res["captured"] = count_lines(out, *scn["needles"])
    per_op = tracer.get("per_op")
    res["expected"] = (n + warm) * per_op if per_op else None
    res["lost_reported"] = ig_lost(err) if tracer.get("ig") else peer_lost(err)
    res["out_bytes"] = os.path.getsize(out)
    os.unlink(out)
    return res


# --------------------------------------------------------------------------
# Environment

def foreign_tracers(own_pids=()):
    """Other processes' BPF programs on tracepoints: they slow the 'bare'
    runs too, and contend for the two cores."""
    try:
        out = subprocess.run(["bpftool", "perf", "list", "-j"], capture_output=True,
                             text=True, timeout=30).stdout
        entries = json.loads(out or "[]")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return []
    byproc = {}
    for e in entries:
        if e.get("pid") in own_pids:
            continue
        try:
            comm = open(f"/proc/{e['pid']}/comm").read().strip()
        except OSError:
            comm = "?"
        key = (e.get("pid"), comm)
        byproc.setdefault(key, set()).add(e.get("tracepoint") or e.get("fd_type"))
    return [dict(pid=pid, comm=comm, tracepoints=sorted(t for t in tps if t))
            for (pid, comm), tps in sorted(byproc.items())]


def ensure_peers(no_install):
    want = {"opensnoop": "libbpf-tools", "bpftrace": "bpftrace", "gnuplot": "gnuplot-nox"}
    missing = sorted({pkg for tool, pkg in want.items() if not shutil.which(tool)})
    if missing and not no_install:
        log(f"installing {' '.join(missing)} (apt-get)")
        subprocess.run(["apt-get", "install", "-y", "-q"] + missing,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tool_works(tracer, args, tmp):
    """Can this peer attach here? (kprobe-based tools cannot on this kernel.)"""
    if not shutil.which(tracer["cmd"][0]):
        return f"{tracer['cmd'][0]} is not installed"
    with open(os.path.join(tmp, "probe.err"), "wb") as fe:
        p = subprocess.Popen(tracer["cmd"], stdout=subprocess.DEVNULL, stderr=fe,
                             stdin=subprocess.DEVNULL)
    aw = subprocess.run([os.path.join(args.bin, "attach_wait"), "-t", "30", str(p.pid)]
                        + tracer["tps"], capture_output=True, text=True)
    stop_tracer(p, timeout=30)
    if aw.returncode:
        err = open(os.path.join(tmp, "probe.err"), errors="replace").read().strip()
        return f"does not attach here: {err.splitlines()[-1] if err else aw.stderr.strip()}"
    return None


def ig_gadgets(ig):
    out = subprocess.run([ig, "list-gadgets"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


# --------------------------------------------------------------------------
# Statistics

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(runs, scn):
    """Per tracer: medians, and overheads paired with the bare run of the
    same round (so a slow round does not count against one tracer)."""
    bare = {r["round"]: r for r in runs if r["tracer"] == "none"}
    out = {}
    for name in dict.fromkeys(r["tracer"] for r in runs):
        rs = [r for r in runs if r["tracer"] == name]
        s = dict(runs=len(rs), ns_per_op=med(r["ns_per_op"] for r in rs),
                 cpu_ns_per_op=med(r["cpu_ns_per_op"] for r in rs))
        if name != "none":
            paired = [(r, bare[r["round"]]) for r in rs if r["round"] in bare]
            s["overhead_ns"] = med(r["ns_per_op"] - b["ns_per_op"] for r, b in paired)
            s["overhead_ns_all"] = [round(r["ns_per_op"] - b["ns_per_op"], 1) for r, b in paired]
            s["overhead_pct"] = med(100 * (r["ns_per_op"] / b["ns_per_op"] - 1) for r, b in paired)
            s["cpu_overhead_ns"] = med(r["cpu_ns_per_op"] + r["tracer_cpu_ns_per_op"]
                                       - b["cpu_ns_per_op"] for r, b in paired)
            s["tracer_cpu_ns_per_op"] = med(r["tracer_cpu_ns_per_op"] for r in rs)
            s["captured"] = med(r["captured"] for r in rs)
            s["captured_min"] = min(r["captured"] for r in rs)
            s["expected"] = rs[0]["expected"]
            s["lost_reported"] = max(r["lost_reported"] for r in rs)
            s["rss_kb"] = max(r["rss_kb"] for r in rs)
            s["hwm_kb"] = max(r["hwm_kb"] for r in rs)
            s["rss_growth_kb"] = max(r["rss_growth_kb"] for r in rs)
            s["start_ms"] = med(r["start_ms"] for r in rs)
            s["bpf_ns_per_op"] = med(r.get("bpf_ns_per_op") for r in rs)
            s["events_per_op"] = med(r["captured"] / (r["ops"] + (r["ops"] // 10)) for r in rs)
        out[name] = s
    return out


# --------------------------------------------------------------------------
# Reporting

def fmt_ns(v):
    return "—" if v is None else f"{v:,.0f}"


def fmt_mb(kb):
    return "—" if not kb else f"{kb / 1024:.1f}"


def ratio_cell(scn, summ, name):
    if name != "ig":
        return "—"
    ig = summ.get("ig", {})
    cells = []
    for peer, s in summ.items():
        if peer in ("none", "ig") or peer in (f["name"] for f in FALLBACKS) \
                or not s.get("overhead_ns"):
            continue
        if ig.get("overhead_ns") is None or s["overhead_ns"] <= 0:
            continue
        if ig["overhead_ns"] <= 0:
            cells.append(f"ig within noise; {peer} {s['overhead_ns']:,.0f}")
            continue
        w = ig["overhead_ns"] / s["overhead_ns"]
        c = (ig["cpu_overhead_ns"] / s["cpu_overhead_ns"]
             if s.get("cpu_overhead_ns") and s["cpu_overhead_ns"] > 0 else None)
        cells.append(f"{w:.2f}× {peer}" + (f" (CPU {c:.2f}×)" if c is not None else ""))
    return "; ".join(cells) or "—"


def markdown(result):
    lines = []
    lines.append(f"Kernel {result['meta']['kernel']}, {result['meta']['cpus']} CPUs, "
                 f"ig {result['meta']['ig_rev']}, {result['meta']['rounds']} alternated rounds"
                 f"{' (BENCH_SHORT)' if result['meta']['short'] else ''}; medians.")
    lines.append("")
    lines.append("| workload | tracer | ns/op | overhead/op [range over rounds] | ig vs peer (overhead) "
                 "| CPU/op added (workload+tracer) | events captured / expected | lost (reported) "
                 "| RSS tracing / VmHWM (MB) | start (ms) |")
    lines.append("|---|---|---:|---:|---|---:|---:|---:|---:|---:|")
    for scn in result["scenarios"]:
        summ = scn["summary"]
        for name, s in summ.items():
            if name == "none":
                lines.append(f"| {scn['name']} ({scn['ops']:,} ops) | none | {fmt_ns(s['ns_per_op'])} "
                             "| — | — | — | — | — | — | — |")
                continue
            ov = s.get("overhead_ns")
            ovs = "—" if ov is None else f"{ov:,.0f} ({s['overhead_pct']:+.1f}%)"
            if ov is not None and len(s["overhead_ns_all"]) > 1:
                ovs += (f" [{min(s['overhead_ns_all']):,.0f}..{max(s['overhead_ns_all']):,.0f}]")
            exp = s.get("expected")
            cap = f"{s['captured_min']:,}" + (f" / {exp:,}" if exp else
                                              f" ({s['events_per_op']:.1f}/op)")
            lines.append(
                f"| {scn['name']} | {name} | {fmt_ns(s['ns_per_op'])} | {ovs} "
                f"| {ratio_cell(scn, summ, name)} | {fmt_ns(s.get('cpu_overhead_ns'))} | {cap} "
                f"| {s['lost_reported']:,} | {fmt_mb(s['rss_kb'])} / {fmt_mb(s['hwm_kb'])} "
                f"| {s['start_ms']:.0f} |")
    notes = [n for scn in result["scenarios"] for n in scn["notes"]]
    if result.get("sweep"):
        lines.append("")
        lines.append("Overhead per event against the event rate (open loop; CPU ns added per "
                     "event, workload + tracer, paired with a bare run at the same rate):")
        lines.append("")
        tracers = [t for t in result["sweep_tracers"] if t != "none"]
        lines.append("| events/s | " + " | ".join(tracers) + " |")
        lines.append("|---:|" + "---:|" * len(tracers))
        for pt in result["sweep"]:
            lines.append(f"| {pt['label']} | " + " | ".join(
                fmt_ns(pt["cpu_overhead_ns"].get(t)) for t in tracers) + " |")
    if result.get("latency"):
        lines.append("")
        lines.append("Delay from open() to its line on ig's stdout (a pipe), `-o json`:")
        lines.append("")
        lines.append("| regime | samples | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for l in result["latency"]:
            lines.append(f"| {l['regime']} | {l.get('samples', 0)} (missed {l.get('missed', '?')}) "
                         f"| {l.get('p50_ms', 0):.2f} | {l.get('p90_ms', 0):.2f} "
                         f"| {l.get('p99_ms', 0):.2f} | {l.get('max_ms', 0):.2f} |")
    if result.get("fmt"):
        lines.append("")
        lines.append("Output layer on one core (bench/fmt_bench, trace_open rows, "
                     "output_row + flush to /dev/null):")
        lines.append("")
        lines.append("| format | events/s | ns/event | bytes/event | decode ns/event |")
        lines.append("|---|---:|---:|---:|---:|")
        for f in result["fmt"]:
            lines.append(f"| {f['mode']} | {f['events_per_s']:,.0f} | {f['ns_per_event']:.0f} "
                         f"| {f['bytes_per_event']:.0f} | {f['decode_ns_per_event']:.0f} |")
    if result.get("startup"):
        lines.append(startup.markdown(result["startup"]))
    lines.extend(bpfstats.markdown(result["scenarios"]))
    if result.get("process_rss"):
        lines.extend(procrss.markdown(result["process_rss"]))
    if result.get("bpf_costs"):
        lines.append("")
        lines.append("BPF run time per program run, by the kernel's account (BPF_ENABLE_STATS; "
                     "fast path against the fallbacks forced with IG_KERNEL_FEATURES_OFF; "
                     "medians of the rounds [all rounds]):")
        lines.append("")
        names = ["ig"] + [f["name"] for f in FALLBACKS]
        lines.append("| workload | runs/op | " + " | ".join(names) + " |")
        lines.append("|---|---:|" + "---:|" * len(names))
        others = [c for c in result["bpf_costs"] if "ig" not in c["tracers"]]
        for c in result["bpf_costs"]:
            if c in others:
                continue
            ig = c["tracers"].get("ig", {}).get("ns_per_run")
            cells = []
            for name in names:
                t = c["tracers"].get(name, {})
                v = t.get("ns_per_run")
                cell = "—" if v is None else f"{v:,.0f} ns"
                if v is not None and ig and name != "ig":
                    cell += f" ({100 * (v / ig - 1):+.0f}%)"
                if t.get("ns_per_run_all"):
                    cell += " [" + ", ".join(f"{x:,.0f}" for x in t["ns_per_run_all"]) + "]"
                cells.append(cell)
            rpo = c["tracers"].get("ig", {}).get("runs_per_op")
            rpo_text = "—" if rpo is None else f"{rpo:.2f}"
            lines.append(f"| {c['scenario']} | {rpo_text} | " + " | ".join(cells) + " |")
        if others:
            lines.append("")
            lines.append("BPF run time per operation, gadgets side by side (BPF_ENABLE_STATS; "
                         "medians of the rounds):")
            lines.append("")
            lines.append("| workload | tracer | runs/op | ns/run [all rounds] | ns/op |")
            lines.append("|---|---|---:|---:|---:|")
            for c in others:
                for name, t in c["tracers"].items():
                    v, rpo = t.get("ns_per_run"), t.get("runs_per_op")
                    lines.append(f"| {c['scenario']} | {name} | {rpo:.2f} | "
                                 + ("—" if v is None else f"{v:,.0f} ns ["
                                    + ", ".join(f"{x:,.0f}" for x in t["ns_per_run_all"]) + "]")
                                 + " | " + ("—" if v is None else f"{v * rpo:,.0f} ns") + " |")
    fb = fallback_rows(result)
    if fb:
        lines.append("")
        lines.append("Kernel fallbacks, forced on this kernel with IG_KERNEL_FEATURES_OFF "
                     "(overhead per op, paired with the bare run of each round):")
        lines.append("")
        lines.append("| workload | fast path | " + " | ".join(
            f"{f['name']} ({f['what']})" for f in FALLBACKS) + " |")
        lines.append("|---|---:|" + "---:|" * len(FALLBACKS))
        for row in fb:
            cells = [f"{fmt_ns(c['overhead_ns'])} ns ({c['delta_ns']:+,.0f})"
                     if c["overhead_ns"] is not None else "—" for c in row["fallbacks"]]
            lines.append(f"| {row['scenario']} | {fmt_ns(row['fast_ns'])} ns | "
                         + " | ".join(cells) + " |")
    if result["targets"]:
        lines.append("")
        lines.append("Targets:")
        lines.append("")
        for t in result["targets"]:
            lines.append(f"- {'met' if t['met'] else 'MISSED' if t['met'] is False else 'n/a'}: "
                         f"{t['target']} — {t['value']}")
    foreign = result["meta"]["foreign_tracers"]
    if foreign:
        notes.append("other processes had BPF programs on tracepoints during the run (they slow "
                     "the bare runs too and share the CPUs): " + "; ".join(
                         f"{f['comm']}[{f['pid']}] {','.join(f['tracepoints'][:4])}"
                         + ("…" if len(f['tracepoints']) > 4 else "") for f in foreign))
    if notes:
        lines.append("")
        lines.append("Notes:")
        lines.append("")
        lines.extend(f"- {n}" for n in notes)
    return "\n".join(lines)


def fallback_rows(result):
    """Per workload with fallbacks: the fast path's overhead and each
    fallback's, with the difference."""
    rows = []
    for scn in result["scenarios"]:
        summ = scn["summary"]
        fast = summ.get("ig", {}).get("overhead_ns")
        if fast is None or not any(f["name"] in summ for f in FALLBACKS):
            continue
        cells = []
        for f in FALLBACKS:
            ov = summ.get(f["name"], {}).get("overhead_ns")
            cells.append(dict(name=f["name"], overhead_ns=ov,
                              delta_ns=None if ov is None else ov - fast))
        rows.append(dict(scenario=scn["name"], fast_ns=fast, fallbacks=cells))
    return rows


def fast_path_targets(result, prev):
    """ig's fast path against the previous full run on the same kernel
    (bench/results/latest.json before this run): no more than 10% (or 10 ns,
    the noise floor of a shared machine) more overhead per op."""
    version = lambda r: r.get("meta", {}).get("kernel", "").split("-")[0]
    if not prev or version(prev) != version(result):
        return []
    before = {s["name"]: s["summary"].get("ig", {}).get("overhead_ns")
              for s in prev.get("scenarios", [])}
    t = []
    for scn in result["scenarios"]:
        now = scn["summary"].get("ig", {}).get("overhead_ns")
        was = before.get(scn["name"])
        if now is None or was is None or was <= 0:
            continue
        t.append(dict(target=f"{scn['name']}: ig's overhead/op within 10% (or 10 ns) of the "
                             f"previous run ({prev['meta'].get('ig_rev', '?')})",
                      met=now <= max(was * 1.10, was + 10),
                      value=f"{now:,.0f} ns vs {was:,.0f} ns ({100 * (now / was - 1):+.1f}%)"))
    return t


def evaluate_targets(result, prev=None):
    t = fast_path_targets(result, prev) + profile_cpu_targets(result)
    scn = {s["name"]: s["summary"] for s in result["scenarios"]}
    o = scn.get("open", {})
    if "ig" in o and "opensnoop" in o and o["opensnoop"].get("overhead_ns"):
        r = o["ig"]["overhead_ns"] / o["opensnoop"]["overhead_ns"]
        t.append(dict(target="trace_open overhead/event ≤ 0.35× opensnoop's (aim 0.2×)",
                      met=r <= 0.35, value=f"{r:.2f}×"))
    if "ig" in o:
        lost = o["ig"]["lost_reported"]
        short = o["ig"]["expected"] - o["ig"]["captured_min"]
        t.append(dict(target="no events lost at full speed, JSON to a file", met=lost == 0 and short <= 0,
                      value=f"{lost} lost reported, {max(short, 0)} missing of {o['ig']['expected']:,}"))
        t.append(dict(target="RSS while tracing ≤ 10 MB", met=o["ig"]["rss_kb"] <= 10240,
                      value=f"{o['ig']['rss_kb'] / 1024:.1f} MB (VmHWM {o['ig']['hwm_kb'] / 1024:.1f} MB)"))
        t.append(dict(target="start to attached ≤ 100 ms", met=o["ig"]["start_ms"] <= 100,
                      value=f"{o['ig']['start_ms']:.0f} ms"))
    lat = [l for l in result.get("latency", []) if "p99_ms" in l]
    if lat:
        worst = max(l["max_ms"] for l in lat)
        missed = sum(l.get("missed", 0) for l in lat)
        t.append(dict(target="events appear within ~100 ms at low and high rates",
                      met=worst <= 100 and missed == 0, value=f"worst {worst:.1f} ms, {missed} missed"))
    for f in result.get("fmt", []):
        if f["mode"] in ("json", "columns"):
            t.append(dict(target=f"{f['mode']} formatter ≥ 1M events/s on one core",
                          met=f["events_per_s"] >= 1e6, value=f"{f['events_per_s'] / 1e6:.2f}M/s"))
    for name, sm in scn.items():
        if "ig" in sm and sm["ig"].get("hwm_kb"):
            t.append(dict(target=f"{name}: ig's VmHWM ≤ 8 MB (warm BTF cache)",
                          met=sm["ig"]["hwm_kb"] <= 8192,
                          value=f"{sm['ig']['hwm_kb'] / 1024:.1f} MB"))
    if result.get("startup"):
        t.extend(startup.targets(result["startup"]))
    if result.get("process_rss"):
        t.extend(procrss.targets(result["process_rss"]))
    e = scn.get("exec", {})
    t.extend(bpfstats.exec_targets(e))
    if "ig" in e:
        peer = e.get("execsnoop", {}).get("overhead_pct")
        t.append(dict(target="trace_exec adds ≤ 5% to fork+exec", met=e["ig"]["overhead_pct"] <= 5,
                      value=f"{e['ig']['overhead_pct']:+.1f}%"
                      + (f" (execsnoop {peer:+.1f}%)" if peer is not None else "")))
    p = scn.get("process", {})
    if "ig" in p:
        peer = p.get("execsnoop", {}).get("overhead_pct")
        bpf = p["ig"].get("bpf_ns_per_op")
        t.append(dict(target="trace_process adds ≤ 2% to fork+exec+exit", met=p["ig"]["overhead_pct"] <= 2,
                      value=f"{p['ig']['overhead_pct']:+.1f}%"
                      + (f" (execsnoop {peer:+.1f}%)" if peer is not None else "")
                      + (f"; BPF {bpf / 1000:.1f} µs per process, "
                         f"{100 * bpf / p['none']['ns_per_op']:.2f}% of a bare fork+exec+exit"
                         if bpf is not None and p.get("none", {}).get("ns_per_op") else "")))
        t.append(dict(target="trace_process RSS flat (≤ +2 MB) across the run's processes",
                      met=p["ig"]["rss_growth_kb"] <= 2048,
                      value=f"{p['ig']['rss_growth_kb'] / 1024:+.1f} MB over {result['scenarios'][[x['name'] for x in result['scenarios']].index('process')]['ops']:,} processes"))
    pc = {}
    for c in result.get("bpf_costs", []):
        if c["scenario"] == "policy":
            pc = c["tracers"].get("ig", {})
    if pc.get("ns_per_run") is not None:
        t.append(dict(target="an active policy matching nothing: BPF run time ≤ 100 ns per hooked syscall",
                      met=pc["ns_per_run"] <= 100,
                      value=f"{pc['ns_per_run']:.0f} ns per run (kernel.bpf_stats_enabled, its "
                            "clock reads included)"))
    pol = scn.get("policy", {})
    if "ig" in pol:
        t.append(dict(target="an active policy matching nothing adds ≤ 100 ns per hooked syscall",
                      met=pol["ig"]["overhead_ns"] <= 100, value=f"{pol['ig']['overhead_ns']:.0f} ns"))
    return t


def profile_cpu_targets(result):
    scn = {s["name"]: s["summary"] for s in result["scenarios"]}
    t = []
    f = scn.get("file_rw", {})
    if "ig" in f:
        t.append(dict(target="top_file adds ≤ 100 ns per read/write", met=f["ig"]["overhead_ns"] <= 100,
                      value=f"{f['ig']['overhead_ns']:.0f} ns"))
    costs = {c["scenario"]: c["tracers"] for c in result.get("bpf_costs", [])}
    fc = costs.get("file_rw", {}).get("ig", {}).get("ns_per_run")
    if fc is not None:
        t.append(dict(target="top_file's BPF run time ≤ 100 ns per read/write", met=fc <= 100,
                      value=f"{fc:.0f} ns"))
    floor = costs.get("file_rw", {}).get("empty program", {}).get("ns_per_run")
    if fc is not None and floor is not None:
        t.append(dict(target="top_file's BPF run time beyond an empty program's ≤ 100 ns per read/write",
                      met=fc - floor <= 100, value=f"{fc - floor:.0f} ns ({fc:.0f} - {floor:.0f})"))
    # Per syscall, by the kernel's account of BPF run time (wall clock is
    # noise on a shared machine): runs per op times ns per run.
    per_op = {n: v["ns_per_run"] * v["runs_per_op"] for n, v in costs.get("syscall", {}).items()
              if v.get("ns_per_run") is not None}
    tl = per_op.get("traceloop (untraced)")
    for name in ("advise (untraced)", "advise (traced)"):
        if name in per_op and tl is not None:
            t.append(dict(target=f"advise_seccomp's BPF time per syscall, {name.split()[1][1:-1]}, "
                          "≤ traceloop's untraced",
                          met=per_op[name] <= tl,
                          value=f"{per_op[name]:.0f} ns (traceloop untraced {tl:.0f} ns)"))
    pc = result.get("profile_cpu")
    if pc:
        t.append(dict(target="profile_cpu at 49 Hz < 1% of one core", met=pc["pct_of_core"] < 1,
                      value=f"{pc['pct_of_core']:.3f}% (BPF {pc['bpf_pct']:.3f}%, ig {pc['ig_pct']:.3f}%)"))
    return t


def run_profile_cpu_cost(args, tmp, seconds):
    """profile_cpu's cost while both CPUs are busy: its BPF run time (kernel
    stats) plus ig's own CPU, over the wall time, in % of one core."""
    fd = bpf_stats_on()
    busy = [subprocess.Popen([os.path.join(args.bin, "write_loop"), "-p", "getppid", "-n",
                              "1000000000", "-w", "0"], stdout=subprocess.DEVNULL)
            for _ in range(os.cpu_count() or 1)]
    err = os.path.join(tmp, "err")
    try:
        # Not on a tracepoint (attach_wait's way): "attached" on stderr.
        with open(os.path.join(tmp, "out"), "wb") as fo, open(err, "wb") as fe:
            p = subprocess.Popen([args.ig, "run", "profile_cpu", "--host", "-v"], stdout=fo,
                                 stderr=fe, stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while ": attached" not in open(err, errors="replace").read():
            if p.poll() is not None or time.time() > deadline:
                stop_tracer(p)
                raise RuntimeError("profile_cpu did not attach: "
                                   + open(err, errors="replace").read()[-500:])
            time.sleep(0.05)
        try:
            cpu0, (ns0, cnt0) = proc_cpu_ns(p.pid), prog_stats(p.pid)
            time.sleep(seconds)
            cpu1, (ns1, cnt1) = proc_cpu_ns(p.pid), prog_stats(p.pid)
        finally:
            stop_tracer(p)
    finally:
        for b in busy:
            b.kill()
            b.wait()
        if fd is not None:
            os.close(fd)
    wall = seconds * 1e9
    res = dict(seconds=seconds, samples=cnt1 - cnt0, bpf_ns_per_sample=(ns1 - ns0) / max(cnt1 - cnt0, 1),
               bpf_pct=100 * (ns1 - ns0) / wall, ig_pct=100 * (cpu1 - cpu0) / wall)
    res["pct_of_core"] = res["bpf_pct"] + res["ig_pct"]
    log(f"profile_cpu: {res['samples']} samples in {seconds} s, {res['bpf_ns_per_sample']:.0f} ns each; "
        f"{res['pct_of_core']:.3f}% of a core")
    return res


def plot(result, outdir):
    """overhead per event vs event rate, ig against opensnoop."""
    base = os.path.join(outdir, "perf-overhead")
    dat = base + ".dat"
    tracers = [t for t in result["sweep_tracers"] if t != "none"]
    with open(dat, "w") as f:
        f.write("# CPU ns added per open() event (workload + tracer) against events/s;\n"
                "# one block per tracer: " + ", ".join(tracers) + "\n")
        for i, t in enumerate(tracers):
            f.write(("\n\n" if i else "") + f"# {t}\n")
            for pt in sorted(result["sweep"], key=lambda p: p["rate_actual"][t]):
                if pt["cpu_overhead_ns"].get(t) is not None:
                    f.write(f"{pt['rate_actual'][t]:.0f} {pt['cpu_overhead_ns'][t]:.0f}\n")
    if not shutil.which("gnuplot"):
        return None
    png = base + ".png"
    plots = ", ".join(f"'{dat}' index {i} using 1:2 with linespoints lw 2 pt 7 title '{t}'"
                      for i, t in enumerate(tracers))
    script = f"""
set terminal pngcairo size 900,560 font 'sans,11' noenhanced
set output '{png}'
set title 'Tracing cost per open() event vs. event rate ({result["meta"]["kernel"]}, {result["meta"]["cpus"]} CPUs)'
set xlabel 'open() events per second (log); the last point of each line: as fast as the loop runs'
set xrange [500:*]
set ylabel 'CPU ns added per event (workload + tracer)'
set logscale x
set grid
set key top right
set yrange [0:*]
plot {plots}
"""
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode:
        # pngcairo may be missing (gnuplot-nox has it; older builds do not).
        r = subprocess.run(["gnuplot"], input=script.replace("pngcairo", "png"), text=True,
                           capture_output=True)
    return png if r.returncode == 0 else None


# --------------------------------------------------------------------------
# The parts

def run_scenarios(args, tmp, gadgets, rounds):
    results = []
    for scn in scenarios(args.ig, args.bin):
        if args.only and scn["name"] not in args.only:
            continue
        if scn["name"] in args.ops:
            scn["n"] = args.ops[scn["name"]]
        notes = []
        if scn["gadget"] not in gadgets:
            notes.append(f"{scn['name']}: skipped, `ig list-gadgets` has no {scn['gadget']}")
            results.append(dict(name=scn["name"], what=scn["what"], ops=scn["n"], runs=[],
                                summary={}, notes=notes))
            continue
        tracers = [None]
        for t in with_fallbacks(scn["tracers"]):
            why = None if t.get("ig") else tool_works(t, args, tmp)
            if why:
                notes.append(f"{scn['name']}: {t['name']} skipped, {why}")
            else:
                tracers.append(t)
                if t.get("note"):
                    notes.append(f"{scn['name']}: {t['note']}")
        if scn.get("peer_note"):
            notes.append(f"{scn['name']}: {scn['peer_note']}")
        runs = []
        for rnd in range(rounds):
            for t in tracers:
                log(f"{scn['name']} round {rnd + 1}/{rounds}: {t['name'] if t else 'none'}")
                # For every run of the workload, bare too: the stats' cost
                # then falls on all alike.
                if scn.get("bpf_stats"):
                    with bpfstats.enabled():
                        r = run_once(scn, t, scn["n"], args, tmp=tmp)
                else:
                    r = run_once(scn, t, scn["n"], args, tmp=tmp)
                r["round"] = rnd
                runs.append(r)
        results.append(dict(name=scn["name"], what=scn["what"], ops=scn["n"], runs=runs,
                            summary=summarize(runs, scn), notes=notes))
    return results


def run_sweep(args, tmp, rounds):
    """open_loop paced at several rates: bare, ig, opensnoop."""
    scn = scenarios(args.ig, args.bin)[0]
    tracers = [None] + [t for t in scn["tracers"] if t["name"] in ("ig", "opensnoop")
                        and (t.get("ig") or shutil.which(t["cmd"][0]))]
    rates = [1000, 100_000, 0] if SHORT else [1000, 10_000, 100_000, 0]
    points = []
    for rate in rates:
        # Low rates run longer: their CPU per event is a small difference.
        secs = 0.5 if SHORT else 5.0 if rate and rate < 10_000 else 2.0
        n = int(rate * secs) if rate else (100_000 if SHORT else 600_000)
        runs = []
        for rnd in range(rounds):
            for t in tracers:
                log(f"sweep {rate or 'max'}/s round {rnd + 1}/{rounds}: {t['name'] if t else 'none'}")
                r = run_once(scn, t, n, args, rate=rate, tmp=tmp)
                r["round"] = rnd
                runs.append(r)
        bare = {r["round"]: r for r in runs if r["tracer"] == "none"}
        cpu = {}
        for t in tracers[1:]:
            cpu[t["name"]] = med(r["cpu_ns_per_op"] + r["tracer_cpu_ns_per_op"]
                                 - bare[r["round"]]["cpu_ns_per_op"]
                                 for r in runs if r["tracer"] == t["name"])
        # The rate each tracer let the loop reach (at full speed, or when
        # a paced rate is more than the loop can do under it): plot it there.
        actual = {t: med(r["ops"] / r["wall_ns"] * 1e9 for r in runs if r["tracer"] == t)
                  for t in ["none"] + [t["name"] for t in tracers[1:]]}
        label = f"{rate:,}" if rate else "max"
        if any(v < 0.95 * (rate or 1e12) for v in actual.values()):
            label += " (reached: " + ", ".join(f"{t} {v / 1000:,.0f}k" for t, v in actual.items()) + ")"
        points.append(dict(rate=rate, rate_actual=actual, label=label,
                           cpu_overhead_ns=cpu, runs=runs))
    return points, ["none"] + [t["name"] for t in tracers[1:]]


LAT_RE = re.compile(r"(\w+)=([\d.]+)")


def run_latency(args):
    ig_cmd = [args.ig, "run", "trace_open", "--host", "-o", "json", "--comm", "latency"]
    n = 5 if SHORT else 30
    regimes = [
        ("low rate: 5 opens/s", ["-n", str(n), "-i", "200"]),
        ("low rate, worst case: open 1 ms after a wakeup", ["-n", str(n), "-i", "200", "-b"]),
        ("under a 100k opens/s background load", ["-n", str(n), "-i", "200", "-r", "100000"]),
    ]
    out = []
    for name, opts in regimes:
        log(f"latency: {name}")
        r = subprocess.run([os.path.join(args.bin, "latency")] + opts + ["--"] + ig_cmd,
                           capture_output=True, text=True, timeout=600)
        d = dict(regime=name)
        for k, v in LAT_RE.findall(r.stdout):
            d[k] = float(v) if "." in v else int(v)
        if "p50_ms" not in d:
            d["error"] = r.stderr.strip()[-300:]
        out.append(d)
    return out


def run_fmt(args):
    r = subprocess.run([os.path.join(args.bin, "fmt_bench"), "-n",
                        "200000" if SHORT else "2000000"], capture_output=True, text=True)
    out = []
    for line in r.stdout.splitlines():
        d = {}
        for k, v in re.findall(r"(\w+)=([\w.]+)", line):
            try:
                d[k] = float(v)
            except ValueError:
                d[k] = v
        if "mode" in d:
            out.append(d)
    return out


def git_rev():
    r = subprocess.run(["git", "-C", os.path.dirname(HERE), "describe", "--always", "--dirty"],
                       capture_output=True, text=True)
    return r.stdout.strip() or "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ig", default="./ig")
    ap.add_argument("--bin", default="build/bench", help="where the workloads were built")
    ap.add_argument("--out", default=os.path.join(
        HERE, "../build/bench/results" if SHORT else "results"),
                    help="where results go (default bench/results; build/bench/results "
                         "with BENCH_SHORT=1)")
    ap.add_argument("--rounds", type=int, default=1 if SHORT else 3)
    ap.add_argument("--only", nargs="*", help="workloads to run (open open_paths exec process process_rss policy tcp tty write tcp_rw file_rw syscall profile_cpu dns udp_other)")
    ap.add_argument("--ops", nargs="*", default=[], metavar="WORKLOAD=N",
                    help="operations per run for these workloads (e.g. process=2000)")
    ap.add_argument("--no-sweep", action="store_true")
    ap.add_argument("--no-latency", action="store_true")
    ap.add_argument("--no-startup", action="store_true", help="skip the cold/warm start-up section")
    ap.add_argument("--no-bpf-costs", action="store_true",
                    help="skip the BPF run time of the kernel fallbacks against the fast path")
    ap.add_argument("--process-rss", type=int, default=2_000 if SHORT else 100_000,
                    metavar="N", help="trace_process's RSS across N short processes "
                    "(0: skip; issue #14 asks 1,000,000, about 2 h on a slow 2-core VM)")
    ap.add_argument("--no-install", action="store_true", help="do not apt-get the peers")
    args = ap.parse_args()
    try:
        args.ops = {k: int(v) for k, v in (o.split("=", 1) for o in args.ops)}
    except ValueError:
        ap.error("--ops takes WORKLOAD=N")
    args.ig = os.path.abspath(args.ig)
    args.bin = os.path.abspath(args.bin)
    if os.geteuid():
        sys.exit("bench: run as root (tracers load BPF programs)")
    ensure_peers(args.no_install)
    os.makedirs(args.out, exist_ok=True)
    started = datetime.datetime.now(datetime.timezone.utc)
    prev = None
    try:
        with open(os.path.join(args.out, "latest.json")) as f:
            prev = json.load(f)
    except (OSError, ValueError):
        pass
    foreign = foreign_tracers()
    with tempfile.TemporaryDirectory(prefix="ig-bench.") as tmp:
        result = dict(meta=dict(
            started=started.isoformat(timespec="seconds"), kernel=os.uname().release,
            cpus=os.cpu_count(), ig_rev=git_rev(), short=SHORT, rounds=args.rounds,
            foreign_tracers=foreign))
        # ig's minimized-BTF cache: a private one, warm for the scenarios
        # (the start-up section measures cold and warm starts apart).
        os.environ["IG_CACHE_DIR"] = os.path.join(tmp, "ig-cache")
        subprocess.run([args.ig, "run", "trace_open", "--host", "--timeout", "0.1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not args.no_startup:
            result["startup"] = startup.run_startup(args.ig, args.bin, args.rounds, log)
        result["scenarios"] = run_scenarios(args, tmp, ig_gadgets(args.ig), args.rounds)
        if not args.no_sweep:
            result["sweep"], result["sweep_tracers"] = run_sweep(args, tmp, args.rounds)
        if not args.no_latency:
            result["latency"] = run_latency(args)
        if not args.no_bpf_costs:
            result["bpf_costs"] = run_bpf_costs(args, tmp, args.rounds)
        if args.process_rss and "trace_process" in ig_gadgets(args.ig) and (
                not args.only or "process_rss" in args.only):
            log(f"process RSS: {args.process_rss:,} processes under trace_process")
            result["process_rss"] = procrss.run(args.ig, args.bin, args.process_rss, log)
        if not args.only or "profile_cpu" in args.only:
            result["profile_cpu"] = run_profile_cpu_cost(args, tmp, 3 if SHORT else 10)
        result["fmt"] = run_fmt(args)
    # Whoever was attached at the start or the end (not ours: ours are gone).
    seen = {(f["pid"], f["comm"]) for f in foreign}
    foreign += [f for f in foreign_tracers() if (f["pid"], f["comm"]) not in seen]
    result["meta"]["foreign_tracers"] = foreign
    result["meta"]["seconds"] = round(
        (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds())
    result["targets"] = evaluate_targets(result, None if SHORT else prev)
    result["fallbacks"] = fallback_rows(result)
    if result.get("sweep"):
        png = plot(result, args.out)
        result["plot"] = os.path.relpath(png, os.path.dirname(HERE)) if png else None
    table = markdown(result)
    result["table_markdown"] = table
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    for path in [os.path.join(args.out, f"{stamp}.json"), os.path.join(args.out, "latest.json")]:
        with open(path + ".tmp", "w") as f:
            json.dump(result, f, indent=1)
        os.replace(path + ".tmp", path)
    print(table)
    log(f"results in {os.path.relpath(args.out)}/ ({result['meta']['seconds']} s)")


if __name__ == "__main__":
    main()
