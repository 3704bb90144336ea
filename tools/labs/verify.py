"""`make verify-labs`: prove that every lab's handout is a fair starting point.

For each lab N, in build/verify/<name>/:
  1. generate the handout (tools/labs/handout.py: markers, canaries checked),
  2. build it (`make all`) and boot it to the shell and back (a boot check of
     its own, so a handout that does not boot fails verify-labs instead of
     looking like a failing test),
  3. grade labs 1..N on it: every test of an earlier lab must pass, and every
     test of lab N must fail *as a wrong answer* (a panic, a hang, a failed
     build or boot is a defect of the handout, not a proof that the test
     checks the lab's work).
And on the reference tree: every test of every lab passes.
The quick form (`quick=True`, what `make test` runs) grades on handout N only
labs N-1 and N: each handout still builds, boots and fails all its own tests
as wrong answers, and the lab just before it still passes; the full form
grades every earlier lab too (its cost grows with the square of the number
of labs: handout 10 would run the tests of all ten).

The trees are graded at the same time (one job per tree, each with its own
pytest-xdist workers), so the machine's cores stay busy. Handout files that
did not change since the last run keep their time stamps, so a second run
rebuilds only what changed.
"""

import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import handout

import manifest  # noqa: E402  (grade/, on sys.path through labs.handout)

KEEP = {"build", "grade/out"}      # never synced away: the tree's build and logs


@dataclass
class Job:
    name: str                      # "reference" or the lab's name
    tree: Path
    labs: list                     # labs to grade on the tree
    lab: object = None             # the handout's lab (None for the reference)
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0


def sync_tree(src, dst):
    """Make dst hold src's files, leaving identical files (and their time
    stamps) alone, and the KEEP directories untouched."""
    dst.mkdir(parents=True, exist_ok=True)
    wanted = set()
    for path in src.rglob("*"):
        rel = path.relative_to(src)
        wanted.add(rel)
        target = dst / rel
        if path.is_dir():
            target.mkdir(exist_ok=True)
        elif not (target.is_file() and filecmp.cmp(path, target, shallow=False)):
            shutil.copy2(path, target)
            os.utime(target)            # newer than any object built from the old one
    for path in sorted(dst.rglob("*"), reverse=True):
        rel = path.relative_to(dst)
        if any(rel == Path(k) or Path(k) in rel.parents for k in KEEP) or rel in wanted:
            continue
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()


def prepare(repo, lab, root):
    """Generate lab's handout into root/<name>, keeping an earlier build."""
    tree = root / lab.name
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        handout.make_handout(repo, lab.name, Path(tmp) / "h")
        sync_tree(Path(tmp) / "h", tree)
    return tree


def _env():
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    return env


def build(tree, jobs):
    proc = subprocess.run(["make", "--no-print-directory", f"-j{jobs}", "all"], cwd=tree,
                          env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors="replace")
    if proc.returncode != 0:
        return "\n".join(proc.stdout.splitlines()[-30:])
    return None


BOOT_CHECK = textwrap.dedent("""
    import sys, tempfile, zenith
    with tempfile.TemporaryDirectory() as tmp:
        try:
            r = zenith.run_to_exit("echo verify-boot-ok", zenith.BootOptions(cpus=3), tmp,
                                   zenith.LOG_DIR / "verify-boot.log", name="verify-boot")
        except AssertionError as e:
            sys.exit(str(e))
    if r.status != 0 or "verify-boot-ok" not in r.output:
        sys.exit(f"booted with run=echo, QEMU exited {r.status}; console:\\n{r.tail()}")
""")


def boot_check(tree):
    """None if the tree's kernel boots to a shell that runs a command and
    powers off cleanly, else why not."""
    env = _env()
    env["PYTHONPATH"] = str(tree / "grade")
    proc = subprocess.run([sys.executable, "-c", BOOT_CHECK], cwd=tree, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          errors="replace", timeout=300)
    if proc.returncode == 0:
        return None
    return proc.stdout.strip() or f"boot check exited {proc.returncode}"


def grade_tree(job, out, workers):
    """Grade job.labs on job.tree; returns the details dict (or None)."""
    env = _env()
    env["PYTHONPATH"] = str(job.tree / "grade")
    log = out / f"{job.name}.pytest.log"
    with open(log, "w") as f:
        subprocess.run([sys.executable, str(job.tree / "grade" / "run_grade.py"),
                        "--out", str(out / job.name), "-n", str(workers)]
                       + ["--lab", ",".join(lab.name for lab in job.labs)],
                       cwd=job.tree, env=env, stdout=f, stderr=subprocess.STDOUT)
    details = out / job.name / "details.json"
    if not details.exists():
        job.problems.append(f"the grader wrote no results; see {log}")
        return None
    return json.loads(details.read_text())


def judge(job, details):
    """Add to job.problems every way the results break the rules."""
    tests = details["tests"]
    for e in tests:
        name = f"{e['lab']}: {e['test']}"
        first = (e.get("message") or "").strip().splitlines()[:1]
        why = f"{e['kind']}: {first[0] if first else ''}"
        if job.lab is None or e["lab"] != job.lab.name:
            if e["outcome"] != "passed":
                where = "the reference" if job.lab is None else f"the {job.lab.name} handout"
                job.problems.append(f"{name} must pass on {where} ({why})")
        elif e["outcome"] == "passed" or e["points"] > 0:
            job.problems.append(f"{name} earns points on the untouched {job.lab.name} "
                                "handout: it does not test the lab's work")
        elif e["kind"] != "wrong answer":
            job.problems.append(f"{name} fails on the untouched handout for the wrong "
                                f"reason ({why}): a stub must fail cleanly")
    own = [e for e in tests if job.lab is not None and e["lab"] == job.lab.name]
    earlier = [e for e in tests if job.lab is None or e["lab"] != job.lab.name]
    if job.lab is None:
        job.notes.append(f"{sum(e['outcome'] == 'passed' for e in earlier)}/{len(earlier)} "
                         "lab tests pass")
    else:
        if earlier:
            job.notes.append(f"earlier labs: {sum(e['outcome'] == 'passed' for e in earlier)}"
                             f"/{len(earlier)} pass")
        job.notes.append(f"{job.lab.name}: {sum(e['outcome'] == 'failed' for e in own)}"
                         f"/{len(own)} fail")


def run_job(job, out, workers):
    start = time.monotonic()
    try:
        broke = build(job.tree, workers)
        if broke:
            job.problems.append(f"`make all` fails:\n{broke}")
            return job
        why = boot_check(job.tree)
        if why:
            job.problems.append(f"does not boot: {why}")
            return job
        job.notes.append("builds, boots")
        details = grade_tree(job, out, workers)
        if details is not None:
            judge(job, details)
    except Exception as e:     # report, never leave the other jobs hanging
        job.problems.append(f"verify-labs crashed: {type(e).__name__}: {e}")
    finally:
        job.seconds = time.monotonic() - start
    return job


def labs_for_handout(labs, lab, quick):
    """The labs graded on lab's handout: every lab up to it, or (quick) the
    one just before it and itself."""
    upto = [x for x in labs if x.number <= lab.number]
    return upto[-2:] if quick else upto


def verify(repo, parallel=None, log=print, reference=True, only=(), quick=False):
    """Run every check; returns the list of problems (empty: all good).
    reference=False leaves out grading the reference tree (`make test` has
    just run every lab test on it); `only` (lab names) checks just those
    labs' handouts, and grades just those labs on the reference; quick grades
    on each handout only the lab before it and its own (labs_for_handout)."""
    repo = Path(repo).resolve()
    root = repo / "build" / "verify"
    root.mkdir(parents=True, exist_ok=True)
    out = root / "out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    labs = manifest.load_labs(repo)
    unknown = sorted(set(only) - {lab.name for lab in labs})
    if unknown:
        return [f"no lab named {', '.join(unknown)} (labs: "
                f"{', '.join(lab.name for lab in labs)})"]
    chosen = [lab for lab in labs if not only or lab.name in only]
    jobs = [Job("reference", repo, chosen)] if reference else []
    problems = []
    for lab in chosen:
        try:
            tree = prepare(repo, lab, root)
        except Exception as e:
            problems.append(f"handout {lab.name}: {e}")
            continue
        jobs.append(Job(lab.name, tree, labs_for_handout(labs, lab, quick), lab))
    cores = os.cpu_count() or 1
    parallel = parallel or min(len(jobs), max(1, cores))
    workers = max(1, cores // parallel)
    # Longest first: the most tests to run.
    jobs.sort(key=lambda j: -sum(len(x.tests) for x in j.labs))
    log(f"verify-labs: {len(jobs)} trees, {parallel} at a time, {workers} pytest "
        f"worker(s) each{'; quick: each handout grades the lab before it and its own' if quick else ''}; logs in {out}")
    with ThreadPoolExecutor(parallel) as pool:
        for job in pool.map(lambda j: run_job(j, out, workers), jobs):
            what = "reference" if job.lab is None else f"handout {job.name}"
            status = "ok" if not job.problems else "FAILED"
            log(f"verify-labs: {what}: {status} ({'; '.join(job.notes)}) "
                f"[{job.seconds:.0f} s]")
            problems += [f"{what}: {p}" for p in job.problems]
    return problems
