"""Lab selfheal: the supervisor's restart logic (restart policy, exponential
backoff, the crash-loop hold) and the generation check, in
user/lib/svcpolicy.c.

No program that judges links that file. test_policy runs `svcprobe SEED`,
which calls svc_decide and svc_gen_current on queries drawn from the seed and
prints each answer; the grader computes the right answers itself
(svcpolicy_model.py) and compares. The other tests run the in-guest judge
user/tests/selfheal.c (`selfheal -n NONCE CASE`, stamped lines, grade/guest.py):
it watches the supervisor, which runs the lab's code in a process of its
own, restart the services. The supervisor runs only when the command line
says svc=on (run mode). Every wait is counted in guest ticks under -icount,
never in host time.
"""

import re

import guest
import svcpolicy_model

SVC = "svc=on"


def _case(run_zenith, case, timeout=300):
    return guest.run_mode_case(run_zenith, "selfheal", "SH", case, cpus=1, icount=True,
                               append=SVC, timeout=timeout)


def test_policy(run_zenith, rng):
    """svc_decide and svc_gen_current called directly on queries drawn from
    the test's seed (always, on-failure, never; delays 0, B, 2B, ... capped;
    the hold at the limit; windows that slide; svc_forget), and the
    handout's worked example; every answer checked by the grader."""
    seed = rng.getrandbits(62)
    res = run_zenith(f"svcprobe {seed}", cpus=1)
    if res is None:
        return
    wrong = svcpolicy_model.judge(res.output, seed)
    if wrong:
        res.fail(f"run=`svcprobe {seed}`: {wrong}")
    if res.status != 0:
        res.fail(f"run=`svcprobe {seed}` printed every answer but exited with status "
                 f"{res.status}, expected 0")


def test_restart_after_crash(run_zenith):
    """A crash brings a new generation in a fresh cell, with an empty store
    and exactly the declared capabilities; the old connection gets
    -E_RESTARTED."""
    res = _case(run_zenith, "restart")
    if res and not re.search(r"supervisor: kv \(gen \d+\): crashed: .*; restarting at once",
                             res.output):
        res.fail("run=`selfheal restart` passed, but the supervisor never logged "
                 "'kv (gen N): crashed: ...; restarting at once'")


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
    if res and "held (svc start kv to retry)" not in res.output:
        res.fail("run=`selfheal backoff` passed, but the supervisor never logged "
                 "'held (svc start kv to retry)'")
