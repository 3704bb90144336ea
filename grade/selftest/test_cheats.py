"""The cheat corpus: every patch in grade/selftest/cheats/ forges a lab's
results instead of doing the work (forged lines, hard-coded answers, ...);
applied to the reference tree, it must score 0 on the tests it targets.

A patch file starts with what the cheat does and a "Targets:" paragraph
(test ids relative to grade/labs/, continued on indented lines), then the
unified diff (`patch -p1`, against the reference tree). The corpus also
holds classic bugs whose failure must say what is wrong: a "Message:"
line is a regular expression every targeted failure must match. Each cheat is built
in a copy of this tree (its build/ too, so the build is incremental) and
only its targets run. Minutes: `make selftest` (ZENITH_SLOW_SELFTEST=1).
"""

import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import manifest
import zenith

CHEATS = Path(__file__).resolve().parent / "cheats"

pytestmark = [
    pytest.mark.skipif(os.environ.get("ZENITH_SLOW_SELFTEST") != "1",
                       reason="slow: run with `make selftest`"),
    pytest.mark.skipif(manifest.handout_lab(zenith.REPO) is not None,
                       reason="cheats are patches against the reference tree"),
    pytest.mark.zenith_timeout(1800),
]


def targets_of(patch_text):
    """The test ids a cheat's header names (the Targets: paragraph)."""
    ids, reading = [], False
    for line in patch_text.splitlines():
        if line.startswith("Targets:"):
            reading = True
            ids += line[len("Targets:"):].split()
        elif reading and line[:1] in (" ", "\t"):
            ids += line.split()
        else:
            reading = False
    return ids


def message_of(patch_text):
    """The Message: regex a cheat's header gives, or None."""
    m = re.search(r"^Message: (.+)$", patch_text, re.M)
    return m.group(1).strip() if m else None


def _copy_tree(dest):
    """This tree, its build/ included (mtimes kept), without grade/out."""
    dest.mkdir()
    pack = subprocess.Popen(["tar", "-C", str(zenith.REPO), "--exclude=./grade/out",
                             "--exclude=./.git", "-cf", "-", "."], stdout=subprocess.PIPE)
    subprocess.run(["tar", "-C", str(dest), "-xf", "-"], stdin=pack.stdout, check=True)
    assert pack.wait() == 0


def _outcomes(junit):
    """{test name: ("passed" | "failed" | "skipped", failure text)} from a
    JUnit XML file."""
    got = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        kinds = {child.tag for child in case}
        text = "".join((child.get("message") or "") + (child.text or "") for child in case
                       if child.tag in ("failure", "error"))
        got[case.get("name")] = ("failed" if kinds & {"failure", "error"} else
                                 "skipped" if "skipped" in kinds else "passed", text)
    return got


@pytest.mark.parametrize("cheat", sorted(p.name for p in CHEATS.glob("*.patch")))
def test_cheat_scores_zero(cheat, tmp_path):
    text = (CHEATS / cheat).read_text()
    targets = targets_of(text)
    assert targets, f"{cheat} names no Targets:"
    tree = tmp_path / "tree"
    _copy_tree(tree)
    applied = subprocess.run(["patch", "-p1", "--no-backup-if-mismatch", "-i",
                              str(CHEATS / cheat)], cwd=tree, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
    assert applied.returncode == 0, f"{cheat} no longer applies:\n{applied.stdout}"
    env = zenith._make_env()
    built = subprocess.run(["make", "--no-print-directory", "all"], cwd=tree, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert built.returncode == 0, f"{cheat} does not build (so it proves nothing):\n" \
        + built.stdout[-3000:]
    junit = tmp_path / "junit.xml"
    subprocess.run(["/usr/bin/python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "2",
                    f"--junitxml={junit}", *[f"grade/labs/{t}" for t in targets]],
                   cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    got = _outcomes(junit)
    names = [t.split("::")[-1] for t in targets]
    missing = [n for n in names if n not in got]
    assert not missing, f"{cheat}: targets that did not run: {missing}"
    scored = [n for n in names if got[n][0] != "failed"]
    assert not scored, f"{cheat} still scores on {scored}"
    wanted = message_of(text)
    unclear = [n for n in names if wanted and not re.search(wanted, got[n][1])]
    assert not unclear, f"{cheat}: the failure of {unclear} does not say /{wanted}/:\n" \
        + "\n".join(got[n][1][:2000] for n in unclear)
