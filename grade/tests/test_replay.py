"""Record and replay (grade/replay.py): a one-hart boot recorded with QEMU's
record/replay replays to the same console, byte for byte, and a boot QEMU
cannot replay (several harts) is never recorded."""

import pytest

import replay
import zenith


def test_a_recorded_boot_replays_exactly(tmp_path):
    zenith.build()
    folder = tmp_path / "rec"
    opts = zenith.BootOptions(cpus=1, icount=True)
    res = zenith.run_to_exit("ls; usertests tally pipe_basic", opts, tmp_path,
                             tmp_path / "rec.log", timeout=120, record=folder)
    assert res.status == 0 and "UT-SUMMARY passed=2 failed=0" in res.output, res.tail()
    assert res.record == folder and (folder / "events.rr").stat().st_size > 0
    same, got, want = replay.replay(folder, timeout=120)
    assert want == res.output
    assert same, f"replayed console differs:\n{got[-2000:]}"
    with pytest.raises(zenith.WrongAnswer, match="make replay TEST=rec"):
        res.fail("a failure names the recording")


def test_only_one_hart_under_icount_is_recordable():
    assert replay.recordable(zenith.BootOptions(cpus=1, icount=True))
    assert not replay.recordable(zenith.BootOptions(cpus=3, icount=False))
    assert not replay.recordable(zenith.BootOptions(cpus=1, icount=False))
