"""Grade a class: the logic behind grade/batch (see its --help).

For every submission in a folder (a git repository, a plain folder, a
.tar.gz/.tgz/.tar/.zip archive, or a .patch/.diff against the handout):
  1. unpack it into its own scratch folder (archives: regular files only,
     no absolute or ../ paths, size limits; git: a clone of HEAD; patches:
     `git apply` of the hunks for editable files onto a handout copy),
  2. copy the clean, already built handout to a tree of its own and put only
     the lab's editable files and its written answers from the submission on
     it (grade/submission.py, grade/written.py),
  3. grade that tree in its own process group, with its own pytest temp
     dir, under an overall time limit: run_grade.py --lab <lab>.
Submissions are graded `jobs` at a time. The output folder gets
gradebook.csv (one row per student, a column per test), reports/<student>.txt
and reports/<student>.json (Gradescope format), and work/<student>/ with the
console logs.
"""

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import manifest
import submission
import written
from scoring import fmt, table_lines
from zenith import scaled

GRADE = Path(__file__).resolve().parent
REPO = GRADE.parent

ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar", ".zip")
PATCH_SUFFIXES = (".patch", ".diff")
MAX_ARCHIVE_BYTES = 64 << 20
MAX_ARCHIVE_MEMBERS = 20000
DEFAULT_TIMEOUT = 1800        # seconds for one submission, before ZENITH_TIMEOUT_SCALE


class SubmissionError(Exception):
    """The submission cannot be read; it scores 0 with this reason."""


@dataclass
class Outcome:
    student: str
    source: Path
    score: float = 0
    max_score: int = 0
    note: str = ""                              # why a whole submission got 0
    taken: list = field(default_factory=list)   # editable files (and answers) taken
    notes: list = field(default_factory=list)
    tests: list = field(default_factory=list)   # details.json entries
    written: dict = None                        # written.collect(), None if unread
    seconds: float = 0.0


def student_name(path):
    name = path.name
    for suffix in ARCHIVE_SUFFIXES + PATCH_SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def list_submissions(folder):
    subs = []
    for p in sorted(Path(folder).iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_dir() or p.name.endswith(ARCHIVE_SUFFIXES + PATCH_SUFFIXES):
            subs.append(p)
    names = [student_name(p) for p in subs]
    dups = {n for n in names if names.count(n) > 1}
    if dups:
        raise SubmissionError(f"two submissions per student: {', '.join(sorted(dups))}")
    return subs


# ---------------------------------------------------------------- unpacking

def _safe_member_path(name):
    p = Path(name)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        return None
    return p


def _extract_tar(archive, dest):
    total = 0
    try:
        with tarfile.open(archive) as tar:
            members = tar.getmembers()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise SubmissionError(f"the archive has {len(members)} entries")
            for m in members:
                rel = _safe_member_path(m.name)
                if rel is None or not m.isreg():
                    continue          # links, devices, ../ paths: ignored
                total += m.size
                if total > MAX_ARCHIVE_BYTES:
                    raise SubmissionError("the archive's files are too large")
                src = tar.extractfile(m)
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "wb") as f:
                    shutil.copyfileobj(src, f)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise SubmissionError(f"cannot read the archive: {e}") from None


def _extract_zip(archive, dest):
    total = 0
    try:
        with zipfile.ZipFile(archive) as z:
            infos = z.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                raise SubmissionError(f"the archive has {len(infos)} entries")
            for info in infos:
                rel = _safe_member_path(info.filename)
                is_link = (info.external_attr >> 16) & 0o170000 == 0o120000
                if rel is None or info.is_dir() or is_link:
                    continue
                total += info.file_size
                if total > MAX_ARCHIVE_BYTES:
                    raise SubmissionError("the archive's files are too large")
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(info) as src, open(target, "wb") as f:
                    shutil.copyfileobj(src, f)
    except (zipfile.BadZipFile, OSError) as e:
        raise SubmissionError(f"cannot read the archive: {e}") from None


def _git(args, cwd=None, timeout=120):
    # A submitted repository's own config and hooks must not run anything.
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0",
               HOME=str(cwd or "/nonexistent"))
    return subprocess.run(["git", "-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null",
                           "-c", "core.fsmonitor=false", "-c", "protocol.file.allow=always"]
                          + args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace",
                          timeout=timeout)


def _from_git(repo, dest):
    proc = _git(["clone", "-q", "--no-hardlinks", "--depth", "1", f"file://{repo.resolve()}",
                 str(dest)])
    if proc.returncode != 0:
        raise SubmissionError(f"cannot clone the repository: {proc.stdout.strip()[-500:]}")


def _from_patch(patch, dest, handout, editable):
    """Apply the patch's hunks for editable files to a copy of those files."""
    for rel in editable:
        if (handout / rel).is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(handout / rel, dest / rel)
    includes = [f"--include={rel}" for rel in editable]
    proc = _git(["apply", "--whitespace=nowarn", *includes, str(patch.resolve())], cwd=dest)
    if proc.returncode != 0:
        raise SubmissionError("the patch does not apply to the handout:\n" +
                              proc.stdout.strip()[-1500:])


def patched_paths(patch):
    """The files a patch changes (its "+++ b/..." and "diff --git" lines)."""
    paths = set()
    for line in Path(patch).read_text(errors="replace").splitlines():
        if line.startswith("+++ ") and line[4:].strip() != "/dev/null":
            paths.add(line[4:].strip().split("\t")[0].removeprefix("b/"))
        elif line.startswith("diff --git "):
            parts = line.split()
            if len(parts) >= 4:
                paths.add(parts[3].removeprefix("b/"))
    return paths


def ignored_changes(source, files, found, handout, editable):
    """Files the submission changes that the lab does not let students edit."""
    if source.name.endswith(PATCH_SUFFIXES):
        return sorted(p for p in patched_paths(source) if p not in editable)
    if source.is_dir() and not (source / ".git").exists():
        # Only the editable files were copied: compare the folder itself.
        found = {w: source / p.relative_to(files) for w, p in found.items()}
        files = source
    return submission.changed_elsewhere(files, handout, found)


def unpack(source, dest, handout, editable):
    """Put the submission's files in `dest` (a new folder); returns dest."""
    dest.mkdir(parents=True)
    name = source.name
    if source.is_dir():
        if (source / ".git").exists():
            shutil.rmtree(dest)
            _from_git(source, dest)
        else:
            for want in editable:        # copy nothing the grader will not use
                for p in source.rglob(Path(want).name):
                    if p.is_file() and not p.is_symlink():
                        rel = p.relative_to(source)
                        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(p, dest / rel)
    elif name.endswith(".zip"):
        _extract_zip(source, dest)
    elif name.endswith(ARCHIVE_SUFFIXES):
        _extract_tar(source, dest)
    elif name.endswith(PATCH_SUFFIXES):
        _from_patch(source, dest, handout, editable)
    else:
        raise SubmissionError(f"unknown kind of submission: {name}")
    return dest


# ---------------------------------------------------------------- grading one

def _kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def grade_tree(tree, lab, out, workers, timeout, log_path):
    """run_grade.py on `tree` in a process group of its own; returns details."""
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    env["PYTHONPATH"] = str(tree / "grade")
    argv = [sys.executable, str(tree / "grade" / "run_grade.py"), "--lab", lab.name,
            "--out", str(out), "-n", str(workers), f"--basetemp={tree / 'build' / 'pytest-tmp'}"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(argv, cwd=tree, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            proc.wait()
            return None, f"grading took longer than {timeout:.0f} s and was stopped"
        finally:
            _kill_group(proc)       # QEMUs or workers left behind, if any
    details = out / "details.json"
    if not details.exists():
        return None, f"the grader stopped without results (see {log_path})"
    return json.loads(details.read_text()), None


def zero_tests(lab, why):
    return [dict(lab=lab.name, nodeid=t.nodeid, test=t.short, points=0, max_points=t.points,
                 outcome="failed", kind="not graded", duration=0.0, message=why)
            for t in lab.tests]


def grade_one(source, lab, handout, work_root, workers, timeout, keep):
    student = student_name(source)
    oc = Outcome(student, source, max_score=lab.max_points)
    start = time.monotonic()
    work = work_root / student
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tree = work / "tree"
    try:
        files = unpack(source, work / "submission", handout, lab.collected)
        found, oc.notes = submission.find(files, lab.collected)
        flagged = submission.flag_note(ignored_changes(source, files, found, handout,
                                                       lab.collected))
        if flagged:
            oc.notes.append(flagged)
        shutil.copytree(handout, tree, symlinks=True)
        oc.taken = submission.overlay(found, tree)
        oc.written = written.collect(tree, lab)
        code = [f for f in oc.taken if f in lab.editable]
        details, why = grade_tree(tree, lab, work / "results", workers, timeout,
                                  work / "grade.log")
        if details is None:
            oc.note = why
            oc.tests = zero_tests(lab, why)
        else:
            oc.tests = details["tests"]
            oc.score = details["score"]
            kinds = {t["kind"] for t in oc.tests}
            if kinds == {"build failed"}:
                oc.note = "build failed"
            elif not code:
                oc.note = ("no editable file found in the submission: the untouched "
                           "handout was graded")
            elif all(found[f].read_bytes() == (handout / f).read_bytes() for f in code):
                oc.note = ("the editable files are the handout's, unchanged: the untouched "
                           "handout was graded")
        # The tree goes away (unless --keep); its logs are kept in work/logs.
        for t in oc.tests:
            t["message"] = (t.get("message") or "").replace(
                str(tree / "grade" / "out" / "logs"), str(work / "logs"))
    except SubmissionError as e:
        oc.note = str(e).splitlines()[0]
        oc.notes.append(str(e))
        oc.tests = zero_tests(lab, str(e))
    finally:
        oc.seconds = time.monotonic() - start
        logs = tree / "grade" / "out" / "logs"
        if logs.is_dir():
            shutil.copytree(logs, work / "logs", dirs_exist_ok=True)
        if not keep:
            shutil.rmtree(tree, ignore_errors=True)
    return oc


# ---------------------------------------------------------------- reports

def write_report(oc, lab, reports):
    lines = [f"Zenith lab {lab.name} ({lab.title})", f"student: {oc.student}",
             f"submission: {oc.source.name}",
             f"score: {fmt(oc.score)}/{oc.max_score}", ""]
    if oc.note:
        lines += [f"NOTE: {oc.note}", ""]
    lines.append("files graded from the submission: " + (", ".join(oc.taken) or "none"))
    lines += [f"  {n}" for n in oc.notes] + [""]
    lines += table_lines(oc.tests, [lab])
    if oc.written:
        lines += [written.headline(oc.written), ""]
    failed = [t for t in oc.tests if t["outcome"] != "passed"]
    if failed:
        lines.append("what went wrong:")
        shown = set()     # a message many tests share (a build failure) is printed once
        for t in failed:
            lines.append(f"--- {t['test']} ({fmt(t['points'])}/{t['max_points']}, {t['kind']})")
            message = t.get("message") or ""
            if message in shown and message.count("\n") > 2:
                lines += ["    (the same message as above)", ""]
                continue
            shown.add(message)
            lines += ["    " + x for x in message.splitlines()]
            lines.append("")
    if oc.written and oc.written["pairs"]:
        lines += [f"written answers, for an instructor to grade ({written.NEEDS_MANUAL}):", ""]
        lines += ["    " + x if x else "" for x in written.transcript(oc.written).splitlines()]
    (reports / f"{oc.student}.txt").write_text("\n".join(lines) + "\n")
    gradescope = {"score": oc.score, "max_score": oc.max_score, "tests": [
        {"name": f"{t['lab']}: {t['test']}", "score": t["points"], "max_score": t["max_points"],
         "status": "passed" if t["outcome"] == "passed" else "failed",
         "output": t.get("message") or "", "visibility": "visible"} for t in oc.tests]}
    if oc.written:
        gradescope["tests"].append(written.gradescope_test(oc.written))
    (reports / f"{oc.student}.json").write_text(json.dumps(gradescope, indent=2) + "\n")


def write_gradebook(outcomes, lab, path):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max", "note"] + [t.short for t in lab.tests] +
                   ["written answers"])
        for oc in outcomes:
            by_id = {t["nodeid"]: t["points"] for t in oc.tests}
            w.writerow([oc.student, fmt(oc.score), oc.max_score, oc.note] +
                       [fmt(by_id.get(t.nodeid, 0)) for t in lab.tests] +
                       [_written_cell(oc.written)])


def _written_cell(entry):
    """The gradebook's column for the written answers (graded by hand)."""
    if entry is None:
        return "not collected"
    if entry["status"] in ("answered", "partly answered"):
        return f"{entry['answered']}/{entry['questions']} answered"
    return entry["status"]


# ---------------------------------------------------------------- the class

def prepare_handout(lab, out, log):
    """Generate and build the clean handout every submission starts from."""
    sys.path.insert(0, str(REPO / "tools"))
    from labs import handout as handout_gen
    tree = out / "handout"
    if manifest.handout_lab(REPO):
        # Run inside a handout: use this very tree (minus its build) as the base.
        shutil.rmtree(tree, ignore_errors=True)
        shutil.copytree(REPO, tree, symlinks=True,
                        ignore=shutil.ignore_patterns("build", "out", ".git", "__pycache__"))
    else:
        handout_gen.make_handout(REPO, lab.name, tree)
    log(f"batch: building the clean {lab.name} handout in {tree}")
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    proc = subprocess.run(["make", "--no-print-directory", f"-j{os.cpu_count() or 1}", "all"],
                          cwd=tree, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise SubmissionError("the clean handout does not build:\n" + proc.stdout[-2000:])
    return tree


def grade_class(folder, lab_name, out, jobs=None, timeout=None, keep=False, log=print):
    lab = manifest.find_lab(REPO, lab_name)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    subs = list_submissions(folder)
    if not subs:
        raise SubmissionError(f"no submissions in {folder}")
    handout = prepare_handout(lab, out, log)
    cores = os.cpu_count() or 1
    jobs = jobs or max(1, cores)
    workers = max(1, cores // jobs)
    timeout = timeout or scaled(DEFAULT_TIMEOUT)
    reports = out / "reports"
    reports.mkdir(exist_ok=True)
    log(f"batch: {len(subs)} submission(s), {jobs} at a time, lab {lab.name} "
        f"({lab.max_points} points)")
    outcomes = []
    with ThreadPoolExecutor(jobs) as pool:
        futures = [pool.submit(grade_one, s, lab, handout, out / "work", workers, timeout, keep)
                   for s in subs]
        for fut in futures:
            oc = fut.result()
            write_report(oc, lab, reports)
            outcomes.append(oc)
            log(f"batch: {oc.student}: {fmt(oc.score)}/{oc.max_score}"
                f"{' (' + oc.note + ')' if oc.note else ''} [{oc.seconds:.0f} s]")
    write_gradebook(outcomes, lab, out / "gradebook.csv")
    log(f"batch: gradebook {out / 'gradebook.csv'}, reports in {reports}")
    return outcomes
