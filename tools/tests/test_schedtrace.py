"""Host tests for the trace reader (tools/schedtrace.py) on tiny known traces."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import schedtrace as tr  # noqa: E402

# EV time hart type pid aux arg cls policy seq
GOOD = """\
zenith: boot noise
EV 1000 0 6 5 1 0 0 3 10
EV 1100 0 2 5 0 100 4 3 11
EV 1500 0 4 5 0 400 4 3 12
EV 2000 0 1 5 0 0 2 3 13
EV 2000 0 7 5 4 0 2 3 14
EV 2300 0 2 5 0 300 2 3 15
EV 2400 0 3 5 0 100 2 3 16
EV 2450 0 2 6 0 50 4 3 17
EV 9000 0 5 6 0 6550 4 3 18
EV-END 9
$ """


def test_parse_good_trace():
    ev = tr.parse(GOOD)
    assert len(ev) == 9
    assert [e.name for e in ev[:3]] == ["fork", "run", "block"]
    assert ev[0].line == 2


def test_wake_latency_and_segments():
    ev = tr.parse(GOOD)
    assert tr.wake_latencies(ev) == [(5, 2, 300)]   # woken at 2000 as interactive, ran at 2300
    segs = tr.segments(ev)
    assert [(s.pid, s.start, s.end, s.how) for s in segs] == [
        (5, 1100, 1500, "block"), (5, 2300, 2400, "preempt"), (6, 2450, 9000, "exit")]


def test_last_dump_wins_and_lost_records_are_allowed():
    text = ("EV 5 0 2 9 0 0 0 0 1\nEV 6 0 4 9 0 1 0 0 2\nEV-END 2\n"
            "EV 99999 0 9 0 0 40 0 0 50\n"      # lost, stamped at read time
            "EV 500 0 1 3 0 0 0 0 50\nEV 600 0 2 3 0 100 0 0 51\n"
            "EV 700 0 4 3 0 100 0 0 52\nEV-END 4\n")
    ev = tr.parse(text)
    assert [e.pid for e in ev] == [0, 3, 3, 3]
    assert tr.wake_latencies(ev) == [(3, 0, 100)]


@pytest.mark.parametrize("bad, message", [
    ("EV 1 0 2 5 0 0 0 3\nEV-END 1\n", "9 fields"),
    ("EV 1 0 2 five 0 0 0 3 1\nEV-END 1\n", "must be integers"),
    ("EV 1 0 42 5 0 0 0 3 1\nEV-END 1\n", "unknown event type 42"),
    ("EV 1 9 2 5 0 0 0 3 1\nEV-END 1\n", "hart 9"),
    ("EV 1 0 2 5 0 0 7 3 1\nEV-END 1\n", "class 7"),
    ("EV 1 0 2 5 0 0 0 3 1\nEV-END 2\n", "EV-END says 2 records, 1 came"),
    ("EV 1 0 2 5 0 0 0 3 1\n", "cut short"),
    ("just a console\n", "no EV-END"),
    ("EV 9 0 2 5 0 0 0 3 1\nEV 8 0 4 5 0 0 0 3 2\nEV-END 2\n", "time goes back"),
    ("EV 1 0 2 5 0 0 0 3 1\nEV 2 0 4 5 0 0 0 3 7\nEV-END 2\n", "seq jumps from 1 to 7"),
    ("EV 1 0 2 5 0 0 0 3 1\nEV 2 0 2 6 0 0 0 3 2\nEV-END 2\n", "never ended"),
    ("EV 1 0 2 5 0 0 0 3 1\nEV 2 0 3 6 0 0 0 3 2\nEV-END 2\n", "pid 5 was running"),
])
def test_malformed_traces_are_rejected_with_a_reason(bad, message):
    with pytest.raises(tr.TraceError, match=message):
        tr.parse(bad)


def test_cli_names_the_problem(tmp_path):
    import subprocess
    f = tmp_path / "bad.txt"
    f.write_text("EV 1 0 2 5 0 0 0 3 1\nEV-END 3\n")
    tool = Path(__file__).resolve().parent.parent / "sched_trace.py"
    res = subprocess.run([sys.executable, str(tool), "--file", str(f)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert res.returncode != 0
    assert "bad trace" in res.stderr and "line 2" in res.stderr and "EV-END says 3" in res.stderr


def _name_record(name, pid=7, time=9100, seq=19):
    raw = name.encode().ljust(12, b"\0")[:12]
    arg = int.from_bytes(raw[:8], "little")
    aux = int.from_bytes(raw[8:], "little")
    return f"EV {time} 0 10 {pid} {aux} {arg} 0 3 {seq}"


def test_name_records_and_evname_lines():
    text = GOOD.replace("EV-END 9", _name_record("schedbench12") + "\nEV-END 10") + \
        "\nEVNAME 5 sh\nEVNAME 6 fanout\n"
    ev = tr.parse(text)
    assert ev[-1].name == "name" and tr.name_of_record(ev[-1]) == "schedbench12"
    assert tr.names(ev, text) == {5: "sh", 6: "fanout", 7: "schedbench12"}


def test_chrome_trace_export(tmp_path):
    import json
    import trace_export
    text = GOOD + "\nEVNAME 5 sh\nEVNAME 6 fanout\n"
    ev = tr.parse(text)
    out = tmp_path / "t.json"
    trace_export.write(ev, tr.names(ev, text), out)
    doc = json.loads(out.read_text())
    evs = doc["traceEvents"]
    runs = [e for e in evs if e["ph"] == "X" and e["pid"] == trace_export.HARTS_PID]
    # The three stretches of GOOD, in microseconds from the first record (1000).
    assert [(e["name"], e["ts"], e["dur"]) for e in runs] == [
        ("sh (5)", 10.0, 40.0), ("sh (5)", 130.0, 10.0), ("fanout (6)", 145.0, 655.0)]
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in evs
               if e["ph"] == "M" and e["name"] == "thread_name"}
    assert threads[(trace_export.HARTS_PID, 0)] == "hart 0"
    assert threads[(trace_export.PROCS_PID, 6)] == "fanout (6)"
    wakes = [e for e in evs if e["ph"] == "i" and e["name"] == "wake"]
    assert [(e["tid"], e["ts"], e["args"]["by"]) for e in wakes] == [(5, 100.0, "interrupt")]
