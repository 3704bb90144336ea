"""guest.stamped_results: a test program's report counts only when every
line carries this run's nonce, in sequence, each case once, summary last
(user/lib/stamp.h). Host only."""

import pytest

import guest

N = "0123456789abcdef"


def report(*lines):
    return "".join(line + "\n" for line in lines)


def test_a_complete_report_is_read():
    text = report("some output", f"ST:{N}:1 a PASS", "backtrace:",
                  f"ST:{N}:2 b FAIL it broke", f"ST-SUMMARY:{N}:3 passed=1 failed=1")
    assert guest.stamped_results(text, "ST", N) == {"a": ("PASS", ""), "b": ("FAIL", "it broke")}


@pytest.mark.parametrize("text, complaint", [
    (report("ST a PASS", "ST-SUMMARY passed=1 failed=0"), "without this run's nonce"),
    (report(f"ST:{'f' * 16}:1 a PASS", f"ST-SUMMARY:{N}:2 passed=1 failed=0"),
     "without this run's nonce"),
    (report(f"ST:{N}:1 a PASS", "ST a PASS", f"ST-SUMMARY:{N}:2 passed=1 failed=0"),
     "without this run's nonce"),
    (report(f"ST:{N}:1 a PASS", f"ST:{N}:1 b PASS", f"ST-SUMMARY:{N}:2 passed=2 failed=0"),
     "out of order"),
    (report(f"ST:{N}:2 a PASS", f"ST-SUMMARY:{N}:1 passed=1 failed=0"), "out of order"),
    (report(f"ST:{N}:1 a PASS", f"ST:{N}:2 a FAIL died", f"ST-SUMMARY:{N}:3 passed=1 failed=1"),
     "reported twice"),
    (report(f"ST:{N}:1 a PASS"), "killed or crashed after reporting"),
    (report(f"ST-SUMMARY:{N}:1 passed=0 failed=0", f"ST:{N}:2 a PASS"), "after the summary"),
    (report(f"ST:{N}:1 a FAIL x", f"ST-SUMMARY:{N}:2 passed=1 failed=0"), "case lines say"),
])
def test_forged_or_cut_reports_fail(text, complaint):
    with pytest.raises(guest.ForgedReport, match=complaint):
        guest.stamped_results(text, "ST", N)


def test_nonces_are_fresh():
    seen = {guest.new_nonce() for _ in range(100)}
    assert len(seen) == 100 and all(len(n) == 16 for n in seen)
