"""A user program that faults is killed, with a clear console line, and only
it: the kernel, the shell and everything else keep running."""

import re

import pytest

import guest

KILLED_LINE = re.compile(r"^.*\bkilled\b.*$", re.M)


@pytest.mark.parametrize("case, cause", [
    ("fault_store_null", "store"),
    ("fault_load_null", "load"),        # page 0 is unmapped (before: it held program text)
    ("fault_call_null", "instruction"),
    ("fault_illegal", "illegal"),
    ("fault_kernel_addr", ""),
])
def test_user_fault_kills_only_that_process(vm, case, cause):
    shells_before = guest.pids_named(vm.run("ps"), "sh")
    out = vm.run(f"usertests {case}")
    if f"UT {case} PASS" not in out:
        vm.fail(f"`usertests {case}` did not report PASS; printed {out!r}")
    killed = KILLED_LINE.findall(out)
    if not killed:
        vm.fail(f"no console line saying a process was 'killed' after `usertests {case}`")
    line = killed[0]
    if not re.search(r"\bpid \d+", line) or not re.search(r"\bpc 0x[0-9a-f]+", line):
        vm.fail(f"the kill message {line!r} should name the pid ('pid N') and the pc ('pc 0x...')")
    if cause and cause not in line.lower():
        vm.fail(f"the kill message {line!r} should name the cause ({cause!r})")
    # Everything else lives on.
    ps = vm.run("ps")
    if not guest.pids_named(ps, "init") or guest.pids_named(ps, "sh") != shells_before:
        vm.fail(f"after the fault, ps shows {ps!r}; init and the shell(s) "
                f"{shells_before} should be untouched")
    vm.check("echo still-alive", "still-alive")
