#!/usr/bin/env python3
"""`make grade [LAB=name]`: grade labs on this tree and print the points.

    grade/run_grade.py                 every lab (in a handout: its lab and
                                       the earlier ones)
    grade/run_grade.py --lab util      one lab (--lab vm,caps: these labs)
    grade/run_grade.py -n 4            pytest-xdist workers (default: one per core)
    grade/run_grade.py --out DIR       results.json, details.json, junit.xml
                                       (default grade/out/)

Runs pytest with the scoring plugin (grade/scoring.py) from this tree's
root, so the harness builds and boots this tree. Exit status 0 only when
every point was earned.
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

GRADE = Path(__file__).resolve().parent
REPO = GRADE.parent
sys.path.insert(0, str(GRADE))

import manifest  # noqa: E402


def pytest_argv(labs, out, jobs, extra=()):
    files = list(dict.fromkeys(f for lab in labs for f in lab.test_files))
    argv = [sys.executable, "-m", "pytest", f"--rootdir={REPO}", "-p", "scoring",
            "-p", "no:cacheprovider", "-q", "--tb=no", "-rN",
            f"--grade-labs={','.join(lab.name for lab in labs)}", f"--grade-out={out}",
            f"--junitxml={Path(out) / 'junit.xml'}"]
    if str(jobs) != "0":
        argv += ["-n", str(jobs)]
    return argv + list(extra) + files


def grade(labs, out, jobs="auto", extra=(), stdout=None):
    """Run the grader; returns (pytest exit status, details dict or None)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stale in ("results.json", "details.json", "junit.xml"):
        (out / stale).unlink(missing_ok=True)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GRADE), env.get("PYTHONPATH")]))
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):   # the harness runs its own make
        env.pop(var, None)
    proc = subprocess.run(pytest_argv(labs, out, jobs, extra), cwd=REPO, env=env,
                          stdout=stdout)
    details = out / "details.json"
    return proc.returncode, (json.loads(details.read_text()) if details.exists() else None)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lab", help="grade only this lab (or these, comma-separated)")
    ap.add_argument("--out", default=str(GRADE / "out"), help="output directory")
    ap.add_argument("-n", "--jobs", default="auto", help="parallel workers (0: none)")
    args, extra = ap.parse_known_args()
    try:
        labs = manifest.labs_to_grade(REPO, args.lab)
    except manifest.ManifestError as e:
        sys.exit(f"grade: {e}")
    status, details = grade(labs, args.out, args.jobs, extra)
    if details is None:
        print(f"grade: pytest stopped (exit status {status}) before any result was "
              "written; its output above says why", file=sys.stderr)
        sys.exit(status or 2)
    lost = details["score"] < details["max_score"]
    sys.exit(1 if lost else status)


if __name__ == "__main__":
    main()
