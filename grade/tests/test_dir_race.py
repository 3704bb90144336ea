"""Creating in a directory races its removal (issue 18; book 5): on 3 harts
in real time, dirrace makes and removes a directory while two processes
create a file, a subdirectory and a link inside it. Afterwards the disk is
checked from the host (grade/fsck.py): nothing allocated is unreachable and
the free inode and block counts are back where the fresh image had them.
xv6 (and Zenith before the fix) leaked an inode each time a creator looked
the parent up just before it was removed."""

import re

import pytest

import fsck
from zenith import FS_IMG


@pytest.mark.zenith_timeout(400)
def test_create_races_parent_removal(run_zenith, zenith_tmp):
    """100 rounds on 3 harts; the kernel before the fix leaked 14 inodes in
    150 rounds (1 hart under -icount interleaves too little to matter)."""
    res = run_zenith("dirrace 100", cpus=3, timeout=300)
    m = re.search(r"dirrace: (\d+) rounds, (\d+) creates won", res.output)
    assert m and res.status == 0, f"dirrace did not finish (status {res.status})\n{res.tail()}"
    assert "unexpected" not in res.output, f"a creator got an unexpected error\n{res.tail()}"
    assert int(m.group(2)) > 0, f"no create ever won: the race was never run\n{res.tail()}"
    fresh = fsck.check(FS_IMG)
    after = fsck.check(zenith_tmp / "vm1-fs.img")
    assert after.errors == [], "disk inconsistent after the race:\n" + "\n".join(after.errors)
    assert after.orphans == [], f"allocated inodes named nowhere after the race: {after.orphans}"
    want = fresh.free_after_a_clean_run(after)
    assert (after.free_inodes, after.free_blocks) == want, \
        (f"free inodes/blocks {after.free_inodes}/{after.free_blocks} after the race, "
         f"{want[0]}/{want[1]} expected: something leaked")
