"""The file system stays consistent and leaks nothing (issue 11): usertests'
directory cases, the removed-directory ones among them, run in the guest;
then the disk image is checked from the host (grade/fsck.py): every
allocated inode and block is reachable, link counts are exact, and the free
inode and block counts are back where the fresh image had them."""

import pytest

import fsck
import guest
from zenith import FS_IMG

CASES = ["removed_dir", "removed_dir_walk", "rmdir_rules", "dirs", "links", "mknod",
         "small_files", "concurrent_create", "fsync_basic"]


@pytest.mark.zenith_timeout(300)
@pytest.mark.parametrize("cpus", [1, 3])
def test_removed_dir_no_leak(run_zenith, zenith_tmp, cpus):
    res = run_zenith("usertests " + " ".join(CASES), cpus=cpus, icount=cpus == 1, timeout=200)
    guest.check_suite(res, "usertests", "UT", len(CASES), label=f"usertests on {cpus} hart(s)")
    fresh = fsck.check(FS_IMG)
    after = fsck.check(zenith_tmp / "vm1-fs.img")
    assert after.errors == [], "disk inconsistent after the run:\n" + "\n".join(after.errors)
    assert after.orphans == [], f"allocated inodes named nowhere: {after.orphans}"
    assert set(after.image.entries_of("/")) - set(fresh.image.entries_of("/")) <= \
        fresh.made_at_boot()
    want = fresh.free_after_a_clean_run(after)
    assert (after.free_inodes, after.free_blocks) == want, \
        (f"free inodes/blocks {after.free_inodes}/{after.free_blocks} after the run, "
         f"{want[0]}/{want[1]} expected (the fresh image, less /console)")
