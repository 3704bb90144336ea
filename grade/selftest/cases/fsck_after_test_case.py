"""Run by grade/selftest/test_fsck_hook.py in a pytest of its own (the name
keeps it out of normal collection): after a test that passed, the grader
checks the disks its VMs wrote (grade/conftest.py) and fails the test if
one is inconsistent."""

import fsck


def boot_and_echo(run_zenith):
    res = run_zenith("echo hi", cpus=1, icount=True)
    assert res.status == 0 and "hi" in res.output


def test_clean_disk_passes(run_zenith):
    boot_and_echo(run_zenith)


def test_damaged_disk_fails(run_zenith, zenith_tmp):
    boot_and_echo(run_zenith)
    disk = zenith_tmp / "vm1-fs.img"
    img = fsck.Image(disk.read_bytes())
    b = img.inode(img.lookup("/README")).addrs[0]
    img.data[(img.bmapstart + b // fsck.BPB) * fsck.BSIZE + (b % fsck.BPB) // 8] ^= 1 << (b % 8)
    disk.write_bytes(bytes(img.data))   # README's first block now free in the bitmap

