"""The in-guest stress and regression program, usertests, with zero failures."""

import pytest

import guest

MIN_CASES = 40   # the foundation issue asks for at least 40 cases


@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_usertests_all_pass(run_zenith):
    res = run_zenith("usertests", timeout=720)
    guest.check_suite(res, "usertests", "UT", MIN_CASES)
