#!/usr/bin/python3
"""Train the learned scheduling policy's class table (kernel/sched/sched_learned.c).

  tools/sched_learn.py             train from the committed recording (re-record first
                                   if it is stale); write the table; print the report
  tools/sched_learn.py --record    boot Zenith and record the samples again, then train
  tools/sched_learn.py --report    only print training and held-out accuracy
  tools/sched_learn.py --check     exit 1 if the recording or the table is stale

How it works (and how to retrain after changing the workloads or signals):
 1. Recording (QEMU, about two minutes): boot Zenith on 1 hart under -icount
    with sched=adaptive (whose hooks keep the per-process signals, struct
    sched_features in kernel/schedctl.h) and run `schedbench -s SEED learn`
    (seeds TRAIN_SEEDS: labelled tasks, hogs = batch, a 10 ms echo and an
    audio task = latency, video and UI tasks = interactive, a file writer =
    io) and `schedbench -s SEED learnheld` (seeds HELD_SEEDS: other task
    shapes, in none of W1-W7 nor the training set). The parent samples each
    task's signals every 10 ms with sched_stats and prints `SBL <class>
    <run> <sleep_frac> <woken_frac> <task>`. The samples go to RECORDING,
    committed in the tree.
 2. Training (no QEMU, deterministic: a function of the recording): put
    every training sample in a cell: log2 buckets of run = max(run_avg,
    burst) (rdtime units), sleep_frac / 128 (of 1024), woken_frac >= 512. Each
    cell's class is the most common label of its samples (ties: the more
    urgent class); a cell with no sample gets what the hand-written rule
    (score_classify in kernel/sched/sched_score.c) says for its lower corner.
 3. Evaluation: the table and score_classify on the training samples and on
    the held-out ones, per task shape.
 4. Write the table as C (kernel/sched/sched_learned_table.h), with both
    accuracies in its comment. Rebuild (`make`), then `make schedbench`
    measures `learned` next to the other policies.

Why a recording: the samples are the kernel's own signals read through
sched_stats while the tasks run, and the file writers wait for the disk,
which QEMU completes in host time even under -icount, so two recordings
differ slightly (three trainings straight from QEMU differed in up to 4 of
256 cells). Training from the committed recording gives the same table
every time. The recording stores a digest of what it was recorded from
(RECORD_INPUTS: the signals and their arithmetic, schedbench's training
section); the table stores a digest of the recording, the buckets and this
trainer (TABLE_INPUTS). When either is out of date, `--check` and
tools/tests/test_sched_learn.py fail until it is retrained. Plain Python;
no scikit-learn needed.
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
SLEEP_SHIFT, SLEEP_B = 7, 8     # sleep_frac / 128: 8 equal buckets
CLASSES = ["NONE", "LATENCY", "INTERACTIVE", "IO", "BATCH"]
SBL = re.compile(r"^SBL (\d+) (\d+) (\d+) (\d+) (\S+)\s*$", re.M)
ICOUNT = ["-icount", "shift=1,align=off,sleep=off"]
TRAIN_SEEDS = (1, 2, 3)
HELD_SEEDS = (4, 5)

ROOT = Path(__file__).resolve().parent.parent
RECORDING = "tools/sched_learn_samples.txt"
TABLE = "kernel/sched/sched_learned_table.h"
# What the recording depends on: the signals and their arithmetic and the
# labelled workloads (schedbench's training section only: the rest of the
# benchmark changes often and does not feed the samples). Not the adaptive
# hooks, which change often too: after changing them, run --record by hand.
RECORD_INPUTS = ["kernel/schedctl.h", "kernel/sched/sched_score.h",
                 "kernel/sched/sched_score.c", "user/tests/schedbench.c"]
# What the table depends on: the recording, the buckets and this trainer.
TABLE_INPUTS = [RECORDING, "kernel/sched/sched_learned.c", "tools/sched_learn.py"]
RULE = "// " + "-" * 64 + " "
# Only these parts of two inputs feed the samples: schedbench's training
# section, and schedctl.h from the policy ids to the signals (struct
# sched_features), not its includes or the statistics structs after them,
# which grow often.
SECTION = {"user/tests/schedbench.c": (RULE + "training data", RULE + "clock check"),
           "kernel/schedctl.h": ("// Policy ids, in the order of sched.c's table.",
                                 "// Per-policy decision counters.")}
DIGEST = re.compile(r"^(?://|#) Inputs digest: ([0-9a-f]{16})$", re.M)


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


def inputs_digest(root=ROOT, names=TABLE_INPUTS):
    """sha256 (first 16 hex digits) over the names' and contents of `names`."""
    h = hashlib.sha256()
    for name in names:
        h.update(name.encode() + b"\0" + input_text(root, name) + b"\0")
    return h.hexdigest()[:16]


def stale_reason(table_path, root=ROOT):
    """None if the recording and the table at table_path are up to date, else why not."""
    rec = root / RECORDING
    m = DIGEST.search(rec.read_text()) if rec.exists() else None
    now = inputs_digest(root, RECORD_INPUTS)
    if not m or m.group(1) != now:
        return (f"{RECORDING} was recorded from inputs {m and m.group(1)}, today's are {now} "
                f"(one of {', '.join(RECORD_INPUTS)} changed): rerun tools/sched_learn.py "
                "--record")
    m = DIGEST.search(Path(table_path).read_text())
    now = inputs_digest(root)
    if not m or m.group(1) != now:
        return (f"{table_path} was trained from inputs {m and m.group(1)}, today's are {now} "
                f"(one of {', '.join(TABLE_INPUTS)} changed): rerun tools/sched_learn.py")
    return None


def bucket(x, low, n):
    b = (x.bit_length() if x else 0) - low     # x.bit_length() == floor(log2 x) + 1
    return max(0, min(n - 1, b))


def cell(run, sleep, woken):
    return bucket(run, RUN_LOW, RUN_B), min(SLEEP_B - 1, sleep >> SLEEP_SHIFT), int(woken >= 512)


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


def lookup(table, run, sleep, woken):
    r, s, w = cell(run, sleep, woken)
    return table[r][s][w]


def train(samples):
    """samples: [(cls, run, sleep_frac, woken_frac, task)] -> (table, votes)."""
    votes = {}
    for cls, run, sleep, woken, _ in samples:
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
                    table[r][s][w] = hand_rule(corner(r, RUN_LOW), s << SLEEP_SHIFT)
    return table, votes


def accuracy(table, samples):
    """(learned, hand-written) fraction of samples classed as labelled."""
    if not samples:
        return 0.0, 0.0
    right = sum(lookup(table, run, sleep, woken) == cls for cls, run, sleep, woken, _ in samples)
    hand = sum(hand_rule(run, sleep) == cls for cls, run, sleep, _, _ in samples)
    return right / len(samples), hand / len(samples)


def per_task(table, samples):
    """[(task, label, n, learned accuracy, hand accuracy)] in first-seen order."""
    tasks = {}
    for smp in samples:
        tasks.setdefault(smp[4], []).append(smp)
    return [(t, CLASSES[s[0][0]], len(s), *accuracy(table, s)) for t, s in tasks.items()]


def report(table, train_set, held_set):
    """The accuracy report as lines of text (Markdown table rows per task)."""
    acc, hand = accuracy(table, train_set)
    hacc, hhand = accuracy(table, held_set)
    lines = [f"training: {len(train_set)} samples, learned {acc * 100:.1f}%, "
             f"score_classify {hand * 100:.1f}%",
             f"held-out: {len(held_set)} samples, learned {hacc * 100:.1f}%, "
             f"score_classify {hhand * 100:.1f}%",
             "| set | task | label | samples | learned | score_classify |",
             "|---|---|---|---|---|---|"]
    for name, rows in (("training", train_set), ("held-out", held_set)):
        for task, label, n, la, ha in per_task(table, rows):
            lines.append(f"| {name} | {task} | {label.lower()} | {n} | {la * 100:.1f}% | "
                         f"{ha * 100:.1f}% |")
    return lines


def header(table, votes, train_set, held_set):
    acc, hand = accuracy(table, train_set)
    hacc, hhand = accuracy(table, held_set)
    L = ["// Generated by tools/sched_learn.py: do not edit; rerun it to retrain",
         "// (its docstring says how). The learned policy's class for each cell of",
         "// log2 buckets of run = max(run_avg, burst), sleep_frac / 128 and woken_frac >= 512",
         "// (kernel/sched/sched_learned.c computes the indexes).",
         f"// Trained on {len(train_set)} samples of labelled tasks ({RECORDING}: "
         f"schedbench learn, seeds {', '.join(map(str, TRAIN_SEEDS))});",
         f"// {len(votes)} cells had samples (the rest follow score_classify at their "
         "lower corner).",
         f"// Training accuracy {acc * 100:.1f}% (score_classify on the same samples: "
         f"{hand * 100:.1f}%).",
         f"// Held-out accuracy {hacc * 100:.1f}% on {len(held_set)} samples of other task "
         f"shapes (score_classify: {hhand * 100:.1f}%).",
         f"// Inputs digest: {inputs_digest()}",
         "#ifndef ZENITH_SCHED_LEARNED_TABLE_H",
         "#define ZENITH_SCHED_LEARNED_TABLE_H",
         "",
         '#include "types.h"',
         "",
         f"#define LEARN_RUN_LOW {RUN_LOW}",
         f"#define LEARN_RUN_B {RUN_B}",
         f"#define LEARN_SLEEP_SHIFT {SLEEP_SHIFT}",
         f"#define LEARN_SLEEP_B {SLEEP_B}",
         "",
         "// [run bucket][sleep bucket][woken by a process?] -> SCLASS_*",
         "static const uint8 learned_table[LEARN_RUN_B][LEARN_SLEEP_B][2] = {"]
    for r in range(RUN_B):
        row = ", ".join("{%d, %d}" % tuple(table[r][s]) for s in range(SLEEP_B))
        L.append(f"  {{{row}}},   // run bucket {r}")
    L += ["};", "", "#endif", ""]
    return "\n".join(L)


def record(timeout, root=ROOT):
    """Boot Zenith for every seed of both sets; write RECORDING."""
    import zenith
    lines = []
    with tempfile.TemporaryDirectory(prefix="zenith-learn-") as tmp:
        for kind, seeds in (("learn", TRAIN_SEEDS), ("learnheld", HELD_SEEDS)):
            for seed in seeds:
                opts = zenith.BootOptions(cpus=1, append="sched=adaptive", extra=list(ICOUNT))
                log = zenith.OUT_DIR / f"sched-{kind}-{seed}.log"
                res = zenith.run_to_exit(f"schedbench -s {seed} {kind}", opts, Path(tmp), log,
                                         timeout=timeout, name=f"{kind}-{seed}")
                got = [m.groups() for m in SBL.finditer(res.output)]
                if not got:
                    raise SystemExit(f"sched_learn: no SBL samples from {kind} seed {seed} "
                                     f"(status {res.status}; see {log})")
                print(f"{kind} seed {seed}: {len(got)} samples")
                tag = "train" if kind == "learn" else "held"
                lines += [f"{tag} {' '.join(g)}" for g in got]
    head = ["# Samples for tools/sched_learn.py (generated by --record: do not edit).",
            "# <set> <class> <run> <sleep_frac> <woken_frac> <task>; set train = "
            f"schedbench learn (seeds {', '.join(map(str, TRAIN_SEEDS))}), held = schedbench "
            f"learnheld (seeds {', '.join(map(str, HELD_SEEDS))}); 1 hart, sched=adaptive, "
            + " ".join(ICOUNT) + ".",
            f"# Inputs digest: {inputs_digest(root, RECORD_INPUTS)}"]
    (root / RECORDING).write_text("\n".join(head + lines) + "\n")


def load(root=ROOT):
    """(training samples, held-out samples) from the recording."""
    sets = {"train": [], "held": []}
    for line in (root / RECORDING).read_text().splitlines():
        if line and not line.startswith("#"):
            tag, c, r, s, w, task = line.split()
            sets[tag].append((int(c), int(r), int(s), int(w), task))
    return sets["train"], sets["held"]


def build(root=ROOT):
    """The table's text and the report, from the committed recording."""
    train_set, held_set = load(root)
    table, votes = train(train_set)
    return header(table, votes, train_set, held_set), report(table, train_set, held_set)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--out", default=str(ROOT / TABLE))
    ap.add_argument("--record", action="store_true", help="record the samples again first")
    ap.add_argument("--report", action="store_true", help="only print the accuracy report")
    ap.add_argument("--check", action="store_true",
                    help="only say whether the recording or the table is stale (exit 1 if so)")
    args = ap.parse_args()
    if args.check:
        why = stale_reason(args.out)
        print(why or f"{args.out} is up to date (inputs {inputs_digest()})")
        return 1 if why else 0
    rec = ROOT / RECORDING
    m = DIGEST.search(rec.read_text()) if rec.exists() else None
    if args.record or not m or m.group(1) != inputs_digest(ROOT, RECORD_INPUTS):
        record(args.timeout)
    text, lines = build()
    print("\n".join(lines))
    if not args.report:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
