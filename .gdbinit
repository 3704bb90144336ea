# Zenith's GDB setup. Load it explicitly (gdb ignores a project .gdbinit
# unless told otherwise):
#     make qemu-gdb                    # terminal 1: QEMU waits, writes .gdb-port
#     gdb-multiarch -nx -x .gdbinit    # terminal 2, from the repository root
# Then: uprog NAME  loads the symbols of user program NAME (build/user/_NAME);
#       curproc     says which process runs on the selected hart.
set confirm off
set pagination off
set architecture riscv:rv64
set remotetimeout 10
file build/kernel.elf

python
import os

class UserProgram(gdb.Command):
    """uprog NAME: add the symbols of user program NAME (build/user/_NAME).

User programs are all linked at 0x1000, so their symbols apply to whatever
process runs that program when you stop in user mode."""

    def __init__(self):
        super().__init__("uprog", gdb.COMMAND_FILES, gdb.COMPLETE_FILENAME)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if not name:
            raise gdb.GdbError("usage: uprog NAME   (for example: uprog sh)")
        path = os.path.join("build", "user", "_" + name)
        if not os.path.exists(path):
            raise gdb.GdbError(f"{path} not found: is '{name}' a user program, and was it built?")
        gdb.execute(f"add-symbol-file {path}")

UserProgram()

class CurrentProcess(gdb.Command):
    """curproc: the process running on the selected hart (GDB thread N = hart N-1).

Works when stopped in user code too: the kernel's data is not mapped in a
process's page table, so it reads it through QEMU's physical-memory mode
(the kernel maps RAM at its physical addresses)."""

    def __init__(self):
        super().__init__("curproc", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        hart = gdb.selected_thread().num - 1
        in_user = int(gdb.parse_and_eval("$pc")) < 0x80000000
        if in_user:
            gdb.execute("maint packet Qqemu.PhyMemMode:1", to_string=True)
        try:
            p = gdb.parse_and_eval(f"cpus[{hart}].proc")
            if int(p) == 0:
                print(f"hart {hart}: no process (in the scheduler loop)")
            else:
                name = p["name"].string(length=16).split("\0")[0]
                mode = "user" if in_user else "kernel"
                print(f"hart {hart}: pid {int(p['pid'])} ({name}), {mode} mode")
        finally:
            if in_user:
                gdb.execute("maint packet Qqemu.PhyMemMode:0", to_string=True)

CurrentProcess()

def _zenith_connect():
    try:
        with open(".gdb-port") as f:
            port = f.read().strip()
    except OSError:
        print("zenith: no .gdb-port here: start `make qemu-gdb` first (in this directory), "
              "then `target remote 127.0.0.1:PORT` by hand")
        return
    print(f"zenith: connecting to QEMU on 127.0.0.1:{port}")
    try:
        gdb.execute(f"target remote 127.0.0.1:{port}")
    except gdb.error as e:
        print(f"zenith: could not connect ({e}); is `make qemu-gdb` still running? "
              "It writes a new port each time it starts.")

_zenith_connect()
end
