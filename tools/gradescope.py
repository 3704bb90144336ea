#!/usr/bin/env python3
"""make gradescope LAB=<name>: write build/gradescope-<name>.zip
(setup.sh, run_autograder, the handout). See tools/labs/gradescope.py."""

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))

from labs import gradescope, handout, markers  # noqa: E402
import manifest  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: tools/gradescope.py LAB")
    try:
        print(f"gradescope: {gradescope.make_bundle(REPO, sys.argv[1])}")
    except (handout.HandoutError, markers.MarkerError, manifest.ManifestError) as e:
        sys.exit(f"gradescope: {e}")
