# SPDX-License-Identifier: Apache-2.0
"""BPF run time of a tracer's programs, as the kernel counts it with
kernel.bpf_stats_enabled=1: the run_time_ns and run_cnt the fdinfo of each
of the process's program fds shows (the same counters `bpftool prog show`
prints). The sysctl is on only while a workload that asks for it runs: it
adds two clock reads to every program run."""
import os
from contextlib import contextmanager

SYSCTL = "/proc/sys/kernel/bpf_stats_enabled"


@contextmanager
def _set(value):
    try:
        with open(SYSCTL) as f:
            old = f.read().strip()
        with open(SYSCTL, "w") as f:
            f.write(value)
    except OSError:
        old = None
    try:
        yield
    finally:
        if old is not None:
            with open(SYSCTL, "w") as f:
                f.write(old)


def enabled():
    """Stats on for the runs inside (the BPF cost passes)."""
    return _set("1")


def disabled():
    """Stats off for the runs inside (the wall-clock passes), whatever a
    bench killed before it could restore the sysctl left behind: found on
    here at the start of a session, adding two clock reads to every program
    run of every tracer, the floors' too."""
    return _set("0")


def prog_stats(pid):
    """{prog_id: (run_time_ns, run_cnt)} for the BPF programs pid holds."""
    out = {}
    try:
        fds = os.listdir(f"/proc/{pid}/fdinfo")
    except OSError:
        return out
    for fd in fds:
        try:
            with open(f"/proc/{pid}/fdinfo/{fd}") as f:
                info = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        if "prog_id" in info and "run_time_ns" in info:
            out[int(info["prog_id"])] = (int(info["run_time_ns"]), int(info["run_cnt"]))
    return out


def delta_ns(before, after):
    """BPF ns spent between two prog_stats() snapshots, all programs."""
    return sum(t - before.get(pid, (0, 0))[0] for pid, (t, _) in after.items())


def markdown(scenarios):
    rows = [(scn["name"], name, s["bpf_ns_per_op"]) for scn in scenarios
            for name, s in scn["summary"].items() if s.get("bpf_ns_per_op") is not None]
    if not rows:
        return []
    return ["", "BPF run time per operation (kernel.bpf_stats_enabled, all the tracer's "
            "programs, median of the rounds):", "", "| workload | tracer | BPF ns/op |",
            "|---|---|---:|"] + [f"| {w} | {t} | {v:,.0f} |" for w, t, v in rows]


def exec_targets(e):
    """trace_exec's goals: BPF time per exec, and overhead beside execsnoop's."""
    t = []
    if "ig" in e and e["ig"].get("bpf_ns_per_op") is not None:
        v = e["ig"]["bpf_ns_per_op"]
        t.append(dict(target="trace_exec BPF time ≤ 3 µs per exec", met=v <= 3000,
                      value=f"{v / 1000:.2f} µs"))
    if "ig" in e and e.get("execsnoop", {}).get("overhead_ns"):
        r = e["ig"]["overhead_ns"] / e["execsnoop"]["overhead_ns"]
        t.append(dict(target="trace_exec overhead on fork+exec ≤ 0.5× execsnoop's",
                      met=0 <= r <= 0.5 or e["ig"]["overhead_ns"] <= 0,
                      value=f"{r:.2f}× ({e['ig']['overhead_ns']:,.0f} vs "
                            f"{e['execsnoop']['overhead_ns']:,.0f} ns)"))
    return t
