"""Stage 3 of the fs lab: power cuts at every disk write of one commit.

user/tests/fscrash.c makes /fc and then runs eight steps, one commit each.
For a step S and each W = 1, 2, ... the grader boots `fscrash work SEED`
with the boot argument diskcut=fscrash:K:W (K = S + 1: /fc itself is
commit 1), so the disk driver powers the machine off just before the W-th
disk write of that commit (kernel/fs/diskcut.c, below the log: the cut hits
that write whatever order the student's commit writes in). Then:

  1. the disk as the cut left it, checked by grade/fsck.py after replaying
     the group its log header commits (what a correct recovery would do),
     must be consistent and hold /fc as it was before step S or after it,
     never a mixture; and after it if the header committed the group;
  2. the same disk booted again (the student's log_recover runs) with
     `fscrash after`, which commits one more file, must be consistent,
     hold /fc/after, hold step S's state as 1 required, and have a clear
     log header.

W grows until the commit has no W-th write (the run ends with "FC end").
Every step's data comes from the seed (crashcheck.pattern), drawn afresh
for each test.
"""

import re
from dataclasses import dataclass, field

import crashcheck
import fsck
import zenith

STEPS = {1: "create", 2: "write", 3: "link", 4: "mkdir", 5: "unlink", 6: "truncate",
         7: "rewrite", 8: "remove"}
DIR = "<dir>"
MAX_WRITES = 60   # more writes than any commit of one step can need
CUT_RE = re.compile(r"^diskcut: power cut before writing block (\d+)$", re.M)
DONE_RE = re.compile(r"^FC done (\d+)$", re.M)


def states(seed):
    """/fc after each step ({name: bytes, or DIR}); states[0] is the empty /fc."""
    a = crashcheck.pattern(seed, 2, 3072)
    b = crashcheck.pattern(seed, 7, 2048)
    return [{}, {"a": b""}, {"a": a}, {"a": a, "b": a}, {"a": a, "b": a, "d": DIR},
            {"b": a, "d": DIR}, {"b": b"", "d": DIR}, {"b": b, "d": DIR}, {"d": DIR}]


def fc_of(report):
    """/fc as a disk holds it, without "after"; None if there is no /fc."""
    if report.lookup("/fc") is None:
        return None
    out = {}
    for name, inum in report.image.entries_of("/fc").items():
        if name == "after":
            continue
        ip = report.image.inode(inum)
        out[name] = DIR if ip.type == fsck.T_DIR else report.read(f"/fc/{name}")
    return out


def describe(state):
    if state is None:
        return "no /fc at all"
    return "{" + ", ".join(f"{n}: {'dir' if v == DIR else f'{len(v)} bytes'}"
                           for n, v in sorted(state.items())) + "}"


@dataclass
class Cut:
    write: int
    happened: bool
    problems: list = field(default_factory=list)
    log: object = None      # the console log of the cut boot


def _boot(name, append, workdir, log, cpus, image=None, timeout=120):
    opts = zenith.BootOptions(cpus=cpus, icount=cpus == 1,
                              icount_shift=zenith.TEST_ICOUNT_SHIFT, append=append)
    vm = zenith.VM(name, opts, workdir, log, image=image)
    try:
        vm.spawn()
        status = vm.wait_exit(timeout)
    finally:
        vm.close()
    return status, vm.console, vm.disk


def cut_round(seed, step, write, cpus, workdir, log_stem):
    """Cut before write `write` of step `step`'s commit, check, reboot, check."""
    commit = step + 1
    tag = f"{step}-{write}"
    where = (f"power cut before disk write {write} of the commit of step {step} "
             f"({STEPS[step]}; seed {seed}, {cpus} hart(s); to repeat it: make qemu "
             f"ARGS=diskcut=fscrash:{commit}:{write}, then `fscrash work {seed}`)")
    log = zenith.LOG_DIR / f"{log_stem}-cut{tag}.log"
    status, console, disk = _boot(
        f"cut{tag}", f"diskcut=fscrash:{commit}:{write} run=fscrash work {seed}", workdir,
        log, cpus)
    if not CUT_RE.search(console):
        problems = []
        if "FC end" not in console or status != 0:
            problems.append(f"`fscrash work {seed}` with diskcut=fscrash:{commit}:{write} "
                            f"neither was cut nor ended cleanly (status {status}); console "
                            f"tail:\n{zenith.tail_of(console, 12)}")
        return Cut(write, False, problems, log)
    done = [int(k) for k in DONE_RE.findall(console)]
    last = max(done) if done else 0
    if last != step - 1:
        return Cut(write, True, [f"{where}: the cut came after step {last} returned, in "
                                 f"step {last + 1}'s commit instead of step {step}'s (is "
                                 f"each step still one commit?)"], log)
    want = states(seed)
    before, after = want[step - 1], want[step]
    problems = []

    crashed = fsck.check(disk)
    committed = crashed.replayed > 0
    header = (f"its log header commits {crashed.replayed} block(s)" if committed
              else "its log header commits nothing")
    replaying = (f"replaying the {crashed.replayed} block(s) its log header commits"
                 if committed else "replaying its log (the header commits nothing)")
    if crashed.errors:
        problems.append(
            f"{where}: the disk as the cut left it is inconsistent, even after {replaying} "
            f"(as recovery would):\n    " + "\n    ".join(crashed.errors[:6]) +
            "\n  The order of the commit's writes is wrong (log_commit_group, logcommit.c): "
            "a home block written before the header commits the group, or after the header "
            "is cleared, leaves part of an operation; a header that commits the group "
            "before the log holds every copy makes recovery write stale blocks home. "
            "Write the log copies, then the header, then the home blocks, then clear the "
            "header.")
        return Cut(write, True, problems, log)
    found = fc_of(crashed)
    allowed = [after] if committed else [before, after]
    if found not in allowed:
        problems.append(
            f"{where}: after replaying the log ({header}) /fc holds {describe(found)}; "
            f"it must hold {' or '.join(describe(s) for s in allowed)}: the state before "
            f"the step or after it, never part of it"
            + (", and after it once the header has committed the group" if committed else ""))
        return Cut(write, True, problems, log)

    status, console2, disk2 = _boot(f"rec{tag}", "run=fscrash after", workdir,
                                    zenith.LOG_DIR / f"{log_stem}-rec{tag}.log", cpus,
                                    image=disk)
    reboot = f"{where}, then a reboot and `fscrash after`"
    if status != 0 or "FC after" not in console2:
        problems.append(f"{reboot}: the reboot did not run cleanly (status {status}); "
                        f"console tail:\n{zenith.tail_of(console2, 12)}")
        return Cut(write, True, problems, log)
    final = fsck.check(disk2)
    if final.errors:
        problems.append(f"{reboot}: the disk is inconsistent:\n    " +
                        "\n    ".join(final.errors[:6]))
    elif final.replayed:
        problems.append(f"{reboot}: the log header still commits {final.replayed} block(s) "
                        f"after every operation returned: the commit must clear it "
                        f"(write the header again with 0 blocks) once the blocks are home")
    elif final.read("/fc/after") != b"after":
        problems.append(f"{reboot}: /fc/after, written after the reboot, is missing or wrong")
    else:
        got = fc_of(final)
        if got != found:
            lost = committed and got == before
            problems.append(
                f"{reboot}: /fc holds {describe(got)}, but the disk the cut left held "
                f"{describe(found)} once its log was replayed ({header}). " +
                ("The committed group was not replayed at boot: log_recover must copy "
                 "the logged blocks home before the header is cleared or reused."
                 if lost else "Recovery at boot must leave exactly what the log commits."))
    return Cut(write, True, problems, log)


def sweep(seed, step, cpus, workdir, log_stem):
    """Cut at W = 1, 2, ... until the commit has no W-th write. Returns the
    cuts made and every problem found (the sweep stops at the first
    write that shows one)."""
    cuts = []
    for write in range(1, MAX_WRITES + 1):
        cut = cut_round(seed, step, write, cpus, workdir, log_stem)
        cuts.append(cut)
        if cut.problems or not cut.happened:
            break
    return cuts
