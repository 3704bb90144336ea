"""Programs in xv6's style build with the compatibility flags and only with
them (issue 18; book 2, "Running xv6 programs"). user/xv6/xv6tests.c keeps
xv6's habits on purpose; if Zenith's strict flags ever accepted it, it
would no longer prove that the compatibility build is what makes such
programs build."""
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SOURCE = ROOT / "user/xv6/xv6tests.c"
CC = "riscv64-unknown-elf-gcc"

pytestmark = pytest.mark.skipif(shutil.which(CC) is None, reason=f"{CC} not installed")


def make_var(name):
    out = subprocess.run(["make", "-s", "--no-print-directory", f"print-{name}"], cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def compile_with(flags, tmp_path):
    return subprocess.run([CC, *flags, "-c", "-o", str(tmp_path / "x.o"), str(SOURCE)],
                          cwd=ROOT, capture_output=True, text=True)


def test_xv6_style_builds_with_the_compat_flags(tmp_path):
    res = compile_with(make_var("XV6_CFLAGS"), tmp_path)
    assert res.returncode == 0, f"xv6tests.c does not build with XV6_CFLAGS:\n{res.stderr}"


def test_xv6_style_is_rejected_by_zeniths_own_flags(tmp_path):
    res = compile_with(make_var("CFLAGS"), tmp_path)
    assert res.returncode != 0, "Zenith's strict flags accept xv6tests.c: it no longer has xv6's habits"
    for habit in ("-Werror=format", "-Werror=implicit-fallthrough", "-Werror=sign-compare"):
        assert habit in res.stderr, f"no {habit} error: xv6tests.c lost that habit\n{res.stderr}"
