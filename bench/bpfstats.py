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
def enabled():
    try:
        with open(SYSCTL) as f:
            old = f.read().strip()
        with open(SYSCTL, "w") as f:
            f.write("1")
    except OSError:
        old = None
    try:
        yield
    finally:
        if old is not None:
            with open(SYSCTL, "w") as f:
                f.write(old)


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
