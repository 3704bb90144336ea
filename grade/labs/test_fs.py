"""Lab fs: large files, symbolic links inside a directory capability, crash
recovery (docs/labs/fs.md).

Stages 1 and 2 run inside the guest in user/tests/fstest.c, one boot per
case ("FS <case> PASS" or "FS <case> FAIL <reason>"). What they trust
besides its report is the disk itself, read from the host after the guest
powered off (grade/fsck.py, code the lab does not change): consistent, and
every block a case freed is free again. Stage 3's checks are in
grade/labs/fscrash.py.
"""

import pytest

import fsck
import fscrash
import guest
import zenith
from zenith import FS_IMG


def _disk(zenith_tmp, res):
    """The disk copy of the last boot (run_zenith names them vmN-fs.img)."""
    disks = sorted(zenith_tmp.glob("vm*-fs.img"), key=lambda p: p.stat().st_mtime)
    if not disks:
        res.fail("the boot left no disk copy to check")
    return disks[-1]


def _check_disk(res, disk, what):
    """Fail unless the disk is consistent and every block the case used is
    free again (the fresh image's count, allowing for directories that grew)."""
    after = fsck.check(disk)
    if after.errors:
        res.fail(f"after {what} the disk is inconsistent (grade/fsck.py):\n  " +
                 "\n  ".join(after.errors[:12]) +
                 ("\nBlocks 'marked used but no inode uses it' were not freed: itrunc "
                  "(bmap.c) must free every block under the doubly-indirect one, each "
                  "block of pointers, and the doubly-indirect block itself."
                  if any("no inode uses it" in e for e in after.errors) else ""))
    want_inodes, want_blocks = fsck.check(FS_IMG).free_after_a_clean_run(after)
    if after.free_blocks != want_blocks:
        res.fail(f"after {what}, which removed everything it made, the disk has "
                 f"{after.free_blocks} free data blocks, {want_blocks} expected: "
                 f"{want_blocks - after.free_blocks} block(s) lost (itrunc, bmap.c)")
    if after.free_inodes != want_inodes:
        res.fail(f"after {what} the disk has {after.free_inodes} free inodes, "
                 f"{want_inodes} expected")


# The panics a wrong stage 1 or 2 most often ends in, and what each means.
PANIC_CAUSES = {
    "bfree: block already free":
        "a block was freed twice: itrunc (bmap.c) freed it twice, or freed it and left "
        "its number in the inode (ip->addrs[NDIRECT + 1] or an entry of an index "
        "block), so a later truncate or write used it again; set each freed slot to 0",
    "ilock: no reference":
        "an inode reference was dropped once too often: in symlink_follow (symlink.c), "
        "the w->dir you install needs its own reference (idup(w->base)), and the old "
        "w->dir is dropped (iput) exactly once",
}


def _explain_panic(e):
    """Re-raise a kernel panic with what it says about the student's code."""
    for msg, cause in PANIC_CAUSES.items():
        if f"panic: {msg}" in str(e):
            raise zenith.KernelPanic(f"{e.what}: 'panic: {msg}': {cause}",
                                     e.console_tail, e.log_path) from None
    raise e


def _fstest(run_zenith, zenith_tmp, case, cpus=1, icount=True, disk_check=False, timeout=240):
    try:
        res = guest.run_mode_case(run_zenith, "fstest", "FS", case, cpus=cpus, icount=icount,
                                  timeout=timeout)
    except zenith.KernelPanic as e:
        _explain_panic(e)
    if res is not None and disk_check:
        _check_disk(res, _disk(zenith_tmp, res), f"`fstest {case}`")
    return res


# ---------------------------------------------------------------- stage 1

@pytest.mark.zenith_timeout(300)
def test_fs_big_write(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "big-write", disk_check=True)


@pytest.mark.zenith_timeout(300)
def test_fs_big_boundary(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "big-boundary", disk_check=True)


@pytest.mark.zenith_timeout(300)
def test_fs_big_truncate(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "big-truncate", disk_check=True)


# ---------------------------------------------------------------- stage 2

def test_fs_symlink_basic(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "sym-basic", disk_check=True)


def test_fs_symlink_missing(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "sym-missing")


def test_fs_symlink_loop(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "sym-loop")


def test_fs_symlink_escape(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "sym-escape")


def test_fs_symlink_setroot(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "sym-setroot")


# Large files and links changing under several processes at once: on one
# hart under -icount (deterministic) and on three in real time.
@pytest.mark.zenith_timeout(400)
def test_fs_concurrent_one_hart(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "concurrent", cpus=1, icount=True, disk_check=True,
            timeout=360)


@pytest.mark.zenith_timeout(400)
def test_fs_concurrent_three_harts(run_zenith, zenith_tmp):
    _fstest(run_zenith, zenith_tmp, "concurrent", cpus=3, icount=False, disk_check=True,
            timeout=360)


# ---------------------------------------------------------------- stage 3

def _crash_sweep(rng, zenith_tmp, request, step, cpus):
    seed = rng.randrange(1, 1 << 20)
    cuts = fscrash.sweep(seed, step, cpus, zenith_tmp, request.node.name)
    made = [c for c in cuts if c.happened]
    problems = [p for c in cuts for p in c.problems]
    if problems:
        raise zenith.WrongAnswer("\n".join(problems), "", cuts[-1].log)
    if not made:
        raise zenith.WrongAnswer(f"no power cut happened in the commit of step {step} "
                                 f"({fscrash.STEPS[step]}): the commit wrote nothing to the "
                                 f"disk?", "", cuts[-1].log)


# A file's data blocks, the bitmap and its inode in one commit; on one
# hart under -icount.
@pytest.mark.no_fsck
@pytest.mark.zenith_timeout(600)
def test_fs_crash_write(rng, zenith_tmp, request):
    _crash_sweep(rng, zenith_tmp, request, 2, cpus=1)


# O_TRUNC frees blocks: cut on three harts in real time (the cut is at a
# counted write, so it is as deterministic there).
@pytest.mark.no_fsck
@pytest.mark.zenith_timeout(600)
def test_fs_crash_truncate(rng, zenith_tmp, request):
    _crash_sweep(rng, zenith_tmp, request, 6, cpus=3)


# The last name of a file goes: directory entry, inode and blocks freed.
@pytest.mark.no_fsck
@pytest.mark.zenith_timeout(600)
def test_fs_crash_remove(rng, zenith_tmp, request):
    _crash_sweep(rng, zenith_tmp, request, 8, cpus=1)
