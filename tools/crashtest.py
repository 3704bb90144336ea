#!/usr/bin/python3
"""The crash campaign (`make crashtest`; book 5.18): power cuts at seeded
random moments, then a check of what the file system promised.

Each trial boots `fuzzcrash SEED WRITERS` (user/tests/fuzzcrash.c) on a copy of
the disk the previous trial's kill left (so every boot also recovers from
a crash), SIGKILLs QEMU a seeded random delay after the writers start, and
checks the disk with grade/fsck.py and grade/crashcheck.py: consistent,
every step the contract of book 5.5 covers present (one writer: every step
that returned; several: every step that ended before a completed fsync),
each writer's directory in the state after one of its steps, and the
earlier trials' files unchanged by the recovery. Trials run in chains of
CHAIN on one disk, alternately on 1 hart (-icount) and on 3; WRITERS cycles
1, 2, 3.

  tools/crashtest.py [--trials 100] [--seed 1] [--results docs/results/reliability.md]
"""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
import crashcheck  # noqa: E402
import zenith  # noqa: E402
from results_page import write_section  # noqa: E402

CHAIN = 5
MAX_DELAY = 2.5   # seconds after CR-READY


def plan(trials, seed):
    """(trial seed, writers, cpus, delay, first of a chain) for each trial."""
    rng = random.Random(seed)
    out = []
    for t in range(trials):
        chain = t // CHAIN
        out.append((seed * 1000 + t, 1 + t % 3, 1 if chain % 2 == 0 else 3,
                    rng.uniform(0.05, MAX_DELAY), t % CHAIN == 0))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--results", type=Path, default=None)
    args = ap.parse_args()
    rows = {1: [0, 0, 0, 0, 0, 0], 3: [0, 0, 0, 0, 0, 0]}   # trials, ok, steps, covered, panics, bad
    failures = []
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="zenith-crash-") as tmp:
        image, kept = zenith.FS_IMG, {}
        for seed, writers, cpus, delay, fresh in plan(args.trials, args.seed):
            if fresh:
                image, kept = zenith.FS_IMG, {}
            log = zenith.LOG_DIR / f"crashtest-{seed}.log"
            row = rows[cpus]
            row[0] += 1
            try:
                out = crashcheck.crash_round(seed, writers, cpus, image, tmp, log, delay, kept)
            except zenith.ZenithFailure as e:
                row[4] += isinstance(e, zenith.KernelPanic)
                row[5] += 1
                failures.append(f"trial {seed} ({cpus} hart(s), {writers} writer(s)): {e.what}")
                print(failures[-1], flush=True)
                image, kept = zenith.FS_IMG, {}
                continue
            row[2] += out.begun
            row[3] += out.covered
            if out.problems:
                row[5] += 1
                failures.append(f"trial {seed} ({cpus} hart(s), {writers} writer(s), kill at "
                                f"{delay:.2f} s): " + "; ".join(out.problems[:3]) + f" [{log}]")
                print(failures[-1], flush=True)
                image, kept = zenith.FS_IMG, {}
                continue
            row[1] += 1
            kept.update(crashcheck.files_of(out.report, seed))
            image = Path(tmp) / f"keep-{seed}.img"
            image.write_bytes(Path(out.disk).read_bytes())
            print(f"trial {seed}: {cpus} hart(s), {writers} writer(s), kill at {delay:.2f} s: "
                  f"{out.begun} steps begun, {out.covered} promised, consistent", flush=True)
    secs = time.monotonic() - t0
    total = sum(r[0] for r in rows.values())
    ok = sum(r[1] for r in rows.values())
    print(f"{ok}/{total} trials consistent with no promised step lost ({secs:.0f} s)")
    if args.results:
        lines = [f"| {'1 hart, -icount' if c == 1 else '3 harts, real time'} | {r[0]} | {r[1]} | "
                 f"{r[2]:,} | {r[3]:,} | {r[4]} | {r[5]} |" for c, r in rows.items()]
        text = f"""## Crash campaign

Written by `make crashtest` (tools/crashtest.py, seed {args.seed}); the method is in
book section 5.18. Each trial SIGKILLs QEMU a random 0.05-{MAX_DELAY} s after
`fuzzcrash` starts its writers (1, 2 or 3), on a disk with throttled writes,
then checks the disk. *Promised* counts the steps the contract of book 5.5
said must survive (one writer: each step that returned; several: each step
that ended before a completed fsync); *consistent* trials passed fsck and
lost none of them, and the kernel's recovery at the next boot agreed with
the disk fsck saw. {secs / 60:.0f} minutes on this 2-core host.

| configuration | trials | consistent | steps begun | promised | panics | failed |
|---|---|---|---|---|---|---|
""" + "\n".join(lines) + "\n"
        if failures:
            text += "\nFailures:\n\n" + "\n".join(f"- {f}" for f in failures) + "\n"
        write_section(args.results, "crashtest", text)
        print(f"wrote {args.results}")
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
