"""Lab selfheal: the supervisor's restart logic (restart policy, exponential
backoff, the crash-loop hold) and the generation check, in
user/lib/svcpolicy.c.

The checks run inside the guest in user/selfheal.c, which runs each case in
its own process and prints "SH <case> PASS" or "SH <case> FAIL <reason>".
The supervisor runs only when the command line says svc=on (run mode).
Every wait is counted in guest ticks under -icount, never in host time.
"""

import re

import guest

SVC = "svc=on"


def _case(run_zenith, case, timeout=300):
    res = run_zenith(f"selfheal {case}", cpus=1, icount=True, append=SVC, timeout=timeout)
    cases, _ = guest.suite_results(res.output, "SH")
    verdict, reason = cases.get(case, ("MISSING", "no result line"))
    if verdict != "PASS":
        res.fail(f"run=`selfheal {case}`: {verdict} {reason}")
    return res


def test_policy(run_zenith):
    """svc_decide and svc_gen_current called directly: always, on-failure,
    never; delays 0, B, 2B, ... capped; the hold at the limit; a window
    that slides."""
    _case(run_zenith, "policy")


def test_restart_after_crash(run_zenith):
    """A crash brings a new generation in a fresh cell, with an empty store
    and exactly the declared capabilities; the old connection gets
    -E_RESTARTED."""
    res = _case(run_zenith, "restart")
    assert re.search(r"supervisor: kv \(gen \d+\): crashed: .*; restarting at once", res.output)


def test_stale_reference(run_zenith):
    """After `svc restart`, a client holding the old incarnation's channel
    gets -E_RESTARTED carrying the new generation (a blocked call wakes with
    it) and continues after reconnecting."""
    _case(run_zenith, "stale")


def test_hang_detected(run_zenith):
    """A service that stops heartbeating is declared hung and restarted;
    the stale report of its keeper does not end the new incarnation."""
    _case(run_zenith, "hang")


def test_backoff_and_hold(run_zenith):
    """A crash loop: restarts after 0, 20, 40, 80, 160 ticks, then the hold
    (connect refused with -E_PEER) until `svc start`."""
    res = _case(run_zenith, "backoff")
    assert "held (svc start kv to retry)" in res.output
