"""The syscall lab's handout has no sysinfo() to call: its number, stub and
declaration are the lab's first answer (docs/labs/syscall.md). A user
program that calls sysinfo() must do it only #ifdef SYS_sysinfo, or the
handout does not build (schedtest.c once called it under `#if LAB >= 2`,
which the handout keeps). This reads every user program as the syscall
handout has it, without building the handout."""

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from labs import handout, markers  # noqa: E402
import manifest  # noqa: E402

pytestmark = pytest.mark.skipif(manifest.handout_lab(REPO) is not None,
                                reason="reads the reference tree's markers")

CALL = re.compile(r"\bsysinfo\s*\(")
STRING = re.compile(r'"(\\.|[^"\\])*"')
DIRECTIVE = re.compile(r"^\s*#\s*(if|ifdef|ifndef|else|endif)\b\s*(.*)$")


def unguarded_calls(text):
    """Line numbers of sysinfo( calls outside an #ifdef SYS_sysinfo branch
    (in code: strings and // comments are skipped)."""
    # stack: per open #if, None (another condition), or for the SYS_sysinfo
    # guard whether this branch is the one where the call is numbered.
    stack, bad = [], []
    for no, line in enumerate(text.splitlines(), 1):
        m = DIRECTIVE.match(line)
        if m:
            word, rest = m.group(1), m.group(2).split("//")[0].strip()
            if word in ("if", "ifdef", "ifndef"):
                guard = word != "if" and rest == "SYS_sysinfo"
                stack.append((word == "ifdef") if guard else None)
            elif word == "else" and stack and stack[-1] is not None:
                stack[-1] = not stack[-1]
            elif word == "endif" and stack:
                stack.pop()
            continue
        code = STRING.sub('""', line.split("//")[0])
        if CALL.search(code) and True not in stack:
            bad.append(no)
    return bad


def test_user_programs_call_sysinfo_only_where_it_is_numbered():
    lab = manifest.find_lab(REPO, "syscall")
    found, bad = 0, {}
    for rel in handout.tracked_files(REPO):
        if rel.parts[0] != "user" or rel.suffix != ".c":
            continue
        text = (REPO / rel).read_text()
        if not CALL.search(text):
            continue
        cut = markers.strip(REPO / rel, lab.number - 1, lab.number)
        found += bool(CALL.search(cut))
        lines = unguarded_calls(cut)
        if lines:
            bad[str(rel)] = lines
    assert found >= 3, "no user program calls sysinfo in the syscall handout: is this test stale?"
    assert not bad, (f"calls to sysinfo() outside '#ifdef SYS_sysinfo' in the syscall "
                     f"handout (it does not build there): {bad}")


def test_the_guard_check_sees_an_unguarded_call():
    assert unguarded_calls("#if X\n  sysinfo(&si);\n#endif\n") == [2]
    assert unguarded_calls('why("sysinfo(%d)", r);  // sysinfo(x)\n') == []
    assert unguarded_calls("#ifdef SYS_sysinfo\n  sysinfo(&si);\n#else\n  sysinfo(0);\n#endif\n") == [4]
    assert unguarded_calls("#ifdef SYS_sysinfo   // why\n#if Y\nsysinfo(&s);\n#endif\n#endif\n") == []
    assert unguarded_calls("#ifndef SYS_sysinfo\nx();\n#else\nsysinfo(&s);\n#endif\n") == []
