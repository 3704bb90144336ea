"""Every user program, by what a user sees it do."""

import re

import pytest

import guest


def _error_mentions(vm, cmd, name):
    """`cmd` must fail visibly: print something naming `name`."""
    out = vm.run(cmd)
    if name not in out:
        vm.fail(f"`{cmd}` printed {out!r}; expected an error message naming {name!r}")
    return out


def test_echo(vm):
    out = vm.run("echo hello   zenith world")
    if out != "hello zenith world\n":
        vm.fail(f"`echo hello   zenith world` printed {out!r}, expected 'hello zenith world\\n'")
    out = vm.run("echo")
    if out != "\n":
        vm.fail(f"`echo` with no arguments printed {out!r}, expected one empty line")


def test_cat_file(vm):
    out = vm.run("cat README")
    if out != guest.readme_text():
        vm.fail(f"`cat README` differs from user/files/README; got {out[:200]!r}...")


def test_cat_concatenates(vm):
    vm.run("echo one > a")
    vm.run("echo two > b")
    out = vm.run("cat a b")
    if out.split() != ["one", "two"]:
        vm.fail(f"`cat a b` printed {out!r}, expected one and two")


def test_cat_missing_file(vm):
    _error_mentions(vm, "cat nosuchfile", "nosuchfile")


def test_ls_root(vm):
    out = vm.run("ls")
    names = {line.split()[0] for line in out.splitlines() if line.split()}
    wanted = {"README", "cat", "echo", "ls", "sh", "init", "wc", "grep", "ps", "halt"}
    missing = wanted - names
    if missing:
        vm.fail(f"`ls` does not list {sorted(missing)}; printed {out!r}")


def test_ls_missing(vm):
    _error_mentions(vm, "ls nosuchdir", "nosuchdir")


def test_mkdir_and_files_inside(vm):
    vm.run("mkdir d")
    vm.run("echo inside > d/f")
    listing = vm.run("ls d")
    if "f" not in listing.split() or "escapes" in listing or ".." not in listing.split():
        vm.fail(f"`ls d` printed {listing!r}: expected '.', '..' and 'f' and no error "
                "(ls holds only d's capability, so '..' is shown from its entry)")
    out = vm.run("cat d/f")
    if out.strip() != "inside":
        vm.fail(f"`cat d/f` printed {out!r}, expected 'inside'")


def test_mkdir_existing(vm):
    vm.run("mkdir d2")
    _error_mentions(vm, "mkdir d2", "d2")


def test_rm(vm):
    vm.run("echo gone > victim")
    vm.check("ls", "victim")
    out = vm.run("rm victim")
    if out.strip():
        vm.fail(f"`rm victim` printed {out!r}, expected nothing")
    vm.check("ls", absent=["victim"])
    _error_mentions(vm, "cat victim", "victim")


def test_rm_missing(vm):
    _error_mentions(vm, "rm nosuchfile", "nosuchfile")


def test_ln(vm):
    vm.run("echo shared > orig")
    vm.run("ln orig alias")
    out = vm.run("cat alias")
    if out.strip() != "shared":
        vm.fail(f"after `ln orig alias`, `cat alias` printed {out!r}, expected 'shared'")
    vm.run("rm orig")
    out = vm.run("cat alias")
    if out.strip() != "shared":
        vm.fail(f"after `rm orig`, `cat alias` printed {out!r}, expected 'shared'")


def test_ln_missing(vm):
    _error_mentions(vm, "ln nosuchfile other", "nosuchfile")


def test_wc_file(vm):
    out = vm.run("wc README")
    expected = guest.count(guest.readme_text())
    if guest.wc_counts(out) != expected or "README" not in out:
        vm.fail(f"`wc README` printed {out!r}, expected {expected} and the name")


def test_wc_missing(vm):
    _error_mentions(vm, "wc nosuchfile", "nosuchfile")


def test_grep(vm):
    vm.run("echo apple pie > fruit")
    vm.run("echo banana > more")
    vm.run("cat fruit more > both")
    out = vm.run("grep an both")
    if out != "banana\n":
        vm.fail(f"`grep an both` printed {out!r}, expected 'banana\\n'")
    out = vm.run("grep zzz both")
    if out.strip():
        vm.fail(f"`grep zzz both` printed {out!r}, expected nothing")


def test_grep_missing_file(vm):
    _error_mentions(vm, "grep x nosuchfile", "nosuchfile")


def test_ps_lists_processes(vm):
    out = vm.run("ps")
    for name in ("init", "sh", "ps"):
        if not guest.pids_named(out, name):
            vm.fail(f"`ps` printed {out!r}; expected a row (pid first) for {name!r}")


def test_kill_a_process(vm):
    # A nested shell waits for `kill`, which kills that nested shell; the
    # outer shell then gets its prompt back.
    before = guest.pids_named(vm.run("ps"), "sh")
    vm.sendline("sh")
    vm.expect(r"\n\$ ")
    shells = guest.pids_named(vm.run("ps"), "sh")
    nested = sorted(set(shells) - set(before))
    if len(nested) != 1:
        vm.fail(f"after starting a nested sh, ps shows sh pids {shells}, before {before}")
    vm.sendline(f"kill {nested[0]}")
    vm.expect(r"\n\$ ")
    vm.sync()
    after = guest.pids_named(vm.run("ps"), "sh")
    if nested[0] in after:
        vm.fail(f"`kill {nested[0]}` left the nested shell alive: sh pids {after}")
    if sorted(after) != sorted(before):
        vm.fail(f"expected only the login shell(s) {before} after the kill, ps shows {after}")


def test_kill_bad_pid(vm):
    _error_mentions(vm, "kill 4242", "4242")
    vm.check("echo alive", "alive")


def _ls_shows(vm, name, pattern):
    """`ls` must list `name` on a line matching `pattern` (None: not at all)."""
    out = vm.run("ls")
    lines = [ln for ln in out.splitlines() if ln.split()[:1] == [name]]
    if pattern is None and lines:
        vm.fail(f"`ls` still lists {name!r}: {lines!r}")
    if pattern is not None and not (len(lines) == 1 and re.fullmatch(pattern, lines[0])):
        vm.fail(f"`ls` lists {name!r} as {lines!r}; expected one line like {pattern!r}")


@pytest.mark.lab_answers(9)   # cat follows the link: symlink_follow is lab 9's
@pytest.mark.parametrize("cpus", [1, 3], ids=["1hart", "3harts"])
def test_ln_symbolic(boot, cpus):
    """`ln -s TARGET NEW` makes a symbolic link (lab 9's symlink call): cat
    reads through it, ls shows the link itself with its target, rm removes
    the link and not the target. A dangling link is made (the target is not
    looked up) and fails where it is followed; NEW's own errors (it exists,
    a link loop on its way, a climb above ln's directory) and missing
    arguments are named."""
    vm = boot(cpus=cpus, icount=cpus == 1)
    vm.run("echo linked > target")
    out = vm.run("ln -s target lnk")
    if out.strip():
        vm.fail(f"`ln -s target lnk` printed {out!r}, expected nothing")
    out = vm.run("cat lnk")
    if out.strip() != "linked":
        vm.fail(f"`cat lnk` printed {out!r}, expected 'linked' (read through the link)")
    _ls_shows(vm, "lnk", r"lnk +4 +\d+ +6 -> target")
    _error_mentions(vm, "ln -s target lnk", "already exists")
    for cmd in ("ln -s", "ln -s target"):
        out = vm.run(cmd)
        if "usage: ln" not in out or "-s TARGET NEW" not in out:
            vm.fail(f"`{cmd}` printed {out!r}, expected the usage lines")
    _error_mentions(vm, "ln -s '' empty", "may not be empty")
    # Dangling: made, listed, and an error where it is followed.
    vm.run("ln -s nowhere dang")
    _ls_shows(vm, "dang", r"dang +4 +\d+ +7 -> nowhere")
    _error_mentions(vm, "cat dang", "dang")
    # A loop: made too; following it, or walking through it to NEW, is E_LOOP.
    vm.run("ln -s self self")
    _error_mentions(vm, "cat self", "too many symbolic links")
    out = _error_mentions(vm, "ln -s x self/y", "too many symbolic links")
    if "loop" not in out:
        vm.fail(f"`ln -s x self/y` printed {out!r}, expected it to say the links loop")
    # ln holds its cwd's capability: NEW may not climb above it.
    vm.run("mkdir box")
    vm.run("cd box")
    _error_mentions(vm, "ln -s x ../y", "escapes its directory capability")
    vm.run("cd /")
    _ls_shows(vm, "y", None)
    vm.run("rm lnk")
    _ls_shows(vm, "lnk", None)
    _ls_shows(vm, "target", r"target +2 .*")
    out = vm.run("cat target")
    if out.strip() != "linked":
        vm.fail(f"after `rm lnk`, `cat target` printed {out!r}: rm must remove the link only")
