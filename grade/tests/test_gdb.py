"""GDB attaches to Zenith, stops in the kernel's syscall path, reads registers."""

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time

import zenith

GDB = "gdb-multiarch"
KERNEL_BASE = 0x80000000   # user addresses are below this


# GDB waits 2 s for each reply by default; a QEMU still starting on a busy
# host answers later, and GDB then reads that late answer as the reply to its
# next packet ("Remote replied unexpectedly").
REMOTE_TIMEOUT = ["-ex", f"set remotetimeout {int(zenith.scaled(30))}"]


def _run_gdb(args, cwd, timeout):
    """Run gdb in its own session (so a hang can be killed with its QEMU)."""
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=zenith.scaled(timeout))
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        raise AssertionError(f"gdb did not finish in {zenith.scaled(timeout):.0f} s; "
                             f"its output:\n{out}") from None
    return out


def _qemu_for_gdb(tmp, serial_log):
    disk = tmp / "gdb-fs.img"
    shutil.copyfile(zenith.FS_IMG, disk)
    argv = zenith.qemu_command(zenith.BootOptions(cpus=1), disk,
                               serial=("-serial", f"file:{serial_log}"))
    return [a if not a.startswith("build/") else str(zenith.REPO / a) for a in argv]


def _check_stop(out):
    assert re.search(r"Breakpoint 1, .*\bsyscall\b", out), \
        f"gdb did not stop at the breakpoint on syscall; its output:\n{out}"
    m = re.search(r"zenith-epc=0x([0-9a-f]+)", out)
    assert m, f"gdb did not print the trap frame's epc; its output:\n{out}"
    epc = int(m.group(1), 16)
    assert 0 < epc < KERNEL_BASE, \
        f"user pc of the ecall (trapframe->epc) = {epc:#x}, expected a user address; " \
        f"gdb said:\n{out}"
    m = re.search(r"zenith-scause=(\d+)", out)
    assert m and int(m.group(1)) >= 0, f"gdb did not read $scause; its output:\n{out}"
    m = re.search(r"zenith-a7=(-?\d+)", out)
    assert m, f"gdb did not print the trap frame's a7; its output:\n{out}"
    a7 = int(m.group(1))
    assert 1 <= a7 <= 64, f"the user's a7 (syscall number) read as {a7}; gdb said:\n{out}"


# Commands run once stopped in syscall(): a CSR, then the user pc of the ecall
# and the syscall number the user put in a7, both saved in the trap frame
# (regs[17] is a7; tp holds the hart id in the kernel). $sepc itself is not
# used: a kernel interrupt after the trap entry may have changed it.
STOPPED = [
    "-ex", 'printf "zenith-scause=%lu\\n", $scause',
    "-ex", 'printf "zenith-epc=0x%lx\\n", cpus[$tp].proc->trapframe->epc',
    "-ex", 'printf "zenith-a7=%ld\\n", cpus[$tp].proc->trapframe->regs[17]',
    "-ex", "bt",
]


def test_gdb_breaks_in_syscall(zenith_tmp):
    qemu = _qemu_for_gdb(zenith_tmp, zenith_tmp / "serial.log") + ["-S", "-gdb", "stdio"]
    args = [GDB, "-batch", "-nx",
            "-ex", "set pagination off", "-ex", "set confirm off",
            "-ex", "set architecture riscv:rv64",
            *REMOTE_TIMEOUT,
            "-ex", f"file {zenith.KERNEL}",
            "-ex", f"target remote | exec {shlex.join(qemu)}",
            "-ex", "break syscall", "-ex", "continue", *STOPPED,
            "-ex", "kill"]
    out = _run_gdb(args, zenith.REPO, timeout=90)
    _check_stop(out)


def _wait_for_listener(port, deadline, script):
    """Poll until QEMU accepts connections on the port the script wrote
    (it writes the port before QEMU has opened it)."""
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on 127.0.0.1:{port}"
            assert script.poll() is None, f"tools/qemu-gdb.sh exited: {script.stdout.read()}"
            time.sleep(0.05)


def test_qemu_gdb_script_and_gdbinit(zenith_tmp):
    # The student's loop: tools/qemu-gdb.sh in one terminal, gdb -x .gdbinit in
    # another. Run it in a scratch directory so .gdb-port is ours alone.
    work = zenith_tmp / "debug"
    work.mkdir()
    (work / "build").symlink_to(zenith.BUILD)
    shutil.copy(zenith.REPO / ".gdbinit", work / ".gdbinit")
    qemu = _qemu_for_gdb(zenith_tmp, zenith_tmp / "serial2.log")
    script = subprocess.Popen([str(zenith.REPO / "tools" / "qemu-gdb.sh"), *qemu], cwd=work,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    try:
        deadline = time.monotonic() + zenith.scaled(20)
        port_file = work / ".gdb-port"
        while not (port_file.exists() and port_file.read_text().strip()):
            assert time.monotonic() < deadline, "tools/qemu-gdb.sh wrote no .gdb-port"
            assert script.poll() is None, f"tools/qemu-gdb.sh exited: {script.stdout.read()}"
            time.sleep(0.05)
        _wait_for_listener(int(port_file.read_text().strip()), deadline, script)
        args = [GDB, "-batch", "-nx", *REMOTE_TIMEOUT, "-x", ".gdbinit",
                "-ex", "break syscall", "-ex", "continue", *STOPPED,
                "-ex", "curproc",
                "-ex", "uprog init",
                "-ex", 'python print("zenith-uprog=%s" % any(o.filename.endswith("/_init") '
                       'for o in gdb.objfiles()))',
                "-ex", "kill"]
        out = _run_gdb(args, work, timeout=90)
        _check_stop(out)
        assert re.search(r"hart \d+: pid 1 \(init\), kernel mode", out), \
            f"`curproc` at the first system call should name pid 1 (init):\n{out}"
        assert "zenith-uprog=True" in out, f"`uprog init` did not load build/user/_init:\n{out}"
        banner = script.stdout.readline() if script.stdout else ""
        assert "127.0.0.1:" in banner and "gdb-multiarch -nx -x .gdbinit" in banner, \
            f"tools/qemu-gdb.sh printed {banner!r}"
    finally:
        if script.poll() is None:
            os.killpg(script.pid, signal.SIGKILL)
        script.wait()
