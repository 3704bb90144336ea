"""Generate a lab's student handout from the reference tree.

    make_handout(repo, "syscall", out_dir)

The handout of lab N holds every file git tracks in the reference, each
C/assembly/header file cut by `unifdef -DSOL=N-1 -DLAB=N` (earlier labs'
answers in, this lab's and later ones' stubbed, later labs' scaffolding
out). A source file that unifdef leaves empty (it exists only for a later
lab) is left out. The tree gets its own README.md (pointing at the lab's
handout document and listing the files to edit) and the stamp file
labs/HANDOUT naming the lab. Before returning, the result is checked: no
lab marker is left in a source file, and no answer line that must be gone
(a canary, see markers.canaries) appears in any file of the handout.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from . import markers

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "grade"))
import manifest  # noqa: E402  (grade/manifest.py)


class HandoutError(Exception):
    pass


# Never in a handout: the cheat corpus (grade/selftest/cheats/) is made of
# patches against the reference, so it carries the answers; the reference
# answers to the written questions (labs/reference-answers/) are the
# instructors'.
INSTRUCTOR_ONLY = ("grade/selftest/cheats/", "labs/reference-answers/")


def tracked_files(repo):
    out = subprocess.run(["git", "-C", str(repo), "ls-files", "-z"], check=True,
                         stdout=subprocess.PIPE).stdout.decode()
    return [Path(p) for p in out.split("\0") if p and (Path(repo) / p).is_file()]


def _clear(out):
    """Remove a previous handout at `out`; refuse to delete anything else."""
    if not out.exists():
        return
    if not out.is_dir():
        raise HandoutError(f"{out} exists and is not a directory")
    if any(out.iterdir()) and not (out / manifest.HANDOUT_STAMP).exists():
        raise HandoutError(f"{out} is not empty and is not a handout: not removing it")
    shutil.rmtree(out)


def _readme(lab, original):
    files = "\n".join(f"- `{f}`" for f in lab.editable)
    return f"""# Zenith lab {lab.number}: {lab.title}

This tree is the handout for lab **{lab.name}**. Start with the lab's handout
document, [{lab.handout}]({lab.handout}): it states the goal, the background
to read, exactly what is graded, and hints.

The files you edit (the grader takes only these from your submission):

{files}
- `{lab.answers}`: the written questions; answer them in the file (an
  instructor grades them by hand)

    make qemu                  # build and boot; type 'halt' to leave
    make grade LAB={lab.name}   # grade this lab (build/, grade/out/results.json)
    make grade                 # this lab and the earlier ones

The earlier labs' answers are already in this tree. How to read a failure
and how to debug: [docs/student-guide.md](docs/student-guide.md).

---

{original}"""


def make_handout(repo, lab_name, out):
    """Write the handout of `lab_name` to `out`; return a summary dict."""
    repo, out = Path(repo).resolve(), Path(out).resolve()
    lab = manifest.find_lab(repo, lab_name)
    sol, labnum = lab.number - 1, lab.number
    files = [f for f in tracked_files(repo) if not f.as_posix().startswith(INSTRUCTOR_ONLY)]
    parsed, dropped, written = {}, [], []
    _clear(out)
    out.mkdir(parents=True)
    (out / manifest.HANDOUT_STAMP).parent.mkdir(parents=True)
    (out / manifest.HANDOUT_STAMP).write_text(lab.name + "\n")   # first: marks the tree
    for rel in files:
        src, dst = repo / rel, out / rel
        if markers.is_source(rel):
            text = src.read_text()
            parsed[str(rel)] = lines = markers.parse(text, str(rel))
            cut = markers.strip(src, sol, labnum) if any(l.directive for l in lines) else text
            if text.strip() and not cut.strip():
                dropped.append(str(rel))
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            dst.write_text(cut)
            shutil.copymode(src, dst)
        else:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)
        written.append(rel)
    for f in lab.collected:
        if not (out / f).is_file():
            raise HandoutError(f"lab {lab.name}: file {f} (editable, or the written "
                               "questions) is not in the handout")
    original = (out / "README.md").read_text() if (out / "README.md").exists() else ""
    (out / "README.md").write_text(_readme(lab, original))
    check_handout(out, written, parsed, sol, labnum)
    return {"lab": lab.name, "out": out, "files": len(written), "dropped": dropped}


def check_handout(out, files, parsed, sol, lab):
    """No marker in a source file, no canary anywhere. Raises HandoutError."""
    problems = []
    for rel in files:
        if markers.is_source(rel):
            for no in markers.leftover_markers((out / rel).read_text()):
                problems.append(f"{rel}:{no}: a lab marker is left")
    canaries = markers.canaries(parsed, sol, lab)
    if not canaries:
        raise HandoutError("no canary lines found: is the answer text marked at all?")
    for rel in files + [Path("README.md")]:
        try:
            text = (out / rel).read_text()
        except UnicodeDecodeError:
            continue
        for no, line in enumerate(text.splitlines(), 1):
            where = canaries.get(line.strip())
            if where:
                problems.append(f"{rel}:{no}: answer text from {where} is left: "
                                f"{line.strip()!r}")
    if problems:
        raise HandoutError("the handout leaks:\n  " + "\n  ".join(problems))
    return len(canaries)


def git_init(out):
    """Make the handout a git repository with one commit (what students clone)."""
    env = dict(os.environ, GIT_AUTHOR_NAME="Zenith", GIT_AUTHOR_EMAIL="zenith@localhost",
               GIT_COMMITTER_NAME="Zenith", GIT_COMMITTER_EMAIL="zenith@localhost")
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["commit", "-q", "-m", f"handout: {(out / manifest.HANDOUT_STAMP).read_text().strip()}"]):
        subprocess.run(["git", "-C", str(out)] + cmd, check=True, env=env)
