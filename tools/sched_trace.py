#!/usr/bin/python3
"""Pull the scheduler's event trace off a guest and look at it: wake-to-run
latency percentiles per class, and a timeline picture (one row per
process, coloured by class; PNG via matplotlib).

  tools/sched_trace.py [--policy adaptive] [--workload "schedbench -t 10 w1"]
                       [--out docs/results/scheduler/trace-adaptive.png]
      boots Zenith on 1 hart under -icount with sched=POLICY, empties the
      trace (`sched trace >/trace0`), runs the workload, then prints the
      trace (`sched trace`) and reads it from the console. The trace rings
      keep the last 8192 records per hart (about 3 s of a busy run), so a
      longer workload shows its end.
  tools/sched_trace.py --file console.txt [--out picture.png]
      reads a saved console log or `sched trace` output instead.
  --json trace.json   also writes the trace in the Chrome trace-event
      format: open it in the Perfetto UI (ui.perfetto.dev) or
      chrome://tracing (a track per hart and per process, with names).
  --window A:B        the picture shows only ms A to B after the first record.

A malformed trace stops the tool with a message that names the line and
says what is wrong (tools/schedtrace.py checks it). `make sched-trace`
runs the first form.
"""

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import schedstats as st  # noqa: E402
import schedtrace as tr  # noqa: E402
import trace_export  # noqa: E402

CLASS_COLOURS = ["#999999", "#d62728", "#ff7f0e", "#2ca02c", "#1f77b4"]
ICOUNT = ["-icount", "shift=1,align=off,sleep=off"]


def capture(policy, workload, timeout):
    import zenith
    cmd = f"sched trace >/trace0; {workload}; sched trace"
    opts = zenith.BootOptions(cpus=1, append=f"sched={policy}", extra=list(ICOUNT))
    log = zenith.OUT_DIR / f"sched-trace-{policy}.log"
    with tempfile.TemporaryDirectory(prefix="zenith-trace-") as tmp:
        res = zenith.run_to_exit(cmd, opts, Path(tmp), log, timeout=timeout,
                                 name=f"trace-{policy}")
    if f"zenith: scheduler {policy}," not in res.output:
        raise SystemExit(f"sched_trace: the kernel does not run policy {policy!r} "
                         f"(see {log})")
    return res.output, log


def report(events):
    lat = tr.wake_latencies(events)
    types = Counter(e.name for e in events)
    timed = [e.time for e in events if e.type != tr.SEV_LOST]
    t0, t1 = min(timed), max(timed)
    print(f"{len(events)} records over {(t1 - t0) / tr.TIMEBASE_HZ * 1000:.1f} ms: " +
          ", ".join(f"{n} {k}" for k, n in sorted(types.items())))
    lost = sum(e.arg for e in events if e.type == tr.SEV_LOST)
    if lost:
        print(f"({lost} records were overwritten before they were read)")
    by_cls = defaultdict(list)
    for _, cls, t in lat:
        by_cls[cls].append(t / 10)    # rdtime units -> us
    print("wake-to-run latency (us), by the class the process had when woken:")
    print(f"  {'class':<12} {'n':>6} {'p50':>9} {'p99':>9} {'p99.9':>9} {'max':>9}")
    rows = sorted(by_cls.items()) + [("all", [t / 10 for _, _, t in lat])]
    for cls, v in rows:
        name = tr.CLASS_NAMES[cls] if isinstance(cls, int) else cls
        if v:
            print(f"  {name:<12} {len(v):>6} {st.percentile(v, 50):>9.1f} "
                  f"{st.percentile(v, 99):>9.1f} {st.percentile(v, 99.9):>9.1f} {max(v):>9.1f}")


def draw(events, out, title, names=None, window=None):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Patch
    except ImportError:
        print("sched_trace: matplotlib is missing (Debian: python3-matplotlib), no picture")
        return False
    names = names or {}
    t0 = min(e.time for e in events if e.type != tr.SEV_LOST)
    segs = tr.segments(events)
    if window:   # ms after t0
        lo, hi = (t0 + int(w * 1e4) for w in window)
        segs = [s for s in segs if s.end >= lo and s.start <= hi]
        events = [e for e in events if e.type == tr.SEV_LOST or lo <= e.time <= hi]
    pids = sorted({s.pid for s in segs})
    row = {p: i for i, p in enumerate(pids)}
    fig, ax = plt.subplots(figsize=(10, 0.35 * len(pids) + 1.5))
    for s in segs:
        ax.broken_barh([((s.start - t0) / 1e4, max(s.end - s.start, 1) / 1e4)],
                       (row[s.pid] - 0.4, 0.8), facecolors=CLASS_COLOURS[s.cls])
    wakes = [e for e in events if e.type == tr.SEV_WAKE and e.pid in row]
    ax.scatter([(e.time - t0) / 1e4 for e in wakes], [row[e.pid] for e in wakes],
               marker="|", s=30, color="black", linewidths=0.5)
    ax.set_yticks(range(len(pids)))
    ax.set_yticklabels([trace_export.label(p, names) for p in pids], fontsize=7)
    if window:
        ax.set_xlim(window[0], window[1])
    ax.set_xlabel("ms since the first record (ticks: wake-ups)")
    ax.set_title(title, fontsize=10)
    ax.legend(handles=[Patch(color=c, label=n) for c, n in zip(CLASS_COLOURS, tr.CLASS_NAMES)],
              loc="upper right", fontsize=7, ncol=5)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    print(f"wrote {out}")
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--file", help="read a saved console log instead of booting")
    ap.add_argument("--policy", default="adaptive")
    ap.add_argument("--workload", default="schedbench -t 10 w1")
    ap.add_argument("--out", help="picture to write (default: "
                    "docs/results/scheduler/trace-<policy>.png, or none with --file)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--json", help="also write the trace as Chrome trace-event JSON "
                    "(Perfetto UI, chrome://tracing)")
    ap.add_argument("--window", help="A:B: the picture shows ms A to B only")
    args = ap.parse_args()
    window = None
    if args.window:
        try:
            window = tuple(float(x) for x in args.window.split(":"))
            if len(window) != 2 or window[0] >= window[1]:
                raise ValueError
        except ValueError:
            raise SystemExit(f"sched_trace: --window wants A:B in ms with A < B, "
                             f"not {args.window!r}")
    if args.file:
        try:
            text = Path(args.file).read_text(errors="replace")
        except OSError as e:
            raise SystemExit(f"sched_trace: cannot read {args.file}: {e.strerror}")
        title = f"{args.file}"
        out = Path(args.out) if args.out else None
    else:
        text, log = capture(args.policy, args.workload, args.timeout)
        title = f"policy {args.policy}, 1 hart, `{args.workload}` (end of the run)"
        out = Path(args.out) if args.out else (Path(__file__).resolve().parent.parent / "docs"
                                               / "results" / "scheduler"
                                               / f"trace-{args.policy}.png")
    try:
        events = tr.parse(text)
    except tr.TraceError as e:
        raise SystemExit(f"sched_trace: bad trace in {args.file or log}: {e}")
    if not events:
        raise SystemExit("sched_trace: the trace is empty")
    report(events)
    names = tr.names(events, text)
    if out:
        draw(events, out, title, names, window)
    if args.json:
        trace_export.write(events, names, args.json)
        print(f"wrote {args.json} (open it at ui.perfetto.dev or chrome://tracing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
