#!/usr/bin/python3
"""The scheduler benchmark (issue 5): boots Zenith once per policy, hart
count, seed and workload, runs user/schedbench in the guest, and writes
docs/results/scheduler.md with tables, the issue's targets marked met or
not met, latency CDF plots (PNG, if matplotlib is installed), the QEMU
version and the exact command lines.

1-hart runs use QEMU -icount (shift=1, align=off, sleep=off): guest time
is counted in instructions, so host load does not change the figures, and
a run repeats exactly for one kernel binary (except where the disk is
waited for: QEMU completes disk requests in host time); they run --jobs at
a time. Multi-hart runs cannot use -icount: QEMU then runs the harts in
turn on one virtual clock, so two harts do one hart's work in total and
each waits up to hundreds of ms for its turn (measured: 2 harts, 4 hogs,
rr: hog throughput 17406 iter/s against 19439 on one hart, echo latency
~300 ms). They run in real time, one at a time, repeated with several
seeds (schedbench -s) and reported as median [min-max]; host load shows
up in them as spread.

When the host's 1-minute load average, sampled before and after each
real-time run, goes above its core count, the multi-hart figures are not
published: the script prints why and what it would have written, and the
page keeps the multi-hart sections of the last run that published them
(tools/schedbench_publish.py).

A policy the kernel does not know is reported as such: the kernel says
which policy it actually runs on its "zenith: scheduler <name>" boot line,
and a run whose policy differs from the one asked for is not counted.

Usage: tools/schedbench.py [--policies rr,mlfq,...] [--workloads w1,...]
           [--harts 2] [--seeds 3] [--multi-workloads w1,w6] [--repeat-1h w3]
           [--scale 100] [--jobs N] [--out DIR]
`make schedbench` builds first, then runs this with the defaults.
"""

import argparse
import concurrent.futures
import datetime
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import zenith  # noqa: E402  (grade/zenith.py: boots QEMU, reads the console)
import schedstats as st  # noqa: E402
import schedbench_publish as publish  # noqa: E402

ICOUNT = zenith.icount_args(1)
POLICIES = ["rr", "mlfq", "fair", "adaptive", "learned"]
WORKLOADS = ["w1", "w2", "w3", "w4", "w5", "w6", "w7"]
BOOT_WAIT = 20      # seconds (before ZENITH_TIMEOUT_SCALE) for a boot to reach init
BOOT_TRIES = 6
SCHED_LINE = re.compile(r"zenith: scheduler (\S+?),")


# ---------------------------------------------------------------- running

class Run:
    """One boot: policy, harts, seed, workload -> parsed output."""

    def __init__(self, policy, harts, seed, workload, scale):
        self.policy, self.harts, self.seed, self.workload = policy, harts, seed, workload
        self.scale = scale
        self.out = None          # schedstats.BenchOutput
        self.status = None
        self.ran_policy = None   # what the kernel said it runs
        self.problem = None      # why this run does not count, or None
        self.log = None
        self.seconds = None
        self.boot_retries = 0
        self.load = None         # host load average after the run
        self.load_before = None  # and before it

    @property
    def command(self):
        return f"schedbench -s {self.seed} -t {self.scale} {self.workload}"

    @property
    def append(self):
        return f"sched={self.policy}"

    def options(self):
        extra = list(ICOUNT) if self.harts == 1 else []
        return zenith.BootOptions(cpus=self.harts, append=self.append, extra=extra)

    def boot_and_run(self, name, workdir, timeout):
        """Boot with run=<command>; return (console, QEMU exit status). A
        boot that does not reach init within BOOT_WAIT seconds is killed and
        retried (seen with -icount on 2 harts, which we no longer use; kept
        as a guard: one stuck boot must not stall the whole benchmark)."""
        opts = self.options()
        opts.append += f" run={self.command}"
        for attempt in range(BOOT_TRIES):
            vm = zenith.VM(name, opts, workdir, self.log)
            try:
                vm.spawn()
                try:
                    vm.expect("init: running", BOOT_WAIT)
                except zenith.WrongAnswer:
                    self.boot_retries += 1
                    continue
                status = vm.wait_exit(timeout)
                return vm.console, status
            finally:
                vm.close()
        raise zenith.DidNotBoot(f"no init after {BOOT_TRIES} boots of {BOOT_WAIT} s each")

    def execute(self, workdir, timeout):
        name = f"sb-{self.policy}-{self.harts}h-s{self.seed}-{self.workload}"
        self.log = zenith.OUT_DIR / "schedbench" / f"{name}.log"
        t0 = time.monotonic()
        self.load_before = os.getloadavg()[0]
        text = ""
        try:
            text, self.status = self.boot_and_run(name, workdir, timeout)
        except AssertionError as e:   # panic, timeout, flood: say so, keep going
            self.problem = str(e).splitlines()[0]
        self.seconds = time.monotonic() - t0
        self.load = os.getloadavg()[0]
        m = SCHED_LINE.search(text)
        self.ran_policy = m.group(1) if m else None
        self.out = st.parse_bench(text)
        if self.problem:
            return self
        if self.ran_policy != self.policy:
            self.problem = (f"kernel runs '{self.ran_policy}', not '{self.policy}' "
                            "(policy not in this kernel)")
        elif not self.out.done or self.status != 0:
            self.problem = f"no SB-DONE (QEMU exit status {self.status})"
        return self


def run_all(runs, jobs, timeout):
    """icount runs `jobs` at a time (host load does not change them), then
    real-time runs one at a time."""
    counted = [r for r in runs if r.harts == 1], [r for r in runs if r.harts > 1]
    done = 0
    with tempfile.TemporaryDirectory(prefix="zenith-schedbench-") as tmp:
        for group, width in zip(counted, (jobs, 1)):
            with concurrent.futures.ThreadPoolExecutor(max_workers=width) as pool:
                futs = [pool.submit(r.execute, Path(tmp), timeout) for r in group]
                for f in concurrent.futures.as_completed(futs):
                    r = f.result()
                    done += 1
                    print(f"  [{done}/{len(runs)}] {r.policy:>8} {r.harts}h seed {r.seed} "
                          f"{r.workload}: {r.problem or 'ok'} ({r.seconds:.0f} s)", flush=True)


# ---------------------------------------------------------------- figures

def us_to_ms(v):
    return None if v is None else v / 1000


def frac(a, b):
    return None if a is None or not b else a / b


class Figure:
    """One column of a table: a name, how to get it from a run, its format."""

    def __init__(self, name, get, fmt="{:.2f}", better=None):
        self.name, self.get, self.fmt, self.better = name, get, fmt, better

    def value(self, run):
        try:
            return self.get(run.out)
        except (TypeError, ZeroDivisionError):
            return None

    def show(self, v):
        if v is None:
            return "n/a"
        if isinstance(v, str):
            return v
        return self.fmt.format(v)


def lat(wl, series, p):
    return lambda o: us_to_ms(st.percentile(o.samples(wl, series), p))


def metric(wl, name, scale=1):
    def get(o):
        v = o.metric(wl, name)
        return v * scale if isinstance(v, (int, float)) else v
    return get


def met_pct(wl, kind):
    return lambda o: 100 * frac(o.metric(wl, f"{kind}_met"), o.metric(wl, f"{kind}_deadlines"))


def jain_of(wl):
    return lambda o: st.jain(o.samples(wl, "hog_cpu_us"))


def maxdev_of(wl):
    return lambda o: st.max_deviation(o.samples(wl, "hog_cpu_us"))


# Tables: (workload run, case title, [Figure...]). The workload is the
# schedbench argument whose boot produced the case.
TABLES = [
    ("w1", "W1 echo amid 2C hogs (w1_2C)", [
        Figure("lat p50 ms", lat("w1_2C", "lat_us", 50)),
        Figure("lat p99 ms", lat("w1_2C", "lat_us", 99)),
        Figure("lat p99.9 ms", lat("w1_2C", "lat_us", 99.9)),
        Figure("missed / due", lambda o: f"{o.metric('w1_2C', 'deadline_misses')}/"
               f"{o.metric('w1_2C', 'deadlines')}"),
        Figure("hog iter/s", metric("w1_2C", "hog_iters_per_s"), "{:.0f}"),
        Figure("hog Jain", jain_of("w1_2C"), "{:.3f}"),
    ]),
    ("w1", "W1 echo amid 4C hogs (w1_4C)", [
        Figure("lat p50 ms", lat("w1_4C", "lat_us", 50)),
        Figure("lat p99 ms", lat("w1_4C", "lat_us", 99)),
        Figure("lat p99.9 ms", lat("w1_4C", "lat_us", 99.9)),
        Figure("missed / due", lambda o: f"{o.metric('w1_4C', 'deadline_misses')}/"
               f"{o.metric('w1_4C', 'deadlines')}"),
        Figure("hog iter/s", metric("w1_4C", "hog_iters_per_s"), "{:.0f}"),
        Figure("hog Jain", jain_of("w1_4C"), "{:.3f}"),
    ]),
    ("w2", "W2 4-stage pipeline (periodic, 5 ms) amid 2C hogs (w2_hogs)", [
        Figure("e2e p50 ms", lat("w2_hogs", "lat_us", 50)),
        Figure("e2e p99 ms", lat("w2_hogs", "lat_us", 99)),
        Figure("items/s", metric("w2_hogs", "items_per_s"), "{:.0f}"),
        Figure("hog iter/s", metric("w2_hogs", "hog_iters_per_s"), "{:.0f}"),
    ]),
    ("w2", "W2 8 free-running pipelines, no hogs (w2_8pipes)", [
        Figure("e2e p50 ms", lat("w2_8pipes", "lat_us", 50)),
        Figure("e2e p99 ms", lat("w2_8pipes", "lat_us", 99)),
        Figure("items/s", metric("w2_8pipes", "items_per_s"), "{:.0f}"),
    ]),
    ("w3", "W3 video call + package install", [
        Figure("video met %", met_pct("w3", "video"), "{:.1f}"),
        Figure("audio met %", met_pct("w3", "audio"), "{:.1f}"),
        Figure("video frame p99 ms", lat("w3", "video_frame_us", 99)),
        Figure("audio frame p99 ms", lat("w3", "audio_frame_us", 99)),
        Figure("UI lat p99 ms", lat("w3", "ui_lat_us", 99)),
        Figure("bg makespan ms", metric("w3", "bg_makespan_ms"), "{:.0f}"),
    ]),
    ("w4", "W4 fork-heavy build", [
        Figure("makespan ms", metric("w4", "makespan_ms"), "{:.0f}"),
        Figure("instr/decision", metric("w4", "instr_per_decision"), "{:.0f}"),
        Figure("+ cells' share check", metric("w4", "instr_per_share_check"), "{:.0f}"),
        Figure("instr/other hook", metric("w4", "instr_per_hook"), "{:.0f}"),
    ]),
    ("w5", "W5 starvation: 1 hog amid 8C tasks that sleep every ms (w5_starve)", [
        Figure("hog share / fair", metric("w5_starve", "hog_share_vs_fair")),
        Figure("worst window / fair", metric("w5_starve", "hog_min_window_share_vs_fair")),
        Figure("hog longest wait ms", metric("w5_starve", "hog_max_wait_us", 1e-3)),
    ]),
    ("w5", "W5 gaming: tick-edge cheater amid 2C hogs (w5_cheat); shell forks a hog (w5_fork)", [
        Figure("cheater share / fair", metric("w5_cheat", "cheater_share_vs_fair")),
        Figure("child 1st 100 ms / fair", metric("w5_fork", "child_first100ms_share_vs_fair")),
        Figure("child life / fair", metric("w5_fork", "child_life_share_vs_fair")),
    ]),
    ("w6", "W6 fairness: equal hogs", [
        Figure("Jain 2", jain_of("w6_2"), "{:.4f}"),
        Figure("maxdev 2", maxdev_of("w6_2"), "{:.3f}"),
        Figure("Jain 20", jain_of("w6_20"), "{:.4f}"),
        Figure("maxdev 20", maxdev_of("w6_20"), "{:.3f}"),
        Figure("Jain 60", jain_of("w6_60"), "{:.4f}"),
        Figure("maxdev 60", maxdev_of("w6_60"), "{:.3f}"),
    ]),
    ("w6", "W6 weighted 3:2:1 (w6_weighted): CPU share of each weight class", [
        Figure("share w3 %", metric("w6_weighted", "share3_pct"), "{:.1f}"),
        Figure("share w2 %", metric("w6_weighted", "share2_pct"), "{:.1f}"),
        Figure("share w1 %", metric("w6_weighted", "share1_pct"), "{:.1f}"),
    ]),
    ("w7", "W7 phase change (policy's class; user-visible latency) and pipe ping-pong", [
        Figure("to batch ms (2nd CPU phase)", metric("w7_phase", "to_batch_ms_phase2")),
        Figure("to interactive ms (1st)", metric("w7_phase", "to_interactive_ms_phase1")),
        Figure("to interactive ms (2nd)", metric("w7_phase", "to_interactive_ms_phase3")),
        Figure("latency settled ms (1st)", metric("w7_phase", "lat_settled_ms_phase1")),
        Figure("latency settled ms (2nd)", metric("w7_phase", "lat_settled_ms_phase3")),
        Figure("interactive lat p99 ms", lat("w7_phase", "interactive_lat_us", 99)),
        Figure("ping-pong RT/s", metric("w7_pingpong", "round_trips_per_s"), "{:.0f}"),
        Figure("RT/s amid C hogs", metric("w7_pingpong_hogs", "round_trips_per_s"), "{:.0f}"),
    ]),
]


# ---------------------------------------------------------------- the report

class Results:
    def __init__(self, runs, policies, harts, seeds):
        self.runs = runs
        self.policies = policies
        self.harts = harts
        self.seeds = seeds

    def good(self, policy, harts, workload):
        return [r for r in self.runs if r.policy == policy and r.harts == harts
                and r.workload == workload and not r.problem]

    def available(self, policy):
        return any(not r.problem for r in self.runs if r.policy == policy)

    def unavailable_reason(self, policy):
        for r in self.runs:
            if r.policy == policy and r.problem:
                return r.problem
        return None

    def value(self, policy, harts, workload, fig):
        """One run: its value; several (seeds): (median, min, max)."""
        runs = self.good(policy, harts, workload)
        vals = [fig.value(r) for r in runs]
        if len(vals) == 1:
            return vals[0]
        nums = [v for v in vals if isinstance(v, (int, float))]
        if nums:
            return st.median_spread(nums)
        return vals[0] if vals else None

    def cell(self, policy, harts, workload, fig):
        v = self.value(policy, harts, workload, fig)
        if isinstance(v, tuple):
            med, lo, hi = v
            if med is None:
                return "n/a"
            return f"{fig.show(med)} [{fig.show(lo)}-{fig.show(hi)}]"
        return fig.show(v)


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def figure_by_name(title_part, name):
    for _, title, figs in TABLES:
        if title_part in title:
            for f in figs:
                if f.name == name:
                    return f
    raise KeyError(name)


def target_rows(res, harts):
    """The issue's targets for `adaptive`, on `harts` harts."""
    rows = []

    def val(policy, wl, title_part, name):
        v = res.value(policy, harts, wl, figure_by_name(title_part, name))
        return v[0] if isinstance(v, tuple) else v

    def verdict(ok):
        return "n/a" if ok is None else ("**met**" if ok else "**not met**")

    def num(v):
        return isinstance(v, (int, float))

    for case, part in (("2C", "(w1_2C)"), ("4C", "(w1_4C)")):
        a = val("adaptive", "w1", part, "lat p99 ms")
        rr = val("rr", "w1", part, "lat p99 ms")
        fa = val("fair", "w1", part, "lat p99 ms")
        ta = val("adaptive", "w1", part, "hog iter/s")
        tf = val("fair", "w1", part, "hog iter/s")
        ok1 = a <= rr / 5 if num(a) and num(rr) else None
        ok2 = a <= fa * 2 / 3 if num(a) and num(fa) else None
        ok3 = ta >= 0.98 * tf if num(ta) and num(tf) and tf > 0 else None
        rows.append([f"W1 {case}: p99 <= rr/5", f"adaptive {fmt(a)} ms, rr {fmt(rr)} ms",
                     verdict(ok1)])
        rows.append([f"W1 {case}: p99 <= 2/3 fair", f"adaptive {fmt(a)} ms, fair {fmt(fa)} ms",
                     verdict(ok2)])
        rows.append([f"W1 {case}: hog throughput >= 98% of fair",
                     f"adaptive {fmt(ta, 0)}, fair {fmt(tf, 0)} iter/s", verdict(ok3)])
    for kind in ("video", "audio"):
        v = val("adaptive", "w3", "W3", f"{kind} met %")
        rows.append([f"W3 {kind} deadlines met >= 99%", f"{fmt(v, 1)} %",
                     verdict(v >= 99 if num(v) else None)])
    w = val("adaptive", "w5", "(w5_starve)", "worst window / fair")
    rows.append(["W5 no starvation: hog >= 1/2 fair share in every 100 ms window",
                 f"worst window {fmt(w)} x fair", verdict(w >= 0.5 if num(w) else None)])
    c = val("adaptive", "w5", "(w5_cheat)", "cheater share / fair")
    rows.append(["W5 cheater <= 1.1x fair share", f"{fmt(c)} x fair",
                 verdict(c <= 1.1 if num(c) else None)])
    js = [val("adaptive", "w6", "equal hogs", f"Jain {n}") for n in (2, 20, 60)]
    ok = all(j >= 0.99 for j in js) if all(num(j) for j in js) else None
    rows.append(["W6 Jain >= 0.99 (2, 20, 60 hogs)", ", ".join(fmt(j, 4) for j in js),
                 verdict(ok)])
    a = val("adaptive", "w4", "W4", "makespan ms")
    others = [(p, val(p, "w4", "W4", "makespan ms")) for p in res.policies if p != "adaptive"]
    others = [(p, v) for p, v in others if num(v)]
    if num(a) and others:
        bp, bv = min(others, key=lambda x: x[1])
        rows.append(["W4 makespan within 5% of the best other policy",
                     f"adaptive {fmt(a, 0)} ms, best other {bp} {fmt(bv, 0)} ms",
                     verdict(a <= 1.05 * bv)])
    else:
        rows.append(["W4 makespan within 5% of the best other policy", "n/a", "n/a"])
    d = val("adaptive", "w4", "W4", "instr/decision")
    rows.append(["decision cost < 200 instructions on average",
                 f"{fmt(d, 0)} instructions per pick_next (W4)",
                 verdict(d < 200 if num(d) else None)])
    return rows


def fmt(v, digits=2):
    if isinstance(v, (int, float)):
        return f"{v:.{digits}f}"
    return "n/a" if v is None else str(v)


def make_plots(res, outdir, multi=True):
    """Latency CDFs per policy; returns [(title, relative png path)] or a
    message saying why there are none."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return ("matplotlib is not installed (Debian: python3-matplotlib; "
                "`tools/deps.sh plots` installs it), so there are tables but no plots.")
    plots = []
    specs = [("w1", "w1_2C", "lat_us", "W1 echo wake-to-run latency, 2C hogs"),
             ("w1", "w1_4C", "lat_us", "W1 echo wake-to-run latency, 4C hogs"),
             ("w2", "w2_hogs", "lat_us", "W2 pipeline end-to-end latency, 2C hogs"),
             ("w3", "w3", "video_frame_us", "W3 video frame time (deadline 16.7 ms)"),
             ("w3", "w3", "audio_frame_us", "W3 audio frame time (deadline 10 ms)")]
    outdir.mkdir(parents=True, exist_ok=True)
    for harts in sorted({1, res.harts} if multi else {1}):
        for wl, case, series, title in specs:
            fig, ax = plt.subplots(figsize=(6.4, 4))
            drawn = 0
            for pol in res.policies:
                vals = []
                for r in res.good(pol, harts, wl):
                    vals += r.out.samples(case, series)
                if not vals:
                    continue
                xs, ys = st.cdf_points([max(v, 1) / 1000 for v in vals])
                ax.step(xs, ys, where="post", label=f"{pol} (n={len(vals)})")
                drawn += 1
            if not drawn:
                plt.close(fig)
                continue
            ax.set_xscale("log")
            ax.set_xlabel("milliseconds (log scale)")
            ax.set_ylabel("fraction of samples")
            ax.set_title(f"{title}\n{harts} hart(s)" + ("" if harts == 1 else
                                                        f", {res.seeds} seeds pooled"))
            ax.grid(True, which="both", alpha=0.3)
            ax.legend(loc="lower right", fontsize=8)
            name = f"{case}-{series}-{harts}h.png"
            fig.tight_layout()
            fig.savefig(outdir / name, dpi=90)
            plt.close(fig)
            plots.append((f"{title}, {harts} hart(s)", name))
    return plots


def qemu_version():
    try:
        return subprocess.run(["qemu-system-riscv64", "--version"], stdout=subprocess.PIPE,
                              text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def git_head():
    try:
        return subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=zenith.REPO,
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        return "unknown"


def write_report(res, args, outdir, elapsed):
    """Writes the page. Multi-hart figures from an overloaded host are not
    published (schedbench_publish.py): they are printed, and the page keeps
    the previous ones."""
    ok, why = publish.load_verdict(publish.run_loads(res.runs), os.cpu_count() or 1)
    plotdir = outdir / "scheduler"
    plots = make_plots(res, plotdir, multi=ok)
    L = []
    L.append("# Scheduler benchmark results\n")
    L.append("Generated by `make schedbench` (tools/schedbench.py, in-guest user/tests/schedbench.c) "
             f"on {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC in {elapsed / 60:.1f} "
             "minutes. Do not edit by hand: rerun it.\n")
    L.append(f"- Kernel: commit `{git_head()}`")
    L.append(f"- QEMU: {qemu_version()}")
    L.append("- Deterministic runs: 1 hart, `-icount shift=1,align=off,sleep=off`, seed 1: they "
             "repeat exactly for one kernel binary, except where the guest waits for the disk "
             "(QEMU completes disk requests in host time; while the guest idles, -icount "
             "sleep=off jumps its clock to the next timer). Only W3 writes files: it runs "
             f"with seeds 1..{args.seeds} on 1 hart too, and its cells show median [min-max].")
    if res.harts == 1:
        L.append("- Multi-hart runs: none in this run (`--harts 1`): every figure on this page "
                 "is from one hart under -icount. Multi-hart runs cannot use -icount (QEMU runs "
                 "the harts in turn on one virtual clock, book 7.10) and on a loaded host their "
                 "real-time figures measure the host; balance across harts is judged by counts "
                 "instead (book 7.9.1).")
    else:
        L.append(f"- Multi-hart runs: {res.harts} harts, seeds 1..{res.seeds}, in real time (no icount), "
                 "one at a time; cells show median [min-max] over the seeds. They cannot use "
                 "-icount: QEMU then runs the harts in turn on one virtual clock, so 2 harts do one "
                 "hart's work in total and each waits up to hundreds of ms for its turn (measured "
                 "on 2 harts with 4 hogs under rr: hog throughput 17406 iter/s, less than one "
                 "hart's 19439, and echo latencies near 300 ms); with -icount on 2 harts QEMU also "
                 "hung for good in 6 of 10 boots (one hart spinning on the disk lock in an "
                 "interrupt handler while the holder never got its turn). Real-time runs on this "
                 "shared host are noisy: read the spread.")
    L.append(f"- Duration scale: {args.scale}% of each workload's nominal length.")
    retries = sum(r.boot_retries for r in res.runs)
    loads = [r.load for r in res.runs if r.harts > 1 and r.load is not None]
    if loads:
        L.append(f"- Host load average (1 min) after the real-time runs: "
                 f"{min(loads):.1f} to {max(loads):.1f}, on {os.cpu_count()} host cores.")
    L.append(f"- Boots retried (no init within {BOOT_WAIT} s): {retries}.")
    drifts = [r.out.metric(r.workload, "tick_drift") for r in res.runs
              if r.harts == 1 and r.out is not None and not r.problem]
    drifts = [d for d in drifts if d is not None]
    if drifts:
        L.append(f"- Tick counter against rdtime at the end of each 1-hart run (ticks lost; "
                 f"latencies are measured from tick edges, so this must be 0): "
                 f"{min(drifts)} to {max(drifts)}.")
    L.append("- C = number of harts. Latencies in ms; shares as multiples of the fair share.\n")
    L.append("## Policies\n")
    for p in res.policies:
        if res.available(p):
            L.append(f"- `{p}`: measured")
        else:
            L.append(f"- `{p}`: **not measured**: {res.unavailable_reason(p)}")
    L.append("")
    L.append("## Targets for `adaptive` (from issue 5)\n")
    for harts in sorted({1, res.harts}):
        L.append(f"### {harts} hart(s)" + (" (deterministic)" if harts == 1 else
                                           f" (median of {res.seeds} seeds)") + "\n")
        L.append(md_table(["target", "measured", "verdict"], target_rows(res, harts)))
        L.append("")
    L.append("## Tables\n")
    L.append("What each workload does and how each figure is measured is described at the "
             "top of each function in `user/tests/schedbench.c`; wake-to-run latency is from the "
             "timer tick at which a sleeping task became due to its first instruction after "
             "the sleep.\n")
    for wl, title, figs in TABLES:
        for harts in sorted({1, res.harts}):
            if not any(r.workload == wl and r.harts == harts for r in res.runs):
                continue
            L.append(f"### {title}, {harts} hart(s)\n")
            rows = []
            for p in res.policies:
                if not res.good(p, harts, wl):
                    continue
                rows.append([p] + [res.cell(p, harts, wl, f) for f in figs])
            if rows:
                L.append(md_table(["policy"] + [f.name for f in figs], rows))
            else:
                L.append("(no successful run)")
            errs = sorted({f"{e[0]}: {e[1]}" for r in res.runs if r.workload == wl
                           and r.harts == harts for e in r.out.errors})
            for e in errs:
                L.append(f"\n- schedbench reported: {e}")
            L.append("")
    L.append("## Reading these figures\n")
    L.append("""- Wake-to-run latency starts at the 1 ms timer tick at which a sleeping task became
  due (sleep() counts ticks), so it is what the policy and the kernel add, not the
  tick's rounding. The task places tick edges by rdtime, so a tick the kernel loses
  adds a tick to every later latency: the header's tick drift must be 0 (until
  the fix in kernel commit 55f4c8c, fork copied memory with interrupts off, lost
  ticks, and every W1/W3 latency here was 10 to 35 ms too long). Percentiles
  are nearest-rank over every sample (p99.9 of 300 samples is the largest but one
  or the largest).
- Deadline misses (W1, W3): the work of a period is not done before the next period
  starts; a period that passed entirely while the task waited counts as missed.
- W2 with 8 free-running pipelines fills the 512-byte pipe buffers, so its
  end-to-end latency is queueing: read it together with items/s.
- W5: the fair share of the hog amid N look-alike interactive tasks is C/(N+1) harts;
  "worst window" is its smallest share over the stretches between 100 ms window
  boundaries it saw. The cheater's fair share amid 2C hogs is C/(2C+1).
- W7: "to batch / to interactive" is how long after a phase change the policy's own
  class for the task (sched_stats) changed; policies without classes (rr, mlfq,
  fair) print "never". "Latency settled" is user-visible: the first time 5 wakes in
  a row ran within 1 ms.
- Decision cost: instructions retired in the policy's pick_next (kernel counters,
  exact under -icount: the kernel divides instret by the virtual nanoseconds per
  instruction it measures at boot, book 7.9) averaged over the W4 build; the SandCells' CPU-share check
  each decision also passes through is the next column, counted apart.
- Multi-hart figures ran in real time on a host shared with other jobs: their spread
  is mostly the host's. When the host is overloaded, the guest loses timer ticks and
  sleeps last far longer than asked (latencies of seconds, hogs that never start in
  their window): such figures say nothing about the policies.
- W3: the video task needs 4 ms of every 16.7 ms (24 % of a hart) while 4
  background jobs, an audio task and a UI compete: its max-min fair share is 18.5 %,
  so no policy that keeps the fairness floor can meet its deadlines by watching it.
  The workload gives it weight 3072 (sched_setweight), as a media player would be
  given a higher priority, for every policy (rr and mlfq ignore weights); before
  issue 15 it ran at the default weight and adaptive doubled the weight of any task
  asleep half the time, which could be gamed (book 7.8.2).
""")
    L.append("## Plots\n")
    if isinstance(plots, str):
        L.append(plots + "\n")
    else:
        for title, name in plots:
            L.append(f"![{title}](scheduler/{name})\n")
    traces = sorted(plotdir.glob("trace-*.png"))
    if traces:
        L.append("## Trace timelines (`make sched-trace POLICY=...`)\n")
        L.append("One row per process, coloured by the class the policy gave it; ticks mark "
                 "wake-ups. These pictures come from `make sched-trace`, not from this run.\n")
        for t in traces:
            L.append(f"![{t.stem}](scheduler/{t.name})\n")
    L.append("## How to rerun\n")
    L.append("```\nmake schedbench                      # everything (about 15 minutes)\n"
             "/usr/bin/python3 tools/schedbench.py --policies rr,fair --workloads w1 --seeds 1\n"
             "```\n")
    L.append("Each run boots QEMU like this (the disk is a fresh copy of build/fs.img):\n")
    sample = next((r for r in res.runs), None)
    if sample:
        argv = zenith.qemu_command(sample.options(), "build/fs.img")
        argv = argv[:-1] + [f"{sample.append} run={sample.command}"]
        L.append("```\n" + " ".join(shlex_quote(a) for a in argv) + "\n```\n")
    L.append("and the guest runs, for each policy P, hart count H, seed S and workload W: "
             "`sched=P` on the kernel command line, `-smp H`, and "
             f"`schedbench -s S -t {args.scale} W`.\n")
    problems = [r for r in res.runs if r.problem and res.available(r.policy)]
    if problems:
        L.append("## Runs that failed\n")
        for r in problems:
            L.append(f"- {r.policy} {r.harts}h seed {r.seed} {r.workload}: {r.problem} "
                     f"(log: {r.log})")
        L.append("")
    page = outdir / "scheduler.md"
    text = "\n".join(L)
    if not ok:
        print(f"schedbench: not publishing the {res.harts}-hart figures: {why}.")
        print("What would have been written (not written):")
        print(publish.multi_hart_part(text))
        old = page.read_text() if page.exists() else None
        text = publish.keep_old_multi_hart(text, old, why)
    page.write_text(text)
    return page


def shlex_quote(a):
    import shlex
    return shlex.quote(str(a))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--policies", default=",".join(POLICIES))
    ap.add_argument("--workloads", default=",".join(WORKLOADS))
    ap.add_argument("--harts", type=int, default=2, help="harts for the multi-hart runs")
    ap.add_argument("--seeds", type=int, default=3, help="seeds for the multi-hart runs")
    ap.add_argument("--repeat-1h", default="w3",
                    help="workloads also repeated with --seeds seeds on 1 hart (W3 waits for "
                    "the disk, which QEMU times by the host even under -icount)")
    ap.add_argument("--multi-workloads", default="w1,w6",
                    help="workloads also run on --harts harts (real time, slow)")
    ap.add_argument("--scale", type=int, default=100, help="duration scale, percent")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="QEMUs at once (icount: host load does not change the figures)")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per boot")
    ap.add_argument("--out", default=str(zenith.REPO / "docs" / "results"))
    args = ap.parse_args()
    policies = [p for p in args.policies.split(",") if p]
    workloads = [w for w in args.workloads.split(",") if w]
    for w in workloads:
        if w not in WORKLOADS:
            ap.error(f"unknown workload {w!r} (know {', '.join(WORKLOADS)})")

    # First one short run per policy: which ones does this kernel have?
    print("Which policies does the kernel have?", flush=True)
    probes = [Run(p, 1, 1, "w6", 5) for p in policies]
    run_all(probes, args.jobs, args.timeout)
    present = [r.policy for r in probes if not r.problem]
    missing = [r for r in probes if r.problem]

    runs = []
    for p in present:
        for w in workloads:
            for s in range(1, (args.seeds if w in args.repeat_1h.split(",") else 1) + 1):
                runs.append(Run(p, 1, s, w, args.scale))
            if args.harts > 1 and w in args.multi_workloads.split(","):
                for s in range(1, args.seeds + 1):
                    runs.append(Run(p, args.harts, s, w, args.scale))
    print(f"Running {len(runs)} boots ({args.jobs} at a time):", flush=True)
    t0 = time.monotonic()
    run_all(runs, args.jobs, args.timeout)
    res = Results(runs + missing, policies, args.harts, args.seeds)
    path = write_report(res, args, Path(args.out), time.monotonic() - t0)
    print(f"wrote {path}")
    for r in missing:
        print(f"policy {r.policy}: not measured ({r.problem})")
    bad = [r for r in runs if r.problem]
    for r in bad:
        print(f"FAILED {r.policy} {r.harts}h seed {r.seed} {r.workload}: {r.problem} "
              f"(log {r.log})")
    return 1 if bad or not present else 0


if __name__ == "__main__":
    sys.exit(main())
