"""The crash campaign's short run (issue 14; `make crashtest` is the long
one; grade/crashcheck.py says what is checked, book 5.18).

Six power cuts at seeded random moments, one disk throughout (each boot
recovers from the previous cut), 1 or 3 writers, 1 hart (-icount) and 3:
after each, the disk must pass fsck, hold every step the durability
contract of book 5.5 covers (one writer: each step that returned; several:
each that ended before a completed fsync), hold each writer's directory as
one of its steps left it, and the earlier rounds' files as they were."""

import random
import re

import pytest

import crashcheck
import zenith

# The commit through the log and its recovery are the fs lab's (9) answer
# (kernel/fs/logcommit.c): in the handouts of labs 1..9 the commit writes
# blocks straight home.
pytestmark = pytest.mark.lab_answers(9)

# (seed, writers, harts)
ROUNDS = [(1401, 1, 1), (1402, 2, 3), (1403, 3, 1), (1404, 1, 3), (1405, 2, 1), (1406, 3, 3)]


@pytest.mark.slow
@pytest.mark.zenith_timeout(300)
def test_power_cuts_keep_promises(zenith_tmp, request):
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    rng = random.Random(14)
    image, kept, begun, covered = zenith.FS_IMG, {}, 0, 0
    for seed, writers, cpus in ROUNDS:
        delay = rng.uniform(0.3, 2.0)
        out = crashcheck.crash_round(seed, writers, cpus, image, zenith_tmp,
                                     zenith.LOG_DIR / f"{stem}-{seed}.log", delay, kept)
        assert not out.problems, (f"round {seed} ({cpus} hart(s), {writers} writer(s), cut "
                                  f"{delay:.2f} s in):\n" + "\n".join(out.problems))
        kept.update(crashcheck.files_of(out.report, seed))
        image, begun, covered = out.disk, begun + out.begun, covered + out.covered
    assert covered > 0 and begun > covered, \
        f"the cuts tested nothing: {begun} steps begun, {covered} promised"
