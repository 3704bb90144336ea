"""Gradescope's side of grading one submission (called by run_autograder).

Puts only the lab's editable files and its written answers from the
submission onto the handout copy at --tree (grade/submission.py), grades the
lab (grade/run_grade.py: its results.json shows the written answers as a
0-point entry that needs manual grading, grade/written.py), and
leaves results.json in --results; if anything goes wrong it still writes a
results.json that says what, so Gradescope never shows a bare error.
"""

import argparse
import json
import os
import sys
import traceback
from pathlib import Path

GRADE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(GRADE))

import manifest  # noqa: E402
import run_grade  # noqa: E402
import submission  # noqa: E402


def fail_results(results, lab, why):
    tests = [{"name": f"{lab.name}: {t.short}", "score": 0, "max_score": t.points,
              "status": "failed", "output": why, "visibility": "visible"}
             for t in lab.tests] if lab else []
    (results / "results.json").write_text(json.dumps(
        {"score": 0, "output": why, "tests": tests}, indent=2) + "\n")


# Gradescope's default machine has 2 vCPUs that are slower than a desktop's:
# at most 2 QEMUs at a time (ZENITH_JOBS overrides); run_autograder also sets
# ZENITH_TIMEOUT_SCALE=2 unless it is set.
MAX_WORKERS = 2


def workers():
    raw = os.environ.get("ZENITH_JOBS")
    if raw:
        return max(1, int(raw))
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--submission", required=True)
    ap.add_argument("--tree", required=True)
    ap.add_argument("--results", required=True)
    args = ap.parse_args()
    tree, results = Path(args.tree), Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    lab = None
    try:
        lab = manifest.find_lab(tree, manifest.handout_lab(tree))
        found, notes = submission.find(args.submission, lab.collected)
        flagged = submission.flag_note(submission.changed_elsewhere(args.submission, tree,
                                                                    found))
        notes += [flagged] if flagged else []
        taken = submission.overlay(found, tree)
        status, details = run_grade.grade([lab], results, jobs=str(workers()))
        res_file = results / "results.json"
        if not res_file.exists():
            fail_results(results, lab, f"the grader stopped (exit status {status}) "
                                       "before writing results")
            return
        data = json.loads(res_file.read_text())
        data["output"] = ("Graded from your submission: " + (", ".join(taken) or "nothing") +
                          "".join(f"\n{n}" for n in notes))
        res_file.write_text(json.dumps(data, indent=2) + "\n")
    except Exception:
        fail_results(results, lab, "the autograder failed:\n" + traceback.format_exc())


if __name__ == "__main__":
    main()
