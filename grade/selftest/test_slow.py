"""End-to-end runs of grade/batch and the Gradescope bundle; minutes, not
seconds, so `make test` skips them: run `make selftest`
(ZENITH_SLOW_SELFTEST=1)."""

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from labs import gradescope, handout, markers  # noqa: E402
import submissions  # noqa: E402

import manifest  # noqa: E402

pytestmark = [
    pytest.mark.skipif(os.environ.get("ZENITH_SLOW_SELFTEST") != "1",
                       reason="slow: run with `make selftest`"),
    pytest.mark.skipif(manifest.handout_lab(REPO) is not None,
                       reason="lab tools run in the reference tree"),
    pytest.mark.zenith_timeout(3600),
]


def test_batch_grades_a_varied_class(tmp_path):
    hand = tmp_path / "handout"
    handout.make_handout(REPO, submissions.LAB, hand)
    expected = submissions.make_submissions(tmp_path / "subs", hand)
    out = tmp_path / "out"
    proc = subprocess.run([str(REPO / "grade" / "batch"), str(tmp_path / "subs"),
                           "--lab", submissions.LAB, "--out", str(out), "--jobs", "2"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    with open(out / "gradebook.csv") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    got = {name: float(r["score"]) for name, r in rows.items()}
    assert got == {k: float(v) for k, v in expected.items()}, proc.stdout
    assert rows["nobuild"]["note"] == "build failed"
    nobuild = (out / "reports" / "nobuild.txt").read_text()
    assert nobuild.count("error:") == 1, nobuild          # the build failure, once
    assert "(the same message as above)" in nobuild
    assert "untouched handout was graded" in rows["untouched"]["note"]
    tampered = (out / "reports" / "tampered.txt").read_text()
    assert "changed but not graded" in tampered
    for name in ("grade/labs/test_syscall.py", "labs/syscall/lab.toml", "Makefile"):
        assert name in tampered, name
    panics = (out / "reports" / "panics.txt").read_text()
    assert f"full console log: {out / 'work' / 'panics' / 'logs'}" in panics
    assert "kernel panic" in (out / "reports" / "panics.txt").read_text()
    assert "timeout" in (out / "reports" / "hangs.txt").read_text()
    assert not (tmp_path / "kernel").exists()         # the ../ path went nowhere
    report = json.loads((out / "reports" / "correct.json").read_text())
    assert report["score"] == 110 and len(report["tests"]) == 14
    essay = report["tests"][-1]
    assert "written answers" in essay["name"] and (essay["score"], essay["max_score"]) == (0, 0)
    assert "My answer 4." in essay["output"]
    assert rows["correct"]["written answers"] == "4/4 answered"
    assert rows["untouched"]["written answers"] == "unanswered"
    assert "My answer 2." in (out / "reports" / "correct.txt").read_text()
    assert "UNANSWERED" in (out / "reports" / "untouched.txt").read_text()


def test_gradescope_bundle_grades_a_fake_autograder_tree(tmp_path):
    z = gradescope.make_bundle(REPO, "util", tmp_path / "util.zip")
    root = tmp_path / "autograder"
    gradescope.unpack_bundle(z, root / "source")
    sub = root / "submission"
    sub.mkdir()
    for name in ("pause.c", "fanout.c"):          # find.c not done: loses its 35 points
        (sub / name).write_text(markers.strip(REPO / "user" / "labs" / name, 1, 1))
    env = dict(os.environ, AUTOGRADER_ROOT=str(root))
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(var, None)
    subprocess.run([str(root / "source" / "setup.sh")], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([str(root / "source" / "run_autograder")], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 65, results
    by_name = {t["name"]: t for t in results["tests"]}
    assert by_name["util: test_find_tree"]["status"] == "failed"
    assert by_name["util: test_pause_waits"]["status"] == "passed"
    assert "user/labs/pause.c" in results["output"]
    essay = by_name["util: written answers (needs manual grading (0 automatic points))"]
    assert (essay["score"], essay["max_score"], essay["status"]) == (0, 0, "failed")
    assert "UNANSWERED" in essay["output"]
    for t in results["tests"]:
        assert "def test_" not in t["output"]             # never the test's source
