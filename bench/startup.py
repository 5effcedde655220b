# SPDX-License-Identifier: Apache-2.0
"""Start-up, end to end: exec of the tracer -> its programs attached (as the
kernel reports them, bench/attach_wait.c) -> its first event on stdout, for
every ig gadget, cold (an empty minimized-BTF cache: IG_CACHE_DIR pointing at
a new directory) and warm (the cache that run left), side by side with
opensnoop, alternated round by round. Also each run's VmHWM at that point.

opensnoop's stdout is a pty, read by a thread here: its stdio then flushes
each line, as for a user watching it (on a pipe it would hold 4 KiB). ig
writes with write(2) whatever stdout is, and gets a pipe: on a pty,
ttysnoop would report its own output. Once attached, the trigger for the gadget
(an open, an exec, a loopback connect, a pty write, a bind, each naming a marker)
repeats every 2 ms until the marker shows up.
"""
import os
import pty
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time

# gadget, tracepoint it attaches, trigger
GADGETS = [
    ("trace_open", "sys_exit_openat", "open"),
    ("trace_exec", "sys_exit_execve", "exec"),
    ("trace_tcp", "sys_exit_connect", "tcp"),
    ("ttysnoop", "sys_enter_write", "tty"),
    ("trace_process", "sched_process_exec", "exec"),
    ("trace_bind", "sys_exit_bind", "bind"),
]


class PtyReader(threading.Thread):
    """Drains a pty master; notes when a needle first shows up."""

    def __init__(self, fd):
        super().__init__(daemon=True)
        self.fd, self.buf, self.needle, self.seen_ns = fd, b"", None, None
        self.lock = threading.Lock()

    def watch(self, needle):
        with self.lock:
            self.needle = needle.encode()
            if self.needle in self.buf:
                self.seen_ns = time.time_ns()

    def run(self):
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.buf = (self.buf + data)[-262144:]
                if self.needle and self.seen_ns is None and self.needle in self.buf:
                    self.seen_ns = time.time_ns()


class Trigger:
    """Makes the event a gadget reports, naming marker (or a port)."""

    def __init__(self, kind, marker, tmp):
        self.kind, self.marker = kind, marker
        self.needle = marker
        if kind == "tcp":
            self.srv = socket.socket()
            self.srv.bind(("127.0.0.1", 0))
            self.srv.listen(64)
            self.needle = '127.0.0.1:%d"' % self.srv.getsockname()[1]   # the endpoint
        if kind == "bind":   # a port free now, bound again at each fire
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            self.needle = '127.0.0.1:%d"' % self.port
        if kind == "tty":
            self.master, self.slave = pty.openpty()
        self.path = os.path.join(tmp, marker)

    def fire(self):
        if self.kind == "open":
            try:
                os.close(os.open(self.path, os.O_RDONLY))
            except OSError:
                pass
        elif self.kind == "exec":
            subprocess.run(["/bin/true", self.marker])
        elif self.kind == "tcp":
            c = socket.create_connection(self.srv.getsockname())
            a, _ = self.srv.accept()
            c.close()
            a.close()
        elif self.kind == "bind":
            with socket.socket() as s:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind(("127.0.0.1", self.port))
                except OSError:
                    pass
        elif self.kind == "tty":
            # Not from this process: ttysnoop leaves out the readers of its
            # output pipe (its own rows would come back), and that is us.
            subprocess.run(["/bin/sh", "-c", 'printf "%s\\n" "$1" > "$2"', "sh",
                            self.marker, os.ttyname(self.slave)])
            try:
                os.read(self.master, 4096)
            except OSError:
                pass

    def close(self):
        if self.kind == "tcp":
            self.srv.close()
        if self.kind == "tty":
            os.close(self.master)
            os.close(self.slave)


def hwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def one_start(cmd, tp, kind, bindir, tmp, env=None, timeout=20, use_pty=False):
    """exec -> attached -> first event: ms for each, and VmHWM (kB)."""
    marker = f"igstart{time.time_ns() % 10**12}"
    trig = Trigger(kind, marker, tmp)
    master, slave = pty.openpty() if use_pty else os.pipe()
    reader = PtyReader(master)
    reader.start()
    t0 = time.time_ns()
    p = subprocess.Popen(cmd, stdout=slave, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    res = dict(cmd=" ".join(cmd))
    try:
        aw = subprocess.run([os.path.join(bindir, "attach_wait"), "-t", str(timeout), str(p.pid), tp],
                            capture_output=True, text=True)
        if aw.returncode:
            res["error"] = aw.stderr.strip()
            return res
        res["attached_ms"] = (int(aw.stdout) - t0) / 1e6
        reader.watch(trig.needle)
        deadline = time.monotonic() + timeout
        while reader.seen_ns is None and time.monotonic() < deadline:
            trig.fire()
            time.sleep(0.002)
        if reader.seen_ns is None:
            res["error"] = "no event"
        else:
            res["first_event_ms"] = (reader.seen_ns - t0) / 1e6
        res["hwm_kb"] = hwm_kb(p.pid)
    finally:
        p.send_signal(2)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
        os.close(master)
        trig.close()
    return res


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def run_startup(ig, bindir, rounds, log, gadgets=None):
    """Rounds of: per gadget, ig cold, ig warm, opensnoop; medians."""
    peer = shutil.which("opensnoop")
    runs = []
    with tempfile.TemporaryDirectory(prefix="ig-start.") as tmp:
        for rnd in range(rounds):
            for g, tp, kind in GADGETS:
                if gadgets and g not in gadgets:
                    continue
                cache = tempfile.mkdtemp(dir=tmp, prefix="cache.")
                env = dict(os.environ, IG_CACHE_DIR=cache)
                cmd = [ig, "run", g, "--host", "-o", "json"]
                for mode in ("cold", "warm"):
                    log(f"start-up round {rnd + 1}/{rounds}: {g} {mode}")
                    r = one_start(cmd, tp, kind, bindir, tmp, env=env)
                    runs.append(dict(r, gadget=g, tracer="ig", mode=mode, round=rnd))
                if peer:
                    log(f"start-up round {rnd + 1}/{rounds}: opensnoop (for {g})")
                    r = one_start([peer], "sys_exit_openat", "open", bindir, tmp, use_pty=True)
                    runs.append(dict(r, gadget=g, tracer="opensnoop", mode="-", round=rnd))
                shutil.rmtree(cache, ignore_errors=True)
    rows = []
    for g, _, _ in GADGETS:
        if gadgets and g not in gadgets:
            continue
        row = dict(gadget=g)
        for tracer, mode in (("ig", "cold"), ("ig", "warm"), ("opensnoop", "-")):
            rs = [r for r in runs if r["gadget"] == g and r["tracer"] == tracer and r["mode"] == mode]
            key = f"{tracer}_{mode}".replace("_-", "")
            row[key] = dict(attached_ms=med(r.get("attached_ms") for r in rs),
                            first_event_ms=med(r.get("first_event_ms") for r in rs),
                            hwm_kb=max([r.get("hwm_kb", 0) for r in rs] or [0]),
                            errors=[r["error"] for r in rs if "error" in r])
        rows.append(row)
    return dict(rows=rows, runs=runs, peer=bool(peer))


def markdown(st):
    out = ["", "Start-up, exec → programs attached → first event on stdout (ms), and VmHWM "
           "at the first event; ig cold (empty BTF cache) and warm, opensnoop in the same rounds:",
           "", "| gadget | ig cold: attached / first event | ig warm: attached / first event "
           "| opensnoop: attached / first event | warm vs opensnoop (attached) "
           "| cold vs opensnoop | VmHWM cold / warm (MB) |",
           "|---|---:|---:|---:|---:|---:|---:|"]

    def cell(d):
        a, f = d.get("attached_ms"), d.get("first_event_ms")
        return ("—" if a is None else f"{a:.0f}") + " / " + ("—" if f is None else f"{f:.0f}")

    for r in st["rows"]:
        o = r.get("opensnoop", {}).get("attached_ms")
        w, c = r["ig_warm"].get("attached_ms"), r["ig_cold"].get("attached_ms")
        wr = f"{w / o:.2f}×" if o and w else "—"
        cr = f"{c / o:.2f}×" if o and c else "—"
        out.append(f"| {r['gadget']} | {cell(r['ig_cold'])} | {cell(r['ig_warm'])} "
                   f"| {cell(r.get('opensnoop', {}))} | {wr} | {cr} "
                   f"| {r['ig_cold']['hwm_kb'] / 1024:.1f} / {r['ig_warm']['hwm_kb'] / 1024:.1f} |")
    errs = [f"{r['gadget']} {k}: {e}" for r in st["rows"] for k in ("ig_cold", "ig_warm", "opensnoop")
            for e in r.get(k, {}).get("errors", [])]
    if errs:
        out.append("")
        out.append("Start-up errors: " + "; ".join(errs))
    return "\n".join(out)


def targets(st):
    t = []
    for r in st["rows"]:
        o = r.get("opensnoop", {}).get("attached_ms")
        w, c = r["ig_warm"].get("attached_ms"), r["ig_cold"].get("attached_ms")
        if o and w:
            t.append(dict(target=f"{r['gadget']}: warm start to attached ≤ 0.5× opensnoop's",
                          met=w <= 0.5 * o, value=f"{w:.0f} ms vs {o:.0f} ms ({w / o:.2f}×)"))
        if o and c:
            t.append(dict(target=f"{r['gadget']}: cold start to attached ≤ 1.0× opensnoop's",
                          met=c <= o, value=f"{c:.0f} ms vs {o:.0f} ms ({c / o:.2f}×)"))
        h = r["ig_warm"].get("hwm_kb")
        if h:
            t.append(dict(target=f"{r['gadget']}: VmHWM ≤ 8 MB at the first event (warm start)",
                          met=h <= 8192, value=f"{h / 1024:.1f} MB"))
    return t
