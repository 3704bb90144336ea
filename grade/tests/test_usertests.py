"""The in-guest stress and regression program, usertests, with zero failures."""

import pytest

import guest
import manifest
from zenith import REPO

MIN_CASES = 40   # the foundation issue asks for at least 40 cases

# Cases that check lab 4's answers (rights on a file and on pipe ends; the
# stage A stub lets every right through): left out in the handouts of labs
# 1..4, where that code is the stub, like tests marked lab_answers(4).
CAPS_LAB_CASES = ["rights_file", "pipe_basic"]


def _excluded_cases():
    current = manifest.handout_lab(REPO)
    if current is not None and manifest.find_lab(REPO, current).number <= 4:
        return CAPS_LAB_CASES
    return []


@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_usertests_all_pass(run_zenith):
    excluded = _excluded_cases()
    cmd = " ".join(["usertests"] + [f"-x {c}" for c in excluded])
    res = run_zenith(cmd, timeout=720)
    guest.check_suite(res, "usertests", "UT", MIN_CASES - len(excluded))
