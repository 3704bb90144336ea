"""Lab sched: measure round robin (schedlat), build MLFQ, the fair policy and
the adaptive classifier.

Every run is on one hart under QEMU -icount, so tick counts and CPU shares
repeat exactly; the checks allow tolerances anyway. The behaviour checks run
inside the guest in user/schedtest.c, which runs each case in its own
process and prints "SC <case> PASS" or "SC <case> FAIL <reason>"; the exact
arithmetic of the classifier is checked by user/schedscore.c ("SS ...").
"""

import re

import guest

TIMEOUT = 240


def _run(run_zenith, command):
    return run_zenith(command, cpus=1, icount=True, timeout=TIMEOUT)


def _case(run_zenith, prog, tag, case):
    res = _run(run_zenith, f"{prog} {case}")
    cases, _ = guest.suite_results(res.output, tag)
    assert case in cases, f"`{prog} {case}` printed no '{tag} {case} ...' line\n{res.tail()}"
    verdict, reason = cases[case]
    assert verdict == "PASS", f"{prog} case {case} failed: {reason}\n{res.tail()}"


# ---------------------------------------------------------------- stage 1

def test_schedlat_selftest(run_zenith):
    res = _run(run_zenith, "schedlat selftest")
    m = re.search(r"^SL selftest (PASS|FAIL.*)$", res.output, re.M)
    assert m, f"schedlat selftest printed no 'SL selftest' line\n{res.tail()}"
    assert m.group(1) == "PASS", f"schedlat selftest: {m.group(1)}\n{res.tail()}"


LAT = re.compile(r"^LAT n=(\d+) mean=(\d+) max=(\d+) kernel=(\d+)$", re.M)


def test_schedlat_round_robin(run_zenith):
    """Under round robin a periodic task waits behind the hogs' quanta; the
    latencies measured from the trace must agree with the waits the kernel
    recorded."""
    res = _run(run_zenith, "sched set rr; schedlat 2")
    m = LAT.search(res.output)
    assert m, f"schedlat printed no 'LAT n=... mean=... max=... kernel=...' line\n{res.tail()}"
    n, mean, mx, kernel = map(int, m.groups())
    assert n >= 190, f"only {n} latencies for 200 wakeups\n{res.tail()}"
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
    res = _run(run_zenith, "schedscore all")
    cases, _ = guest.suite_results(res.output, "SS")
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
    assert m, f"schedlat printed no LAT line\n{res.tail()}"
    n, mean, mx, kernel = map(int, m.groups())
    assert n >= 190, f"only {n} latencies for 200 wakeups\n{res.tail()}"
    assert kernel <= 200, (f"mean wake-to-run latency {kernel} us under adaptive with two "
                           f"hogs; expected at most 200 us")
