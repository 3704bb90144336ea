"""Take a student's editable files, and only those, out of a submission.

A submission is a folder of files: a whole repository (possibly one level
down, zenith/kernel/alarm.c), or the loose files (alarm.c). For each file
the lab lets students edit (lab.toml `editable`), find() picks
  1. the file at that path, else at that path under a sub-folder (the
     shortest such path wins),
  2. else the only file with that name, if exactly one exists.
Everything else in the submission is ignored: tests, grader, Makefile and
other kernel files always come from the clean handout. Symbolic links and
oversized files are never taken.

changed_elsewhere() lists the files of the submission that differ from
the handout but are not editable: they are flagged in the report, never
taken.

Used by grade/batch (through batch_grade.py) and by Gradescope's
run_autograder.
"""

import os
import shutil
import stat
from pathlib import Path

MAX_FILE_BYTES = 1 << 20      # a source file bigger than 1 MiB is not a lab answer


def _regular_files(root):
    """Relative paths of the regular files under root (no symlinks, no .git)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            if stat.S_ISREG(st.st_mode):
                out.append(path.relative_to(root))
    return out


def find(root, editable):
    """({editable path: file in the submission}, [notes]) for `root`."""
    root = Path(root)
    files = _regular_files(root)
    found, notes = {}, []
    for want in editable:
        want_parts = Path(want).parts
        exact = [f for f in files if f.parts[-len(want_parts):] == want_parts]
        if exact:
            pick = min(exact, key=lambda f: (len(f.parts), str(f)))
        else:
            same_name = [f for f in files if f.name == Path(want).name]
            if len(same_name) == 1:
                pick = same_name[0]
            else:
                why = "not in the submission" if not same_name else \
                    f"{len(same_name)} files named {Path(want).name}, none at {want}"
                notes.append(f"{want}: {why}; the handout's version is graded")
                continue
        size = (root / pick).stat().st_size
        if size > MAX_FILE_BYTES:
            notes.append(f"{want}: {pick} is {size} bytes, over the limit; "
                         "the handout's version is graded")
            continue
        found[want] = root / pick
        if str(pick) != want:
            notes.append(f"{want}: taken from {pick}")
    return found, notes


def overlay(found, tree):
    """Copy the found files onto the handout tree at `tree`. The copies get
    the current time, so make rebuilds what depends on them."""
    tree = Path(tree).resolve()
    for want, src in found.items():
        dst = (tree / want).resolve()
        if tree not in dst.parents:
            raise ValueError(f"{want} is outside the tree")
        if dst.is_symlink():
            dst.unlink()
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        os.utime(dst)
    return sorted(found)


MAX_FLAGGED = 20
SKIP_DIRS = ("build", ".git", "grade/out")


def changed_elsewhere(root, handout, found):
    """Paths (relative to the handout) of files in the submission at `root`
    that exist in the handout with other contents and are not editable:
    changes the grader ignores. `found` is find()'s map; it tells where the
    repository starts inside the submission (it may be one level down)."""
    root, handout = Path(root), Path(handout)
    base = root
    for want, path in found.items():
        rel = path.relative_to(root)
        depth = len(rel.parts) - len(Path(want).parts)
        if depth >= 0 and rel.parts[depth:] == Path(want).parts:
            base = root.joinpath(*rel.parts[:depth])
            break
    changed = []
    for rel in _regular_files(base):
        name = rel.as_posix()
        if name in found or any(name == d or name.startswith(d + "/") for d in SKIP_DIRS):
            continue
        theirs, ours = base / rel, handout / rel
        try:
            if ours.is_file() and theirs.stat().st_size <= MAX_FILE_BYTES \
                    and theirs.read_bytes() != ours.read_bytes():
                changed.append(name)
        except OSError:
            continue
    return sorted(changed)


def flag_note(changed):
    """The report's line for changed_elsewhere()'s list (None when empty)."""
    if not changed:
        return None
    shown = ", ".join(changed[:MAX_FLAGGED])
    more = f" and {len(changed) - MAX_FLAGGED} more" if len(changed) > MAX_FLAGGED else ""
    return (f"changed but not graded (the lab does not let you edit them; the "
            f"handout's versions were used): {shown}{more}")
