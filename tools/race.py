#!/usr/bin/python3
"""Repeat one in-guest suite on several harts in real time, to shake out
races (`make race SUITE=name N=20 [CPUS=3]`).

The interleavings of 3 harts change from boot to boot, so a race that
passes once may fail on the 7th run. Each run boots with run=<suite's
command> and must pass every case (the suite's "<TAG>-SUMMARY" line, as
grade/guest.py reads it), power off with status 0 and leave a disk that
grade/fsck.py accepts. A failing run is reported with its run number (the
fuzzer's seed is derived from it) and its console log, kept in
grade/out/logs/race-<suite>-<run>.log; the others' logs are removed.

  tools/race.py SUITE [-n N] [--cpus 3] [--seed S] [--results PAGE]
  suites: usertests captest chantest dirtest celltest killtest selfheal
          xv6tests schedtest fuzz crash, or all (each of them N times)
"""

import argparse
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import crashcheck  # noqa: E402
import fsck  # noqa: E402
import guest  # noqa: E402
import zenith  # noqa: E402
from results_page import kernel_commit, write_section  # noqa: E402

# suite -> (command, tag, kernel command line before run=). A suite with a
# tag prints "<TAG> <case> PASS|FAIL" lines and a summary; one without must
# exit 0 after printing its DONE_LINE, if it has one.
SUITES = {
    "usertests": ("usertests", "UT", ""),
    "captest": ("captest", "CT", ""),
    "chantest": ("chantest", "CT", ""),
    "dirtest": ("dirtest", "DT", ""),
    "celltest": ("celltest", "CL", ""),
    "killtest": ("killtest all", "KT", ""),
    "selfheal": ("selfheal all", "SH", "svc=on"),
    "xv6tests": ("xv6tests", None, ""),
    "schedtest": ("schedtest sleep_wakes_once switch refuse switch_load", None, ""),
    "fuzz": ("fuzz {seed} 24 4 300", None, ""),
}
# The cases that measure a CPU share against real time run on one hart
# under -icount only (as in make test: grade/tests/test_cells.py and
# test_supervisor.py): with several harts in real time, a host busier than
# its harts starves QEMU's vCPU threads and the shares mean nothing. On
# several harts a suite runs every case the test file names but those
# (selfheal's attacks too, which its "all" leaves out).
def cases_but_cpu_share(suite):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade" / "tests"))
    if suite == "celltest":
        import test_cells
        return [c for c in test_cells.CASES if c != "cpu_share"]
    import test_supervisor
    return [c for c in test_supervisor.CASES if c != "cpu"] + ["attacks"]


DONE_LINE = {"xv6tests": "ALL TESTS PASSED", "fuzz": "FZ-DONE"}


def one_run(suite, seed, cpus, tmp, log, timeout):
    """None if the run passed, else what went wrong."""
    if suite == "crash":
        delay = random.Random(seed).uniform(0.2, 2.0)
        out = crashcheck.crash_round(seed, 1 + seed % 3, cpus, zenith.FS_IMG, tmp, log, delay)
        return "; ".join(out.problems) or None
    cmd, tag, append = SUITES[suite]
    if cpus > 1 and suite in ("celltest", "selfheal"):
        cmd = f"{suite} " + " ".join(cases_but_cpu_share(suite))
    opts = zenith.BootOptions(cpus=cpus, icount=cpus == 1, append=append)
    res = zenith.run_to_exit(cmd.format(seed=seed), opts, tmp, log, timeout, name="race")
    if tag:
        guest.check_suite(res, suite, tag, 1)
    elif DONE_LINE.get(suite, "") not in res.output or res.status != 0:
        return f"{suite} did not finish cleanly (QEMU exit status {res.status})"
    errors = fsck.check(Path(tmp) / "race-fs.img").errors
    return "disk: " + "; ".join(errors[:5]) if errors else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("suite", choices=sorted(list(SUITES) + ["crash", "all"]))
    ap.add_argument("-n", type=int, default=10)
    ap.add_argument("--cpus", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--results", type=Path, default=None,
                    help="write the figures as the 'race' section of this page "
                         "(docs/results/reliability.md)")
    args = ap.parse_args()
    suites = sorted(list(SUITES) + ["crash"]) if args.suite == "all" else [args.suite]
    rows = [race(suite, args) for suite in suites]
    bad = [r.suite for r in rows if r.failed]
    if args.results:
        results_page(rows, args)
        print(f"wrote {args.results}")
    if len(suites) > 1:
        print(f"all suites on {args.cpus} hart(s): " +
              (f"failures in {', '.join(bad)}" if bad else f"{args.n} runs of each passed"))
    return 1 if bad else 0


@dataclass
class Outcome:
    suite: str
    runs: int
    failed: list          # (run number, seed, what went wrong)
    seconds: float


def results_page(rows, args):
    table = "\n".join(
        f"| {r.suite} | {r.runs} | {r.runs - len(r.failed)} | "
        f"{'; '.join(f'run {i} (seed {s}): {w}' for i, s, w in r.failed) or '-'} | "
        f"{r.seconds:.0f} s |" for r in rows)
    where = "1 hart under -icount" if args.cpus == 1 else f"{args.cpus} harts in real time"
    text = f"""## The suites on several harts

Written by `make race` (tools/race.py, `-n {args.n} --cpus {args.cpus} --seed {args.seed}`)
on kernel commit {kernel_commit()}.
Each run boots on {where} and must pass every case of the suite, power
off cleanly and leave a disk grade/fsck.py accepts. celltest and selfheal
leave out the cases that measure a CPU share against real time (they run on
one hart under -icount in `make test`); selfheal adds its attacks. *fuzz* is
a short fuzzer run (seed from the run number), *crash* one crash trial.

| suite | runs | passed | failures (run, seed: what) | wall time |
|---|---|---|---|---|
{table}
"""
    write_section(args.results, "race", text)


def race(suite, args):
    """Run suite args.n times; returns its Outcome."""
    failed = []
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="zenith-race-") as tmp:
        for i in range(args.n):
            seed = args.seed * 1000 + i
            log = zenith.LOG_DIR / f"race-{suite}-{i}.log"
            try:
                what = one_run(suite, seed, args.cpus, tmp, log, args.timeout)
            except AssertionError as e:   # zenith's failures and check_suite's
                lines = str(e).splitlines()   # the verdict, and the first failing case
                what = " ".join(x.strip() for x in lines[:2] if x.strip())
            if what:
                failed.append((i, seed, what))
                print(f"run {i} (seed {seed}): FAIL: {what}\n  console: {log}", flush=True)
            else:
                log.unlink(missing_ok=True)
                print(f"run {i} (seed {seed}): pass", flush=True)
    took = time.monotonic() - t0
    print(f"{suite} on {args.cpus} hart(s): {args.n - len(failed)}/{args.n} runs passed "
          f"({took:.0f} s)" + (f"; failed runs: {[i for i, _, _ in failed]}" if failed else ""))
    return Outcome(suite, args.n, failed, took)


if __name__ == "__main__":
    sys.exit(main())
