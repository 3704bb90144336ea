"""The in-guest channel and spawn suite, chantest: every check passes (the
rights matrix, whole-or-nothing delivery, flooding, revocation in flight
and across processes, blocking calls, spawn's exact capability list), the
audit shows no leak after each case, the kernel never panics, on one hart
and on three."""

import pytest

import guest

# The capability system is lab 4's work: in its handouts these are stubs.
pytestmark = pytest.mark.lab_answers(4)

MIN_CASES = 16


@pytest.mark.slow
@pytest.mark.zenith_timeout(600)
@pytest.mark.parametrize("cpus", [1, 3])
def test_chantest_all_pass(run_zenith, cpus):
    res = run_zenith("chantest", cpus=cpus, timeout=400)
    guest.check_suite(res, "chantest", "CT", MIN_CASES, label=f"chantest on {cpus} hart(s)")
