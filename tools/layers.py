#!/usr/bin/env python3
"""The kernel's layers: which subsystem folder includes which (issue 12).

  tools/layers.py            print the folders from the lowest layer up, and
                             every arrow that points up (a "back-edge")
  tools/layers.py --check    exit 1 when the back-edges differ from the list
                             kept in docs/book/01-boot-and-structure.md

Kernel code names a subsystem's header by folder ("mm/vm.h"), so the arrows
are the include lines. A header at the top of kernel/ is the ABI user
programs see, below every layer, and is not an arrow.
"""
import argparse
import re
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KERNEL = REPO / "kernel"
BOOK = REPO / "docs" / "book" / "01-boot-and-structure.md"

# Lowest first: a folder may include the headers of the folders before it.
ORDER = ("lib", "dev", "mm", "proc", "sched", "fs", "cap", "cell", "syscall", "trap", "boot")

INCLUDE = re.compile(r'^#include "([a-z]+)/[a-z_0-9]+\.h"', re.M)
# A kept back-edge in the book's table: | `dev` -> `proc` | ... |
KEPT_ROW = re.compile(r"^\|\s*`([a-z]+)`\s*(?:->|→)\s*`([a-z]+)`\s*\|", re.M)


def arrows():
    """{(from_folder, to_folder): sorted file names} for every include across folders."""
    found = defaultdict(set)
    for path in sorted(KERNEL.glob("*/*")):
        if path.suffix not in (".c", ".h", ".S"):
            continue
        src = path.parent.name
        for dst in INCLUDE.findall(path.read_text()):
            if dst != src:
                found[(src, dst)].add(path.name)
    return found


def problems(found):
    """Folders missing from ORDER, or includes of a folder that does not exist."""
    folders = {p.name for p in KERNEL.iterdir() if p.is_dir()}
    out = [f"kernel/{f}/ is not in tools/layers.py ORDER" for f in sorted(folders - set(ORDER))]
    out += [f"{sorted(files)[0]} includes {dst}/..., no such folder"
            for (src, dst), files in found.items() if dst not in folders]
    return out


def back_edges(found):
    rank = {name: i for i, name in enumerate(ORDER)}
    return {edge: files for edge, files in found.items()
            if edge[1] in rank and edge[0] in rank and rank[edge[1]] > rank[edge[0]]}


def kept_in_book():
    return set(KEPT_ROW.findall(BOOK.read_text()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true",
                    help="fail when the back-edges differ from the book's list")
    args = ap.parse_args()
    found = arrows()
    back = back_edges(found)
    bad = problems(found)
    print("layers, lowest first: " + " < ".join(ORDER))
    print(f"{len(found)} folder-to-folder arrows, {len(back)} of them point up:")
    for (src, dst), files in sorted(back.items()):
        print(f"  {src} -> {dst}: {', '.join(sorted(files))}")
    if not args.check:
        return 0
    kept = kept_in_book()
    new, gone = set(back) - kept, kept - set(back)
    for src, dst in sorted(new):
        bad.append(f"new back-edge {src} -> {dst} ({', '.join(sorted(back[(src, dst)]))}): "
                   f"remove it, or list it with its reason in {BOOK.relative_to(REPO)}")
    for src, dst in sorted(gone):
        bad.append(f"{src} -> {dst} is listed in {BOOK.relative_to(REPO)} but no longer exists: "
                   "drop it from the list")
    for line in bad:
        print("layers: " + line, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
