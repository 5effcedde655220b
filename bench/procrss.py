# SPDX-License-Identifier: Apache-2.0
"""trace_process's memory across many short processes: its process cache is
a bounded LRU, and an exited process leaves it (unless a cached child still
names it), so ig's RSS must stay flat however many processes come and go
(issue #14: within ±2 MB across 1M exec/exit; Tetragon's cache grows, its
issues #2892 and #1506; Tetragon is not packaged for Debian, so there is no
peer here).

ig run trace_process --host -o json writes to a pipe into grep, which
counts the exit events of the loop's program (the events of a million
processes would fill the disk); that it kept up is shown by that count, by
the losses it reports (none expected) and by its exec program's run count,
from the kernel (kernel.bpf_stats_enabled stays off: the count needs no
stats). One loop per CPU runs its program in ten equal parts; ig's VmRSS is
read before the first part and after each.

The loop: exec_loop (fork+exec+wait) of bench_nop, or with spawn=True
spawn_loop (vfork+exec+wait) of bench_tiny, a static program without libc:
on this VM a fork costs milliseconds of page-table copying, and a million
processes then take ~2 h; each is still a real process (its own pid, an
exec of a new image, an exit reaped by its parent).
"""
import os
import re
import signal
import subprocess
import time

PARTS = 10


def prog_runs(pid, name):
    """run_cnt of pid's BPF program called name (fdinfo has no name: bpftool)."""
    total = 0
    for fd in os.listdir(f"/proc/{pid}/fdinfo"):
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                m = re.search(r"^prog_id:\s+(\d+)", f.read(), re.M)
        except OSError:
            continue
        if not m:
            continue
        out = subprocess.run(["bpftool", "prog", "show", "id", m.group(1)],
                             capture_output=True, text=True).stdout
        if f" name {name} " in out:
            c = re.search(r"run_cnt (\d+)", out)
            total += int(c.group(1)) if c else 0
    return total


def rss_kb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def run(ig, bindir, n, log, cache_size=None, spawn=True):
    """n processes (fork+exec+exit) under trace_process; RSS per tenth."""
    workers = os.cpu_count() or 1
    per = max(n // (PARTS * workers), 1)
    cmd = [ig, "run", "trace_process", "--host", "-o", "json"]
    if cache_size:
        cmd += ["--cache-size", str(cache_size)]
    err_path = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"ig-procrss.{os.getpid()}.err")
    prog = os.path.join(bindir, "bench_tiny" if spawn else "bench_nop")
    # JSON keys are sorted: "binary" comes before "event".
    with open(err_path, "wb") as err:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL)
    counter = subprocess.Popen(["grep", "-c", "-E", f'"binary":"{prog}".*"event":"exit"'],
                               stdin=p.stdout, stdout=subprocess.PIPE, text=True)
    p.stdout.close()
    try:
        aw = subprocess.run([os.path.join(bindir, "attach_wait"), "-t", "60", str(p.pid),
                             "sched_process_exec"], capture_output=True, text=True)
        if aw.returncode:
            raise RuntimeError("trace_process did not attach: " + aw.stderr.strip())
        loop = [os.path.join(bindir, "spawn_loop" if spawn else "exec_loop"), "-p", prog,
                "-w", "0", "-n", str(per)]
        # A first part to warm up (ring buffer pages, the /proc seed, libc
        # arenas): RSS is read after it, as the start.
        warm = loop[:-1] + [str(min(per, 1000))]
        subprocess.run(warm, check=True, capture_output=True)
        samples = [dict(processes=0, rss_kb=rss_kb(p.pid), t=0.0)]
        runs0 = prog_runs(p.pid, "ig_proc_exec")
        t0 = time.monotonic()
        done = 0
        for part in range(PARTS):
            ws = [subprocess.Popen(loop, stdout=subprocess.DEVNULL) for _ in range(workers)]
            if any(w.wait() for w in ws):
                raise RuntimeError("exec_loop failed")
            done += per * workers
            samples.append(dict(processes=done, rss_kb=rss_kb(p.pid),
                                t=round(time.monotonic() - t0, 1)))
            log(f"process RSS: {done:,} processes, VmRSS {samples[-1]['rss_kb']:,} kB "
                f"({samples[-1]['t']:.0f} s)")
        execs = prog_runs(p.pid, "ig_proc_exec") - runs0
        hwm = rss_kb(p.pid, "VmHWM")
    finally:
        try:
            p.send_signal(signal.SIGINT)
        except ProcessLookupError:
            pass
        p.wait(timeout=120)
        exits = int(counter.communicate(timeout=120)[0].strip() or 0)
    with open(err_path, "rb") as f:
        errs = f.read().decode(errors="replace")
    os.unlink(err_path)
    # ig's running total, "lost N events (T in total)", and at exit
    # "lost T events in total".
    lost = [int(a or b) for a, b in
            re.findall(r"\((\d+) in total\)|lost (\d+) events in total", errs)]
    rss = [s["rss_kb"] for s in samples]
    return dict(processes=done, workers=workers, seconds=samples[-1]["t"],
                loop="spawn_loop bench_tiny" if spawn else "exec_loop bench_nop",
                exit_events=exits, warmup=min(per, 1000),
                execs_traced=execs, lost_reported=max(lost) if lost else 0,
                cache_size=cache_size or 32768, samples=samples,
                start_kb=rss[0], middle_kb=rss[len(rss) // 2], end_kb=rss[-1],
                spread_kb=max(rss) - min(rss), growth_kb=rss[-1] - rss[0], hwm_kb=hwm)


def markdown(r):
    return ["", f"trace_process across {r['processes']:,} short processes "
            f"({r['loop']}, {r['workers']} loops, {r['seconds']:.0f} s; "
            f"{r['execs_traced']:,} execs seen by BPF, {r['exit_events']:,} exit events of the "
            f"program out of ig (warm-up included), {r['lost_reported']} events lost; "
            "no peer: Tetragon is not packaged for Debian):", "",
            "| processes | ig VmRSS (MB) |", "|---:|---:|"] + [
        f"| {s['processes']:,} | {s['rss_kb'] / 1024:.2f} |" for s in r["samples"]] + [
        "", f"Start {r['start_kb'] / 1024:.2f} MB, middle {r['middle_kb'] / 1024:.2f} MB, "
        f"end {r['end_kb'] / 1024:.2f} MB; spread {r['spread_kb'] / 1024:.2f} MB; "
        f"VmHWM {r['hwm_kb'] / 1024:.2f} MB."]


def targets(r):
    return [dict(target="trace_process RSS flat (±2 MB) across many exec/exit",
                 met=r["spread_kb"] <= 2048 and r["lost_reported"] == 0 and
                 r["exit_events"] == r["processes"] + r["warmup"],
                 value=f"spread {r['spread_kb'] / 1024:.2f} MB over {r['processes']:,} processes "
                       f"(start {r['start_kb'] / 1024:.1f}, middle {r['middle_kb'] / 1024:.1f}, "
                       f"end {r['end_kb'] / 1024:.1f} MB)")]
