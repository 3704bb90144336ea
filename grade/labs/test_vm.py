"""Lab vm: inspect page tables (pgdump), change them (mprotect), and serve
page faults (lazymap).

Most checks run inside the guest in user/tests/vmtest.c, which runs each case in
its own process and prints "VT <case> PASS" or "VT <case> FAIL <reason>".
"""

import re

import guest

LEAF = re.compile(r"^(\s*)L0 \[(\d+)\] va (0x[0-9a-f]+) pa (0x[0-9a-f]+) ([R-][W-][X-][U-])$",
                  re.M)
TABLE = re.compile(r"^(\s*)L([12]) \[(\d+)\] table pa (0x[0-9a-f]+)$", re.M)

TRAPFRAME = 0x3FFFFFE000
TRAMPOLINE = 0x3FFFFFF000
PAGE = 4096
TEXT = 0x1000   # programs are linked here; page 0 stays unmapped (null pointers fault)


def _vmtest(vm, case, timeout=60):
    return guest.run_case(vm, "vmtest", "VT", case, timeout)


def _expect_alive(vm):
    vm.check("echo still alive", "still alive")


# ---------------------------------------------------------------- pgdump

def _pgdump(vm):
    out = _vmtest(vm, "pgdump")
    m = re.search(r"vmtest: sz (0x[0-9a-f]+) stack (0x[0-9a-f]+)", out)
    if not m:
        vm.fail(f"`vmtest pgdump` did not print its sz and stack address: {out!r}")
    sz, stack = int(m.group(1), 16), int(m.group(2), 16)
    leaves = {int(va, 16): (flags, pa, len(indent))
              for indent, _, va, pa, flags in LEAF.findall(out)}
    if not leaves:
        vm.fail(f"pgdump printed no leaf lines like "
                f"'   L0 [1] va 0x0000000000001000 pa 0x0000000087f66000 R-XU'; got {out!r}")
    return out, sz, stack, leaves


def test_pgdump_layout(vm):
    out, sz, stack, leaves = _pgdump(vm)

    def flags(va, what):
        if va not in leaves:
            vm.fail(f"pgdump shows no page at va {va:#x} ({what}); pages shown: "
                    f"{sorted(hex(v) for v in leaves)}")
        return leaves[va][0]

    if 0 in leaves:
        vm.fail("pgdump shows a page at va 0x0: page 0 must stay unmapped so that null "
                "pointers fault")
    checks = [(TEXT, "R-XU", "the first page of program text"),
              (stack & ~(PAGE - 1), "RW-U", "the stack page"),
              ((stack & ~(PAGE - 1)) - PAGE, "RW--", "the stack guard page"),
              (TRAPFRAME, "RW--", "the trap frame"),
              (TRAMPOLINE, "R-X-", "the trampoline")]
    for va, want, what in checks:
        got = flags(va, what)
        if got != want:
            vm.fail(f"pgdump shows {what} (va {va:#x}) with rights {got}, expected {want}")
    guard = (stack & ~(PAGE - 1)) - PAGE
    for va, (fl, _, _) in leaves.items():
        if va < sz and va != guard and not fl.endswith("U"):
            vm.fail(f"pgdump shows user page {va:#x} (below sz {sz:#x}) without U: {fl}")
        if sz <= va < TRAPFRAME:
            vm.fail(f"pgdump shows a page at {va:#x}, above the process size {sz:#x}")
    missing = [hex(va) for va in range(TEXT, sz, PAGE) if va not in leaves]
    if missing:
        vm.fail(f"pgdump leaves out mapped user pages {missing}")


def test_pgdump_levels(vm):
    out, sz, stack, leaves = _pgdump(vm)
    tables = TABLE.findall(out)
    l2 = {int(idx) for _, lvl, idx, _ in tables if lvl == "2"}
    l1 = {int(idx) for _, lvl, idx, _ in tables if lvl == "1"}
    if l2 != {0, 255} or not {0, 511} <= l1:
        vm.fail(f"pgdump shows top-level (L2) tables {sorted(l2)} and L1 tables "
                f"{sorted(l1)}; expected L2 [0] and L2 [255], L1 [0] and L1 [511], as lines "
                f"like ' L2 [0] table pa 0x...'")
    depth = {lvl: len(ind) for ind, lvl, _, _ in tables}
    leaf_depths = {d for _, _, d in leaves.values()}
    if not (depth["2"] < depth["1"] < min(leaf_depths)):
        vm.fail("pgdump should indent deeper levels further (L2, then L1, then L0 lines)")
    pas = [pa for _, pa, _ in leaves.values()]
    if len(set(pas)) != len(pas):
        vm.fail("pgdump shows two user pages with the same physical address")


# ---------------------------------------------------------------- mprotect

def test_mprotect_args(vm):
    _vmtest(vm, "mprotect-args")
    _expect_alive(vm)


def test_mprotect_readonly(vm):
    out = _vmtest(vm, "mprotect-readonly")
    if "killed by store page fault" not in out:
        vm.fail(f"the child that wrote to a read-only page should be killed with the "
                f"kernel's 'killed by store page fault' message; output was {out!r}")
    _expect_alive(vm)


def test_mprotect_self(vm):
    _vmtest(vm, "mprotect-self")
    _expect_alive(vm)


# ---------------------------------------------------------------- lazymap

def test_lazy_basic(vm):
    _vmtest(vm, "lazy-basic")


def test_lazy_fork(vm):
    _vmtest(vm, "lazy-fork")


def test_lazy_free(vm):
    _vmtest(vm, "lazy-free")


def test_lazy_bounds(vm):
    out = _vmtest(vm, "lazy-bounds")
    if out.count("page fault") < 4:
        vm.fail(f"expected four 'killed by ... page fault' messages from the children "
                f"that touched addresses outside the region; output was {out!r}")
    _expect_alive(vm)


def test_lazy_syscall(vm):
    _vmtest(vm, "lazy-syscall")


def test_lazy_oom(vm):
    out = _vmtest(vm, "lazy-oom", timeout=120)
    if "out of memory" not in out:
        vm.fail(f"the child that used up all memory should be killed with a message "
                f"saying 'out of memory'; output was {out!r}")
    _expect_alive(vm)
    vm.check("ls README", "README")
