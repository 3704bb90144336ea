"""Export a scheduler trace (tools/schedtrace.py events) to the Chrome
trace-event JSON format, which the Perfetto UI (ui.perfetto.dev) and
chrome://tracing open: one track per hart showing which process ran
there, one track per process showing where and how each stretch ended,
and an instant event at each wake-up.

Times in the JSON are microseconds from the first record. Event fields
used: name, cat, ph ("X" complete, "i" instant, "M" metadata), ts, dur,
pid, tid, s, args.
"""

import json

import schedtrace as tr

HARTS_PID = 1          # the "harts" group: tid = hart
PROCS_PID = 2          # the "processes" group: tid = pid


def _us(t, t0):
    return (t - t0) / (tr.TIMEBASE_HZ / 1_000_000)


def label(pid, names):
    name = names.get(pid)
    return f"{name} ({pid})" if name else f"pid {pid}"


def chrome_trace(events, names):
    """The trace as a dict ready for json.dump."""
    timed = [e for e in events if e.type != tr.SEV_LOST]
    if not timed:
        return {"traceEvents": [], "displayTimeUnit": "ms"}
    t0 = min(e.time for e in timed)
    out = [
        {"name": "process_name", "ph": "M", "pid": HARTS_PID, "tid": 0,
         "args": {"name": "harts"}},
        {"name": "process_name", "ph": "M", "pid": PROCS_PID, "tid": 0,
         "args": {"name": "processes"}},
    ]
    harts = sorted({e.hart for e in timed})
    for h in harts:
        out.append({"name": "thread_name", "ph": "M", "pid": HARTS_PID, "tid": h,
                    "args": {"name": f"hart {h}"}})
    pids = sorted({e.pid for e in timed if e.pid > 0})
    for p in pids:
        out.append({"name": "thread_name", "ph": "M", "pid": PROCS_PID, "tid": p,
                    "args": {"name": label(p, names)}})
    for s in tr.segments(events):
        cls = tr.CLASS_NAMES[s.cls] if 0 <= s.cls < len(tr.CLASS_NAMES) else str(s.cls)
        args = {"pid": s.pid, "hart": s.hart, "class": cls, "ended by": s.how}
        ts, dur = _us(s.start, t0), max(_us(s.end, t0) - _us(s.start, t0), 0)
        out.append({"name": label(s.pid, names), "cat": cls, "ph": "X", "ts": ts, "dur": dur,
                    "pid": HARTS_PID, "tid": s.hart, "args": args})
        out.append({"name": f"on hart {s.hart}", "cat": cls, "ph": "X", "ts": ts, "dur": dur,
                    "pid": PROCS_PID, "tid": s.pid, "args": args})
    for e in timed:
        if e.type == tr.SEV_WAKE and e.pid > 0:
            out.append({"name": "wake", "cat": "wake", "ph": "i", "s": "t",
                        "ts": _us(e.time, t0), "pid": PROCS_PID, "tid": e.pid,
                        "args": {"by": label(e.aux, names) if e.aux else "interrupt"}})
        elif e.type in (tr.SEV_CLASS, tr.SEV_POLICY, tr.SEV_FORK, tr.SEV_NAME) and e.pid > 0:
            what = {tr.SEV_CLASS: f"class {tr.CLASS_NAMES[e.cls]}",
                    tr.SEV_POLICY: f"policy {e.policy}",
                    tr.SEV_FORK: f"forked by {e.aux}",
                    tr.SEV_NAME: f"name {tr.name_of_record(e)}"}[e.type]
            out.append({"name": what, "cat": e.name, "ph": "i", "s": "t",
                        "ts": _us(e.time, t0), "pid": PROCS_PID, "tid": e.pid})
    return {"traceEvents": out, "displayTimeUnit": "ms"}


def write(events, names, path):
    with open(path, "w") as f:
        json.dump(chrome_trace(events, names), f)
