"""Lab caps: rights checking and attenuation (stage A), revocation (B),
transfer through channels (C) and the powerbox (D).

The tests run cases of the in-guest capability suites: user/tests/captest.c and
user/tests/chantest.c print "CT <case> PASS" or "CT <case> FAIL <reason>". Each
case checks the kernel's audit before and after (no record, slot or file
leaked, no inconsistency). Stage D's tests type commands at the shell and
read what the powerbox says it granted (`grants on`, `sh -v`), what a
program holds (`caps`) and what it refuses.
"""

import guest


def _cases(vm, prog, tag, *cases, timeout=120):
    for case in cases:
        guest.run_case(vm, prog, tag, case, timeout)


def _captest(vm, *cases):
    _cases(vm, "captest", "CT", *cases)


def _chantest(vm, *cases):
    _cases(vm, "chantest", "CT", *cases)


# ---------------------------------------------------------------- A: rights

def test_rights_gate(vm):
    # read/write/fstat/dup/cap_dup/cap_revoke each need their right; so
    # does every path operation on the directory capability it starts from
    # (open, create, mkdir, unlink, chdir, exec, ...: dirtest's matrix) and
    # every use of a process capability (kill, wait, cap_list), which
    # cap_restrictproc attenuates like any other.
    _captest(vm, "rights_gate", "proc_attenuate")
    _cases(vm, "dirtest", "DT", "rights_matrix")


def test_dup_every_subset(vm):
    # cap_dup to every subset of the rights (exact), more is -E_RIGHTS;
    # a derived capability derives again only with fewer rights.
    _captest(vm, "dup_all_subsets", "dup_of_dup")


def test_restrict_and_inherit(vm):
    # cap_restrict only shrinks; a child's inherited slots cannot widen.
    _captest(vm, "restrict_then_dup", "fork_inherits")


# ---------------------------------------------------------------- B: revocation

def test_revoke_tree(vm):
    # Revoke reaches the whole subtree (and nothing else); a revoked slot
    # stays revoked in a child; ids are never reused.
    _captest(vm, "revoke_tree", "fork_revoked")


def test_revoke_after_delete(vm):
    # Deleting a record in the middle of the tree keeps its children
    # within reach of the revoke of an ancestor.
    _captest(vm, "delete_middle")


def test_revoke_across_processes(vm):
    # One revoke in the parent cuts off copies in child and grandchild.
    _captest(vm, "revoke_three_procs")


def test_revoke_concurrent(vm):
    # Other harts hammer read() while the parent revokes: once revoke has
    # returned, no read succeeds anywhere (the VM has 3 harts).
    _captest(vm, "revoke_concurrent")


# ---------------------------------------------------------------- C: transfer

def test_transfer_rights_matrix(vm):
    # SEND, GRANT and TRANSFER for every subset of the rights; a
    # capability arrives with exactly the rights it was sent with.
    _chantest(vm, "chan_rights_matrix")


def test_transfer_whole_message(vm):
    # A message arrives whole or not at all; a refused send keeps no record.
    _chantest(vm, "chan_whole_or_nothing")


def test_revoke_in_flight(vm):
    # Revoke reaches capabilities queued in a channel and ones passed on
    # through three processes.
    _chantest(vm, "chan_revoke_in_flight", "chan_revoke_three_procs")


def test_confused_deputy(vm):
    # A server acting with the client's capability cannot be tricked into
    # using its own authority.
    _chantest(vm, "chan_confused_deputy")


# ---------------------------------------------------------------- D: the powerbox

def _grant_line(vm, out, prog):
    """The shell's "sh: grant PROG: ..." line (grants on / sh -v)."""
    lines = [l for l in out.splitlines() if l.startswith(f"sh: grant {prog}:")]
    if not lines:
        vm.fail(f"no 'sh: grant {prog}:' line (grants on) in {out!r}")
    return lines[0]


def _expect_grant(vm, out, prog, want):
    line = _grant_line(vm, out, prog)
    if line != want:
        vm.fail(f"the powerbox granted\n  {line}\nwant\n  {want}")


def test_powerbox_cat(vm):
    # cat's manifest is "args:r": each file argument read-only, nothing else
    # (a lookup+exec root and cwd, to be found and run). grep's is
    # "args:r arg1:-": its pattern is not a file; options never are. The
    # manifest's words keep capabilities the shell holds (ps: sysctl).
    vm.run("echo hello > notes.txt")
    vm.run("grants on")
    out = vm.run("cat notes.txt")
    if "hello" not in out:
        vm.fail(f"cat notes.txt printed {out!r}")
    _expect_grant(vm, out, "cat", "sh: grant cat: stdin stdout stderr notes.txt:r root:xl cwd:xl")
    out = vm.run("grep hello notes.txt")
    _expect_grant(vm, out, "grep", "sh: grant grep: stdin stdout stderr notes.txt:r root:xl cwd:xl")
    out = vm.run("wc -l notes.txt")
    _expect_grant(vm, out, "wc", "sh: grant wc: stdin stdout stderr notes.txt:r root:xl cwd:xl")
    # ps's manifest is "sysctl": no file, and the system-control capability
    # (listing every process needs it).
    out = vm.run("ps")
    _expect_grant(vm, out, "ps", "sh: grant ps: stdin stdout stderr root:xl cwd:xl sysctl")
    if "init" not in out:
        vm.fail(f"ps did not list init: {out!r}")


def test_powerbox_cp(vm):
    # cp's manifest is "arg1:r arg2:c": read on a, b created (truncated)
    # by the shell and passed write-only.
    vm.run("echo abc > a")
    vm.run("echo a-longer-line > b")
    out = vm.run("sh -v -c 'cp a b'")
    _expect_grant(vm, out, "cp", "sh: grant cp: stdin stdout stderr a:r b:w root:xl cwd:xl")
    out = vm.run("cat b")
    if out != "abc\n":
        vm.fail(f"after cp a b, b holds {out!r}, want 'abc\\n'")


def test_powerbox_redirection(vm):
    # Redirections are the only files a program with no file arguments
    # gets: `caps < README > out` holds slots 0-2 (the file read, the file
    # written, the console) and a root it can only look up and exec in.
    vm.run("caps < README > out")
    rows = guest.caps_rows(vm.run("cat out"))
    slots = sorted(k for k in rows if k.isdigit())
    if slots != ["0", "1", "2"]:
        vm.fail(f"caps < README > out holds slots {slots}, want 0 1 2: {rows}")
    if rows["0"][0] != "file" or "r" not in rows["0"][1] or "w" in rows["0"][1]:
        vm.fail(f"stdin is not README read-only: {rows['0']}")
    if rows["1"][0] != "file" or "w" not in rows["1"][1]:
        vm.fail(f"stdout is not the file out: {rows['1']}")
    if rows.get("root") != ("dir", "sDxl"):
        vm.fail(f"root should be lookup+exec (sDxl), got {rows.get('root')}")
    if "cwd" in rows and rows["cwd"] != ("dir", "sDxl"):
        vm.fail(f"cwd should be absent or lookup+exec, got {rows['cwd']}")
    # An explicit grant adds exactly the file named, with the rights named.
    vm.run("echo x > s.txt")
    rows = guest.caps_rows(vm.run("+s.txt:r caps"))
    if rows.get("3") != ("file", "rsD") or sorted(k for k in rows if k.isdigit()) != ["0", "1", "2", "3"]:
        vm.fail(f"+s.txt:r caps: want slot 3 = s.txt read-only (rsD) and nothing more, got {rows}")


def test_powerbox_refusals(vm):
    # A request beyond what the manifest, the command line and the shell
    # allow is refused, the command does not run, and the message names
    # what was refused.
    cases = [
        ("+bogus cat README", "sh: cat: refused: bogus: grant must be +WHAT:RIGHTS"),
        ("+README:z cat README", "sh: cat: refused: README:z: rights are letters of rwcdx"),
        ("+nothere:r cat README", "sh: cat: refused: nothere: no such file or directory"),
        ("+cwd:q ls", "sh: ls: refused: cwd:q: not understood"),
    ]
    for cmd, want in cases:
        out = vm.run(cmd)
        if want not in out:
            vm.fail(f"{cmd}: want {want!r}, got {out!r}")
        if "Zenith" in out:   # cat README would print the README
            vm.fail(f"{cmd} was refused but the command ran anyway: {out!r}")
    # dirtest runs a shell whose cwd is read-only; mkdir's manifest wants
    # create on it: more than the shell holds.
    out = vm.run("dirtest powerbox_refuses")
    want = "sh: mkdir: refused: cwd: wants c, the shell holds only rxl"
    if want not in out:
        vm.fail(f"dirtest powerbox_refuses: want {want!r}, got {out!r}")
