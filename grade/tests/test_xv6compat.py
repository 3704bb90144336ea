"""Programs written in xv6's style build unchanged and see xv6's conventions
(issue 18; book 2, "Running xv6 programs"): user/xv6/xv6tests.c, built with
the compatibility flags and shim, passes its own tests in xv6 usertests'
shape, and its printf lines read exactly as xv6's printf would print them."""

import pytest

# What xv6's printf prints for xv6tests' formats() (its conversions: d, ld,
# lld, u, lu, llu, x, lx, llx, p, s, c, %; an unknown one is shown as written).
FORMATS = [
    "fmt d: 42 -7 0",
    "fmt ld: 78187493530 -1",
    "fmt u: 3000000000 78187493530 78187493530",
    "fmt x: ff 123456789a 123456789a",
    "fmt p: 0x000000123456789a 0x0000000000000000",
    "fmt s c: str ok %",
    "fmt lone l: %l|",
    "fmt unknown: %q|",
]


@pytest.mark.parametrize("cpus", [1, 3])
def test_xv6_style_program_sees_xv6_conventions(run_zenith, cpus):
    res = run_zenith("xv6tests", cpus=cpus, icount=cpus == 1, timeout=120)
    lines = [ln.strip() for ln in res.output.replace("\r", "").split("\n")]
    assert "ALL TESTS PASSED" in lines, f"xv6tests did not pass on {cpus} hart(s)\n{res.tail()}"
    assert res.status == 0, f"xv6tests passed but QEMU exit status is {res.status}"
    for want in FORMATS:
        assert want in lines, f"printf line {want!r} missing or different\n{res.tail()}"
    for name in ("formats", "minusone", "fourteen", "ticks", "forkwait"):
        assert f"test {name}: OK" in lines, f"test {name} not OK\n{res.tail()}"
