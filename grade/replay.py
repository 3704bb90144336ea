"""Record a one-hart boot with QEMU's record/replay, and replay it exactly.

QEMU 7.2 records every non-deterministic event of a one-hart run under
-icount (interrupts, the clock, device input) into an event log; replaying
the log with the same disk gives the same execution, instruction for
instruction, so a disputed verdict can be looked at again (PLATFORM-NOTES.md;
QEMU's docs/system/replay.rst). The disk goes through a `blkreplay` drive
over a qcow2 copy opened with snapshot=on, so neither run changes it.

A recording is a folder (grade/out/replay/<test log name>/ when the grader
records, ZENITH_RECORD=1):
    disk.qcow2    the disk as the boot found it
    events.rr     QEMU's event log
    qemu.json     the boot's QEMU arguments (without the record/replay ones)
    console.txt   what the recorded boot printed
`make replay TEST=<name>` (tools/replay.py) replays one and compares the
console; `make replay-gdb TEST=<name>` replays it under GDB.
"""

import json
import shutil
import subprocess
from pathlib import Path

import zenith

REPLAY_DIR = zenith.OUT_DIR / "replay"


def recordable(opts):
    """QEMU records one hart only ('Record/replay feature is not supported
    for smp'), and only under -icount."""
    return opts.cpus == 1 and opts.icount


def _without_icount(argv):
    out, i = [], 0
    while i < len(argv):
        if argv[i] == "-icount":
            i += 2
            continue
        out.append(argv[i])
        i += 1
    return out


def icount_of(argv):
    """The value of argv's -icount option (the boot's shift is kept)."""
    return argv[argv.index("-icount") + 1] if "-icount" in argv else ""


def rr_argv(argv, folder, mode):
    """`argv` (zenith.qemu_command's) made to record or replay (mode
    "record" | "replay") with the recording in `folder`."""
    folder = Path(folder).resolve()
    out, i = [], 0
    shift = [o for o in icount_of(argv).split(",") if o.startswith("shift=")]
    argv = _without_icount(argv)
    while i < len(argv):
        a = argv[i]
        if a == "-drive" and "file=" in argv[i + 1]:
            out += ["-drive", f"file={folder / 'disk.qcow2'},if=none,snapshot=on,id=img-direct",
                    "-drive", "driver=blkreplay,if=none,image=img-direct,id=x0"]
            i += 2
            continue
        out.append(a)
        i += 1
    # The grader's -icount without sleep=off (with it QEMU 7.2 stops for good
    # at the first idle wfi while recording): an idle guest waits real time.
    icount = ",".join(shift + [f"rr={mode}", f"rrfile={folder / 'events.rr'}"])
    return out + ["-icount", icount]


def prepare(folder, disk):
    """Start a recording in `folder` (emptied) of a boot of the raw image `disk`."""
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", str(disk),
                    str(folder / "disk.qcow2")], check=True)


def finish(folder, argv, console):
    """Keep what the replay needs: the plain QEMU arguments (with their
    -icount, whose shift the replay must repeat) and the console."""
    folder = Path(folder)
    (folder / "qemu.json").write_text(json.dumps(argv) + "\n")
    (folder / "console.txt").write_text(console)


def replay(folder, timeout=600, extra=()):
    """Replay the recording in `folder`; returns (identical?, replayed
    console, recorded console). `extra` QEMU arguments (GDB's) go last."""
    folder = Path(folder)
    argv = rr_argv(json.loads((folder / "qemu.json").read_text()), folder, "replay")
    proc = subprocess.run(argv + list(extra), cwd=zenith.REPO, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=zenith.scaled(timeout))
    got = zenith.clean(proc.stdout.decode("utf-8", "replace"))
    want = (folder / "console.txt").read_text()
    return got == want, got, want
