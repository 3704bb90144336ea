"""The in-guest stress and regression program, usertests, with zero failures."""

import pytest

import guest

MIN_CASES = 40   # the foundation issue asks for at least 40 cases


@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_usertests_all_pass(run_zenith):
    res = run_zenith("usertests", timeout=720)
    cases, summary = guest.usertests_results(res.output)
    failing = [f"  {name}: {reason or '(no reason given)'}"
               for name, (verdict, reason) in cases.items() if verdict == "FAIL"]
    if failing:
        raise AssertionError(f"usertests: {len(failing)} case(s) failed:\n" + "\n".join(failing)
                             + f"\n(console log: {res.log_path})\n{res.tail()}")
    if summary is None:
        last = list(cases)[-1] if cases else "none"
        raise AssertionError(f"usertests printed no UT-SUMMARY line (QEMU exit status "
                             f"{res.status}; last case reported: {last})\n{res.tail()}")
    passed, failed = summary
    assert failed == 0, f"UT-SUMMARY says failed={failed}\n{res.tail()}"
    assert passed == len(cases), \
        f"UT-SUMMARY says passed={passed} but {len(cases)} UT lines were printed\n{res.tail()}"
    assert res.status == 0, f"usertests passed but QEMU exit status is {res.status}\n{res.tail()}"
    assert len(cases) >= MIN_CASES, \
        f"usertests ran {len(cases)} cases, expected at least {MIN_CASES}"
