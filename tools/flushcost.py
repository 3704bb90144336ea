#!/usr/bin/python3
"""What the log's disk flushes cost (book 5.3): `ubench file` (create and
write a 4 KB file: several commits per iteration) on 1 hart in real time,
with the disk in QEMU's cache=writeback mode (each flush the kernel sends
becomes an fdatasync of the image on the host) and in cache=unsafe (QEMU
ignores flushes: what the test suite uses). Median of BOOTS boots each.

  tools/flushcost.py [--boots 3] [--results docs/results/reliability.md]
"""

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
import zenith  # noqa: E402
from results_page import write_section  # noqa: E402

FILE_RE = re.compile(r"^BENCH file\S* (\d+) ns", re.M)


def file_ns(cache, tmp):
    """ubench's median ns per file iteration, with the disk in this cache mode."""
    disk = Path(tmp) / "disk.img"
    shutil.copyfile(zenith.FS_IMG, disk)
    argv = zenith.qemu_command(zenith.BootOptions(cpus=1, append="run=ubench file"), disk)
    argv = [a.replace("cache=unsafe", f"cache={cache}") for a in argv]
    out = subprocess.run(argv, cwd=zenith.REPO, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         errors="replace", timeout=300).stdout
    m = FILE_RE.search(out)
    if not m:
        raise SystemExit(f"no BENCH file line with cache={cache}:\n{zenith.tail_of(out)}")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boots", type=int, default=3)
    ap.add_argument("--results", type=Path, default=None)
    args = ap.parse_args()
    got = {}
    with tempfile.TemporaryDirectory(prefix="zenith-flush-") as tmp:
        for cache in ("unsafe", "writeback"):
            got[cache] = statistics.median(file_ns(cache, tmp) for _ in range(args.boots))
            print(f"cache={cache}: {got[cache] / 1e6:.2f} ms per 4 KB file", flush=True)
    extra = got["writeback"] - got["unsafe"]
    print(f"flushes add {extra / 1e6:.2f} ms per file")
    if args.results:
        write_section(args.results, "flush", f"""## The cost of disk flushes

Written by `tools/flushcost.py` (book 5.3): `ubench file` (create and write
a 4 KB file, several log commits each, three flushes per commit) on 1 hart
in real time, median of {args.boots} boots per mode, the image on the host's
ext4 file system (a host with a slower disk pays more per flush).

| disk mode | per 4 KB file |
|---|---|
| `cache=unsafe` (QEMU ignores flushes; the test suite) | {got["unsafe"] / 1e6:.2f} ms |
| `cache=writeback` (each flush is an fdatasync on the host; `make qemu`) | {got["writeback"] / 1e6:.2f} ms |
""")
        print(f"wrote {args.results}")


if __name__ == "__main__":
    sys.exit(main())
