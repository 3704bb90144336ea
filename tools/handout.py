#!/usr/bin/env python3
"""make handout LAB=<name> [OUT=dir]: write a lab's student tree.

    tools/handout.py util                  -> build/handout/util/
    tools/handout.py util --out /tmp/h     -> /tmp/h
    tools/handout.py util --git            -> also `git init` it with one commit
"""

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from labs import handout, markers  # noqa: E402
import manifest  # noqa: E402  (grade/, put on sys.path by labs.handout)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("lab", help="lab name (a folder of labs/)")
    ap.add_argument("--out", help="output directory (default build/handout/<lab>)")
    ap.add_argument("--git", action="store_true", help="make it a git repository")
    args = ap.parse_args()
    if manifest.handout_lab(REPO):
        sys.exit("handout: this tree is itself a handout; run it in the reference tree")
    out = Path(args.out) if args.out else REPO / "build" / "handout" / args.lab
    try:
        info = handout.make_handout(REPO, args.lab, out)
        if args.git:
            handout.git_init(info["out"])
    except (handout.HandoutError, markers.MarkerError, manifest.ManifestError) as e:
        sys.exit(f"handout: {e}")
    dropped = f"; left out (later labs only): {', '.join(info['dropped'])}" \
        if info["dropped"] else ""
    print(f"handout {info['lab']}: {info['files']} files in {info['out']}{dropped}")


if __name__ == "__main__":
    main()
