"""The in-guest suite for directory capabilities, the wait right, badges and
cap_list (user/tests/dirtest.c): every check passes and the kernel never panics,
on one hart and on three."""

import pytest

import guest

# Directory capabilities are checked by lab 4's code (rights, revocation,
# badges): in its handouts that code is a stub.
pytestmark = pytest.mark.lab_answers(4)

MIN_CASES = 15


@pytest.mark.slow
@pytest.mark.zenith_timeout(600)
@pytest.mark.parametrize("cpus", [1, 3])
def test_dirtest_all_pass(run_zenith, cpus):
    res = run_zenith("dirtest", cpus=cpus, timeout=400)
    guest.check_suite(res, "dirtest", "DT", MIN_CASES, label=f"dirtest on {cpus} hart(s)")
