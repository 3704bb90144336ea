#!/bin/sh
# Start QEMU halted at its first instruction with a GDB stub on a free TCP
# port of 127.0.0.1 (never on every interface), and tell the user how to attach.
# The port goes into .gdb-port in the current directory, where .gdbinit reads it.
#
# Usage: tools/qemu-gdb.sh QEMU [QEMU-ARGS...]     (`make qemu-gdb` runs this)
set -e

if [ $# -lt 1 ]; then
  echo "usage: $0 qemu-system-riscv64 [qemu args...]" >&2
  exit 2
fi

# Ask the kernel for a free port: bind port 0, read back what it chose.
port=$(/usr/bin/python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')

echo "$port" > .gdb-port
echo "*** QEMU is waiting for GDB on 127.0.0.1:$port. In another terminal: gdb-multiarch -nx -x .gdbinit"
echo "*** (from $(pwd); the port is also in .gdb-port)"
exec "$@" -S -gdb "tcp:127.0.0.1:$port"
