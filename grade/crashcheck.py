"""What a crash may and may not lose: the host half of the crash campaign
(user/tests/fuzzcrash.c prints the steps; tools/crashtest.py and
grade/tests/test_crash.py kill QEMU and call check(); book 5.5 and 5.18).

From the console, replay each writer's steps on a model of its directory
(names -> inodes -> bytes), keeping the directory's contents after every
step. The crashed disk (grade/fsck.py replays its committed log, as
recovery does) must hold, for each writer, exactly the contents after some
step j with  low <= j <= high, where
  high = the last step that had begun (its "CR" line is on the console):
         the step in flight may or may not have reached the disk;
  low  = with one writer, its last step that returned ("CR-OK"): no other
         operation ran, so each commit came before the return (5.5, "a
         single writer");
         with several, for each fsync that returned 0, every step of every
         writer whose CR-OK came before that fsync's CR line ("fsync
         returns: every operation that had ended before it was called").
One state, not any mixture: groups commit whole and in order, so what a
writer finds is a prefix of its own steps, never a hole in the middle.
"""

import re
import signal
from dataclasses import dataclass, field

import pexpect

import fsck
import zenith

NNAME = 5
# A line counts only once its newline is there: the kill may cut the last
# line short ("CR 0 19 A 4" of "CR 0 19 A 4 512"), and such a step was not
# yet begun (the line is printed before the step runs).
EVENT_RE = re.compile(r"^(?:CR (\d+) (\d+) ([TAULS])((?: -?\d+)*)|CR-OK (\d+) (\d+) (-?\d+))$"
                      r"(?=\n)", re.M)
READY_RE = re.compile(r"^CR-READY (\d+) (\d+)$", re.M)


def pattern(p, k, n):
    return bytes((p * 7 + k * 13 + m * 3) & 0xFF for m in range(n))


@dataclass
class Writer:
    p: int
    names: dict = field(default_factory=dict)      # name -> inode id
    inodes: dict = field(default_factory=dict)     # inode id -> bytes
    next_ino: int = 1
    states: list = field(default_factory=list)     # contents after step k-1 (states[0]: empty)
    begun: int = -1                                # last step whose CR line is printed
    ended: int = -1                                # last step whose CR-OK line is printed
    pending: tuple = None                          # (k, op, args) begun, not ended

    def contents(self):
        return {n: self.inodes[i] for n, i in self.names.items()}

    def would_succeed(self, op, args):
        """What a step in flight at the crash would have returned, >= 0 or not."""
        if op in "AU":
            return f"f{args[0]}" in self.names
        if op == "L":
            return f"f{args[0]}" in self.names and f"f{args[1]}" not in self.names
        return True

    def apply(self, k, op, args, ok):
        """Step k's effect on the model (ok: it succeeded)."""
        name = f"f{args[0]}" if args else None
        if not ok:
            pass
        elif op == "T":
            if name in self.names:
                self.inodes[self.names[name]] = b""
            else:
                self.names[name] = self.next_ino
                self.inodes[self.next_ino] = b""
                self.next_ino += 1
        elif op == "A" and name in self.names:
            ino = self.names[name]
            self.inodes[ino] += pattern(self.p, k, args[1])
        elif op == "U":
            self.names.pop(name, None)
        elif op == "L":
            self.names[f"f{args[1]}"] = self.names[name]
        self.states.append(self.contents())


@dataclass
class Round:
    seed: int
    writers: list
    ready: bool
    low: dict            # p -> lowest step count whose state may be on disk
    problems: list


def replay(console):
    """Parse the console into per-writer models and bounds (a Round)."""
    m = READY_RE.search(console)
    if not m:
        return Round(0, [], False, {}, [])
    seed, n = int(m.group(1)), int(m.group(2))
    ws = [Writer(p) for p in range(n)]
    for w in ws:
        w.states.append({})
    problems = []
    synced = {p: 0 for p in range(n)}      # states index every fsync so far guarantees
    fsync_calls = {}                       # (p, k) -> ended steps of each writer then
    for ev in EVENT_RE.finditer(console, m.end()):
        if ev.group(1) is not None:
            p, k, op = int(ev.group(1)), int(ev.group(2)), ev.group(3)
            args = [int(x) for x in ev.group(4).split()]
            w = ws[p]
            if k != w.begun + 1 or w.pending:
                problems.append(f"writer {p}: step {k} begins out of order (console garbled?)")
                break
            w.begun, w.pending = k, (k, op, args)
            if op == "S":
                fsync_calls[(p, k)] = {q.p: q.ended + 1 for q in ws}
        else:
            p, k, r = int(ev.group(5)), int(ev.group(6)), int(ev.group(7))
            w = ws[p]
            if not w.pending or w.pending[0] != k:
                problems.append(f"writer {p}: step {k} ends but was not begun")
                break
            _, op, args = w.pending
            w.apply(k, op, args, r >= 0)
            w.pending, w.ended = None, k
            if op == "S" and r == 0:
                for q, count in fsync_calls.pop((p, k)).items():
                    synced[q] = max(synced[q], count)
    for w in ws:
        if w.pending:   # in flight at the crash: its effect is a possible state too
            k, op, args = w.pending
            w.apply(k, op, args, w.would_succeed(op, args))
    low = {w.p: (w.ended + 1 if n == 1 else synced[w.p]) for w in ws}
    return Round(seed, ws, True, low, problems)


def check(console, report):
    """Problems (strings) with the crashed disk of one round; [] if none.
    report: fsck.check() of the disk as the crash left it."""
    rnd = replay(console)
    if not rnd.ready:
        return []      # killed before the writers started: fsck alone speaks
    problems = list(rnd.problems)
    for w in rnd.writers:
        path = f"/cr{rnd.seed}/w{w.p}"
        found = {name: report.read(f"{path}/{name}")
                 for name in report.image.entries_of(path)}
        if report.lookup(path) is None:
            problems.append(f"{path} is missing (made and synced before CR-READY)")
            continue
        matches = [j for j, st in enumerate(w.states) if st == found]
        lo = rnd.low[w.p]
        if not any(j >= lo for j in matches):
            what = (f"after step {matches[-1] - 1}" if matches else "no state the steps made")
            problems.append(f"writer {w.p} of seed {rnd.seed}: the disk holds {what}; "
                            f"it must hold the state after one of steps {lo - 1}.."
                            f"{len(w.states) - 2} ({describe(found)})")
    return problems


def describe(found):
    return ", ".join(f"{n}:{len(b)}B" for n, b in sorted(found.items())) or "empty"


def durable_steps(console):
    """How many steps (all writers) the contract covered: for the figures."""
    rnd = replay(console)
    return sum(rnd.low.values()) if rnd.ready else 0


# ---------------------------------------------------------------- one round

# Slow disk writes (reads stay fast, so boots do too), as in
# test_durability.py: a commit takes long enough for kills to land inside.
SLOW_WRITES = ["-set", "drive.x0.throttling.iops-write=400"]


@dataclass
class Outcome:
    disk: object            # the disk as the kill left it
    console: str
    report: object          # fsck.check() of that disk
    problems: list          # fsck errors and broken promises
    begun: int = 0          # steps begun, all writers
    covered: int = 0        # steps the contract said must survive


def crash_round(seed, writers, cpus, image, workdir, log, delay, kept=None):
    """Boot a copy of image (recovering from an earlier crash), run
    `fuzzcrash SEED WRITERS`, SIGKILL QEMU `delay` seconds after CR-READY,
    then check the disk. kept: {path: bytes} earlier rounds left, which the
    recovery must not change. Raises zenith's failures (a panic...)."""
    opts = zenith.BootOptions(cpus=cpus, icount=cpus == 1,
                              icount_shift=zenith.TEST_ICOUNT_SHIFT, extra=SLOW_WRITES,
                              append=f"run=fuzzcrash {seed} {writers}")
    vm = zenith.VM(f"crash{seed}", opts, workdir, log, image=image)
    try:
        vm.spawn()
        vm.expect(re.compile(r"CR-READY \d+ \d+\r?\n"), timeout=60)
        idx = vm.child.expect([zenith.PANIC_RE, pexpect.EOF, pexpect.TIMEOUT],
                              timeout=delay)
        if idx == 0:
            vm._drain()
            raise zenith.KernelPanic("during the crash workload", vm.tail(), vm.log_path)
        if idx == 1:
            raise zenith.QemuExited("before the kill", vm.tail(), vm.log_path)
        vm.child.kill(signal.SIGKILL)   # the power cut
        try:   # what QEMU wrote before it died is still in the pty: read it all
            vm.child.expect(pexpect.EOF, timeout=10)
        except pexpect.TIMEOUT:
            pass
    finally:
        vm.close()
    console = vm.console
    report = fsck.check(vm.disk)
    problems = list(report.errors)
    if not problems:
        problems += check(console, report)
    for path, data in (kept or {}).items():
        if report.read(path) != data:
            problems.append(f"{path} changed after its round ended (recovery wrote it?)")
    rnd = replay(console)
    begun = sum(w.begun + 1 for w in rnd.writers)
    return Outcome(vm.disk, console, report, problems, begun, durable_steps(console))


def files_of(report, seed):
    """{path: bytes} of every file under /crSEED (for the next rounds' kept=)."""
    out = {}
    top = f"/cr{seed}"
    for w in report.image.entries_of(top):
        for name in report.image.entries_of(f"{top}/{w}"):
            out[f"{top}/{w}/{name}"] = report.read(f"{top}/{w}/{name}")
    return out
