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

import zenith


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


def _counted(vm, cmd, timeout=30):
    """Run `cmd` (one program the shell forks) between two `ps -t`; return
    (output, processes the program created, what its tree did with pipes
    {column: count}, the second listing): the pids between the two ps are
    the program's and its children's; the shell's tally grew by what the
    program's tree (and the first ps) did."""
    name = cmd.split()[0]
    before, t0, _ = _ps_tally(vm, f"before {name}")
    out = vm.run(cmd, timeout=timeout)
    after, t1, listing = _ps_tally(vm, f"after {name}")
    return out, after - before - 2, {c: t1[c] - t0[c] for c in t0}, listing


def _fanout_counted(vm, k, n, timeout=30):
    """`fanout k n` run by _counted."""
    return _counted(vm, f"fanout {k} {n}", timeout)


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


# ---------------------------------------------------------------- shared: files typed in

def _word(rng, lo=3, hi=7):
    return "".join(rng.choice("abcdefghijkmnpqrstuvwxyz") for _ in range(rng.randint(lo, hi)))


def _write_file(vm, path, lines):
    """Make `path` hold `lines`, one `echo` per line (an empty string is an
    empty line); the lines must need no quoting beyond double quotes."""
    for i, line in enumerate(lines):
        arg = f' "{line}"' if line else ""
        cmd = f"echo{arg} {'>' if i == 0 else '>>'} {path}"
        out = vm.run(cmd)
        if out.strip():
            vm.fail(f"setting up the test's input: `{cmd}` printed {out!r}")


# ---------------------------------------------------------------- pipesort

MAXSORT = 32   # user/labs/pipesort.c: at most this many numbers


def _sort_input(rng, n):
    """n numbers of 1 to 9 digits with some repeated: a sort by text, or
    one that drops duplicates, gets them wrong."""
    values = []
    while len(values) < n:
        if values and rng.random() < 0.2:
            values.append(rng.choice(values))
        else:
            values.append(rng.randrange(10 ** rng.randint(1, 9)))
    return values


def _pipesort_file(vm, values, path="nums"):
    """Write `values` to `path`, a few to a line, and return the path."""
    rows = [values[i:i + 6] for i in range(0, len(values), 6)] or [[]]
    _write_file(vm, path, [" ".join(map(str, row)) for row in rows])
    return path


def _pipesort_counted(vm, path, n, timeout=20):
    """`pipesort < path` between two `ps -t`, as _counted; a run that does
    not come back fails with what usually causes it."""
    cmd = f"pipesort < {path}"
    try:
        return _counted(vm, cmd, timeout)
    except zenith.WrongAnswer as e:
        if "timed out" not in str(e):
            raise
        vm.fail(f"`{cmd}` ({n} numbers) did not finish within {timeout} s: a stage only "
                "sees the end of its input when every write end of its pipe is closed, "
                "in every process (a forked stage inherits its parent's ends)")


def _stages_problem(n, created, pipes, listing):
    """Why pipesort's n numbers did not go through a chain of n stages
    talking through pipes (None if they did)."""
    if created != n:
        return (f"`pipesort` of {n} numbers created {created} process(es) besides itself "
                f"(counted from the process ids the kernel handed out); expected {n} "
                "stages, one per number: a stage forks the next when it first has a "
                "number to pass on")
    if pipes["pipe_writers"] < n or pipes["pipe_reads"] < n:
        return (f"`pipesort` of {n} numbers printed them in order, but the kernel saw "
                f"{pipes['pipe_writers']} of its processes write to a pipe and "
                f"{pipes['pipe_reads']} pipe read(s) that got data (`ps -t`: the shell's "
                f"tally of its reaped children); expected {n} writers (pipesort and every "
                "stage but the last pass numbers on through a pipe) and every stage to "
                "read its numbers from one. (A stage that does not wait for the one it "
                "started leaves an orphan, whose tally goes to init.)")
    if "pipesort" in listing:
        return f"after `pipesort` returned, ps still lists pipesort processes: {listing!r}"
    return None


def _sorted_lines(values):
    return "".join(f"{v}\n" for v in sorted(values))


def _sort_hint(out, values):
    """What a wrong pipesort output most likely means."""
    got = out.splitlines()
    if got == sorted(map(str, values)):
        return "; they are sorted as text, not by value"
    if got == [str(v) for v in sorted(set(values))]:
        return "; repeated numbers are missing"
    if _sorted_lines(values).startswith(out):
        return ("; the output stops early: the shell prints its prompt once pipesort "
                "exits, so each stage must wait for the stage it started")
    return ""


def test_pipesort_sorts(vm, rng):
    values = _sort_input(rng, rng.randint(12, 24))
    path = _pipesort_file(vm, values)
    out, _, _, _ = _pipesort_counted(vm, path, len(values))
    want = _sorted_lines(values)
    if out != want:
        vm.fail(f"`pipesort < {path}` with {path} holding {values} printed {out!r}; "
                f"expected {want!r} (ascending by value, duplicates kept, one per line)"
                f"{_sort_hint(out, values)}")


def test_pipesort_stages(vm, rng):
    values = _sort_input(rng, rng.randint(5, 16))
    path = _pipesort_file(vm, values)
    out, created, pipes, listing = _pipesort_counted(vm, path, len(values))
    want = _sorted_lines(values)
    if out != want:
        vm.fail(f"`pipesort < {path}` with {path} holding {values} printed {out!r}; "
                f"expected {want!r}{_sort_hint(out, values)}")
    problem = _stages_problem(len(values), created, pipes, listing)
    if problem:
        vm.fail(problem)


def test_pipesort_sizes(vm, score, rng):
    # Partial credit: one number, no number, and the most it takes.
    cases = [[rng.randrange(10 ** 9)], [], _sort_input(rng, MAXSORT)]
    score.expect(len(cases))
    for i, values in enumerate(cases):
        path = _pipesort_file(vm, values, f"in{i}")
        out, created, pipes, listing = _pipesort_counted(vm, path, len(values))
        want = _sorted_lines(values)
        if out != want:
            score.check(False, f"`pipesort < {path}` with {len(values)} number(s) {values} "
                        f"printed {out!r}; expected {want!r}{_sort_hint(out, values)}")
        else:
            score.check(*_check_of(_stages_problem(len(values), created, pipes, listing)))
    score.finish()


def _check_of(problem):
    return problem is None, problem


def test_pipesort_errors(vm, rng):
    _usage_error(vm, "pipesort extra", "pipesort")
    good = _sort_input(rng, 4)
    bad = [f"{good[0]}", f"{rng.randrange(100)}{_word(rng, 1, 2)}", f"{good[1]}"]
    too_many = _sort_input(rng, MAXSORT + 1)
    long = 10 ** 9 + good[2]
    for what, values, shown in (("a word that is not a number", bad, bad[1]),
                                ("a number of 10 digits", good[:2] + [long], str(long)),
                                (f"{MAXSORT + 1} numbers", too_many, "")):
        path = _pipesort_file(vm, values, "bad")
        out, created, _, _ = _pipesort_counted(vm, path, len(values))
        if ("pipesort:" not in out or shown not in out
                or re.search(r"^\d+$", out, re.M)):
            vm.fail(f"`pipesort < {path}` with {what} in its input ({values}) printed "
                    f"{out!r}; expected an error line 'pipesort: ...'"
                    + (f" that shows {shown!r}" if shown else "") + " and no number")
        if created != 0:
            vm.fail(f"`pipesort < {path}` with {what} in its input started {created} "
                    "process(es); expected it to check the whole input before it starts "
                    "any stage")


def test_pipesort_error_status(run_zenith, rng):
    word = _word(rng, 2, 4)
    res = run_zenith(f"echo 7 {word} 3 > n; pipesort < n", cpus=1)
    errors = [line for line in res.output.splitlines()
              if line.startswith("pipesort:") and word in line]
    if not errors or res.status != 1:
        res.fail(f"run=`pipesort < n`, n holding '7 {word} 3', exited with status "
                 f"{res.status}; expected an error line 'pipesort: ...' that shows "
                 f"{word!r} and status 1")


# ---------------------------------------------------------------- xargs

XARGS_MAXARG = 32   # kernel/param.h MAXARG: the command, its arguments and the lines


def _batches(prefix_args, lines, per_run):
    """What `xargs ... echo PREFIX...` prints: one line per run."""
    lines = [x for x in lines if x]
    runs = [lines[i:i + per_run] for i in range(0, len(lines), per_run)]
    return "".join(" ".join(prefix_args + run) + "\n" for run in runs), len(runs)


def _xargs_check(vm, cmd, want, runs):
    out, created, _, _ = _counted(vm, cmd)
    if out != want:
        vm.fail(f"`{cmd}` printed {out!r}; expected {want!r} (one line per run of echo)")
    if created != runs:
        vm.fail(f"`{cmd}` printed the right lines but created {created} process(es) "
                f"(counted from the process ids the kernel handed out); expected {runs}, "
                "one child per run of the command, each waited for")


def test_xargs_batches(vm, rng):
    lines = [_word(rng) for _ in range(rng.randint(5, 12))]
    lines.insert(rng.randrange(1, len(lines)), "")     # an empty line is skipped
    _write_file(vm, "in", lines)
    per_run = rng.randint(2, 4)
    prefix = _word(rng)
    want, runs = _batches(["x" + prefix], lines, per_run)
    _xargs_check(vm, f"xargs -n {per_run} echo x{prefix} < in", want, runs)
    _write_file(vm, "blank", [""])
    out, created, _, _ = _counted(vm, "xargs echo nothing < blank")
    if out or created:
        vm.fail(f"`xargs echo nothing < blank` (a file of one empty line) printed {out!r} "
                f"and created {created} process(es); expected no run at all")


def test_xargs_default_batch(vm, rng):
    # Without -n, a run takes as many lines as MAXARG arguments hold.
    lines = [_word(rng, 2, 4) for _ in range(rng.randint(XARGS_MAXARG - 1, XARGS_MAXARG + 8))]
    _write_file(vm, "in", lines)
    prefix = _word(rng)
    want, runs = _batches(["x" + prefix], lines, XARGS_MAXARG - 2)
    _xargs_check(vm, f"xargs echo x{prefix} < in", want, runs)


def test_xargs_line_is_one_argument(vm, rng):
    words = [[_word(rng) for _ in range(rng.randint(2, 3))] for _ in range(3)]
    lines = [f"echo {' '.join(w)}" for w in words]
    _write_file(vm, "cmds", lines)
    cmd = "xargs -n 1 sh -c < cmds"
    out = vm.run(cmd)
    want = "".join(" ".join(w) + "\n" for w in words)
    if out != want:
        vm.fail(f"`{cmd}` with cmds holding {lines} printed {out!r}; expected {want!r}: "
                "each line is one argument, spaces and all, so sh -c gets the whole line")


def test_xargs_failed_run_status(run_zenith, rng):
    code, word = rng.randint(2, 99), _word(rng)
    cmd = f'echo "exit {code}" > c; echo "echo {word}" >> c; xargs -n 1 sh -c < c'
    res = run_zenith(cmd, cpus=1)
    if res.status != 1 or word not in res.output.splitlines():
        res.fail(f"run=`{cmd}` exited with status {res.status}; expected the second run to "
                 f"print {word!r} (a failed run does not stop xargs) and status 1 "
                 f"(a run exited {code})")


def test_xargs_cannot_run(run_zenith, rng):
    name = _word(rng, 5, 8)
    cmd = f"echo a > c; echo b >> c; xargs -n 1 {name} < c"
    res = run_zenith(cmd, cpus=1)
    errors = [line for line in res.output.splitlines() if line.startswith("xargs") and name in line]
    if res.status != 127 or len(errors) != 1:
        res.fail(f"run=`{cmd}` ({name} does not exist) exited with status {res.status} and "
                 f"printed {len(errors)} error line(s) 'xargs: {name}: ...'; expected "
                 "exactly one and status 127 (no further run once the command cannot run)")


def test_xargs_usage(vm):
    for cmd in ("xargs", "xargs -n", "xargs -n 2", "xargs -n 0 echo", "xargs -n x echo",
                f"xargs -n {XARGS_MAXARG} echo"):
        _usage_error(vm, cmd, "xargs")
    vm.check("echo alive", "alive")


def test_xargs_usage_status(run_zenith):
    res = run_zenith("xargs -n 0 echo", cpus=1)
    if "usage: xargs" not in res.output or res.status != 2:
        res.fail(f"run=`xargs -n 0 echo` exited with status {res.status}; expected a line "
                 "starting with 'usage: xargs' and status 2")
