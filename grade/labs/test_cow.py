"""Lab cow: copy-on-write fork.

The checks run inside the guest in user/tests/cowtest.c, which runs each case in
its own process and prints "CW <case> PASS" or "CW <case> FAIL <reason>".
What they trust comes from code the lab does not change: free pages from
nfree() (kalloc.c) and fork's counters from sysinfo() (vm.c counts every
page fork copies, trap.c every copy-on-write fault it served).
"""

import re

import pytest

import guest
import zenith


def _cowtest(vm, case, timeout=120):
    try:
        return guest.run_case(vm, "cowtest", "CW", case, timeout)
    except zenith.WrongAnswer as e:
        failure = e
    # A store that went through a shared page mixes up the memory of cowtest's
    # processes, its report counter included: name the case's own reason
    # rather than only the broken report.
    text = str(failure)
    m = re.search(rf"^CW:[0-9a-f]+:\d+ {re.escape(case)} FAIL (.*)$", text, re.M)
    mixed = ("the memory of cowtest's processes is mixed up, as when a store goes through "
             "a page they share (cow_fault, cow_unshare)")
    if "out of order" in text and m:
        vm.fail(f"`cowtest {case}` failed: {m.group(1)}. Its report was also broken "
                f"(sequence numbers out of order): {mixed}")
    if "out of order" in text:
        vm.fail(f"`cowtest {case}` printed a broken report (sequence numbers out of order): "
                f"{mixed}")
    raise failure


def _expect_alive(vm):
    vm.check("echo still alive", "still alive")


def test_cow_fork_shares(vm):
    _cowtest(vm, "fork-shares")


def test_cow_child_write(vm):
    _cowtest(vm, "child-write")


def test_cow_copyout(vm):
    _cowtest(vm, "copyout")


def test_cow_no_leak(vm):
    _cowtest(vm, "no-leak")


def test_cow_takeover(vm):
    _cowtest(vm, "takeover")


def test_cow_readonly(vm):
    out = _cowtest(vm, "readonly")
    if out.count("killed by store page fault") < 2:
        vm.fail(f"the two children that wrote to a read-only page and to program text "
                f"should each be killed with the kernel's 'killed by store page fault' "
                f"message; output was {out!r}")
    _expect_alive(vm)


def test_cow_oom(vm):
    out = _cowtest(vm, "oom", timeout=180)
    if "out of memory" not in out:
        vm.fail(f"the child that ran out of memory copying shared pages should be killed "
                f"with a message saying 'out of memory'; output was {out!r}")
    _expect_alive(vm)
    vm.check("ls README", "README")


def test_cow_cell(vm):
    out = _cowtest(vm, "cell")
    if "killed by" in out:
        vm.fail(f"a process in the cell was killed, but in a child cell a store to a shared "
                f"page must never need quota (its fork was charged for a copy); output was "
                f"{out!r}")
    _expect_alive(vm)


# The reference counts change on several harts at once: the same case on one
# hart under -icount (deterministic) and on three in real time.
@pytest.mark.zenith_timeout(300)
def test_cow_concurrent_one_hart(run_zenith):
    guest.run_mode_case(run_zenith, "cowtest", "CW", "concurrent", cpus=1, icount=True,
                        timeout=240)


@pytest.mark.zenith_timeout(300)
def test_cow_concurrent_three_harts(run_zenith):
    guest.run_mode_case(run_zenith, "cowtest", "CW", "concurrent", cpus=3, timeout=240)


def test_cow_fork_cost(vm):
    out = _cowtest(vm, "fork-cost")
    m = re.search(r"COWBENCH pages (\d+) forks (\d+) copied (\d+)", out)
    if not m:
        vm.fail(f"cowtest fork-cost printed no COWBENCH line: {out!r}")
