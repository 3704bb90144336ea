#!/usr/bin/python3
"""The system-call fuzzer's host half (`make fuzz`; user/tests/fuzz.c is the guest).

Each run boots with `run=fuzz SEED GENS PROCS BUDGET` on 1 hart (-icount) or
3 harts (real time) and reads the console until QEMU powers off. A run ends
as one of: clean, panic ("panic: " on the console), hang (no power-off in
time). Then grade/fsck.py checks the disk the run left. Calls are counted
from the guest's lines: a finished generation made BUDGET calls, one that
ended early at least BATCH per header it printed after the first.

On a panic the run is saved to OUT/panic-<cpus>h-<seed>.txt: the seed, one
`CANDIDATE <wseed> <cell> <last-call>` line per worker generation that was
still running (the panic's calls are among theirs) and the console's tail.
tools/fuzz_reduce.py takes that file and shrinks it.

  tools/fuzz.py [--seeds 1,2,3] [--cpus 1,3] [--gens N] [--procs P]
                [--budget B] [--results docs/results/reliability.md]
"""

import argparse
import concurrent.futures
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
import fsck  # noqa: E402
import zenith  # noqa: E402
from results_page import kernel_commit, write_section  # noqa: E402

BATCH = 50          # user/tests/fuzz.c's BATCH
HEADER_RE = re.compile(r"^FZ (\d+) (\d+) (\d+) (\d) (\d+)$", re.M)
REAP_RE = re.compile(r"^FZ-REAP (\d+) (\d+) (\w+)$", re.M)
DONE_RE = re.compile(r"^FZ-DONE gens=(\d+) done=(\d+) early=(\d+) timeout=(\d+) "
                     r"launchfail=(\d+)$", re.M)
OUT = zenith.OUT_DIR / "fuzz"


@dataclass
class Run:
    cpus: int
    seed: int
    outcome: str = "clean"          # clean, panic, hang
    calls: int = 0
    gens: int = 0
    timeouts: int = 0
    image_errors: list = field(default_factory=list)
    candidates: list = field(default_factory=list)   # (wseed, cell, last call)
    seconds: float = 0.0
    console: str = ""


def parse(run, console, budget):
    """Fill run's counts and panic candidates from the console."""
    last = {}      # (worker, gen) -> (wseed, cell, batch)
    for m in HEADER_RE.finditer(console):
        w, g, s, c, b = (int(x) for x in m.groups())
        last[(w, g)] = (s, c, b)
    reaped = {(int(m.group(1)), int(m.group(2))): m.group(3)
              for m in REAP_RE.finditer(console)}
    run.gens = len(last)
    run.timeouts = sum(1 for how in reaped.values() if how == "timeout")
    run.calls = sum(budget if reaped.get(k) == "done" else b * BATCH
                    for k, (_, _, b) in last.items())
    run.candidates = [(s, c, min(budget, (b + 1) * BATCH) - 1)
                      for k, (s, c, b) in last.items() if k not in reaped]


def boot_fuzz(command, cpus, workdir, log, timeout):
    """Boot with run=command; returns (outcome, console, disk path)."""
    vm = zenith.VM("fuzz", zenith.BootOptions(cpus=cpus, icount=cpus == 1,
                                              append=f"run={command}"), workdir, log)
    outcome = "clean"
    try:
        vm.spawn()
        vm.wait_exit(timeout)
    except zenith.KernelPanic:
        outcome = "panic"
    except zenith.WrongAnswer:
        outcome = "hang"
    finally:
        vm.close()
    if zenith.PANIC_RE.search(vm.console):
        outcome = "panic"
    return outcome, vm.console, vm.disk


def fuzz_once(cpus, seed, gens, procs, budget, workdir, timeout):
    run = Run(cpus, seed)
    log = zenith.LOG_DIR / f"fuzz-{cpus}h-{seed}.log"
    t0 = time.monotonic()
    run.outcome, run.console, disk = boot_fuzz(f"fuzz {seed} {gens} {procs} {budget}",
                                               cpus, workdir, log, timeout)
    run.seconds = time.monotonic() - t0
    parse(run, run.console, budget)
    if run.outcome == "clean" and not DONE_RE.search(run.console):
        run.outcome = "hang"   # powered off without finishing: the driver died
    try:
        run.image_errors = fsck.check(disk).errors
    except ValueError as e:
        run.image_errors = [f"unreadable image: {e}"]
    if run.outcome == "panic":
        save_panic(run)
    return run


def save_panic(run):
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"panic-{run.cpus}h-{run.seed}.txt"
    lines = [f"SEED {run.seed}", f"CPUS {run.cpus}"]
    lines += [f"CANDIDATE {s} {c} {n}" for s, c, n in run.candidates]
    lines += ["--- console tail ---", zenith.tail_of(run.console, 60)]
    path.write_text("\n".join(lines) + "\n")
    print(f"  panic saved to {path}; reduce with tools/fuzz_reduce.py {path}")


def results_page(runs, args, path):
    rows = []
    for cpus in args.cpus:
        mine = [r for r in runs if r.cpus == cpus]
        where = "1 hart, -icount" if cpus == 1 else f"{cpus} harts, real time"
        rows.append(f"| {where} | {len(mine)} | {sum(r.calls for r in mine):,} | "
                    f"{sum(r.gens for r in mine)} | {sum(r.timeouts for r in mine)} | "
                    f"{sum(r.outcome == 'panic' for r in mine)} | "
                    f"{sum(r.outcome == 'hang' for r in mine)} | "
                    f"{sum(len(r.image_errors) for r in mine)} | "
                    f"{sum(r.seconds for r in mine):.0f} s |")
    text = f"""## System-call fuzzer

Written by `make fuzz` (tools/fuzz.py); the method is in book section 5.16.
Kernel: commit {kernel_commit()}.

Each run boots Zenith with `run=fuzz SEED {args.gens} {args.procs} {args.budget}`
(user/tests/fuzz.c): {args.gens} worker generations, {args.procs} at a time, every
other one in a cell of its own, {args.budget} raw system calls each with
arguments drawn from the classes book 5.16 lists. Seeds: {", ".join(map(str, args.seeds))}.
*Calls* counts a finished generation's budget and, for one that died or was
killed, only the batches it started ({BATCH} calls each) but the last: a
lower bound. *Stuck* generations were blocked in a call for good (a read of
a pipe the worker holds both ends of, say) and were killed by the driver, as
designed. *Image errors* are grade/fsck.py's findings on the disk after the
run.

| configuration | runs | calls | generations | stuck, killed | panics | hangs | image errors | wall time |
|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
    write_section(path, "fuzz", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # The defaults are the published run (docs/results/reliability.md): over
    # 1M calls per configuration.
    ap.add_argument("--seeds", default=",".join(str(s) for s in range(31, 43)))
    ap.add_argument("--cpus", default="1,3")
    ap.add_argument("--gens", type=int, default=200)
    ap.add_argument("--procs", type=int, default=4)
    ap.add_argument("--budget", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--jobs", type=int, default=1, help="QEMUs at a time")
    ap.add_argument("--results", type=Path, default=None,
                    help="write the figures page here (docs/results/reliability.md)")
    args = ap.parse_args()
    args.seeds = [int(s) for s in args.seeds.split(",")]
    args.cpus = [int(c) for c in args.cpus.split(",")]
    runs = []
    with tempfile.TemporaryDirectory(prefix="zenith-fuzz-") as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        todo = [pool.submit(fuzz_once, cpus, seed, args.gens, args.procs, args.budget,
                            Path(tmp) / f"{cpus}h-{seed}", args.timeout)
                for cpus in args.cpus for seed in args.seeds]
        for job in todo:
            r = job.result()
            runs.append(r)
            print(f"{r.cpus} hart(s) seed {r.seed}: {r.outcome}, {r.calls} calls, "
                  f"{r.gens} generations ({r.timeouts} stuck), "
                  f"{len(r.image_errors)} image errors, {r.seconds:.0f} s", flush=True)
            for e in r.image_errors[:5]:
                print("   ", e)
    if args.results:
        results_page(runs, args, args.results)
        print(f"wrote {args.results}")
    bad = [r for r in runs if r.outcome != "clean" or r.image_errors]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
