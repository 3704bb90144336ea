"""Lab util: user programs on the system-call API (pause, fanout, find).

Each test boots a fresh VM and checks what the program prints, exactly.
The numbers fanout is given and the tree find walks are drawn from the
test's random seed (the `rng` fixture, grade/labs/conftest.py), so an
answer written into the program cannot pass; fanout's workers are counted
from the process ids the kernel hands out, and what they sent through pipes
from the kernel's tally of the shell's reaped children (`ps -t`), so a
fanout that does not fork them, or whose workers send nothing through a
pipe, cannot pass either.
"""

import re


def _numbers(text):
    return [int(x) for x in re.findall(r"^\s*(\d+)\s*$", text, re.M)]


def _usage_error(vm, cmd, program):
    out = vm.run(cmd)
    if "usage" not in out or program not in out:
        vm.fail(f"`{cmd}` printed {out!r}; expected a usage line naming {program!r}")


def _fanout_expected(k, n):
    lines, total = [], 0
    for i in range(k):
        lo, hi = i * n // k + 1, (i + 1) * n // k
        s = (lo + hi) * (hi - lo + 1) // 2
        total += s
        lines.append(f"worker {i}: {lo}..{hi} = {s}")
    return "\n".join(lines + [f"total {total}"]) + "\n"


# ---------------------------------------------------------------- pause

def test_pause_waits(vm):
    out = vm.run("uptime; pause 200; uptime")
    nums = _numbers(out)
    if len(nums) != 2 or len(out.splitlines()) != 2:
        vm.fail(f"`uptime; pause 200; uptime` printed {out!r}; expected two tick counts "
                "and nothing from pause")
    if nums[1] - nums[0] < 200:
        vm.fail(f"pause 200 returned after {nums[1] - nums[0]} ticks (uptime {nums[0]} "
                f"then {nums[1]}); expected at least 200")


def test_pause_zero(vm):
    out = vm.run("pause 0; echo back")
    if out != "back\n":
        vm.fail(f"`pause 0; echo back` printed {out!r}, expected 'back\\n'")


def test_pause_usage(vm):
    for cmd in ("pause", "pause abc", "pause -5", "pause 12x", "pause 1 2"):
        _usage_error(vm, cmd, "pause")


def test_pause_usage_status(run_zenith):
    res = run_zenith("pause abc", cpus=1)
    if "usage: pause" not in res.output or res.status != 1:
        res.fail(f"run=`pause abc` exited with status {res.status}; expected "
                 "a line starting with 'usage: pause' and status 1")


# ---------------------------------------------------------------- fanout

def _seeded_cases(rng, count):
    """`count` (k, n) pairs for fanout: k workers, n up to 1000, n >= k."""
    cases = []
    for _ in range(count):
        k = rng.randint(1, 8)
        cases.append((k, rng.randint(k, 1000)))
    return cases


def _ps_tally(vm, what):
    """Run `ps -t`: (its own pid, the shell's tally {column: count}, the
    listing). The kernel hands out pids in order; the shell's tally counts
    what it and the children it reaped did (kernel/procinfo.h)."""
    out = vm.run("ps -t")
    rows = {int(t[0]): t for t in (line.split() for line in out.splitlines()[1:])
            if len(t) == 7 and t[0].isdigit()}
    mine = [t for t in rows.values() if t[6] == "ps"]
    if len(mine) != 1 or int(mine[0][1]) not in rows:
        vm.fail(f"{what}: `ps -t` printed {out!r}; expected one row named ps and its shell's")
    shell = rows[int(mine[0][1])]
    tally = dict(zip(("children", "pipe_writes", "pipe_writers", "pipe_reads"),
                     (int(x) for x in shell[2:6])))
    return int(mine[0][0]), tally, out


def _fanout_counted(vm, k, n, timeout=30):
    """Run `fanout k n` between two `ps -t`; return (output, processes
    fanout created, what its tree did with pipes {column: count}, the second
    listing): the pids between the two ps are fanout's and its workers';
    the shell's tally grew by what fanout's tree (and the first ps) did."""
    before, t0, _ = _ps_tally(vm, "before fanout")
    out = vm.run(f"fanout {k} {n}", timeout=timeout)
    after, t1, listing = _ps_tally(vm, "after fanout")
    return out, after - before - 2, {c: t1[c] - t0[c] for c in t0}, listing


def _workers_problem(k, n, created, pipes):
    """Why fanout's workers do not look like k processes sending their sums
    through pipes (None if they do)."""
    if created != k:
        return (f"`fanout {k} {n}` created {created} process(es) besides itself "
                f"(counted from the process ids the kernel handed out); expected {k} "
                "workers, one fork per worker")
    if pipes["pipe_writers"] < k or pipes["pipe_reads"] < k:
        return (f"`fanout {k} {n}` printed the right sums, but the kernel saw "
                f"{pipes['pipe_writers']} of its processes write to a pipe and "
                f"{pipes['pipe_reads']} pipe read(s) that got data (`ps -t`: the shell's "
                f"tally of its reaped children); expected each of the {k} workers to send "
                "its sum through a pipe and fanout to read them")
    return None


def _check_workers(vm, k, n, created, pipes):
    problem = _workers_problem(k, n, created, pipes)
    if problem:
        vm.fail(problem)


def test_fanout_small(vm, score, rng):
    # Partial credit (grade/scoring.py): each case is worth a quarter; it
    # needs the exact output and one forked worker per slice.
    cases = _seeded_cases(rng, 3) + [(1, 1)]
    score.expect(len(cases))
    for k, n in cases:
        cmd = f"fanout {k} {n}"
        out, created, pipes, _ = _fanout_counted(vm, k, n)
        want = _fanout_expected(k, n)
        if out != want:
            score.check(False, f"`{cmd}` printed {out!r}, expected {want!r}")
        else:
            problem = _workers_problem(k, n, created, pipes)
            score.check(problem is None, problem)
    score.finish()


def test_fanout_large(vm, rng):
    n = rng.randint(5_000_000, 10_000_000)
    cmd = f"fanout 8 {n}"
    out, created, pipes, _ = _fanout_counted(vm, 8, n, timeout=120)
    want = _fanout_expected(8, n)
    if out != want:
        vm.fail(f"`{cmd}` printed {out!r}, expected {want!r}")
    _check_workers(vm, 8, n, created, pipes)


def test_fanout_usage(vm):
    for cmd in ("fanout", "fanout 4", "fanout 0 10", "fanout 9 100", "fanout 5 3",
                "fanout x 10", "fanout 2 100000001"):
        _usage_error(vm, cmd, "fanout")
    vm.check("echo alive", "alive")


def test_fanout_usage_status(run_zenith):
    res = run_zenith("fanout 0 10", cpus=1)
    if "usage: fanout" not in res.output or res.status != 1:
        res.fail(f"run=`fanout 0 10` exited with status {res.status}; expected "
                 "a line starting with 'usage: fanout' and status 1")


def test_fanout_leaves_no_processes(vm, rng):
    (k, n), = _seeded_cases(rng, 1)
    out, created, pipes, listing = _fanout_counted(vm, k, n)
    if out != _fanout_expected(k, n):
        vm.fail(f"`fanout {k} {n}` printed {out!r}, expected {_fanout_expected(k, n)!r}")
    _check_workers(vm, k, n, created, pipes)
    if "fanout" in listing:
        vm.fail(f"after `fanout {k} {n}` returned, ps still lists fanout processes: "
                f"{listing!r}")


# ---------------------------------------------------------------- find

class Tree:
    """A directory tree drawn from the seed: a top directory, nested
    directories, files and directories named `target` (the name looked
    for) and decoys whose names contain it. `found` are the paths find
    must print, relative to the top (./top/...)."""

    def __init__(self, rng):
        names = set()

        def fresh(lo=3, hi=7):
            while True:
                name = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz")
                               for _ in range(rng.randint(lo, hi)))
                if name not in names:
                    names.add(name)
                    return name

        self.top = fresh()
        self.target = fresh(4, 6)
        self.commands = [f"mkdir {self.top}"]
        self.found = []
        dirs = [self.top]
        for _ in range(rng.randint(4, 7)):
            parent = rng.choice(dirs)
            path = f"{parent}/{fresh()}"
            self.commands.append(f"mkdir {path}")
            dirs.append(path)
        for parent in rng.sample(dirs, rng.randint(3, len(dirs))):
            path = f"{parent}/{self.target}"
            if rng.random() < 0.3:           # a directory named target: match it, walk it
                self.commands.append(f"mkdir {path}")
                dirs.append(path)
                inner = f"{path}/{self.target}"
                self.commands.append(f"echo {fresh()} > {inner}")
                self.found += [path, inner]
            else:
                self.commands.append(f"echo {fresh()} > {path}")
                self.found.append(path)
        for parent in rng.sample(dirs, 2):   # names that only contain the target
            for decoy in (self.target + fresh(1, 2), fresh(1, 2) + self.target):
                self.commands.append(f"echo {fresh()} > {parent}/{decoy}")
        self.missing = fresh()


def _make_tree(vm, rng):
    tree = Tree(rng)
    for cmd in tree.commands:
        out = vm.run(cmd)
        if out.strip():
            vm.fail(f"setting up the test tree: `{cmd}` printed {out!r}")
    return tree


def _find_lines(vm, cmd):
    out = vm.run(cmd)
    lines = out.splitlines()
    if len(lines) != len(set(lines)):
        vm.fail(f"`{cmd}` printed some paths twice: {out!r}")
    return out, lines


def test_find_tree(vm, rng):
    tree = _make_tree(vm, rng)
    cmd = f"find {tree.top} {tree.target}"
    out, lines = _find_lines(vm, cmd)
    if sorted(lines) != sorted(tree.found):
        vm.fail(f"`{cmd}` printed {out!r}; expected exactly these lines "
                f"(any order): {sorted(tree.found)}")


def test_find_paths_joined(vm, rng):
    tree = _make_tree(vm, rng)
    top = tree.top
    for arg in (f"{top}/", f"./{top}"):
        cmd = f"find {arg} {tree.target}"
        out, lines = _find_lines(vm, cmd)
        want = sorted(arg.rstrip("/") + f[len(top):] for f in tree.found)
        if sorted(lines) != want:
            vm.fail(f"`{cmd}` printed {out!r}; expected exactly {want} (single slashes)")
    out, lines = _find_lines(vm, "find / README")
    if lines != ["/README"]:
        vm.fail(f"`find / README` printed {out!r}, expected '/README\\n'")


def test_find_no_match(vm, rng):
    tree = _make_tree(vm, rng)
    cmd = f"find {tree.top} {tree.missing}"
    out = vm.run(cmd)
    if out.strip():
        vm.fail(f"`{cmd}` printed {out!r}, expected nothing")
    cmd = f"find {tree.top} {tree.top}"
    out = vm.run(cmd)
    if out.strip():
        vm.fail(f"`{cmd}` printed {out!r}; DIR itself is not a match, expected nothing")


def test_find_errors(vm, rng):
    missing = Tree(rng).missing
    out = vm.run(f"find {missing} x")
    if missing not in out:
        vm.fail(f"`find {missing} x` printed {out!r}; expected an error naming {missing}")
    out = vm.run("find README x")
    if "README" not in out or "not a directory" not in out:
        vm.fail(f"`find README x` printed {out!r}; expected 'find: README: not a directory'")
    for cmd in ("find", "find a"):
        _usage_error(vm, cmd, "find")


def test_find_error_status(run_zenith, rng):
    missing = Tree(rng).missing
    res = run_zenith(f"find {missing} x", cpus=1)
    if f"find: {missing}" not in res.output or res.status != 1:
        res.fail(f"run=`find {missing} x` exited with status {res.status}; expected an "
                 f"error line 'find: {missing}: ...' and status 1")
