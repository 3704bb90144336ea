"""Lab mmap: file mappings through a file capability.

The checks run inside the guest in user/tests/mmaptest.c, which runs each case
in its own process and prints "MM <case> PASS" or "MM <case> FAIL <reason>".
What they trust comes from code the lab does not change: the file's bytes
through read() and fstat(), free pages from nfree() (kalloc.c), the page
faults the trap handler counted for mappings (sysinfo mmap_faults, trap.c),
and the kernel's own "killed by ..." messages (fault.c).
"""

import pytest

import guest

KILLED = "killed by"


def _mmaptest(vm, case, timeout=120):
    return guest.run_case(vm, "mmaptest", "MM", case, timeout)


def _expect_alive(vm):
    vm.check("echo still alive", "still alive")


def test_mmap_read(vm):
    _mmaptest(vm, "read")


def test_mmap_lazy(vm):
    _mmaptest(vm, "lazy")


def test_mmap_private(vm):
    _mmaptest(vm, "private")


def test_mmap_shared(vm):
    _mmaptest(vm, "shared")


def test_mmap_shared_exit(vm):
    _mmaptest(vm, "shared-exit")


def test_mmap_rights(vm):
    out = _mmaptest(vm, "rights")
    if "killed by store page fault" not in out:
        vm.fail(f"the child that stored to a PROT_READ mapping should be killed with the "
                f"kernel's 'killed by store page fault' message (mmap_fault returns -1 for a "
                f"store to a mapping without PROT_WRITE); output was {out!r}")
    _expect_alive(vm)


def test_mmap_fork(vm):
    _mmaptest(vm, "fork")


def test_mmap_munmap_partial(vm):
    out = _mmaptest(vm, "munmap-partial")
    if "killed by load page fault" not in out:
        vm.fail(f"the child that loaded from an unmapped page should be killed with "
                f"'killed by load page fault'; output was {out!r}")


def test_mmap_badargs(vm):
    _mmaptest(vm, "badargs")
    _expect_alive(vm)


def test_mmap_revoke(vm):
    out = _mmaptest(vm, "revoke")
    if "killed by revoked mapping" not in out:
        vm.fail(f"the child that touched a page of a revoked mapping should be killed by "
                f"mmap_fault with fault_report(..., \"revoked mapping\"), which prints "
                f"'killed by revoked mapping'; output was {out!r}")
    _expect_alive(vm)


# Pages of one shared mapping change holders on several harts at once: the
# same case on one hart under -icount (deterministic) and on three in real time.
@pytest.mark.zenith_timeout(300)
def test_mmap_concurrent_one_hart(run_zenith):
    guest.run_mode_case(run_zenith, "mmaptest", "MM", "concurrent", cpus=1, icount=True,
                        timeout=240)


@pytest.mark.zenith_timeout(300)
def test_mmap_concurrent_three_harts(run_zenith):
    guest.run_mode_case(run_zenith, "mmaptest", "MM", "concurrent", cpus=3, timeout=240)
