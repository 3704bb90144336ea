"""The in-guest capability suite, captest: every check passes, the kernel
never panics, on one hart and on three (revocation against concurrent use
needs several harts to mean anything)."""

import re

import pytest

CT_LINE = re.compile(r"^CT (\S+) (PASS|FAIL)\b ?(.*)$", re.M)
CT_SUMMARY = re.compile(r"^CT-SUMMARY passed=(\d+) failed=(\d+)", re.M)
MIN_CASES = 15


def _results(text):
    cases = {m.group(1): (m.group(2), m.group(3).strip()) for m in CT_LINE.finditer(text)}
    m = CT_SUMMARY.search(text)
    return cases, ((int(m.group(1)), int(m.group(2))) if m else None)


@pytest.mark.slow
@pytest.mark.zenith_timeout(600)
@pytest.mark.parametrize("cpus", [1, 3])
def test_captest_all_pass(run_zenith, cpus):
    res = run_zenith("captest", cpus=cpus, timeout=400)
    cases, summary = _results(res.output)
    failing = [f"  {name}: {reason or '(no reason given)'}"
               for name, (verdict, reason) in cases.items() if verdict == "FAIL"]
    if failing:
        raise AssertionError(f"captest on {cpus} hart(s): {len(failing)} case(s) failed:\n"
                             + "\n".join(failing)
                             + f"\n(console log: {res.log_path})\n{res.tail()}")
    if summary is None:
        last = list(cases)[-1] if cases else "none"
        raise AssertionError(f"captest printed no CT-SUMMARY line (QEMU exit status "
                             f"{res.status}; last case reported: {last})\n{res.tail()}")
    passed, failed = summary
    assert failed == 0, f"CT-SUMMARY says failed={failed}\n{res.tail()}"
    assert passed == len(cases), \
        f"CT-SUMMARY says passed={passed} but {len(cases)} CT lines were printed\n{res.tail()}"
    assert len(cases) >= MIN_CASES, f"captest ran {len(cases)} cases, expected {MIN_CASES}+"
    assert res.status == 0, f"captest passed but QEMU exit status is {res.status}\n{res.tail()}"
