#!/usr/bin/python3
"""Zenith's figures (not tests): how long a boot takes, and what system calls
cost inside the guest.

  (a) wall time from starting QEMU to the first shell prompt, median of 5
      boots, with 1 and with 3 harts (host-dependent, noisy by nature);
  (b) the in-guest ubench results (`run=ubench`, 1 hart) under
      `-icount shift=0,align=off,sleep=off`, so CPU-bound ones repeat exactly
      for one kernel binary (disk-bound ones vary: QEMU completes disk
      requests in host time): ubench times each operation with rdtime and prints
      `BENCH <name> <median_ns> ns (n=<count>)` lines, then `BENCH-DONE`;
  (c) self-healing (`faultinject -n N` with svc=on, 1 hart, -icount): a seeded
      fault-injection campaign (crashes, hangs, capability-error storms into
      the kv and log services while a worker checks every answer), with
      injected / detected / recovered / kernel panics, the leak check, the
      fault-to-restart latency (ticks and rdtime units) and the restart cost
      (supervisor CPU per restart).

Usage: tools/bench.py [--boots N] [--campaign N] [--only campaign]
       (`make bench` builds first, then runs this; `make campaign` runs (c) only)
"""

import argparse
import re
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grade"))
import zenith  # noqa: E402  (grade/zenith.py: boots QEMU, reads the console)

BENCH_LINE = re.compile(r"^BENCH (\S+) (\d+(?:\.\d+)?) ns \(n=(\d+)\)", re.M)


def human_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.2f} us"


def boot_times(cpus, boots, workdir):
    times = []
    for i in range(boots):
        opts = zenith.BootOptions(cpus=cpus)
        times.append(zenith.time_to_prompt(opts, workdir, name=f"bench-boot-{cpus}-{i}"))
    return times


def ubench(workdir, timeout):
    opts = zenith.BootOptions(cpus=1, icount=True)
    log = zenith.OUT_DIR / "bench-ubench.log"
    res = zenith.run_to_exit("ubench", opts, workdir, log, timeout=timeout, name="bench-ubench")
    rows = [(m.group(1), float(m.group(2)), int(m.group(3)))
            for m in BENCH_LINE.finditer(res.output)]
    done = "BENCH-DONE" in res.output
    return rows, done, res


FI_COUNTS = re.compile(r"faultinject: injected (\d+) detected (\d+) recovered (\d+)")


def campaign(workdir, n, timeout):
    """Run the fault-injection campaign; print its figures. 0 if it passed."""
    opts = zenith.BootOptions(cpus=1, icount=True, append="svc=on")
    log = zenith.OUT_DIR / "bench-campaign.log"
    print(f"\nSelf-healing: faultinject -n {n} -s 1 (1 hart, -icount, svc=on):")
    panics = 0
    try:
        res = zenith.run_to_exit(f"faultinject -n {n} -s 1 -q", opts, workdir, log,
                                 timeout=timeout, name="bench-campaign")
    except zenith.KernelPanic as e:
        print(f"  KERNEL PANIC\n{e}")
        return 1
    m = FI_COUNTS.search(res.output)
    if not m:
        print(f"  faultinject printed no summary (QEMU exit status {res.status}); "
              f"console log: {res.log_path}\n{res.tail(20)}")
        return 1
    inj, det, rec = m.groups()
    print(f"  injected {inj}  detected {det}  recovered {rec}  kernel panics {panics}")
    for line in res.output.splitlines():
        if line.startswith("faultinject: ") and not FI_COUNTS.match(line) and \
                re.match(r"faultinject: (workload|leak|latency|restart cost|PASS|FAIL)", line):
            print("  " + line[len("faultinject: "):])
    print("  (latency: inject-to-answering is what a client sees, from the injection to\n"
          "   the first answer of the new generation; fault-to-notice is the kernel's\n"
          "   fault tick to the supervisor's notice; notice-to-ready is the restart\n"
          "   itself, to the new incarnation's first message. rdtime: 100 ns units.)")
    ok = "faultinject: PASS" in res.output and res.status == 0
    print("\nSelf-healing: faultinject -c 100 (leak check over 100 restart cycles):")
    try:
        res = zenith.run_to_exit("faultinject -c 100", opts, workdir,
                                 zenith.OUT_DIR / "bench-cycles.log", timeout=timeout,
                                 name="bench-cycles")
    except zenith.KernelPanic as e:
        print(f"  KERNEL PANIC\n{e}")
        return 1
    for line in res.output.splitlines():
        if re.match(r"faultinject: (cycles|leak|PASS|FAIL)", line):
            print("  " + line[len("faultinject: "):])
    ok = ok and "faultinject: PASS" in res.output and res.status == 0
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boots", type=int, default=5, help="boots per hart count (default 5)")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds ubench may run, before ZENITH_TIMEOUT_SCALE (default 600)")
    ap.add_argument("--campaign", type=int, default=200,
                    help="injections in the self-healing campaign (default 200)")
    ap.add_argument("--only", choices=["campaign"], help="run only this part")
    args = ap.parse_args()
    if args.only == "campaign":
        with tempfile.TemporaryDirectory(prefix="zenith-bench-") as tmp:
            return campaign(Path(tmp), args.campaign, zenith.scaled(args.timeout * 3))

    with tempfile.TemporaryDirectory(prefix="zenith-bench-") as tmp:
        print(f"Boot to first shell prompt (wall time, median of {args.boots}):")
        print(f"  {'harts':>5}  {'median':>9}  {'min':>9}  {'max':>9}")
        for cpus in (1, 3):
            t = boot_times(cpus, args.boots, Path(tmp))
            print(f"  {cpus:>5}  {statistics.median(t) * 1000:>7.1f}ms  "
                  f"{min(t) * 1000:>7.1f}ms  {max(t) * 1000:>7.1f}ms", flush=True)

        print("\nIn-guest costs (ubench, 1 hart, -icount shift=0,align=off,sleep=off; "
              "median per operation):")
        rows, done, res = ubench(Path(tmp), args.timeout)
        if not rows:
            print(f"  ubench printed no BENCH lines (QEMU exit status {res.status}); "
                  f"console log: {res.log_path}\n{res.tail(20)}")
            return 1
        width = max(len(name) for name, _, _ in rows)
        print(f"  {'operation':<{width}}  {'median':>12}  {'samples':>7}")
        for name, ns, n in rows:
            print(f"  {name:<{width}}  {human_time(ns):>12}  {n:>7}")
        by_name = {name: ns for name, ns, _ in rows}
        if "read_0_bytes" in by_name and "null_syscall_batched" in by_name:
            extra = by_name["read_0_bytes"] - by_name["null_syscall_batched"]
            print(f"  read of 0 bytes minus the null system call: {extra:.0f} ns (argument\n"
                  f"   fetch, slot lookup and capability check, file dispatch)")
        print("  (rdtime resolution is 100 ns. Under -icount, CPU-bound figures repeat\n"
              "   exactly for one kernel binary; figures that wait for the disk do not,\n"
              "   because QEMU completes disk requests in host time.)")
        if not done or res.status != 0:
            print(f"  (warning: BENCH-DONE {'seen' if done else 'missing'}, QEMU exit status "
                  f"{res.status}; console log: {res.log_path})")
            return 1
        return campaign(Path(tmp), args.campaign, zenith.scaled(args.timeout * 3))


if __name__ == "__main__":
    sys.exit(main())
