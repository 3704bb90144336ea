#!/usr/bin/python3
"""Count a policy's pick_next instructions from QEMU's own execution log, to
check the figures `sched stats` prints from instret (book 7.9).

    tools/sched_execlog.py POLICY [COMMAND]     (default: schedbench -t 100 w4)

Boots one hart under -icount shift=0 with sched=POLICY, logging every
translated block (-d in_asm) and every execution of one (-d exec, with
nochain so that chained blocks are logged too), limited by -dfilter to the
addresses of POLICY_pick_next and of every function it can call (found in
build/kernel.asm). Each pick's count is the sum of the blocks executed from
the entry of pick_next until it returns (calls and returns followed by
depth). The smallest count is a look that found the queue empty; it is
reported apart, since the kernel does not count those as picks either.
Compare the result with the POLICY row of `sched stats` printed at the end.
The log is large (hundreds of MB for W4); it is removed afterwards.
"""

import collections
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "grade"))

import zenith  # noqa: E402

FUNC_RE = re.compile(r"^([0-9a-f]+) <(\S+)>:$")
INSN_RE = re.compile(r"^\s+([0-9a-f]+):\s")
CALL_RE = re.compile(r"\t(?:jalr?|jr|j)\t.*?[0-9a-f]+ <([^>+]+)>")
EXEC_RE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")
NOT_FOLLOWED = {"panic", "printf", "backtrace"}   # never reached on a pick


def kernel_functions(asm):
    """{name: [start, end, callees]} from the kernel's disassembly."""
    funcs, cur = {}, None
    for line in open(asm):
        m = FUNC_RE.match(line)
        if m:
            cur = m.group(2)
            start = int(m.group(1), 16)
            funcs[cur] = [start, start, set()]
            continue
        m = INSN_RE.match(line)
        if m and cur:
            funcs[cur][1] = int(m.group(1), 16) + 4
            c = CALL_RE.search(line)
            if c and c.group(1) != cur:
                funcs[cur][2].add(c.group(1))
    return funcs


def reachable(funcs, root):
    seen, todo = set(), [root]
    while todo:
        f = todo.pop()
        if f in seen or f not in funcs or f in NOT_FOLLOWED:
            continue
        seen.add(f)
        todo += funcs[f][2]
    return seen


def block_kind(words):
    """+1 for a call, -1 for a return, 0 otherwise (QEMU's in_asm words)."""
    op = words[2] if len(words) > 2 else ""
    args = words[3] if len(words) > 3 else ""
    if op in ("jal", "jalr") and args.startswith("ra,"):
        return 1
    if op == "ret" or (op == "jalr" and args.startswith("zero,ra,0")):
        return -1
    return 0


def pick_counts(log, entry):
    """Counter {instructions: picks} for the calls of the function at entry."""
    size, kind = {}, {}      # block start -> instructions, how it ends
    counts = collections.Counter()
    current, depth, block = None, 0, None
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("IN:"):
                block, n = None, 0
                continue
            if line.startswith("0x") and ":" in line:
                addr = int(line.split(":")[0], 16)
                block = addr if block is None else block
                n += 1
                if n >= size.get(block, 0):
                    size[block], kind[block] = n, block_kind(line.split())
                continue
            m = EXEC_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == entry:
                current, depth = 0, 0
            if current is not None:
                current += size.get(pc, 0)
                depth += kind.get(pc, 0)
                if depth < 0:
                    counts[current] += 1
                    current = None
    return counts


def main():
    if len(sys.argv) < 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    policy = sys.argv[1]
    command = sys.argv[2] if len(sys.argv) > 2 else "schedbench -t 100 w4"
    zenith.build()
    funcs = kernel_functions(zenith.BUILD / "kernel.asm")
    root = f"{policy}_pick_next"
    if root not in funcs:
        sys.exit(f"sched_execlog: no function {root} in build/kernel.asm")
    group = reachable(funcs, root)
    ranges = ",".join(f"0x{funcs[f][0]:x}+0x{funcs[f][1] - funcs[f][0]:x}" for f in sorted(group))
    with tempfile.TemporaryDirectory(prefix="sched-execlog-") as tmp:
        log = Path(tmp) / "exec.log"
        opts = zenith.BootOptions(cpus=1, append=f"sched={policy}", extra=zenith.icount_args(0)
                                  + ["-d", "in_asm,exec,nochain", "-dfilter", ranges,
                                     "-D", str(log)])
        res = zenith.run_to_exit(f"{command}; sched stats", opts, Path(tmp), timeout=900,
                                 name="execlog")
        counts = pick_counts(log, funcs[root][0])
    if not counts:
        sys.exit(f"sched_execlog: no call of {root} in the log (QEMU exit {res.status})")
    picks = sum(counts.values())
    total = sum(n * k for n, k in counts.items())
    empty = min(counts)
    print(f"{root} and what it calls: {', '.join(sorted(group))}")
    print(f"execution log: {picks} calls, {total / picks:.1f} instructions per call")
    print(f"without the {counts[empty]} calls of {empty} instructions (an empty queue): "
          f"{(total - empty * counts[empty]) / max(1, picks - counts[empty]):.1f} per pick")
    print("sched stats:")
    for line in res.output.splitlines():
        if re.match(r"^(POLICY|rr|mlfq|fair|adaptive|learned)\s", line):
            print("  " + line)


if __name__ == "__main__":
    main()
