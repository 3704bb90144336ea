"""The system-call fuzzer's short run (issue 14; user/tests/fuzz.c, book 5.16).

Four workers at a time, two of them in cells, make raw system calls with
wild arguments; the kernel must not panic, the driver must reap every
generation (those that blocked for good are killed and the campaign goes
on) and the disk must pass grade/fsck.py afterwards. The long run is
`make fuzz` (docs/results/reliability.md). ZENITH_FUZZ_SEED picks another
seed; a failure names the seed, and tools/fuzz.py / tools/fuzz_reduce.py
replay and shrink it."""

import os
import re

import pytest

import fsck

# The workers are kept from the driver and from each other's slots by the
# capability rights lab 4 (caps) enforces; in the handouts of labs 1-4 any
# live capability may do anything, and the workers take the driver down.
pytestmark = pytest.mark.lab_answers(4)

GENS, PROCS, BUDGET = 24, 4, 300
HEADER_RE = re.compile(r"^FZ (\d+) (\d+) (\d+) ([01]) (\d+)$", re.M)
DONE_RE = re.compile(r"^FZ-DONE gens=(\d+) done=(\d+) early=(\d+) timeout=(\d+)", re.M)


@pytest.mark.slow
@pytest.mark.zenith_timeout(240)
@pytest.mark.parametrize("cpus", [1, 3])
def test_fuzz_short(run_zenith, zenith_tmp, cpus):
    seed = int(os.environ.get("ZENITH_FUZZ_SEED", "1400")) + cpus
    res = run_zenith(f"fuzz {seed} {GENS} {PROCS} {BUDGET}", cpus=cpus, icount=cpus == 1,
                     timeout=200)
    done = DONE_RE.search(res.output)
    assert done, f"seed {seed}: the campaign did not finish\n{res.tail()}"
    assert res.status == 0
    gens, finished, early, stuck = (int(x) for x in done.groups())
    assert gens == GENS and finished + early + stuck == GENS, done.group(0)
    assert finished >= GENS // 4, f"seed {seed}: too few generations made all their calls"
    cells = {int(m.group(4)) for m in HEADER_RE.finditer(res.output)}
    assert cells == {0, 1}, "workers ran both in cells and out"
    rep = fsck.check(zenith_tmp / "vm1-fs.img")
    assert rep.errors == [], f"seed {seed}: disk inconsistent:\n" + "\n".join(rep.errors)
