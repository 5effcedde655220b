#!/usr/bin/env python3
"""The node agent against a single ig run (issue 15's goals).

ig daemon with 4 trace gadgets (trace_exec, trace_open --failed, trace_tcp,
ttysnoop, all host-wide) plus --metrics-listen and --export-file, against
"ig run trace_exec --host -o json", under the same exec workload
(exec_loop: fork+exec+wait of bench_nop); and, reported beside them, the
DaemonSet's set (traceloop instead of ttysnoop). The tracer's CPU time
(user + system, /proc/PID/task/*/schedstat) per event it wrote (lines of
its output), the workload's wall time per exec, the tracer's peak VmRSS.
Medians of --rounds alternated runs. Goals (the 4 trace gadgets): RSS <=
15 MB, CPU per event <= 1.10x ig run's.

  python3 bench/fleet.py --ig ./ig --bin build/bench [--rounds 3] [--n 5000]
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time

RSS_GOAL_KB = 15 * 1024
COST_GOAL = 1.10
TRACE4 = """gadgets:
  trace_exec: {host: true}
  trace_open: {host: true, failed: true}
  trace_tcp: {host: true}
  ttysnoop: {host: true}
"""
# The DaemonSet's set: traceloop's per-container buffers come on top.
WITH_TRACELOOP = """gadgets:
  trace_exec: {host: true}
  trace_open: {host: true, failed: true}
  trace_tcp: {host: true}
  traceloop:
"""
CONFIGS = {"daemon": TRACE4, "daemon+traceloop": WITH_TRACELOOP}


def lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def cpu_ns(pid):
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError):
            pass
    return total


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(cmd, tmp, ready):
    err = open(os.path.join(tmp, "err"), "wb")
    out = open(os.path.join(tmp, "out"), "wb")
    p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while ready not in open(os.path.join(tmp, "err"), errors="replace").read():
        if p.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{cmd[1]} did not start: " +
                               open(os.path.join(tmp, "err"), errors="replace").read()[-400:])
        time.sleep(0.05)
    return p


def run_one(kind, args, tmp):
    if kind == "run":
        cmd = [args.ig, "run", "trace_exec", "--host", "-o", "json", "-v"]
        ready = ": attached"
        out = os.path.join(tmp, "out")
    else:
        cfg = os.path.join(tmp, "ig.yaml")
        out = os.path.join(tmp, "export.jsonl")
        with open(cfg, "w") as f:
            f.write(CONFIGS[kind])
        cmd = [args.ig, "daemon", "--config", cfg, "--socket", os.path.join(tmp, "s", "ig.sock"),
               "--export-file", os.path.join(tmp, "export.jsonl"),
               # one file, so its lines are every event written
               "--export-rotate-size", "0",
               "--metrics-listen", f"127.0.0.1:{free_port()}", "-v"]
        ready = "listening on"
    p = start(cmd, tmp, ready)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_kb(p.pid))
            done.wait(0.05)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    c0, l0 = cpu_ns(p.pid), lines(out)
    w = subprocess.run([os.path.join(args.bin, "exec_loop"), "-n", str(args.n), "-w", "0",
                        "-p", os.path.join(args.bin, "bench_nop")],
                       capture_output=True, text=True, check=True)
    # Let the tracer catch up with the last events before reading its CPU.
    time.sleep(0.3)
    c1, l1 = cpu_ns(p.pid), lines(out)
    done.set()
    t.join()
    peak[0] = max(peak[0], rss_kb(p.pid))
    p.send_signal(signal.SIGTERM if kind == "daemon" else signal.SIGINT)
    p.wait(60)
    m = re.search(r"ops=(\d+) wall_ns=(\d+)", w.stdout)
    ops, wall = int(m.group(1)), int(m.group(2))
    return dict(kind=kind, exit=p.returncode, rss_kb=peak[0], events=l1 - l0,
                cpu_ns_per_event=(c1 - c0) / max(1, l1 - l0), wall_ns_per_op=wall / ops)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ig", default="./ig")
    ap.add_argument("--bin", default="build/bench")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--out", default="bench/results/fleet.json")
    args = ap.parse_args()
    runs = []
    for _ in range(args.rounds):
        for kind in ("run", "daemon", "daemon+traceloop"):
            with tempfile.TemporaryDirectory(prefix="ig-bench-fleet.") as tmp:
                runs.append(run_one(kind, args, tmp))
    med = {k: {f: statistics.median(r[f] for r in runs if r["kind"] == k)
               for f in ("rss_kb", "cpu_ns_per_event", "wall_ns_per_op")}
           for k in ("run", "daemon", "daemon+traceloop")}
    ratio = med["daemon"]["cpu_ns_per_event"] / med["run"]["cpu_ns_per_event"]
    wall_ratio = med["daemon"]["wall_ns_per_op"] / med["run"]["wall_ns_per_op"]
    ok_rss = med["daemon"]["rss_kb"] <= RSS_GOAL_KB
    ok_cost = ratio <= COST_GOAL
    tl = med["daemon+traceloop"]
    print("| | ig run trace_exec | ig daemon, 4 trace gadgets + metrics | goal |"
          " the DaemonSet's set (3 trace gadgets + traceloop) + metrics |")
    print("|---|---|---|---|---|")
    print(f"| peak RSS | {med['run']['rss_kb'] / 1024:.1f} MB | {med['daemon']['rss_kb'] / 1024:.1f} MB"
          f" | <= 15 MB: {'met' if ok_rss else 'MISSED'} | {tl['rss_kb'] / 1024:.1f} MB |")
    print(f"| tracer CPU per event written | {med['run']['cpu_ns_per_event'] / 1000:.1f} us"
          f" | {med['daemon']['cpu_ns_per_event'] / 1000:.1f} us ({ratio:.2f}x)"
          f" | <= {COST_GOAL:.2f}x: {'met' if ok_cost else 'MISSED'}"
          f" | {tl['cpu_ns_per_event'] / 1000:.1f} us |")
    print(f"| workload wall per exec | {med['run']['wall_ns_per_op'] / 1000:.1f} us"
          f" | {med['daemon']['wall_ns_per_op'] / 1000:.1f} us ({wall_ratio:.2f}x) | (reported)"
          f" | {tl['wall_ns_per_op'] / 1000:.1f} us |")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(dict(runs=runs, median=med, cpu_ratio=ratio, wall_ratio=wall_ratio,
                       rss_goal_met=ok_rss, cost_goal_met=ok_cost), f, indent=1)
    if any(r["exit"] for r in runs):
        raise SystemExit("a tracer exited with an error: " + str([r["exit"] for r in runs]))


main()
