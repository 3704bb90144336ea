#!/bin/sh
# Checks that the tools Zenith needs are present and recent enough; installs
# the missing Debian packages with apt-get (through sudo when not root).
# Run by `make` on first use, by `make deps`, and by .ci/run.
# Groups named on the command line add packages: `tools/deps.sh plots` wants
# python3-matplotlib (make schedbench, make sched-trace draw with it);
# `tools/deps.sh docs` wants Sphinx, MyST, Graphviz and Chromium (make docs
# builds the course website with them; its test opens it in Chromium).
set -e

PKGS=""
need() {  # need COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || PKGS="$PKGS $2"
}
need_py() {  # need_py MODULE PACKAGE
  /usr/bin/python3 -c "import $1" >/dev/null 2>&1 || PKGS="$PKGS $2"
}

need riscv64-unknown-elf-gcc gcc-riscv64-unknown-elf
need riscv64-unknown-elf-ld binutils-riscv64-unknown-elf
need qemu-system-riscv64 qemu-system-misc
need gdb-multiarch gdb-multiarch
need gcc gcc
need make make
need unifdef unifdef
need /usr/bin/python3 python3
[ -d /usr/lib/riscv64-linux-gnu/opensbi ] || PKGS="$PKGS opensbi"
if [ -x /usr/bin/python3 ]; then
  need_py pytest python3-pytest
  need_py pexpect python3-pexpect
  need_py xdist python3-pytest-xdist
  need_py pytest_timeout python3-pytest-timeout
fi
for group in "$@"; do
  case "$group" in
    plots) need_py matplotlib python3-matplotlib ;;
    docs)
      need_py sphinx python3-sphinx
      need_py myst_parser python3-myst-parser
      need dot graphviz
      need chromium chromium ;;
    *) echo "zenith: tools/deps.sh: unknown group '$group' (plots, docs)" >&2; exit 2 ;;
  esac
done

if [ -n "$PKGS" ]; then
  echo "zenith: installing missing Debian packages:$PKGS"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else
    SUDO="sudo"
    echo "zenith: not root, so apt-get runs through sudo (it may ask for your password)"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq $PKGS
fi

# Versions: QEMU 7.0+ (Sstc, virtio-mmio modern), GCC 10+ (rv64gc with zicsr).
qv=$(qemu-system-riscv64 --version | sed -n 's/.*version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
set -- $qv
if [ -z "$1" ] || [ "$1" -lt 7 ]; then
  echo "zenith: found QEMU '$(qemu-system-riscv64 --version | head -1)'; need qemu-system-riscv64 7.0 or newer" >&2
  exit 1
fi
gv=$(riscv64-unknown-elf-gcc -dumpversion | cut -d. -f1)
if [ -z "$gv" ] || [ "$gv" -lt 10 ]; then
  echo "zenith: found riscv64-unknown-elf-gcc $gv; need version 10 or newer" >&2
  exit 1
fi
exit 0
