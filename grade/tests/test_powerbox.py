"""The shell as powerbox, seen from the console: each command gets exactly
the files its command line names (with the rights its manifest declares),
the shell says what it granted when asked, and refuses, with a message,
what it cannot or will not grant. Also: every program ships a manifest."""

import struct

import pytest

import guest
from zenith import BUILD, REPO

# The powerbox's grant computation is lab 4's stage D (user/lib/pbgrant.c):
# in its handouts every program runs with the shell's authority, so the
# tests of what it grants are skipped there.
needs_stage_d = pytest.mark.lab_answers(4)

NOTE_NAME = b"Zenith\0"
NOTE_TYPE = 0x4D5A


def _manifest(path):
    """The manifest text of an ELF program, or None (read the PT_NOTE)."""
    data = path.read_bytes()
    phoff, = struct.unpack_from("<Q", data, 32)
    phentsize, phnum = struct.unpack_from("<HH", data, 54)
    for i in range(phnum):
        p_type, _, p_off, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type != 4:
            continue
        namesz, descsz, ntype = struct.unpack_from("<III", data, p_off)
        name = data[p_off + 12:p_off + 12 + namesz]
        if name == NOTE_NAME and ntype == NOTE_TYPE:
            desc_off = p_off + 12 + ((namesz + 3) & ~3)
            return data[desc_off:desc_off + descsz].rstrip(b"\0").decode()
    return None


def test_every_program_has_a_manifest():
    programs = sorted(p.stem for p in (REPO / "user").glob("*.c"))
    missing = [p for p in programs if _manifest(BUILD / "user" / f"_{p}") is None]
    assert not missing, f"programs without a ZENITH_MANIFEST note: {missing}"
    assert _manifest(BUILD / "user" / "_cat") == "args:r"
    assert _manifest(BUILD / "user" / "_cp") == "arg1:r\narg2:c"


def _grant_line(out, prog):
    lines = [l for l in out.splitlines() if l.startswith(f"sh: grant {prog}:")]
    assert lines, f"no grant line for {prog} in {out!r}"
    return lines[0]


@needs_stage_d
def test_cat_gets_exactly_the_named_file(vm):
    vm.run("echo hello > notes.txt")
    vm.run("grants on")
    out = vm.run("cat notes.txt")
    assert "hello" in out
    line = _grant_line(out, "cat")
    # The standard streams, notes.txt read-only, and lookup+exec (to run it).
    assert line == "sh: grant cat: stdin stdout stderr notes.txt:r root:xl cwd:xl", line
    vm.run("grants off")
    out = vm.run("cat notes.txt")
    assert out == "hello\n", f"grants off still prints: {out!r}"


@needs_stage_d
def test_caps_sees_exactly_what_was_granted(vm):
    vm.run("echo secret > s.txt")
    rows = guest.caps_rows(vm.run("caps"))
    slots = sorted(k for k in rows if k.isdigit())
    assert slots == ["0", "1", "2"], f"caps with no file arguments holds slots {slots}: {rows}"
    assert rows["root"] == ("dir", "sDxl"), rows["root"]   # stat, dup, exec, lookup: no read
    rows = guest.caps_rows(vm.run("+s.txt:r caps < README"))
    assert rows["0"][0] == "file", f"redirected stdin is not the file: {rows}"
    assert rows["3"] == ("file", "rsD"), f"+s.txt:r gave {rows.get('3')}"
    assert sorted(k for k in rows if k.isdigit()) == ["0", "1", "2", "3"], rows


@needs_stage_d
def test_cp_reads_one_and_creates_the_other(vm):
    vm.run("echo abc > a")
    out = vm.run("sh -v -c 'cp a b'")
    assert _grant_line(out, "cp") == "sh: grant cp: stdin stdout stderr a:r b:w root:xl cwd:xl"
    assert vm.run("cat b") == "abc\n"


def test_pipes_and_redirections_still_work(vm):
    out = vm.run("cat README | grep cap | wc")
    text = "".join(l + "\n" for l in guest.readme_text().splitlines() if "cap" in l)
    assert guest.wc_counts(out) == guest.count(text), out
    vm.run("wc < README > counts")
    assert guest.wc_counts(vm.run("cat counts")) == guest.count(guest.readme_text())


@needs_stage_d
def test_refusals_say_what_was_refused(vm):
    out = vm.run("+bogus cat README")
    assert "sh: cat: refused: bogus" in out, out
    out = vm.run("+nothere:r cat README")
    assert "sh: cat: refused: nothere: no such file or directory" in out, out
    out = vm.run("+cwd:q ls")
    assert "sh: ls: refused: cwd:q: not understood" in out, out


@needs_stage_d
def test_refuses_more_than_the_shell_holds(run_zenith):
    # dirtest runs a shell whose cwd is read-only; mkdir wants create.
    res = run_zenith("dirtest powerbox_refuses", cpus=1)
    assert "sh: mkdir: refused: cwd: wants c, the shell holds only rxl" in res.output, res.tail()
    assert "DT powerbox_refuses PASS" in res.output, res.tail()


def test_a_missing_file_is_the_programs_to_report(vm):
    out = vm.run("cat nosuchfile")
    assert "cat: nosuchfile: no such file or directory" in out, out


@needs_stage_d
def test_only_manifests_that_ask_get_system_control(vm):
    """halt and ps need the system-control capability (kernel/sysctl.h):
    the shell passes it to ps (manifest "sysctl"), not to caps or echo."""
    vm.run("grants on")
    out = vm.run("ps")
    assert _grant_line(out, "ps").endswith(" sysctl"), out
    assert "init" in out, out
    line = _grant_line(vm.run("echo hi"), "echo")
    assert "sysctl" not in line, line
    vm.run("grants off")
    rows = guest.caps_rows(vm.run("caps"))
    assert "11" not in rows and all(t != "sysctl" for t, _ in rows.values()), rows
