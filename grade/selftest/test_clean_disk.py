"""The clean disk: what a student does in `make qemu` never reaches a test.

Tests boot copies of build/fs.img, which mkfs makes and nothing boots in
place; `make qemu` boots a working copy (QEMU_DISK) that keeps its files from
one interactive boot to the next. Here the working copy lives in the test's
scratch directory, so the real one is never touched.
"""

import os
import subprocess

import pexpect

import zenith


def _interactive(disk, commands):
    """`make qemu` on working disk `disk` (1 hart, no services): type each
    command at the shell, then halt. Returns the console."""
    argv = ["--no-print-directory", "qemu", "CPUS=1", "ARGS=svc=off", f"QEMU_DISK={disk}"]
    child = pexpect.spawn("make", argv, cwd=str(zenith.REPO), env=zenith._make_env(),
                          encoding="utf-8", codec_errors="replace", echo=False,
                          timeout=zenith.scaled(zenith.BOOT_TIMEOUT))
    try:
        child.expect(zenith.PROMPT_RE)
        for cmd in commands:
            child.send(cmd + "\r")
            child.expect(zenith.PROMPT_RE)
        out = zenith.clean(child.before)
        child.send("halt\r")
        child.expect(pexpect.EOF)
        return out
    finally:
        child.close(force=True)


def test_files_made_at_the_shell_never_reach_a_test(vm, tmp_path):
    disk = tmp_path / "work.img"
    _interactive(disk, ["mkdir mine", "mkdir mine/a", "echo hello > mine/a/target"])
    # The working disk kept the student's files for the next interactive boot...
    again = _interactive(disk, ["cat mine/a/target"])
    assert "hello" in again, f"the working disk lost its files between boots: {again!r}"
    # ...while the disk the tests boot is still what mkfs made,
    assert zenith.disk_is_clean(), f"{zenith.FS_IMG} changed since mkfs made it"
    # and a test's boot (the `vm` fixture booted before the files were made,
    # so boot another) sees none of them.
    vm.halt()
    fresh = zenith.VM("fresh", zenith.BootOptions(cpus=1), tmp_path / "fresh")
    try:
        fresh.start()
        listing = fresh.run("ls /")
        if "mine" in listing:
            fresh.fail(f"a test's boot sees the student's directory: `ls /` printed {listing!r}")
    finally:
        fresh.close()


def test_working_disk_is_renewed_when_the_programs_change(tmp_path):
    disk = tmp_path / "work.img"
    make = ["make", "-s", "--no-print-directory", "qemu-disk", f"QEMU_DISK={disk}"]
    env = zenith._make_env()
    subprocess.run(make, cwd=zenith.REPO, env=env, check=True, stdout=subprocess.PIPE)
    assert disk.read_bytes() == zenith.FS_IMG.read_bytes()
    disk.write_bytes(b"student files")
    subprocess.run(make, cwd=zenith.REPO, env=env, check=True, stdout=subprocess.PIPE)
    assert disk.read_bytes() == b"student files", "a working disk newer than fs.img was replaced"
    os.utime(disk, (0, 0))            # as if fs.img had been rebuilt since
    out = subprocess.run(make, cwd=zenith.REPO, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    assert disk.read_bytes() == zenith.FS_IMG.read_bytes()
    assert (tmp_path / "work.img.old").read_bytes() == b"student files"
    assert "work.img.old" in out
    subprocess.run(["make", "-s", "--no-print-directory", "clean-disk", f"QEMU_DISK={disk}"],
                   cwd=zenith.REPO, env=env, check=True, stdout=subprocess.PIPE)
    assert not disk.exists() and not (tmp_path / "work.img.old").exists()


def test_a_changed_disk_is_not_clean(tmp_path):
    img, total = tmp_path / "fs.img", tmp_path / "fs.img.sha256"
    img.write_bytes(b"\0" * 4096)
    subprocess.run(f"sha256sum {img} > {total}", shell=True, check=True)
    assert zenith.disk_is_clean(img, total)
    img.write_bytes(b"\0" * 4095 + b"\1")
    assert not zenith.disk_is_clean(img, total)
    total.unlink()
    assert not zenith.disk_is_clean(img, total)
