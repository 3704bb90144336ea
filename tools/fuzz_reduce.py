#!/usr/bin/python3
"""Shrink a fuzzer panic to a short replayable sequence of system calls.

  tools/fuzz_reduce.py grade/out/fuzz/panic-1h-7.txt    # a file tools/fuzz.py saved
  tools/fuzz_reduce.py --wseed W --cell C --last N [--cpus 1]

A worker's call i depends only on (its seed, i) (user/tests/fuzz.c), so any subset
of its calls can be replayed alone: `fuzz -r WSEED CELL LIST` on a fresh
boot. The reducer first finds a candidate worker (of those running at the
panic) whose calls 0..last panic the kernel alone, then removes calls with
delta debugging (ddmin) while the replay still panics, and prints the
replay command and the calls it makes (the guest prints each as
`FZ-CALL i number a0..a5`, hexadecimal). A panic that needs two workers at
once does not reproduce alone: the reducer says so.
"""

import argparse
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz  # noqa: E402  (tools/fuzz.py)

CMDLINE_ROOM = 200   # BOOTARGS_MAX (256) less "run=fuzz -r <wseed> <cell> "
CALL_RE = re.compile(r"^FZ-CALL .*$", re.M)


def encode(indices):
    """[0,1,2,5,7,8] -> "0-2,5,7-8"."""
    parts, i, xs = [], 0, sorted(indices)
    while i < len(xs):
        j = i
        while j + 1 < len(xs) and xs[j + 1] == xs[j] + 1:
            j += 1
        parts.append(str(xs[i]) if i == j else f"{xs[i]}-{xs[j]}")
        i = j + 1
    return ",".join(parts)


def ddmin(items, fails):
    """Zeller's delta debugging: a 1-minimal sublist of items for which
    fails(sublist) is still true (fails(items) must be)."""
    n = 2
    while len(items) >= 2:
        size = -(-len(items) // n)
        chunks = [items[i:i + size] for i in range(0, len(items), size)]
        for k, chunk in enumerate(chunks):
            if fails(chunk):
                items, n = chunk, 2
                break
            rest = [x for c in chunks[:k] + chunks[k + 1:] for x in c]
            if n > 2 and fails(rest):
                items, n = rest, max(n - 1, 2)
                break
        else:
            if n >= len(items):
                break
            n = min(n * 2, len(items))
    return items


class Replayer:
    def __init__(self, wseed, cell, cpus, tmp, tries):
        self.wseed, self.cell, self.cpus, self.tmp, self.tries = wseed, cell, cpus, tmp, tries
        self.boots = 0
        self.last_console = ""

    def panics(self, indices):
        lst = encode(indices)
        if len(lst) > CMDLINE_ROOM:
            return False   # does not fit on the kernel command line: treat as passing
        for _ in range(self.tries):
            self.boots += 1
            outcome, console, _ = fuzz.boot_fuzz(f"fuzz -r {self.wseed} {self.cell} {lst}",
                                                 self.cpus, self.tmp, None, 120)
            if outcome == "panic":
                self.last_console = console
                return True
        return False


def candidates_of(path):
    text = Path(path).read_text()
    cpus = int(re.search(r"^CPUS (\d+)", text, re.M).group(1))
    cands = [tuple(int(x) for x in m.groups())
             for m in re.finditer(r"^CANDIDATE (\d+) (\d) (\d+)$", text, re.M)]
    return cpus, cands


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("panic_file", nargs="?")
    ap.add_argument("--wseed", type=int)
    ap.add_argument("--cell", type=int, default=0)
    ap.add_argument("--last", type=int)
    ap.add_argument("--cpus", type=int, default=None)
    ap.add_argument("--tries", type=int, default=None,
                    help="replays per candidate list (default 1 on 1 hart, 3 on more)")
    args = ap.parse_args()
    if args.panic_file:
        cpus, cands = candidates_of(args.panic_file)
    elif args.wseed is not None and args.last is not None:
        cpus, cands = 1, [(args.wseed, args.cell, args.last)]
    else:
        ap.error("give a panic file or --wseed and --last")
    cpus = args.cpus or cpus
    tries = args.tries or (1 if cpus == 1 else 3)
    with tempfile.TemporaryDirectory(prefix="zenith-reduce-") as tmp:
        for wseed, cell, last in cands:
            r = Replayer(wseed, cell, cpus, tmp, tries)
            calls = list(range(last + 1))
            # The whole prefix may not fit on the command line as one range
            # list, but "0-N" always does.
            if not r.panics(calls):
                print(f"worker {wseed} (cell {cell}): calls 0-{last} do not panic alone")
                continue
            small = ddmin(calls, r.panics)
            r.panics(small)   # leaves its console in last_console
            print(f"reduced to {len(small)} call(s) in {r.boots} boots on {cpus} hart(s):")
            print(f"  boot with: run=fuzz -r {wseed} {cell} {encode(small)}")
            for line in CALL_RE.findall(r.last_console):
                print("  " + line)
            print(zenith_tail(r.last_console))
            return 0
    print("no candidate panicked alone: the panic needs several workers at once "
          "(see the saved console)")
    return 1


def zenith_tail(console):
    lines = [ln for ln in console.splitlines() if "panic" in ln]
    return "\n".join("  " + ln for ln in lines[:3])


if __name__ == "__main__":
    sys.exit(main())
