#!/usr/bin/env python3
"""make replay TEST=<name> [GDB=1]: replay a recorded boot (grade/replay.py).

    tools/replay.py NAME            replay grade/out/replay/NAME (or a folder
                                    path), print its console, say whether it
                                    equals the recorded one (exit 1 if not)
    tools/replay.py --gdb NAME      replay it halted, waiting for GDB
                                    (gdb-multiarch -nx -x .gdbinit), as
                                    `make qemu-gdb` does
    tools/replay.py [--list]        the recordings there are

Boots are recorded by the grader with ZENITH_RECORD=1 (one-hart tests
under -icount: `ZENITH_RECORD=1 make grade LAB=selfheal`); a failure's
message then names its recording.
"""

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "grade"))

import replay  # noqa: E402


def folder_of(name):
    path = Path(name)
    return path if path.is_dir() else replay.REPLAY_DIR / name


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("name", nargs="?", help="a recording (grade/out/replay/NAME)")
    ap.add_argument("--gdb", action="store_true", help="replay under GDB")
    ap.add_argument("--list", action="store_true", help="list the recordings")
    args = ap.parse_args()
    if args.list or not args.name:
        names = sorted(p.parent.name for p in replay.REPLAY_DIR.glob("*/events.rr")) \
            if replay.REPLAY_DIR.is_dir() else []
        print("\n".join(names) or f"no recordings in {replay.REPLAY_DIR} "
                                   "(record with ZENITH_RECORD=1 make grade ...)")
        return
    folder = folder_of(args.name)
    if not (folder / "events.rr").is_file():
        sys.exit(f"replay: no recording at {folder} (tools/replay.py --list)")
    if args.gdb:
        argv = replay.rr_argv(json.loads((folder / "qemu.json").read_text()), folder, "replay")
        print(f"*** replaying {folder.name}; its recorded console is {folder / 'console.txt'}")
        os.execv(str(REPO / "tools" / "qemu-gdb.sh"), ["qemu-gdb.sh"] + argv)
    same, got, want = replay.replay(folder)
    sys.stdout.write(got)
    if same:
        print(f"*** replay of {folder.name}: the console is identical to the recorded one "
              f"({len(want)} characters)")
        return
    lines = [(i, a, b) for i, (a, b) in
             enumerate(zip(got.splitlines() + [""] * 99999, want.splitlines()), 1) if a != b]
    first = lines[0] if lines else (0, "", "")
    sys.exit(f"*** replay of {folder.name} differs from the recording, first at line "
             f"{first[0]}: replayed {first[1]!r}, recorded {first[2]!r}")


if __name__ == "__main__":
    main()
