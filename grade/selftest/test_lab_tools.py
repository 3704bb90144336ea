"""Fast checks of the lab machinery (run by `make test`): markers, handout
generation and its leak checks, manifests, scoring, submission intake, the
Gradescope zip. The slow end-to-end runs are in test_slow.py."""

import io
import os
import re
import subprocess
import sys
import tarfile
import types
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))

from labs import gradescope, handout, markers  # noqa: E402
import batch_grade  # noqa: E402
import manifest  # noqa: E402
import scoring  # noqa: E402
import submission  # noqa: E402

# They check the reference tree (its markers, its git files): in a handout
# there is nothing to check.
pytestmark = pytest.mark.skipif(manifest.handout_lab(REPO) is not None,
                                reason="lab tools run in the reference tree")

SAMPLE = """int a;
#if LAB >= 2
int only_from_lab_two_on;
#if SOL >= 2
int the_answer_to_lab_two = 42;
#else
int the_stub_of_lab_two = -1;
#endif
#endif
"""


# ---------------------------------------------------------------- markers

def test_marker_presence_follows_sol_and_lab():
    lines = markers.parse(SAMPLE)
    def kept(sol, lab):
        return [l.text for l in lines if l.present(sol, lab)]
    assert kept(0, 1) == ["int a;"]
    assert kept(1, 2) == ["int a;", "int only_from_lab_two_on;", "int the_stub_of_lab_two = -1;"]
    assert kept(2, 3) == ["int a;", "int only_from_lab_two_on;", "int the_answer_to_lab_two = 42;"]


def test_canaries_are_answers_the_handout_must_not_keep():
    parsed = {"x.c": markers.parse(SAMPLE)}
    assert set(markers.canaries(parsed, 1, 2)) == {"int the_answer_to_lab_two = 42;"}
    assert markers.canaries(parsed, 2, 3) == {}


@pytest.mark.parametrize("bad", ["#if SOL>=2", "#ifdef SOL", "#if SOL >= 2 && X",
                                 "#if defined(LAB)", "#elif LAB >= 3"])
def test_lint_rejects_markers_unifdef_could_misread(bad):
    text = f"#if X\n#endif\n{bad}\nint x;\n#endif\n" if "elif" not in bad else \
        f"#if LAB >= 2\nint x;\n{bad}\nint y;\n#endif\n"
    with pytest.raises(markers.MarkerError):
        markers.lint(text)


def test_every_source_file_of_the_reference_lints():
    for rel in handout.tracked_files(REPO):
        if markers.is_source(rel):
            markers.lint((REPO / rel).read_text(), str(rel))


# ---------------------------------------------------------------- manifests

def test_manifests_name_tests_that_exist():
    labs = manifest.load_labs(REPO)
    assert [lab.number for lab in labs] == list(range(1, len(labs) + 1))
    for lab in labs:
        assert (REPO / lab.handout).is_file(), lab.handout
        for f in lab.editable:
            assert (REPO / f).is_file(), f
        for t in lab.tests:
            src = (REPO / t.file).read_text()
            assert f"def {t.short.split('[')[0]}(" in src, t.nodeid


def test_quick_verify_grades_the_lab_before_and_its_own():
    from labs import verify
    labs = manifest.load_labs(REPO)
    for lab in labs:
        full = verify.labs_for_handout(labs, lab, quick=False)
        quick = verify.labs_for_handout(labs, lab, quick=True)
        assert [x.number for x in full] == list(range(1, lab.number + 1))
        assert [x.number for x in quick] == list(range(max(1, lab.number - 1), lab.number + 1))


def test_grade_takes_a_list_of_labs():
    names = [lab.name for lab in manifest.load_labs(REPO)[:2]]
    assert [lab.name for lab in manifest.labs_to_grade(REPO, ",".join(names))] == names
    with pytest.raises(manifest.ManifestError):
        manifest.labs_to_grade(REPO, names[0] + ",no-such-lab")


def points_table(doc):
    """{test: points} from the rows "| `test_x` | N | ..." of a handout document."""
    rows = re.finditer(r"^\|\s*`(test_\w+)`\s*\|\s*(\d+(?:\.\d+)?)\s*\|", doc, re.M)
    return {m.group(1): float(m.group(2)) for m in rows}


@pytest.mark.parametrize("lab", [lab.name for lab in manifest.load_labs(REPO)])
def test_handout_points_table_matches_lab_toml(lab):
    lab = manifest.find_lab(REPO, lab)
    table = points_table((REPO / lab.handout).read_text())
    want = {t.short: float(t.points) for t in lab.tests}
    wrong = {name: (table.get(name), want.get(name)) for name in set(table) | set(want)
             if table.get(name) != want.get(name)}
    assert not wrong, (f"{lab.handout}'s points table disagrees with labs/{lab.name}/"
                       f"lab.toml ({{test: (handout, lab.toml)}}): {wrong}")


# ---------------------------------------------------------------- handouts

@pytest.fixture(scope="module")
def util_handout(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout") / "util"
    info = handout.make_handout(REPO, "util", out)
    return out, info


def test_handout_has_readme_stamp_and_no_markers(util_handout):
    out, info = util_handout
    readme = (out / "README.md").read_text()
    assert "docs/labs/util.md" in readme and "user/labs/find.c" in readme
    assert manifest.handout_lab(out) == "util"
    assert "kernel/trap/alarm.c" in info["dropped"]            # exists for lab 2 on only
    for rel in handout.tracked_files(REPO):
        p = out / rel
        if p.is_file() and markers.is_source(rel):
            assert not markers.leftover_markers(p.read_text()), rel
    assert "not implemented" in (out / "user/labs/pause.c").read_text()


def test_handout_leaves_out_the_cheat_corpus(util_handout):
    out, _ = util_handout
    assert list((REPO / "grade/selftest/cheats").glob("*.patch"))
    assert not (out / "grade/selftest/cheats").exists()     # patches carry answers
    assert (out / "grade/selftest/test_cheats.py").exists()   # skipped in a handout


def test_handout_check_catches_a_leaked_answer(util_handout, tmp_path):
    out, _ = util_handout
    files = [r for r in handout.tracked_files(REPO) if (out / r).is_file()]
    parsed = {str(r): markers.parse((REPO / r).read_text()) for r in handout.tracked_files(REPO)
              if markers.is_source(r)}
    leak = next(iter(markers.canaries(parsed, 0, 1)))
    victim = out / "docs/README.md"
    keep = victim.read_text()
    try:
        victim.write_text(keep + "\n    " + leak + "\n")
        with pytest.raises(handout.HandoutError, match="answer text"):
            handout.check_handout(out, files, parsed, 0, 1)
    finally:
        victim.write_text(keep)
    handout.check_handout(out, files, parsed, 0, 1)


def test_handout_refuses_to_overwrite_a_non_handout(tmp_path):
    (tmp_path / "precious").write_text("x")
    with pytest.raises(handout.HandoutError):
        handout.make_handout(REPO, "util", tmp_path)
    assert (tmp_path / "precious").exists()


# ---------------------------------------------------------------- scoring

def _report(message, sections=()):
    crash = types.SimpleNamespace(message=message)
    return types.SimpleNamespace(longrepr=types.SimpleNamespace(reprcrash=crash),
                                 sections=list(sections))


@pytest.mark.parametrize("message, kind", [
    ("Failed: build failed (`make all` exited 2); last lines", "build failed"),
    ("zenith.DidNotBoot: kernel did not boot: no shell prompt", "did not boot"),
    ("zenith.KernelPanic: kernel panicked: while waiting", "kernel panic"),
    ("zenith.WrongAnswer: wrong answer: timed out after 30 s waiting", "timeout"),
    ("Failed: Timeout >120.0s", "timeout"),
    ("zenith.WrongAnswer: wrong answer: `pause 0` printed 'x'", "wrong answer"),
    ("AssertionError: `pause abc` exited with status 0\nassert (False)", "wrong answer"),
    ("TypeError: oops", "error"),
])
def test_failure_kinds(message, kind):
    assert scoring.failure_kind(message) == kind


def test_failure_message_hides_assertion_source():
    raw, text = scoring.failure_message(_report(
        "AssertionError: expected status 1\nassert ('usage' in 'x' and 0 == 1)"))
    assert text == "expected status 1"


def test_partial_credit_arithmetic():
    s = scoring.Score()
    s.expect(4)
    s.check(True, "a")
    s.check(False, "b")
    s.check(True, "c")           # the 4th never ran (say the kernel panicked)
    assert s.earned() == 0.5
    with pytest.raises(AssertionError, match="failed check: b"):
        s.finish()
    s2 = scoring.Score()
    s2.partial(3, 4)
    assert s2.earned() == 0.75


# ---------------------------------------------------------------- submissions

EDITABLE = ["kernel/syscall/sysinfo.c", "kernel/trap/alarm.c", "user/labs/find.c"]


def test_find_takes_paths_then_unique_names(tmp_path):
    (tmp_path / "zenith/kernel/syscall").mkdir(parents=True)
    (tmp_path / "zenith/kernel/syscall/sysinfo.c").write_text("k")
    (tmp_path / "zenith/user").mkdir()
    (tmp_path / "zenith/user/sysinfo.c").write_text("u")      # same name, wrong place
    (tmp_path / "alarm.c").write_text("a")                    # loose file
    (tmp_path / "find.c").symlink_to("/etc/passwd")           # never followed
    found, notes = submission.find(tmp_path, EDITABLE)
    assert found["kernel/syscall/sysinfo.c"].read_text() == "k"
    assert found["kernel/trap/alarm.c"].read_text() == "a"
    assert "user/labs/find.c" not in found and any("user/labs/find.c" in n for n in notes)


def test_archives_keep_only_safe_regular_files(tmp_path):
    arc = tmp_path / "s.tgz"
    with tarfile.open(arc, "w:gz") as tar:
        for name, data in (("kernel/trap/alarm.c", b"ok"), ("../kernel/sysinfo.c", b"evil"),
                           ("/tmp/find.c", b"evil"), ("grade/conftest.py", b"evil")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("user/labs/find.c")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    dest = batch_grade.unpack(arc, tmp_path / "x", None, EDITABLE)
    got = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    # Other safe files are unpacked too, only to flag them (never graded).
    assert got == ["grade/conftest.py", "kernel/trap/alarm.c"]
    assert not (tmp_path / "kernel").exists()


def test_changes_to_other_files_are_flagged(tmp_path):
    hand, sub = tmp_path / "handout", tmp_path / "sub" / "zenith"
    for root, alarm, test, mk in ((hand, "stub", "real test", "all:"),
                                  (sub, "answer", "def test(): pass", "all:")):
        (root / "kernel/trap").mkdir(parents=True)
        (root / "grade").mkdir()
        (root / "kernel/trap/alarm.c").write_text(alarm)
        (root / "grade/test.py").write_text(test)
        (root / "Makefile").write_text(mk)
    (sub / "build").mkdir()
    (sub / "build/kernel.elf").write_text("junk")
    found, _ = submission.find(tmp_path / "sub", EDITABLE)
    changed = submission.changed_elsewhere(tmp_path / "sub", hand, found)
    assert changed == ["grade/test.py"]                    # alarm.c is graded; build/ skipped
    assert "grade/test.py" in submission.flag_note(changed)
    assert submission.flag_note([]) is None
    patch = tmp_path / "p.patch"
    patch.write_text("diff --git a/kernel/trap/alarm.c b/kernel/trap/alarm.c\n"
                     "--- a/kernel/trap/alarm.c\n+++ b/kernel/trap/alarm.c\n@@ -1 +1 @@\n-a\n+b\n"
                     "--- a/Makefile\t2020\n+++ b/Makefile\t2020\n@@ -1 +1 @@\n-a\n+b\n")
    assert batch_grade.patched_paths(patch) == {"kernel/trap/alarm.c", "Makefile"}


def test_report_prints_a_shared_message_once(tmp_path):
    lab = types.SimpleNamespace(name="syscall", title="t", tests=[], max_points=20)
    msg = "build failed (`make all` exited 2); last lines of its output:\na\nb\nc"
    tests = [dict(lab="syscall", test=f"test_{i}", nodeid=f"n{i}", points=0, max_points=10,
                  outcome="failed", kind="build failed", duration=0.0, message=msg)
             for i in range(2)]
    oc = batch_grade.Outcome("s", tmp_path / "s.tgz", max_score=20, note="build failed",
                             tests=tests)
    batch_grade.write_report(oc, lab, tmp_path)
    text = (tmp_path / "s.txt").read_text()
    assert text.count("last lines of its output") == 1
    assert "(the same message as above)" in text


def test_patch_applies_only_to_editable_files(tmp_path):
    hand = tmp_path / "handout"
    for rel in EDITABLE + ["Makefile"]:
        (hand / rel).parent.mkdir(parents=True, exist_ok=True)
        (hand / rel).write_text("line\n")
    patch = tmp_path / "s.patch"
    patch.write_text("".join(
        f"--- a/{rel}\n+++ b/{rel}\n@@ -1 +1 @@\n-line\n+changed\n"
        for rel in ("kernel/trap/alarm.c", "Makefile")))
    dest = batch_grade.unpack(patch, tmp_path / "x", hand, EDITABLE)
    assert (dest / "kernel/trap/alarm.c").read_text() == "changed\n"
    assert not (dest / "Makefile").exists()


def test_student_names():
    assert batch_grade.student_name(Path("ada.tar.gz")) == "ada"
    assert batch_grade.student_name(Path("bob.patch")) == "bob"


# ---------------------------------------------------------------- gradescope

def test_gradescope_zip_layout(tmp_path):
    z = gradescope.make_bundle(REPO, "util", tmp_path / "g.zip")
    with zipfile.ZipFile(z) as zf:
        names = set(zf.namelist())
        modes = {i.filename: (i.external_attr >> 16) & 0o777 for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "handout/labs/HANDOUT",
            "handout/grade/gradescope/autograde.py", "handout/user/labs/find.c"} <= names
    assert modes["run_autograder"] & 0o100 and modes["setup.sh"] & 0o100
    assert modes["handout/tools/deps.sh"] & 0o100
    assert not any(n.startswith("handout/build/") for n in names)
    out = gradescope.unpack_bundle(z, tmp_path / "src")
    assert os.access(out / "run_autograder", os.X_OK)
    bash = subprocess.run(["bash", "-n", str(out / "run_autograder")])
    assert bash.returncode == 0
