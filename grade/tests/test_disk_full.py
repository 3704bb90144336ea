"""The disk-full campaign (issue 14, item 6; user/tests/fuzzfull.c, book 5.6):
several processes fill the disk at once until every creation and write
fails (blocks first, then inodes); each failure must be a clean -E_NOSPC, the parent then removes
everything and a 100 KB file must fit again. Afterwards the host checks
the image: consistent, and exactly as many free blocks and inodes as the
fresh image had (less /console, which init makes at boot): nothing the
full disk's failed calls touched is leaked."""

import pytest

import fsck
from zenith import FS_IMG


@pytest.mark.slow
@pytest.mark.zenith_timeout(300)
def test_fill_the_disk_and_get_it_back(run_zenith, zenith_tmp):
    """On 3 harts in real time, where the writers' allocations race (about
    30 s: the whole disk is written)."""
    res = run_zenith("fuzzfull 3", cpus=3, timeout=240)
    assert "FULL-DONE bad=0" in res.output and res.status == 0, res.tail()
    assert res.output.count("FULL-FILLED") == 3, res.tail()
    assert "nospc=0" not in res.output, "a writer never saw the disk full"
    fresh, after = fsck.check(FS_IMG), fsck.check(zenith_tmp / "vm1-fs.img")
    assert after.errors == [], "disk inconsistent:\n" + "\n".join(after.errors)
    assert after.orphans == [], f"allocated inodes named nowhere: {after.orphans}"
    want = fresh.free_after_a_clean_run(after)
    assert (after.free_inodes, after.free_blocks) == want, \
        f"free inodes/blocks {after.free_inodes}/{after.free_blocks}, expected {want}"
