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


# ---------------------------------------------------------------- the grant policy
# System capabilities (scheduler control, system control, the root cell,
# the service directory and its control key) go only to the installed
# programs the grant policy /syscaps.conf names (user/files/syscaps.conf),
# never for a file name or a manifest's claim; the image builder seals the
# policy and every program it installs (docs/book/06-capabilities.md 6.16).

POLICY = "/syscaps.conf"
SEALED = "sealed by the image builder"
HARTS = pytest.mark.parametrize("cpus", [1, 3], ids=["1hart", "3harts"])

# (program, arguments, the system capability its manifest claims)
CLAIMANTS = [("celltest", "cell_info", "cell"), ("kv", "list", "svc"), ("ps", "", "sysctl"),
             ("halt", "", "sysctl"), ("sched", "", "schedctl")]


def _policy_lines():
    lines = {}
    for line in (REPO / "user" / "files" / "syscaps.conf").read_text().splitlines():
        words = line.split("#")[0].split()
        if words:
            lines[words[0]] = set(words[1:])
    return lines


def test_every_claim_is_backed_by_the_policy():
    """A program whose manifest claims a system capability the policy does
    not give it is refused at every run: each claim needs a policy line."""
    policy = _policy_lines()
    unbacked = []
    for prog in sorted(p.stem for p in (REPO / "user").glob("*.c")):
        words = set((_manifest(BUILD / "user" / f"_{prog}") or "").split("\n"))
        claims = words & {"schedctl", "sysctl", "cell", "svc", "svcctl"}
        if claims - policy.get(prog, set()):
            unbacked.append((prog, sorted(claims - policy.get(prog, set()))))
    assert not unbacked, f"manifest claims without a line in user/files/syscaps.conf: {unbacked}"


def _boot_with_services(boot, cpus):
    return boot(cpus=cpus, icount=cpus == 1, append="svc=on")


def _assert_refused(vm, out, cmd, prog, cap, why):
    want = f"sh: {prog}: refused: {cap}: {why}"
    if want not in out:
        vm.fail(f"`{cmd}`: want the refusal {want!r}, got {out!r}")


@HARTS
def test_copies_of_system_programs_get_nothing_system_level(boot, cpus):
    """Copied to another directory under the same name, or to another name,
    celltest/kv/ps/halt/sched are refused (and do not run), with a message
    naming the program and the capability; the installed ones still work."""
    vm = _boot_with_services(boot, cpus)
    vm.run("mkdir /t")
    for prog, args, cap in CLAIMANTS:
        vm.run(f"cp {prog} /t/{prog}")
        vm.run(f"cp {prog} /my{prog}")
        cmd = f"/t/{prog} {args}"
        _assert_refused(vm, vm.run(cmd), cmd, f"/t/{prog}", cap,
                        f"/t/{prog} is not the installed /{prog} (grant policy {POLICY})")
        cmd = f"my{prog} {args}"
        _assert_refused(vm, vm.run(cmd), cmd, f"my{prog}", cap,
                        f"my{prog} is not in the grant policy {POLICY}")
    # Found relative to the cwd, by its own name: still the copy.
    vm.run("cd /t")
    cmd = "celltest cell_info"
    _assert_refused(vm, vm.run(cmd), cmd, "celltest", "cell",
                    f"celltest is not the installed /celltest (grant policy {POLICY})")
    vm.run("cd /")
    # The installed programs keep what the policy gives them.
    vm.run("grants on")
    out = vm.run("ps")
    if not _grant_line(out, "ps").endswith(" sysctl") or "init" not in out:
        vm.fail(f"the installed ps lost its system capability: {out!r}")
    out = vm.run("kv")   # its usage: what it was granted, without lab 4's channels
    if not _grant_line(out, "kv").endswith(" svc"):
        vm.fail(f"the installed kv lost the service directory: {out!r}")


@HARTS
def test_policy_and_installed_programs_cannot_be_changed(boot, cpus):
    """From the shell, with every right it holds: writing, truncating,
    appending to, removing, linking and copying over the policy or an
    installed program is refused (-E_SEALED), and the policy still says
    what the image builder wrote."""
    vm = _boot_with_services(boot, cpus)
    vm.run("mkdir /t")
    attempts = [
        ("echo sh sysctl > /syscaps.conf", f"sh: /syscaps.conf: {SEALED}"),
        ("echo myps sysctl >> /syscaps.conf", f"sh: /syscaps.conf: {SEALED}"),
        ("rm /syscaps.conf", f"rm: /syscaps.conf: {SEALED}"),
        ("echo x > /ps", f"sh: /ps: {SEALED}"),
        ("cp cat /halt", f"cp: /halt: {SEALED}"),
        ("rm /celltest", f"rm: /celltest: {SEALED}"),
        ("ln /kv /t/kv", f"ln: cannot link /kv to /t/kv: {SEALED}"),
        ("ln /syscaps.conf /t/p", f"ln: cannot link /syscaps.conf to /t/p: {SEALED}"),
    ]
    for cmd, want in attempts:
        out = vm.run(cmd)
        if want not in out:
            vm.fail(f"`{cmd}`: want {want!r}, got {out!r}")
    policy = (REPO / "user" / "files" / "syscaps.conf").read_text()
    if vm.run(f"cat {POLICY}") != policy:
        vm.fail("the policy changed")
    out = vm.run("ps")
    if "init" not in out:
        vm.fail(f"ps after the attempts: {out!r}")
    # What was made at run time is the shell's to change.
    vm.run("cp ps /t/ps")
    vm.run("rm /t/ps")
    if "ps" in vm.run("ls /t"):
        vm.fail("a copy made at run time could not be removed")


def _with_manifest(path, old, new):
    """The ELF at path with its manifest `old` replaced: by `new` (which must
    fit in old's padded size), or, if new is None, with the note's type
    changed so that it is no manifest at all (a foreign program)."""
    data = bytearray(path.read_bytes())
    at = data.find(NOTE_NAME + b"\0" + old.encode() + b"\0")
    assert at > 0, f"manifest {old!r} not found in {path}"
    if new is None:
        struct.pack_into("<I", data, at - 4, 0)
    else:
        room = (len(old) + 1 + 3) & ~3
        assert len(new) + 1 <= room
        struct.pack_into("<I", data, at - 8, len(new) + 1)   # descsz
        data[at + 8:at + 8 + room] = new.encode().ljust(room, b"\0")
    return bytes(data)


def _image_with(tmp_path, extra):
    """A disk image built like build/fs.img, plus the files in extra
    ({name: bytes}); the image builder installs (and seals) them all."""
    import subprocess
    inputs = sorted(p for p in (REPO / "user" / "files").iterdir() if p.is_file())
    inputs += sorted(p for p in (BUILD / "user").glob("_*") if p.suffix == "")
    for name, data in extra.items():
        (tmp_path / name).write_bytes(data)
        inputs.append(tmp_path / name)
    img = tmp_path / "fs.img"
    subprocess.run([str(BUILD / "mkfs"), str(img), *map(str, inputs)], check=True,
                   capture_output=True)
    return img


@HARTS
def test_a_programs_own_claim_gets_nothing(boot, cpus, tmp_path, monkeypatch):
    """A program the image holds but the policy does not name, whose
    manifest claims system control, is refused and does not run: a claim
    is not a grant. A program without a manifest (a foreign one) runs with
    the shell's files but no system capability."""
    import zenith
    fake = _with_manifest(BUILD / "user" / "_echo", "stdio", "sysctl")
    foreign = _with_manifest(BUILD / "user" / "_caps", "args:-\nproc:inspect", None)
    monkeypatch.setattr(zenith, "FS_IMG", _image_with(tmp_path, {"fakesys": fake,
                                                                 "foreign": foreign}))
    vm = _boot_with_services(boot, cpus)
    out = vm.run("fakesys hello")
    _assert_refused(vm, out, "fakesys hello", "fakesys", "sysctl",
                    f"fakesys is not in the grant policy {POLICY}")
    if "hello" in out:
        vm.fail(f"the refused program ran: {out!r}")
    rows = guest.caps_rows(vm.run("foreign"))
    if "root" not in rows or rows["root"][1] == "sDxl":
        vm.fail(f"the foreign program did not run with the shell's files: {rows}")
    system = {k: v for k, v in rows.items() if v[0] in ("sysctl", "cell", "schedctl", "channel")}
    if system:
        vm.fail(f"a program without a manifest holds system capabilities: {system}")


def test_grants_prints_the_policy(vm):
    out = vm.run("grants")
    if f"grant policy {POLICY} (sealed by the image builder):" not in out:
        vm.fail(f"`grants` did not print the policy: {out!r}")
    rows = {l.split()[0]: l.split()[3:] for l in out.splitlines()[1:] if "inode" in l}
    for prog, _, cap in CLAIMANTS:
        if cap not in rows.get(prog, []):
            vm.fail(f"`grants` does not show {prog}: {cap}: {out!r}")
    if "caps" in rows or "echo" in rows:
        vm.fail(f"`grants` shows programs the policy does not name: {out!r}")
