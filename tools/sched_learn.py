#!/usr/bin/python3
"""Train the learned scheduling policy's class table (kernel/sched/sched_learned.c).

  tools/sched_learn.py [--seeds 3] [--out kernel/sched/sched_learned_table.h]
  tools/sched_learn.py --check     exit 1 if the committed table is stale

How it works (and how to retrain after changing the workloads or signals):
 1. Boot Zenith on 1 hart under -icount with sched=adaptive (whose hooks keep
    the per-process signals, struct sched_features in kernel/schedctl.h) and
    run `schedbench -s SEED learn`: labelled tasks (hogs = batch, a 10 ms
    echo and an audio task = latency, video and UI tasks = interactive, a
    file writer = io) while the parent samples each one's signals every
    10 ms with sched_stats and prints `SBL <class> <run> <sleep_frac>
    <woken_frac>`.
 2. Put every sample in a cell of log2 buckets: run = max(run_avg, burst)
    (rdtime units), sleep_frac (/1024), woken_frac >= 512. Each cell's class
    is the most common label of its samples (ties: the more urgent class);
    a cell with no sample gets what the hand-written rule (score_classify in
    kernel/sched/sched_score.c) says for the cell's lower corner.
 3. Write the table as C (kernel/sched/sched_learned_table.h), with the training
    accuracy and sample counts in its comment. Rebuild (`make`), then
    `make schedbench` measures `learned` next to the other policies.

The table records a digest of its inputs (INPUTS: the signals and their
arithmetic, the buckets, schedbench's training section and this trainer). When any of them changes the table
is stale: `--check` and tools/tests/test_sched_learn.py fail until it is
retrained.

The samples are the kernel's own signals read through sched_stats while
the labelled workloads run, not rebuilt from the event trace: the trace
rings keep only the last 8192 events per hart, the stats call sees every
process at any time. Plain Python; no scikit-learn needed.
"""

import argparse
import hashlib
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))

# kernel/sched/sched_learned.c's buckets: keep in step.
RUN_LOW, RUN_B = 8, 16          # log2(run)+1 from 8 (25.6 us) over 16 buckets
SLEEP_LOW, SLEEP_B = 4, 8       # log2(sleep_frac)+1 from 4 over 8 buckets
CLASSES = ["NONE", "LATENCY", "INTERACTIVE", "IO", "BATCH"]
SBL = re.compile(r"^SBL (\d+) (\d+) (\d+) (\d+)\s*$", re.M)
ICOUNT = ["-icount", "shift=1,align=off,sleep=off"]


ROOT = Path(__file__).resolve().parent.parent
# What the table is learned from: the signals and their arithmetic, the
# buckets, the labelled workload (schedbench's training section only: the
# rest of the benchmark changes often and does not feed the samples) and
# this trainer. Change one and the table must be retrained.
INPUTS = ["kernel/schedctl.h", "kernel/sched/sched_score.h", "kernel/sched/sched_score.c",
          "kernel/sched/sched_learned.c", "user/tests/schedbench.c", "tools/sched_learn.py"]
RULE = "// " + "-" * 64 + " "
SECTION = {"user/tests/schedbench.c": (RULE + "training data", RULE + "clock check")}
DIGEST = re.compile(r"^// Inputs digest: ([0-9a-f]{16})$", re.M)


def input_text(root, name):
    """The part of input `name` the table depends on (all of it, or SECTION's)."""
    data = (root / name).read_bytes()
    if name in SECTION:
        start, end = (m.encode() for m in SECTION[name])
        a, b = data.find(start), data.find(end)
        if a < 0 or b < a:
            raise ValueError(f"{name}: the training section's markers are gone")
        data = data[a:b]
    return data


def inputs_digest(root=ROOT):
    """sha256 (first 16 hex digits) over INPUTS' names and contents."""
    h = hashlib.sha256()
    for name in INPUTS:
        h.update(name.encode() + b"\0" + input_text(root, name) + b"\0")
    return h.hexdigest()[:16]


def stale_reason(table_path, root=ROOT):
    """None if the table at table_path was trained from today's inputs, else why not."""
    m = DIGEST.search(Path(table_path).read_text())
    if not m:
        return f"{table_path} records no inputs digest: it predates the check; retrain"
    now = inputs_digest(root)
    if m.group(1) != now:
        return (f"{table_path} was trained from inputs {m.group(1)}, today's are {now} "
                f"(one of {', '.join(INPUTS)} changed): rerun tools/sched_learn.py")
    return None


def bucket(x, low, n):
    b = (x.bit_length() if x else 0) - low     # x.bit_length() == floor(log2 x) + 1
    return max(0, min(n - 1, b))


def cell(run, sleep, woken):
    return bucket(run, RUN_LOW, RUN_B), bucket(sleep, SLEEP_LOW, SLEEP_B), int(woken >= 512)


def hand_rule(run, sleep_frac):
    """score_classify (kernel/sched/sched_score.{h,c})."""
    if run >= 80000 or sleep_frac < 128:
        return 4
    if run < 5000 and sleep_frac >= 768:
        return 1
    if run < 20000 and sleep_frac >= 512:
        return 2
    return 3


def corner(b, low):
    """Smallest value in bucket b (the lowest bucket starts at 0)."""
    return 0 if b == 0 else 1 << (b + low - 1)


def train(samples):
    """samples: [(cls, run, sleep_frac, woken_frac)] -> (table, counts, accuracy)."""
    votes = {}
    for cls, run, sleep, woken in samples:
        votes.setdefault(cell(run, sleep, woken), Counter())[cls] += 1
    table = [[[0, 0] for _ in range(SLEEP_B)] for _ in range(RUN_B)]
    for r in range(RUN_B):
        for s in range(SLEEP_B):
            for w in range(2):
                v = votes.get((r, s, w))
                if v:
                    best = max(v.values())
                    table[r][s][w] = min(c for c, n in v.items() if n == best)
                else:
                    table[r][s][w] = hand_rule(corner(r, RUN_LOW), corner(s, SLEEP_LOW))
    right = sum(1 for cls, run, sleep, woken in samples
                if table[cell(run, sleep, woken)[0]][cell(run, sleep, woken)[1]]
                [cell(run, sleep, woken)[2]] == cls)
    hand = sum(1 for cls, run, sleep, _ in samples if hand_rule(run, sleep) == cls)
    return table, votes, right / len(samples), hand / len(samples)


def header(table, votes, acc, hand_acc, n, seeds):
    cells = len(votes)
    L = ["// Generated by tools/sched_learn.py: do not edit; rerun it to retrain",
         "// (its docstring says how). The learned policy's class for each cell of",
         "// log2 buckets of run = max(run_avg, burst), sleep_frac and woken_frac >= 512",
         "// (kernel/sched/sched_learned.c computes the indexes).",
         f"// Trained on {n} samples of labelled tasks (schedbench learn, seeds "
         f"{', '.join(map(str, seeds))});",
         f"// {cells} cells had samples (the rest follow score_classify at their lower corner).",
         f"// Training accuracy {acc * 100:.1f}% (score_classify on the same samples: "
         f"{hand_acc * 100:.1f}%).",
         f"// Inputs digest: {inputs_digest()}",
         "#ifndef ZENITH_SCHED_LEARNED_TABLE_H",
         "#define ZENITH_SCHED_LEARNED_TABLE_H",
         "",
         '#include "types.h"',
         "",
         f"#define LEARN_RUN_LOW {RUN_LOW}",
         f"#define LEARN_RUN_B {RUN_B}",
         f"#define LEARN_SLEEP_LOW {SLEEP_LOW}",
         f"#define LEARN_SLEEP_B {SLEEP_B}",
         "",
         "// [run bucket][sleep bucket][woken by a process?] -> SCLASS_*",
         "static const uint8 learned_table[LEARN_RUN_B][LEARN_SLEEP_B][2] = {"]
    for r in range(RUN_B):
        row = ", ".join("{%d, %d}" % tuple(table[r][s]) for s in range(SLEEP_B))
        L.append(f"  {{{row}}},   // run bucket {r}")
    L += ["};", "", "#endif", ""]
    return "\n".join(L)


def collect(seeds, timeout):
    import zenith
    samples = []
    with tempfile.TemporaryDirectory(prefix="zenith-learn-") as tmp:
        for seed in seeds:
            opts = zenith.BootOptions(cpus=1, append="sched=adaptive", extra=list(ICOUNT))
            log = zenith.OUT_DIR / f"sched-learn-{seed}.log"
            res = zenith.run_to_exit(f"schedbench -s {seed} learn", opts, Path(tmp), log,
                                     timeout=timeout, name=f"learn-{seed}")
            got = [tuple(int(x) for x in m.groups()) for m in SBL.finditer(res.output)]
            if not got:
                raise SystemExit(f"sched_learn: no SBL samples from seed {seed} "
                                 f"(status {res.status}; see {log})")
            print(f"seed {seed}: {len(got)} samples")
            samples += got
    return samples


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", default=str(ROOT / "kernel" / "sched" / "sched_learned_table.h"))
    ap.add_argument("--check", action="store_true",
                    help="only say whether the table at --out is stale (exit 1 if so)")
    args = ap.parse_args()
    if args.check:
        why = stale_reason(args.out)
        print(why or f"{args.out} is up to date (inputs {inputs_digest()})")
        return 1 if why else 0
    seeds = list(range(1, args.seeds + 1))
    samples = collect(seeds, args.timeout)
    table, votes, acc, hand_acc = train(samples)
    by_cls = Counter(CLASSES[c] for c, *_ in samples)
    print("samples per label: " + ", ".join(f"{k} {v}" for k, v in sorted(by_cls.items())))
    print(f"training accuracy {acc * 100:.1f}% (the hand-written rule: {hand_acc * 100:.1f}%)")
    Path(args.out).write_text(header(table, votes, acc, hand_acc, len(samples), seeds))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
