#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Container awareness, measured (docs/containers.md, "Cost").

1. Enrichment delay of a new container: `ig run trace_exec -o json` runs
   (containers only), then containers are started one at a time with
   `docker run --rm`. For each, the first event that names it: is it
   enriched, and how long after the exec (its kernel timestamp) was its
   line read from ig's stdout (a pipe)?
2. `ig list-containers` with 0 and N busybox containers running: wall and
   CPU time per call (median of a few calls), from the host's state files.

Needs root, docker (tests/lib/engines.sh starts it) and the busybox image
that the integration tests import. Prints a markdown table; no timing is
asserted.
"""
import argparse
import calendar
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PREFIX = "igbench-ct"


def log(msg):
    print(f"bench-containers: {msg}", file=sys.stderr, flush=True)


def sh(*args, check=True):
    return subprocess.run(args, check=check, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True).stdout


def engines_setup():
    subprocess.run(["bash", "-c", f". {ROOT}/tests/lib/engines.sh && engines_setup"],
                   check=True)


def remove_bench_containers():
    ids = sh("docker", "ps", "-aq", "--filter", f"name={PREFIX}", check=False).split()
    if ids:
        sh("docker", "rm", "-f", *ids, check=False)


def parse_rfc3339_ns(ts):
    """'2026-12-02T01:38:25.123456789Z' -> ns since the epoch."""
    date, frac = ts.rstrip("Z").split(".")
    secs = calendar.timegm(time.strptime(date, "%Y-%m-%dT%H:%M:%S"))
    return int(secs) * 1_000_000_000 + int(frac.ljust(9, "0")[:9])


class Reader(threading.Thread):
    """Reads ig's JSON lines, stamping each with the wall time it arrived."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.lines = []
        self.lock = threading.Lock()

    def run(self):
        for line in self.pipe:
            now = time.time_ns()
            with self.lock:
                self.lines.append((now, line))

    def first_of(self, name, deadline):
        while time.monotonic() < deadline:
            with self.lock:
                for read_at, line in self.lines:
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    if ev.get("runtime", {}).get("containerName") == name:
                        return read_at, ev
            time.sleep(0.01)
        return None, None


def enrichment_delay(ig, runs):
    proc = subprocess.Popen([ig, "run", "trace_exec", "-o", "json", "-v"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    attached = threading.Event()

    def watch_stderr():
        for line in proc.stderr:
            if ": attached" in line:
                attached.set()
    threading.Thread(target=watch_stderr, daemon=True).start()
    reader = Reader(proc.stdout)
    reader.start()
    if not attached.wait(10):
        proc.kill()
        raise SystemExit("ig did not attach")
    delays, enriched = [], 0
    try:
        for i in range(runs):
            name = f"{PREFIX}-new-{os.getpid()}-{i}"
            sh("docker", "run", "--rm", "--name", name, "busybox", "sh", "-c", "echo hi")
            read_at, ev = reader.first_of(name, time.monotonic() + 5)
            if ev is None:
                log(f"{name}: no event named it")
                continue
            enriched += ev["runtime"].get("containerImageName") == "busybox" and \
                ev["runtime"].get("runtimeName") == "docker"
            delays.append((read_at - parse_rfc3339_ns(ev["timestamp"])) / 1e6)
    finally:
        proc.terminate()
        proc.wait()
    return delays, enriched


def time_list_containers(ig, calls):
    walls, cpus, count = [], [], 0
    for _ in range(calls):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic_ns()
        out = sh(ig, "list-containers", "-o", "json")
        walls.append((time.monotonic_ns() - t0) / 1e6)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1e3)
        count = len(json.loads(out)) if out.strip().startswith("[") else \
            sum(1 for l in out.splitlines() if l.strip())
    return statistics.median(walls), statistics.median(cpus), count


def start_containers(n):
    for i in range(n):
        sh("docker", "run", "-d", "--name", f"{PREFIX}-{i}", "busybox", "sleep", "3600")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ig", default=os.path.join(ROOT, "ig"))
    ap.add_argument("--containers", type=int, default=50)
    ap.add_argument("--runs", type=int, default=10, help="new containers to time")
    ap.add_argument("--calls", type=int, default=7, help="list-containers calls per count")
    args = ap.parse_args()

    engines_setup()
    remove_bench_containers()
    try:
        log(f"enrichment delay over {args.runs} new containers")
        delays, enriched = enrichment_delay(args.ig, args.runs)
        rows = []
        for n in (0, args.containers):
            if n:
                log(f"starting {n} containers")
                start_containers(n)
            wall, cpu, seen = time_list_containers(args.ig, args.calls)
            rows.append((n, seen, wall, cpu))
    finally:
        remove_bench_containers()

    print(f"New containers: {len(delays)} of {args.runs} named, {enriched} fully "
          "enriched (name, image, runtime) on their first event.\n")
    if delays:
        q = statistics.quantiles(delays, n=10) if len(delays) > 1 else delays * 9
        print("| first event of a new container: exec to enriched line read | ms |")
        print("|---|---:|")
        print(f"| median | {statistics.median(delays):.1f} |")
        print(f"| p90 | {q[8]:.1f} |")
        print(f"| max | {max(delays):.1f} |\n")
    print(f"`ig list-containers -o json`, median of {args.calls} calls:\n")
    print("| containers running | listed | wall (ms) | CPU (ms) |")
    print("|---:|---:|---:|---:|")
    for n, seen, wall, cpu in rows:
        print(f"| {n} | {seen} | {wall:.1f} | {cpu:.1f} |")
    return 0 if delays else 1


if __name__ == "__main__":
    sys.exit(main())
