"""The selfheal lab's stage 2 judge (grade/labs/svchostile_judge.py) names
the cause of a failure, not only its symptom: a student reads its message
and nothing else. Each test feeds it a console like the guest's, with one
thing wrong, and checks the message points at the mistake that makes it
(as seen with wrong answers to user/lib/svcserve.c). No QEMU."""

import sys

import zenith

sys.path.insert(0, str(zenith.REPO / "grade" / "labs"))
import svchostile_judge  # noqa: E402

NONCE = "00c0ffee12345678"
ERR = svchostile_judge._errno()
INVAL, NOENT = -ERR["E_INVAL"], -ERR["E_NOENT"]
STATE = "status=0 gen=1 pid=8 state=running hangs=0 anomalies=0 records=95 slots=50 " \
        "inflight=0 kvslots=7"
# A `malformed` run as a right svc_serve makes it (numbers from a real one).
GOOD = [
    f"start {STATE}",
    "malformed put key=k1 -> status 0 val=v1",
    f"malformed short len=3 -> status {INVAL}",
    "malformed caps n=3 -> dropped",
    f"malformed caps-get key=c1 -> status {NOENT} val=-",
    f"malformed badop op=27530 -> status {INVAL}",
    f"malformed header-only op=2 len=32 -> status {INVAL}",
    f"malformed junk len=512 -> status {INVAL}",
    "malformed toolong len=938 -> senderr -25",
    "malformed ncaps n=9 -> senderr -25",
    "malformed badslot slot=15 -> senderr -3",
    "malformed get key=k1 -> status 0 val=v1",
    f"end {STATE}",
]


def console(bodies, extra=(), end=True):
    """The guest's console: stamped observation lines, the supervisor's
    lines in `extra`, then SX-END unless the program died."""
    lines = [f"SX:{NONCE}:{i} {b}" for i, b in enumerate(bodies, 1)]
    lines[1:1] = list(extra)
    if end:
        lines.append(f"SX-END:{NONCE}:{len(bodies) + 1} {len(bodies)}")
    return "\n".join(lines) + "\n"


def judge(bodies, **kw):
    return svchostile_judge.judge(console(bodies, **kw), NONCE, ["malformed"], 100)


def with_end(**fields):
    """GOOD with the end snapshot's fields changed."""
    end = dict(f.split("=") for f in STATE.split())
    end.update({k: str(v) for k, v in fields.items()})
    return GOOD[:-1] + ["end " + " ".join(f"{k}={v}" for k, v in end.items())]


def test_a_right_run_passes():
    assert judge(GOOD) is None   # so the failures below are the judge's, not the fixture's


def test_cpu_anomaly_names_chan_discard_not_reply_caps():
    # Seen: next_request without CHAN_DISCARD retried a 3-capability
    # message for ever; the old message blamed replies on bad capabilities.
    msg = judge(with_end(anomalies=1),
                extra=["supervisor: kv (gen 1): anomaly: CPU beyond its share; left down "
                       "(restart policy)"])
    assert msg and "CPU beyond its share" in msg and "CHAN_DISCARD" in msg, msg
    assert "send ends" not in msg, msg


def test_capability_error_storm_names_svc_reply_ok():
    msg = judge(with_end(anomalies=1),
                extra=["supervisor: kv (gen 1): anomaly: capability-error storm; left down "
                       "(restart policy)"])
    assert msg and "capability-error storm" in msg and "svc_reply_ok" in msg, msg


def test_hang_names_chan_nonblock():
    msg = judge(with_end(hangs=1))
    assert msg and "CHAN_NONBLOCK" in msg, msg


def test_short_request_dropped_suggests_leaked_slots():
    # Seen: answer() that never closed its slot filled kv's table; the
    # first symptom was a short request dropped instead of refused.
    bodies = list(GOOD)
    bodies[2] = "malformed short len=3 -> dropped"
    msg = judge(bodies)
    assert msg and "never closed" in msg, msg


def test_no_end_line_quotes_the_supervisor():
    # Seen on a loaded host: the supervisor stopped the system (a core
    # service missed its heartbeats) and the message only said "died".
    said = ["supervisor: log (gen 1): hung (no heartbeat for 258 ticks); left down "
            "(restart policy)",
            "supervisor: core service log failed: stopping the system"]
    msg = judge(GOOD[:5], extra=said, end=False)
    assert msg and "no SX-END" in msg and "stopping the system" in msg, msg
    assert "log (gen 1): hung" in msg, msg


def test_served_revoked_put_names_ncaps():
    # A KV_PUT whose reply capability was revoked in flight arrives with a
    # negative slot; a loop that takes it for a one-way request serves it.
    bodies = [f"start {STATE}", "replycap revoked i=0 -> dropped",
              "replycap revoked-get key=r1 -> status 0 val=x1", f"end {STATE}"]
    msg = svchostile_judge.judge(console(bodies), NONCE, ["replycap"], 100)
    assert msg and "revoked in flight" in msg and "m.ncaps" in msg, msg
