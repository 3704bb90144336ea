#!/usr/bin/env python3
"""make gradebench: how long grading one submission takes, lab by lab.

Grades each lab on this tree (the reference: every point earned) the way
`make grade LAB=<lab>` does, one lab at a time, and prints per lab the
wall-clock seconds, the tests' own seconds added up, and the points. With
--write the table goes into docs/results/grading.md. Figures depend on the
host: the ones in the docs were measured on a 2-core machine with -n 2.

    tools/gradebench.py [-n WORKERS] [--lab NAME ...] [--write]
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "grade"))

import manifest  # noqa: E402
import run_grade  # noqa: E402

PAGE = REPO / "docs" / "results" / "grading.md"


def measure(lab, jobs):
    """(wall seconds, sum of the tests' seconds, points, max points)."""
    with tempfile.TemporaryDirectory(prefix=f"gradebench-{lab.name}-") as out:
        start = time.monotonic()
        with open(os.devnull, "w") as quiet:
            _, details = run_grade.grade([lab], out, jobs=str(jobs), stdout=quiet)
        wall = time.monotonic() - start
    if details is None:
        return wall, 0.0, 0, lab.max_points
    busy = sum(t["duration"] for t in details["tests"])
    return wall, busy, details["score"], details["max_score"]


def table(rows, jobs):
    lines = [f"| lab | tests | wall (s, -n {jobs}) | tests' own time (s) | points |",
             "|---|---|---|---|---|"]
    for lab, (wall, busy, got, most) in rows:
        lines.append(f"| {lab.name} | {len(lab.tests)} | {wall:.0f} | {busy:.0f} | "
                     f"{got:g}/{most} |")
    total = sum(r[0] for _, r in rows)
    lines.append(f"| all | {sum(len(lab.tests) for lab, _ in rows)} | {total:.0f} | "
                 f"{sum(r[1] for _, r in rows):.0f} | |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--jobs", type=int, default=2, help="pytest workers (default 2)")
    ap.add_argument("--lab", action="append", help="only this lab (repeatable)")
    ap.add_argument("--write", action="store_true", help=f"write {PAGE.relative_to(REPO)}")
    args = ap.parse_args()
    labs = manifest.load_labs(REPO)
    if args.lab:
        labs = [lab for lab in labs if lab.name in args.lab]
    rows = []
    for lab in labs:
        rows.append((lab, measure(lab, args.jobs)))
        wall, busy, got, most = rows[-1][1]
        print(f"gradebench: {lab.name}: {wall:.0f} s wall, {busy:.0f} s of tests, "
              f"{got:g}/{most}", flush=True)
    text = table(rows, args.jobs)
    print(text)
    if args.write:
        PAGE.write_text(
            "# Grading speed\n\nWritten by `make gradebench` (tools/gradebench.py): the time "
            "`make grade LAB=<lab>` takes\non the reference tree (every point earned), one lab "
            f"at a time, with {args.jobs} pytest\nworkers (QEMUs at once). Wall time is what a "
            "student waits; the tests' own time\nadded up is what a single worker would take. "
            f"Host: {os.cpu_count()} cores, shared with whatever else runs on it (the "
            f"figures are\nupper bounds on a loaded host).\n\n{text}\n")
        print(f"gradebench: wrote {PAGE}")
    if any(r[2] < r[3] for _, r in rows):
        sys.exit("gradebench: the reference lost points (see `make grade`): figures invalid")


if __name__ == "__main__":
    main()
