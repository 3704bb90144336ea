"""What fsync promises survives a crash (issue 17, part 2; book 5.5).

Each round boots with `run=durable SEED` (user/tests/durable.c): with two
processes keeping the log busy, the guest prints the state its seeded
writes, links, unlinks and truncating opens will leave in /durSEED, makes
them, calls fsync, prints a marker line and goes on with unsynced work.
As soon as the host reads the marker it SIGKILLs QEMU (a power cut). The
next round boots a copy of that very disk (recovery replays the log), and
a last boot recovers from the last cut and powers off cleanly. Then the
host checks the disk (grade/fsck.py): consistent, and every round's names
holding exactly what the guest said was synced. Several seeds, on one
hart (-icount) and on three, so the kills land at many different points.

Writes to the disk are throttled (reads are not, so boots stay fast): a
commit then takes long enough that a kill often lands inside one. With
fsync made a no-op, a few rounds of each run lose a synced change."""

import re
import signal

import pytest

import fsck
import zenith

# The commit through the log and its recovery are the fs lab's (9) answer
# (kernel/fs/logcommit.c): in the handouts of labs 1..9 the commit writes
# blocks straight home.
pytestmark = pytest.mark.lab_answers(9)

SEEDS = [11, 22, 33, 44, 55, 66, 77, 88]
# A slow disk for writes (reads stay fast, so boots do too): a commit then
# takes long enough that the kill is sure to land inside some of them.
SLOW_WRITES = ["-set", "drive.x0.throttling.iops-write=400"]
DUR_RE = re.compile(r"^DUR (f\d) (?:(\d+) (\d+)|-)$", re.M)
MARKER_RE = re.compile(r"DURABLE-SYNCED (\d+)")


def fnv(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


def crash_after_fsync(seed, cpus, image, tmp, stem):
    """Boot a copy of image (recovering from the last crash), run durable
    SEED, kill QEMU at its marker. Returns the synced state it printed and
    the disk as the kill left it."""
    opts = zenith.BootOptions(cpus=cpus, icount=cpus == 1,
                              icount_shift=zenith.TEST_ICOUNT_SHIFT, append=f"run=durable {seed}",
                              extra=SLOW_WRITES)
    vm = zenith.VM(f"crash{seed}", opts, tmp, zenith.LOG_DIR / f"{stem}-{seed}.log", image=image)
    try:
        vm.spawn()
        vm.expect(MARKER_RE, timeout=60)
        vm.child.kill(signal.SIGKILL)   # at once: the guest is still writing
    finally:
        vm.close()
    synced = {m.group(1): (int(m.group(2)), int(m.group(3))) if m.group(2) else None
              for m in DUR_RE.finditer(vm.console)}
    assert len(synced) == 6, f"seed {seed}: expected 6 DUR lines\n{vm.tail()}"
    return synced, vm.disk


@pytest.mark.slow
@pytest.mark.zenith_timeout(300)
def test_fsync_survives_power_cut(zenith_tmp, request):
    """The rounds follow each other on one disk: each boot recovers from the
    previous round's power cut; a last boot recovers from the last one and
    powers off cleanly. Then every round's directory must hold what it
    synced, and the disk must be consistent."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    image, synced = zenith.FS_IMG, {}
    for i, seed in enumerate(SEEDS):
        cpus = 1 if i % 2 == 0 else 3
        synced[seed], image = crash_after_fsync(seed, cpus, image, zenith_tmp, stem)

    vm = zenith.VM("last", zenith.BootOptions(cpus=3), zenith_tmp,
                   zenith.LOG_DIR / f"{stem}-last.log", image=image)
    try:
        vm.start()   # recovery replays the last round's committed group, if any
        vm.halt()
    finally:
        vm.close()
    rep = fsck.check(vm.disk)
    assert rep.errors == [], "disk inconsistent after recovery:\n" + "\n".join(rep.errors)

    lost = []
    for i, seed in enumerate(SEEDS):
        for name, want in sorted(synced[seed].items()):
            data = rep.read(f"/dur{seed}/{name}")
            got = None if data is None else (len(data), fnv(data))
            if got != want:
                lost.append(f"seed {seed} ({1 if i % 2 == 0 else 3} hart(s)): /dur{seed}/{name} "
                            f"is {got if got else 'missing'}, fsync promised "
                            f"{want if want else 'no such name'}")
    assert not lost, "fsynced state lost in a power cut:\n" + "\n".join(lost)
