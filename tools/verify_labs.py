#!/usr/bin/env python3
"""make verify-labs: every handout builds and boots, passes the earlier labs'
tests and fails every test of its own lab; the reference passes them all.
See tools/labs/verify.py for the rules and labs/README.md for why.

    tools/verify_labs.py [-j TREES]      TREES graded at a time (default: cores)
    tools/verify_labs.py --skip-reference  only the handouts (what `make test` runs)
    tools/verify_labs.py --lab util [--lab syscall]   only these labs
    tools/verify_labs.py --quick       on each handout grade only the lab before
                                       it and its own (what `make test` runs)
"""

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from labs import verify  # noqa: E402
import manifest  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-j", "--parallel", type=int, default=None,
                    help="trees graded at the same time")
    ap.add_argument("--skip-reference", action="store_true",
                    help="do not grade the reference tree (make test already ran its lab tests)")
    ap.add_argument("--lab", action="append", default=[], metavar="NAME",
                    help="check only this lab's handout, and grade only this lab on the "
                         "reference (repeatable)")
    ap.add_argument("--quick", action="store_true",
                    help="on each handout grade only the lab just before it and its own")
    args = ap.parse_args()
    if manifest.handout_lab(REPO):
        print("verify-labs: this tree is a handout; verify-labs runs in the reference tree")
        return
    start = time.monotonic()
    problems = verify.verify(REPO, args.parallel, log=lambda s: print(s, flush=True),
                             reference=not args.skip_reference, only=args.lab,
                             quick=args.quick)
    took = time.monotonic() - start
    if problems:
        print(f"verify-labs: {len(problems)} problem(s) [{took:.0f} s]:", file=sys.stderr)
        for p in problems:
            print("  - " + p.replace("\n", "\n    "), file=sys.stderr)
        sys.exit(1)
    print(f"verify-labs: all labs verified [{took:.0f} s]")


if __name__ == "__main__":
    main()
