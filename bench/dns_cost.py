#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""trace_dns's cost per datagram, builds alternated in each round.

    dns_cost.py [--rounds N] [-n COUNT] NAME=IG[:ENV=VAL] ...

For each round, each port (53: a DNS query trace_dns reports; 5353: a
datagram it must only let pass) and each build in turn: udp_loop alone,
then under `IG run trace_dns --host -o json --query-timeout 0`. Prints per
run the BPF ns per datagram of every program the tracer holds (run_time_ns
and run_cnt from /proc/PID/fdinfo, kernel.bpf_stats_enabled on: this counts
the cgroup programs too), their sum, and udp_loop's wall-clock ns per op
beside the bare run just before it; then the medians."""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpfstats  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
LOOP = os.path.join(HERE, "..", "build", "bench", "udp_loop")


def loop(port, n):
    out = subprocess.run([LOOP, "-p", str(port), "-n", str(n), "-w", "1000"],
                         capture_output=True, text=True, check=True).stdout
    kv = dict(x.split("=", 1) for x in out.split() if "=" in x)
    return int(kv["ops"]), float(kv["ns_per_op"])


def prog_names(ids):
    names = {}
    for i in ids:
        r = subprocess.run(["bpftool", "-j", "prog", "show", "id", str(i)],
                           capture_output=True, text=True)
        try:
            names[i] = json.loads(r.stdout).get("name", "?")
        except ValueError:
            names[i] = "?"
    return names


def traced(ig, env, port, n):
    e = dict(os.environ, **env)
    err = open("/tmp/dns_cost.err", "w+")
    p = subprocess.Popen([ig, "run", "trace_dns", "--host", "-o", "json", "-v",
                          "--query-timeout", "0"], stdout=subprocess.DEVNULL, stderr=err, env=e)
    try:
        for _ in range(200):   # until ig says it is attached
            time.sleep(0.05)
            err.seek(0)
            if "trace_dns: attached" in err.read():
                break
        else:
            raise SystemExit("dns_cost: ig did not attach")
        time.sleep(1.0)   # past the BTF cache work ig does after attaching
        s0 = bpfstats.prog_stats(p.pid)
        ops, wall = loop(port, n)
        s1 = bpfstats.prog_stats(p.pid)
        names = prog_names(s1)
    finally:
        p.terminate()
        p.wait()
    per = {}
    for k, (t, c) in s1.items():
        t0, c0 = s0.get(k, (0, 0))
        if c > c0:
            per[names[k]] = ((t - t0) / ops, (c - c0) / ops)
    return sum(v[0] for v in per.values()), wall, per


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--ports", default="53,5353")
    ap.add_argument("builds", nargs="+", help="NAME=IG[:ENV=VAL]")
    a = ap.parse_args()
    builds = []
    for b in a.builds:
        name, rest = b.split("=", 1)
        ig, *envs = rest.split(":")
        builds.append((name, ig, dict(x.split("=", 1) for x in envs)))
    res = {}
    with bpfstats.enabled():
        for r in range(a.rounds):
            for port in map(int, a.ports.split(",")):
                for name, ig, env in builds:
                    _, bare = loop(port, a.n)
                    bpf, wall, per = traced(ig, env, port, a.n)
                    res.setdefault((port, name), []).append((bpf, wall - bare))
                    progs = ", ".join(f"{k} {v[0]:.0f} ({v[1]:.2f} runs)"
                                      for k, v in sorted(per.items()))
                    print(f"round {r} port {port} {name}: BPF {bpf:.0f} ns/datagram; "
                          f"wall {wall:.0f} vs bare {bare:.0f} (+{wall - bare:.0f}); {progs}",
                          flush=True)
    print("\nport build: BPF ns/datagram median [rounds]; wall-clock overhead median [rounds]")
    for (port, name), v in res.items():
        b = [round(x[0]) for x in v]
        w = [round(x[1]) for x in v]
        print(f"{port} {name}: {statistics.median(b):.0f} {b}; "
              f"{statistics.median(w):+.0f} {w}")


if __name__ == "__main__":
    main()
