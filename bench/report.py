# SPDX-License-Identifier: Apache-2.0
"""bench/run.py's report: the markdown tables, the targets met or missed,
and the plot, from the result dictionary the runs filled."""
import os
import shutil
import subprocess

import bpfstats
import procrss
import startup
from scenarios import FALLBACKS


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
    return t


# (scenario, what, goal ns, per what, operations per workload op): the
# per-operation goals of issues #12-#14, each beside the floor of its hook,
# an empty program there (its scenario's "empty program" tracer).
FLOOR_GOALS = [
    ("file_rw", "top_file", 100, "per read/write", 1),
    ("tcp_rw", "top_tcp", 150, "per send/recv", 2),
    ("policy", "an active policy matching nothing", 100, "per hooked syscall", 1),
]


def per_call(cost, ops):
    """BPF ns per hooked call: a run's time, where a run is a call; spread
    over the calls where the programs run less often than the calls (a
    gadget that reads counters instead of hooking each call)."""
    run, runs = cost.get("ns_per_run"), cost.get("runs_per_op")
    if run is None or runs is None:
        return run
    return run * min(1.0, runs / ops)


def floor_targets(scn, costs, name, what, goal, per, ops):
    """Wall clock added and BPF run time per operation, raw and beyond the
    floor: BPF_ENABLE_STATS's clock reads (~50-130 ns a run on kvm-clock)
    and the hook's dispatch are in every program's figures, an empty one's
    too."""
    t = []
    wall = scn.get(name, {})
    bpf = costs.get(name, {})
    w, wf = (wall.get(n, {}).get("overhead_ns") for n in ("ig", "empty program"))
    b, bf = (per_call(bpf.get(n, {}), ops) for n in ("ig", "empty program"))
    if w is not None:
        t.append(dict(target=f"{what} adds ≤ {goal} ns {per} (wall clock)", met=w / ops <= goal,
                      value=f"{w / ops:.0f} ns" + (f"; an empty program on the same hook adds "
                                                    f"{wf / ops:.0f} ns" if wf is not None else "")))
    if wf is not None:
        # Whether the goal can be met on this machine at all: no program on
        # this hook adds less than an empty one.
        t.append(dict(target=f"{what}'s hook alone (an empty program) adds ≤ {goal} ns {per} "
                             "(wall clock: is the goal reachable here?)",
                      met=wf / ops <= goal, value=f"{wf / ops:.0f} ns"))
    if w is not None and wf is not None:
        t.append(dict(target=f"{what} adds ≤ {goal} ns {per} beyond an empty program on the "
                             "same hook (wall clock)",
                      met=(w - wf) / ops <= goal, value=f"{(w - wf) / ops:.0f} ns"))
    if b is not None:
        t.append(dict(target=f"{what}: BPF run time ≤ {goal} ns {per}", met=b <= goal,
                      value=f"{b:.0f} ns (kernel.bpf_stats_enabled, its clock reads included)"
                            + (f"; {bpf['ig']['runs_per_op'] / ops:.4f} runs per call"
                               if bpf["ig"].get("runs_per_op", ops) < ops else "")))
    if b is not None and bf is not None:
        t.append(dict(target=f"{what}: BPF run time beyond an empty program's ≤ {goal} ns {per}",
                      met=b - bf <= goal, value=f"{b - bf:.0f} ns ({b:.0f} - {bf:.0f})"))
    return t


def profile_cpu_targets(result):
    scn = {s["name"]: s["summary"] for s in result["scenarios"]}
    t = []
    costs = {c["scenario"]: c["tracers"] for c in result.get("bpf_costs", [])}
    for goal in FLOOR_GOALS:
        t.extend(floor_targets(scn, costs, *goal))
    pol = costs.get("policy", {})
    ig, ref = (pol.get(n, {}).get("ns_per_run") for n in ("ig", "path compare"))
    if ig is not None and ref is not None:
        t.append(dict(target="an active policy matching nothing: BPF run time ≤ the least program "
                             "that decides its selector (bpftrace's path compare)",
                      met=ig <= ref, value=f"{ig:.0f} ns vs {ref:.0f} ns"))
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
