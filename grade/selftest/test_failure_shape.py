"""Failure messages have one shape (what ran and what was expected, the log
path, the console tail), and the tail leaves out OpenSBI's banner. Host only."""

import pytest

import zenith

BANNER = """
OpenSBI v1.1
   ____                    _____ ____ _____
  / __ \\                  / ____|  _ \\_   _|
 | |  | |_ __   ___ _ __ | (___ | |_) || |
 | |__| | |_) |  __/ | | |____) | |_) || |_
  \\____/| .__/ \\___|_| |_|_____/|____/_____|
        | |
        |_|

Platform Name             : riscv-virtio,qemu
Firmware Base             : 0x80000000
Runtime SBI Version       : 1.0

Domain0 Name              : root
Domain0 Next Mode         : S-mode

Boot HART ID              : 0
Boot HART MEDELEG         : 0x0000000000f0b509

"""
KERNEL = "zenith: booting on hart 0, 1 harts, 128 MiB RAM\ninit: starting sh\n  0x80201234\n$ pause abc\nusage: pause TICKS\n"


def test_the_tail_leaves_out_the_firmware_banner():
    tail = zenith.tail_of(BANNER + KERNEL)
    assert "Domain0" not in tail and "Platform" not in tail and "____" not in tail
    assert "lines of OpenSBI's banner: in the full log" in tail
    assert tail.endswith(KERNEL.rstrip("\n"))
    assert "  0x80201234" in tail                     # indented kernel lines stay
    assert zenith.tail_of(KERNEL) == KERNEL.rstrip("\n")


def test_a_run_mode_failure_has_the_common_shape(tmp_path):
    res = zenith.RunResult(0, BANNER + KERNEL, tmp_path / "t.log")
    with pytest.raises(zenith.WrongAnswer) as e:
        res.fail("run=`pause abc` exited with status 0; expected status 1")
    text = str(e.value)
    assert text.startswith("wrong answer: run=`pause abc` exited with status 0; expected status 1")
    assert f"(full console log: {tmp_path / 't.log'})" in text
    assert "usage: pause TICKS" in text and "Domain0" not in text
