"""Lab sched: measure round robin (schedlat), build MLFQ, the fair policy and
the adaptive classifier.

Every run is on one hart under QEMU -icount, so tick counts and CPU shares
repeat exactly; the checks allow tolerances anyway. The behaviour checks run
inside the guest in user/tests/schedtest.c, which runs each case in its own
process and prints "SC <case> PASS" or "SC <case> FAIL <reason>"; the exact
arithmetic of the classifier is checked by user/labs/schedscore.c ("SS ...").
"""

import re

import pytest

import guest

TIMEOUT = 240
# Each run is CPU-bound under -icount (schedlat's 200 wakeups behind two
# hogs are seconds of guest time): the whole-test safety net must exceed
# the run's own timeout (the default 120 s did not, and fired on a loaded
# host in the handouts' verify-labs).
pytestmark = pytest.mark.zenith_timeout(TIMEOUT + 60)


def _run(run_zenith, command):
    return run_zenith(command, cpus=1, icount=True, timeout=TIMEOUT)


def _case(run_zenith, prog, tag, case):
    guest.run_mode_case(run_zenith, prog, tag, case, cpus=1, icount=True, timeout=TIMEOUT)


# ---------------------------------------------------------------- stage 1

def test_schedlat_selftest(run_zenith):
    res = _run(run_zenith, "schedlat selftest")
    m = re.search(r"^SL selftest (PASS|FAIL.*)$", res.output, re.M)
    if not m:
        res.fail("run=`schedlat selftest` printed no 'SL selftest' line")
    if m.group(1) != "PASS":
        res.fail(f"schedlat selftest: {m.group(1)}")


LAT = re.compile(r"^LAT n=(\d+) mean=(\d+) max=(\d+) kernel=(\d+)$", re.M)


def test_schedlat_round_robin(run_zenith):
    """Under round robin a periodic task waits behind the hogs' quanta; the
    latencies measured from the trace must agree with the waits the kernel
    recorded."""
    res = _run(run_zenith, "sched set rr; schedlat 2")
    m = LAT.search(res.output)
    if not m:
        res.fail("schedlat printed no 'LAT n=... mean=... max=... kernel=...' line")
    n, mean, mx, kernel = map(int, m.groups())
    if n < 190:
        res.fail(f"only {n} latencies for 200 wakeups")
    assert abs(mean - kernel) <= max(5, kernel // 50), \
        f"mean latency {mean} us from the trace, but the kernel recorded {kernel} us"
    assert mx >= 5000, f"max latency {mx} us: a task behind two 10 ms hogs must wait longer"


# ---------------------------------------------------------------- stages 2-4

def test_mlfq_levels(run_zenith):
    _case(run_zenith, "schedtest", "SC", "mlfq_levels")


def test_mlfq_boost(run_zenith):
    _case(run_zenith, "schedtest", "SC", "mlfq_boost")


def test_fair_weighted(run_zenith):
    _case(run_zenith, "schedtest", "SC", "fair_weighted")


def test_fair_vruntime(run_zenith):
    _case(run_zenith, "schedtest", "SC", "fair_vruntime")


def test_score_exact(run_zenith, score):
    nonce = guest.new_nonce()
    res = _run(run_zenith, f"schedscore -n {nonce} all")
    try:
        cases = guest.stamped_results(res.output, "SS", nonce)
    except guest.ForgedReport as e:
        res.fail(f"run=`schedscore -n {nonce} all`: {e}")
    for case in ("ewma", "cycle", "edges"):
        verdict, reason = cases.get(case, ("MISSING", "no result line"))
        score.check(verdict == "PASS", f"schedscore {case}: {reason}")
    score.finish()


def test_adaptive_classify(run_zenith):
    _case(run_zenith, "schedtest", "SC", "adaptive_classify")


def test_adaptive_latency(run_zenith):
    """The adaptive policy classifies the periodic task as latency-critical
    and lets it preempt the hogs: its wake-to-run latency stays tiny."""
    res = _run(run_zenith, "sched set adaptive; schedlat 2")
    m = LAT.search(res.output)
    if not m:
        res.fail("schedlat printed no LAT line")
    n, mean, mx, kernel = map(int, m.groups())
    if n < 190:
        res.fail(f"only {n} latencies for 200 wakeups")
    assert kernel <= 200, (f"mean wake-to-run latency {kernel} us under adaptive with two "
                           f"hogs; expected at most 200 us")
