"""Boot Zenith under QEMU and talk to it over its serial console.

This module knows nothing about pytest, so host tools (tools/bench.py) use it
too; grade/conftest.py wraps it in fixtures.

    vm = VM("demo", BootOptions(cpus=1), workdir, logpath)
    vm.start()                 # copies build/fs.img, spawns QEMU, waits for "$ "
                               # (VM(..., image=path) copies that image instead)
    out = vm.run("echo hi")    # -> "hi\n"
    vm.halt()                  # asserts QEMU exits with status 0

    result = run_to_exit("usertests", BootOptions(), workdir, logpath)
    result.status, result.output

Failures are AssertionError subclasses whose message says which of these
happened, then shows the last lines of the console:
  DidNotBoot     no shell prompt within the boot timeout
  KernelPanic    "panic: " on the console
  QemuExited     QEMU exited when the test did not expect it
  WrongAnswer    the guest answered, but not what the test expected
  ConsoleFlood   the guest printed more than CONSOLE_LIMIT (runaway output)
"""

import fcntl
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import pexpect

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
KERNEL = BUILD / "kernel.elf"
FS_IMG = BUILD / "fs.img"          # the clean disk: every test boots a copy of it
FS_IMG_SUM = BUILD / "fs.img.sha256"   # its SHA-256, written by make right after mkfs
OUT_DIR = REPO / "grade" / "out"
LOG_DIR = OUT_DIR / "logs"

PROMPT = "$ "
PROMPT_RE = re.compile(r"\n\$ ")          # every prompt follows a newline
PANIC_RE = re.compile(r"panic: ")
# -icount makes every instruction advance the guest's clock by 2^shift ns.
# Published figures (tools/bench.py, fuzz and race campaigns) use shift 0, a
# 1 GHz hart. The tests use TEST_ICOUNT_SHIFT, a 250 MHz hart: what they check
# is counted in ticks and in rdtime, so it is the same on either, and a tick
# costs the host a quarter of the instructions (make test's -icount runs take
# about a third of the time). The cost counters divide by the shift (sched.c).
FIGURE_ICOUNT_SHIFT = 0
TEST_ICOUNT_SHIFT = 2


def icount_args(shift=FIGURE_ICOUNT_SHIFT):
    return ["-icount", f"shift={shift},align=off,sleep=off"]


TAIL_LINES = 40
# A guest that prints more than this is stopped and failed: a runaway kernel
# must not fill the grader's memory or disk.
CONSOLE_LIMIT = 8 * 1024 * 1024

# Base timeouts in seconds, before ZENITH_TIMEOUT_SCALE.
BOOT_TIMEOUT = 30
COMMAND_TIMEOUT = 30
EXIT_TIMEOUT = 30


def timeout_scale():
    """ZENITH_TIMEOUT_SCALE (default 1): multiply every timeout on slow hosts."""
    raw = os.environ.get("ZENITH_TIMEOUT_SCALE", "1")
    try:
        scale = float(raw)
    except ValueError:
        raise ValueError(f"ZENITH_TIMEOUT_SCALE={raw!r} is not a number") from None
    if scale <= 0:
        raise ValueError(f"ZENITH_TIMEOUT_SCALE={raw!r} must be positive")
    return scale


def scaled(seconds):
    return seconds * timeout_scale()


# ---------------------------------------------------------------- failures

class ZenithFailure(AssertionError):
    """Something went wrong in the guest; the message carries the console tail."""
    kind = "failure"

    def __init__(self, what, console_tail="", log_path=None):
        self.what = what
        self.console_tail = console_tail   # kept so a test can re-raise with a hint
        self.log_path = log_path
        text = f"{self.kind}: {what}"
        if log_path:
            text += f"\n(full console log: {log_path})"
        if console_tail:
            text += f"\n----- last {TAIL_LINES} console lines -----\n{console_tail}"
            text += "\n----- end of console -----"
        super().__init__(text)


class DidNotBoot(ZenithFailure):
    kind = "kernel did not boot"


class KernelPanic(ZenithFailure):
    kind = "kernel panicked"


class QemuExited(ZenithFailure):
    kind = "QEMU exited unexpectedly"


class WrongAnswer(ZenithFailure):
    kind = "wrong answer"


class ConsoleFlood(ZenithFailure):
    kind = "console flood"


class BuildFailed(AssertionError):
    """`make all` failed; the message holds the tail of its output."""


# ---------------------------------------------------------------- build

def _make_env():
    """Environment for a make we start ourselves, free of an outer make's flags."""
    env = dict(os.environ)
    for var in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(var, None)
    return env


def _make_all():
    return subprocess.run(["make", "--no-print-directory", "all"], cwd=REPO,
                          env=_make_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")


def build(tail_lines=40):
    """Run `make all` once at a time across processes (pytest-xdist workers
    share the tree), and make sure build/fs.img is the clean disk mkfs made.
    Raises BuildFailed with the compiler's last lines."""
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".grade-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = _make_all()
        if proc.returncode == 0 and not disk_is_clean():
            # Changed since mkfs made it (booted in place by hand, or by a
            # `make qemu` from before the working disk): make it again.
            FS_IMG.unlink(missing_ok=True)
            proc = _make_all()
        clean_disk = proc.returncode != 0 or disk_is_clean()
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-tail_lines:])
        raise BuildFailed(f"build failed (`make all` exited {proc.returncode}); "
                          f"last lines of its output:\n{tail}")
    if not clean_disk:
        raise BuildFailed(f"{FS_IMG} does not match {FS_IMG_SUM} even after `make all` "
                          "rebuilt it: is something booting it in place right now?")


def disk_is_clean(image=None, checksum=None):
    """True when the disk image is byte for byte what mkfs wrote, as its
    .sha256 file (made by the Makefile with it) records."""
    image = Path(image or FS_IMG)
    checksum = Path(checksum or FS_IMG_SUM)
    try:
        recorded = checksum.read_text().split()[0]
        data = image.read_bytes()
    except (OSError, IndexError):
        return False
    return hashlib.sha256(data).hexdigest() == recorded


_qemu_base = None


def qemu_base_args():
    """QEMU and its options exactly as the Makefile's QEMUOPTS says (read from
    make, so there is one source of truth). Paths are relative to REPO."""
    global _qemu_base
    if _qemu_base is None:
        rule = "zenith-print-qemu: ; @echo $(QEMU) $(QEMUOPTS)"
        out = subprocess.run(["make", "-s", "--no-print-directory", f"--eval={rule}",
                              "zenith-print-qemu"], cwd=REPO, env=_make_env(),
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        _qemu_base = shlex.split(out.strip().splitlines()[-1])
    return list(_qemu_base)


@dataclass
class BootOptions:
    cpus: int = 3                 # -smp
    append: str = ""              # kernel command line (run=... must come last)
    icount: bool = False          # deterministic instruction counting
    icount_shift: int = FIGURE_ICOUNT_SHIFT   # ns of guest time per instruction: 2^shift
    extra: list = field(default_factory=list)   # more QEMU arguments


def qemu_command(opts, disk, serial=("-serial", "stdio")):
    """The full QEMU argv for a boot with `opts` using disk image `disk`."""
    args = qemu_base_args()
    out = [args[0]]
    i = 1
    while i < len(args):
        a = args[i]
        if a == "-smp":
            out += ["-smp", str(opts.cpus)]
            i += 2
            continue
        if a == "-drive" and "file=" in args[i + 1]:
            spec = re.sub(r"file=[^,]*", f"file={disk}", args[i + 1])
            # Tests do not need the host-crash durability of the kernel's
            # flushes (QEMU's fdatasync per commit), only speed.
            spec = re.sub(r"cache=[^,]*", "cache=unsafe", spec)
            out += ["-drive", spec]
            i += 2
            continue
        out.append(a)
        i += 1
    out += list(serial) + ["-monitor", "none", "-display", "none"]
    if opts.icount:
        out += icount_args(opts.icount_shift)
    out += list(opts.extra)
    out += ["-append", opts.append]
    return out


# ---------------------------------------------------------------- console

def clean(text):
    """Console text with CR removed (QEMU's tty turns \\n into \\r\\n)."""
    return text.replace("\r", "")


# OpenSBI's banner: its first line, then ASCII art, "Platform ...",
# "Domain0 ...", "Boot HART ..." and blank lines up to the kernel's first.
FIRMWARE_FIRST = "OpenSBI v"
FIRMWARE_LINE = re.compile(r"^(?:[ _/|\\()<.'-]|Platform |Firmware |Runtime SBI |Domain\d+ |"
                           r"Boot HART |$)")


def without_firmware_banner(text):
    """`text` with OpenSBI's banner (about 40 lines before the kernel's first)
    replaced by one line; the full log keeps it."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith(FIRMWARE_FIRST)), None)
    if start is None:
        return text
    end = start + 1
    while end < len(lines) and FIRMWARE_LINE.match(lines[end]):
        end += 1
    return "\n".join(lines[:start] + [f"[{end - start} lines of OpenSBI's banner: "
                                      "in the full log]"] + lines[end:])


def tail_of(text, n=TAIL_LINES):
    """The last n lines of the console, without the firmware's banner."""
    return "\n".join(without_firmware_banner(clean(text)).splitlines()[-n:])


class _Transcript:
    """pexpect logfile: keeps everything QEMU printed, in memory and on disk,
    up to CONSOLE_LIMIT characters; past that it raises ConsoleFlood (out of
    the pexpect call that was reading)."""

    def __init__(self, path):
        self.parts = []
        self.size = 0
        self.file = open(path, "w", encoding="utf-8", errors="replace") if path else None

    def write(self, s):
        if self.size + len(s) > CONSOLE_LIMIT:
            raise ConsoleFlood(f"the guest printed more than {CONSOLE_LIMIT >> 20} MiB; "
                               "stopped it", tail_of(self.text()[-65536:]),
                               self.file.name if self.file else None)
        self.size += len(s)
        self.parts.append(s)
        if self.file:
            self.file.write(s)

    def flush(self):
        if self.file:
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()
            self.file = None

    def text(self):
        return "".join(self.parts)


class VM:
    """One QEMU running Zenith with its own copy of the disk image."""

    def __init__(self, name, opts, workdir, log_path=None, image=None, record=None):
        self.name = name
        self.record = Path(record) if record else None   # a folder: grade/replay.py
        self.image = Path(image) if image else FS_IMG   # copied, never used in place
        self.opts = opts
        self.workdir = Path(workdir)
        self.disk = self.workdir / f"{name}-fs.img"      # the copy QEMU writes
        self.log_path = Path(log_path) if log_path else None
        self.child = None
        self.transcript = None
        self.status = None          # QEMU exit status once it has exited
        self.started_at = None      # time.monotonic() when QEMU was started
        self._sync_count = 0

    # -- lifecycle

    def spawn(self):
        """Start QEMU without waiting for anything."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        disk = self.disk
        for needed in (KERNEL, self.image):
            if not needed.exists():
                raise BuildFailed(f"{needed} is missing (removed or being rebuilt "
                                  "while the tests ran?): run `make all`")
        shutil.copyfile(self.image, disk)
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.transcript = _Transcript(self.log_path)
        argv = self.plain_argv = qemu_command(self.opts, disk)
        if self.record:
            import replay   # (it imports this module)
            replay.prepare(self.record, disk)
            argv = replay.rr_argv(argv, self.record, "record")
        self.started_at = time.monotonic()
        self.child = pexpect.spawn(argv[0], argv[1:], cwd=str(REPO), encoding="utf-8",
                                   codec_errors="replace", timeout=scaled(COMMAND_TIMEOUT),
                                   echo=False, dimensions=(50, 200))
        self.child.logfile_read = self.transcript
        # pexpect sleeps 0.1 s around close by default; QEMU needs none.
        self.child.delayafterclose = self.child.ptyproc.delayafterclose = 0.01
        self.child.delayafterterminate = self.child.ptyproc.delayafterterminate = 0.01
        return self

    def start(self, timeout=BOOT_TIMEOUT):
        """Start QEMU and wait for the first shell prompt."""
        self.spawn()
        self.wait_for_prompt(timeout)
        return self

    def wait_for_prompt(self, timeout=BOOT_TIMEOUT):
        try:
            self.expect(PROMPT_RE, timeout)
        except WrongAnswer:
            raise DidNotBoot(f"no shell prompt {PROMPT!r} within "
                             f"{scaled(timeout):.0f} s of starting QEMU "
                             f"({self.opts.cpus} hart(s))", self.tail(), self.log_path) from None

    def close(self):
        """Stop QEMU if it still runs; keep the log."""
        if self.child is not None:
            if self.child.isalive():
                self.child.kill(signal.SIGKILL)   # nothing to save on the guest side
            try:
                self.child.close(force=True)
            except Exception:
                pass
            if self.status is None:
                self.status = self.child.exitstatus
        if self.transcript:
            self.transcript.close()

    # -- reading the console

    @property
    def console(self):
        """Everything QEMU printed so far, CRs removed."""
        return clean(self.transcript.text()) if self.transcript else ""

    def tail(self, n=TAIL_LINES):
        return tail_of(self.console, n)

    def fail(self, what):
        """Raise WrongAnswer with `what` and the console tail."""
        raise WrongAnswer(what, self.tail(), self.log_path)

    def _drain(self, seconds=2.0):
        """After a panic, read what is left so the log shows the whole message."""
        try:
            self.child.expect(pexpect.EOF, timeout=seconds)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass

    def _exited(self):
        try:
            self.child.close()
        except Exception:
            pass
        self.status = self.child.exitstatus
        if self.status is None and self.child.signalstatus is not None:
            self.status = -self.child.signalstatus
        return self.status

    def expect(self, pattern, timeout=COMMAND_TIMEOUT):
        """Wait for a regex (str or compiled) on the console; return the match.
        A panic, an exit of QEMU or a timeout raises the matching failure."""
        if isinstance(pattern, str):
            pattern = re.compile(pattern)
        idx = self.child.expect([pattern, PANIC_RE, pexpect.EOF, pexpect.TIMEOUT],
                                timeout=scaled(timeout))
        if idx == 0:
            return self.child.match
        if idx == 1:
            self._drain()
            raise KernelPanic(f"while waiting for /{pattern.pattern}/", self.tail(),
                              self.log_path)
        if idx == 2:
            status = self._exited()
            if PANIC_RE.search(self.console):
                raise KernelPanic(f"while waiting for /{pattern.pattern}/ "
                                  f"(QEMU exit status {status})", self.tail(), self.log_path)
            raise QemuExited(f"exit status {status} while waiting for "
                             f"/{pattern.pattern}/", self.tail(), self.log_path)
        raise WrongAnswer(f"timed out after {scaled(timeout):.0f} s waiting for "
                          f"/{pattern.pattern}/", self.tail(), self.log_path)

    def expect_text(self, text, timeout=COMMAND_TIMEOUT):
        return self.expect(re.compile(re.escape(text)), timeout)

    # -- typing

    def send(self, text):
        """Type raw characters (control characters included)."""
        self.child.send(text)

    def sendline(self, line):
        """Type a line and press Enter (the console turns CR into a newline)."""
        self.child.send(line + "\r")

    def run(self, cmd, timeout=COMMAND_TIMEOUT):
        """Type `cmd`, wait for the next prompt, return what the command printed
        (the echoed command line removed, CRs removed). The prompt must start
        a line, so a command whose output does not end in a newline makes
        this time out: use sendline() and expect() for those."""
        self.sendline(cmd)
        self.expect(PROMPT_RE, timeout)
        # The prompt pattern ate the newline that ended the last line.
        return strip_echo(clean(self.child.before) + "\n", cmd)

    def check(self, cmd, *expected, absent=(), timeout=COMMAND_TIMEOUT):
        """Run `cmd`; fail with WrongAnswer unless its output contains every
        string in `expected` and none in `absent`. Returns the output."""
        out = self.run(cmd, timeout)
        missing = [e for e in expected if e not in out]
        unwanted = [a for a in absent if a in out]
        if missing or unwanted:
            what = f"`{cmd}` printed {out!r}"
            if missing:
                what += f"; expected it to contain {missing!r}"
            if unwanted:
                what += f"; expected it NOT to contain {unwanted!r}"
            self.fail(what)
        return out

    def sync(self, timeout=COMMAND_TIMEOUT):
        """Re-align with the shell after background output: echo a unique
        marker and wait for it and the prompt after it. Returns what came
        before the marker."""
        self._sync_count += 1
        marker = f"zenith-sync-{self._sync_count}"
        self.sendline(f"echo {marker}")
        self.expect(re.compile(rf"(?m)^{marker}\r?\n\$ "), timeout)
        return clean(self.child.before)

    # -- power off

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        """Wait for QEMU to exit; return its status. A panic raises KernelPanic."""
        idx = self.child.expect([PANIC_RE, pexpect.EOF, pexpect.TIMEOUT],
                                timeout=scaled(timeout))
        if idx == 0:
            self._drain()
            raise KernelPanic("while waiting for QEMU to exit", self.tail(), self.log_path)
        if idx == 2:
            raise WrongAnswer(f"QEMU still running {scaled(timeout):.0f} s after "
                              "it should have powered off", self.tail(), self.log_path)
        return self._exited()

    def halt(self, status=0, timeout=EXIT_TIMEOUT):
        """Run `halt [status]` and check that QEMU exits with that status."""
        self.sendline("halt" if status == 0 else f"halt {status}")
        got = self.wait_exit(timeout)
        if got != status:
            self.fail(f"`halt {status}` made QEMU exit with status {got}, "
                      f"expected {status}")
        return got


def strip_echo(text, cmd):
    """Drop the console's echo of the typed command line (the first line)."""
    first, _, rest = text.partition("\n")
    return rest if cmd.strip() in first else text


# ---------------------------------------------------------------- run mode

@dataclass
class RunResult:
    status: int        # QEMU exit status (the command's exit status)
    output: str        # the whole console, CRs removed
    log_path: Path = None
    record: Path = None   # the recording of this boot (grade/replay.py), if any

    def tail(self, n=TAIL_LINES):
        return tail_of(self.output, n)

    def fail(self, what):
        """Raise WrongAnswer with `what` (what ran, what was expected, what
        came), the log path and the console tail: the shape of every failure."""
        if self.record:
            what += (f"\n(recorded: `make replay TEST={self.record.name}` replays this boot "
                     f"exactly, `make replay-gdb TEST={self.record.name}` under GDB)")
        raise WrongAnswer(what, self.tail(), self.log_path)


def run_to_exit(command, opts, workdir, log_path=None, timeout=EXIT_TIMEOUT, name="run",
                record=None):
    """Boot with `run=<command>` appended to the kernel command line: init runs
    it through `sh -c` and powers off with its status. Waits for QEMU to exit.
    A panic raises KernelPanic; no exit within the timeout raises WrongAnswer.
    With `record` (a folder; one hart under -icount only) QEMU records the
    boot there for grade/replay.py."""
    append = (opts.append + " " if opts.append else "") + f"run={command}"
    run_opts = replace(opts, append=append, extra=list(opts.extra))
    vm = VM(name, run_opts, workdir, log_path, record=record)
    try:
        vm.spawn()
        status = vm.wait_exit(timeout)
        if record:
            import replay
            replay.finish(record, vm.plain_argv, vm.console)
        return RunResult(status, vm.console, vm.log_path, vm.record)
    finally:
        vm.close()


def time_to_prompt(opts, workdir, timeout=BOOT_TIMEOUT, name="boot"):
    """Seconds from starting QEMU to the first shell prompt (for tools/bench.py)."""
    vm = VM(name, opts, workdir)
    try:
        vm.start(timeout)
        return time.monotonic() - vm.started_at
    finally:
        vm.close()
