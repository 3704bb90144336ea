"""The in-guest capability suite, captest: every check passes, the kernel
never panics, on one hart and on three (revocation against concurrent use
needs several harts to mean anything)."""

import pytest

import guest

# The capability system is lab 4's work: in its handouts these are stubs.
pytestmark = pytest.mark.lab_answers(4)

MIN_CASES = 15


@pytest.mark.slow
@pytest.mark.zenith_timeout(600)
@pytest.mark.parametrize("cpus", [1, 3])
def test_captest_all_pass(run_zenith, cpus):
    res = run_zenith("captest", cpus=cpus, timeout=400)
    guest.check_suite(res, "captest", "CT", MIN_CASES, label=f"captest on {cpus} hart(s)")
