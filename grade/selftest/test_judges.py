"""No in-guest judge links a lab's editable library code.

A test program that prints stamped verdicts (it links user/lib/stamp.c) and
also links a file the student edits can be made to print its own PASS line
from inside that file: the selfheal lab's svc_decide did exactly that while
user/tests/selfheal.c linked user/lib/svcpolicy.c. The lab code must run in
another process (the supervisor, svcprobe) whose output the judge or the
grader checks. This reads the symbol tables of the built programs."""

import subprocess

import pytest

import manifest
import zenith

NM = "riscv64-unknown-elf-nm"


def defined(path):
    """The global text symbols a binary or object file defines."""
    out = subprocess.run([NM, "--defined-only", "-g", str(path)], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return {t[2] for t in (line.split() for line in out.splitlines())
            if len(t) == 3 and t[1] in "Tt"}


def editable_library_symbols():
    """{symbol: editable file} for every lab's editable user/lib/*.c."""
    syms = {}
    for lab in manifest.load_labs(zenith.REPO):
        for f in lab.editable:
            if f.startswith("user/lib/") and f.endswith(".c"):
                obj = zenith.BUILD / (f[:-2] + ".o")
                if obj.exists():
                    syms.update({s: f for s in defined(obj)})
    return syms


@pytest.fixture(scope="module")
def programs():
    zenith.build()
    return {p.name[1:]: defined(p) for p in sorted((zenith.BUILD / "user").glob("_*"))}


def test_judges_do_not_link_editable_code(programs):
    lab_syms = editable_library_symbols()
    assert lab_syms, "no lab lists an editable user/lib/*.c: nothing to check"
    judges = {name: syms for name, syms in programs.items() if "stamp" in syms}
    assert "selfheal" in judges and "systest" in judges, sorted(judges)
    linked = {name: sorted({lab_syms[s] for s in syms & lab_syms.keys()})
              for name, syms in judges.items() if syms & lab_syms.keys()}
    assert not linked, f"test programs that link a lab's editable file: {linked}"


def test_the_lab_code_still_runs_somewhere(programs):
    """(So the check above is not vacuous: the policy is linked by the
    supervisor and by the probe the grader reads.)"""
    assert "svc_decide" in programs["supervisor"] and "svc_decide" in programs["svcprobe"]
