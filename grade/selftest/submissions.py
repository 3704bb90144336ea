"""Fake student submissions for the syscall lab, one of each kind grade/batch
must handle, with the score each must get (lab syscall: sysinfo tests 50
points with its plumbing, the kernel backtrace 20, alarm 40).

    make_submissions(folder, handout_tree) -> {student: expected score}
"""

import io
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from labs import markers  # noqa: E402

LAB = "syscall"
LAB_NUMBER = 2
FILES = ["kernel/syscall/sysinfo.c", "kernel/lib/printf.c", "kernel/trap/alarm.c"]
# sysinfo's number, table entry, stub and declaration (the student's too)
PLUMBING = ["kernel/syscall.h", "kernel/syscall/syscall.c", "user/lib/syscalls.txt",
            "user/user.h"]
ANSWERS = f"labs/{LAB}/answers-{LAB}.txt"   # the written questions (grade/written.py)


def answer(rel):
    """The reference answer for a file, as a student who solved the lab has it."""
    return markers.strip(REPO / rel, LAB_NUMBER, LAB_NUMBER)


def stub_with(handout, body):
    """The handout's sysinfo stub with its body replaced."""
    text = (handout / "kernel/syscall/sysinfo.c").read_text()
    include = '#include "syscall/sysproc.h"'
    assert include in text, "sysinfo.c's includes changed: update stub_with"
    text = text.replace(include, include + '\n#include "lib/printf.h"')
    assert "  return -E_NOSYS;\n" in text
    return text.replace("  return -E_NOSYS;\n", body)


def _tar(path, files, extra=()):
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for info in extra:
            tar.addfile(info)


def make_submissions(folder, handout):
    folder, handout = Path(folder), Path(handout)
    folder.mkdir(parents=True, exist_ok=True)
    expected = {}

    # A correct solution, as a tarball of the repository one level down,
    # with every written question answered.
    files = {f"zenith/{f}": answer(f) for f in FILES + PLUMBING}
    files[f"zenith/{ANSWERS}"] = "".join(
        line + "\n" + (f"My answer {line[4]}.\n" if line.startswith("## Q") else "")
        for line in (handout / ANSWERS).read_text().splitlines())
    _tar(folder / "correct.tar.gz", files)
    expected["correct"] = 110

    # The untouched handout, as a git repository.
    repo = folder / "untouched"
    subprocess.run(["cp", "-a", str(handout), str(repo)], check=True)
    subprocess.run(["rm", "-rf", str(repo / "build"), str(repo / "grade" / "out")], check=True)
    env = {"GIT_AUTHOR_NAME": "s", "GIT_AUTHOR_EMAIL": "s@x", "GIT_COMMITTER_NAME": "s",
           "GIT_COMMITTER_EMAIL": "s@x", "PATH": "/usr/bin:/bin", "HOME": str(folder)}
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "handout"]):
        subprocess.run(["git", "-C", str(repo)] + cmd, check=True, env=env)
    expected["untouched"] = 0

    # A syntax error, as a patch against the handout.
    broken = (handout / "kernel/syscall/sysinfo.c").read_text().replace(
        "return -E_NOSYS;", "return -E_NOSYS  /* forgot the semicolon */")
    old, new = folder / "old.c", folder / "new.c"
    old.write_text((handout / "kernel/syscall/sysinfo.c").read_text())
    new.write_text(broken)
    diff = subprocess.run(["diff", "-u", "--label", "a/kernel/syscall/sysinfo.c", "--label",
                           "b/kernel/syscall/sysinfo.c", str(old), str(new)],
                          stdout=subprocess.PIPE, text=True).stdout
    old.unlink()
    new.unlink()
    (folder / "nobuild.patch").write_text(diff)
    expected["nobuild"] = 0

    # sysinfo panics the kernel; the rest is right. Loose files in a folder.
    loose = folder / "panics"
    loose.mkdir()
    (loose / "sysinfo.c").write_text(stub_with(handout, '  panic("sysinfo: student bug");\n'))
    (loose / "printf.c").write_text(answer("kernel/lib/printf.c"))
    (loose / "alarm.c").write_text(answer("kernel/trap/alarm.c"))
    for f in PLUMBING:
        (loose / Path(f).name).write_text(answer(f))
    expected["panics"] = 60

    # sysinfo never returns; the rest is right. A zip file.
    with zipfile.ZipFile(folder / "hangs.zip", "w") as z:
        z.writestr("kernel/syscall/sysinfo.c", stub_with(handout, "  for (;;)\n    ;\n"))
        z.writestr("kernel/lib/printf.c", answer("kernel/lib/printf.c"))
        z.writestr("kernel/trap/alarm.c", answer("kernel/trap/alarm.c"))
        for f in PLUMBING:
            z.writestr(f, answer(f))
    expected["hangs"] = 60

    # Only alarm is done, and the student also "fixed" the tests, tried to
    # write outside the submission and linked printf.c to a host file.
    link = tarfile.TarInfo("kernel/lib/printf.c")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    _tar(folder / "tampered.tgz", {
        "kernel/trap/alarm.c": answer("kernel/trap/alarm.c"),
        "grade/labs/test_syscall.py": "def test_sysinfo_program():\n    pass\n",
        "labs/syscall/lab.toml": "# all points mine\n",
        "../kernel/sysinfo.c": "int x;\n",
        "Makefile": "all:\n\ttrue\n",
    }, extra=[link])
    expected["tampered"] = 40
    return expected
