"""Lab util: user programs on the system-call API (pause, fanout, find).

Each test boots a fresh VM and checks what the program prints, exactly.
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
    assert "usage: pause" in res.output and res.status == 1, (
        f"`pause abc` exited with status {res.status}; expected a usage line and status 1\n"
        f"{res.tail()}")


# ---------------------------------------------------------------- fanout

def test_fanout_small(vm, score):
    # Partial credit (grade/scoring.py): each case is worth a quarter.
    cases = ((4, 100), (3, 10), (1, 1), (2, 3))
    score.expect(len(cases))
    for k, n in cases:
        cmd = f"fanout {k} {n}"
        out = vm.run(cmd)
        want = _fanout_expected(k, n)
        score.check(out == want, f"`{cmd}` printed {out!r}, expected {want!r}")
    score.finish()


def test_fanout_large(vm):
    cmd = "fanout 8 10000000"
    out = vm.run(cmd, timeout=120)
    want = _fanout_expected(8, 10000000)
    if out != want:
        vm.fail(f"`{cmd}` printed {out!r}, expected {want!r}")


def test_fanout_usage(vm):
    for cmd in ("fanout", "fanout 4", "fanout 0 10", "fanout 9 100", "fanout 5 3",
                "fanout x 10", "fanout 2 100000001"):
        _usage_error(vm, cmd, "fanout")
    vm.check("echo alive", "alive")


def test_fanout_usage_status(run_zenith):
    res = run_zenith("fanout 0 10", cpus=1)
    assert "usage: fanout" in res.output and res.status == 1, (
        f"`fanout 0 10` exited with status {res.status}; expected a usage line and status 1\n"
        f"{res.tail()}")


def test_fanout_leaves_no_processes(vm):
    out = vm.run("fanout 6 600")
    if out != _fanout_expected(6, 600):
        vm.fail(f"`fanout 6 600` printed {out!r}, expected {_fanout_expected(6, 600)!r}")
    out = vm.run("ps")
    if "fanout" in out:
        vm.fail(f"after `fanout 6 600` returned, ps still lists fanout processes: {out!r}")


# ---------------------------------------------------------------- find

TREE = ["mkdir a", "mkdir a/b", "echo x > a/b/target", "echo y > a/target",
        "mkdir a/c", "mkdir a/c/target", "echo z > a/c/target/target",
        "echo w > a/other", "mkdir a/b/deep", "mkdir a/b/deep/er",
        "echo v > a/b/deep/er/target"]
FOUND = ["a/b/target", "a/b/deep/er/target", "a/target", "a/c/target",
         "a/c/target/target"]


def _make_tree(vm):
    for cmd in TREE:
        out = vm.run(cmd)
        if out.strip():
            vm.fail(f"setting up the test tree: `{cmd}` printed {out!r}")


def _find_lines(vm, cmd):
    out = vm.run(cmd)
    lines = out.splitlines()
    if len(lines) != len(set(lines)):
        vm.fail(f"`{cmd}` printed some paths twice: {out!r}")
    return out, lines


def test_find_tree(vm):
    _make_tree(vm)
    out, lines = _find_lines(vm, "find a target")
    if sorted(lines) != sorted(FOUND):
        vm.fail(f"`find a target` printed {out!r}; expected exactly these lines "
                f"(any order): {FOUND}")


def test_find_paths_joined(vm):
    _make_tree(vm)
    for cmd, prefix in (("find a/ target", "a/"), ("find ./a target", "./a/")):
        out, lines = _find_lines(vm, cmd)
        want = sorted(prefix + f[2:] for f in FOUND)
        if sorted(lines) != want:
            vm.fail(f"`{cmd}` printed {out!r}; expected exactly {want} (single slashes)")
    out, lines = _find_lines(vm, "find / README")
    if lines != ["/README"]:
        vm.fail(f"`find / README` printed {out!r}, expected '/README\\n'")


def test_find_no_match(vm):
    _make_tree(vm)
    out = vm.run("find a nothing-here")
    if out.strip():
        vm.fail(f"`find a nothing-here` printed {out!r}, expected nothing")
    out = vm.run("find a a")
    if out.strip():
        vm.fail(f"`find a a` printed {out!r}; DIR itself is not a match, expected nothing")


def test_find_errors(vm):
    out = vm.run("find nosuchdir x")
    if "nosuchdir" not in out:
        vm.fail(f"`find nosuchdir x` printed {out!r}; expected an error naming nosuchdir")
    out = vm.run("find README x")
    if "README" not in out or "not a directory" not in out:
        vm.fail(f"`find README x` printed {out!r}; expected 'find: README: not a directory'")
    for cmd in ("find", "find a"):
        _usage_error(vm, cmd, "find")


def test_find_error_status(run_zenith):
    res = run_zenith("find nosuchdir x", cpus=1)
    assert "find: nosuchdir" in res.output and res.status == 1, (
        f"`find nosuchdir x` exited with status {res.status}; expected an error naming "
        f"nosuchdir and status 1\n{res.tail()}")
