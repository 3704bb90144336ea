"""Host tests of grade/crashcheck.py's model and bounds (no QEMU): which
states of a writer's directory a crash may leave."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "grade"))
import crashcheck as cc  # noqa: E402


def states_and_low(lines):
    # Each line whole, with its newline, as the guest prints it.
    rnd = cc.replay("\n".join(["CR-READY 5 " + lines[0]] + lines[1:]) + "\n")
    return rnd


def test_cut_last_line_is_not_a_step():
    """A SIGKILL can cut the last line short ("CR 0 1 A 4" of "CR 0 1 A 4
    512"): it was printed before its step ran, so it is no step at all.
    Before, it was read as a step with one argument too few and replay
    crashed with an IndexError (seen once in test_power_cuts_keep_promises)."""
    rnd = cc.replay("CR-READY 7 1\nCR 0 0 T 4\nCR-OK 0 0 0\nCR 0 1 A 4")
    w = rnd.writers[0]
    assert rnd.problems == [] and (w.begun, w.ended, w.pending) == (0, 0, None)


def test_single_writer_every_returned_step_is_promised():
    rnd = states_and_low(["1", "CR 0 0 T 1", "CR-OK 0 0 3", "CR 0 1 A 1 4", "CR-OK 0 1 4",
                          "CR 0 2 U 1"])
    w = rnd.writers[0]
    assert rnd.low[0] == 2                          # after step 1
    assert w.states[2] == {"f1": cc.pattern(0, 1, 4)}
    assert w.states[3] == {}                        # step 2 in flight: the unlink may be there


def test_failed_steps_change_nothing_and_links_share_bytes():
    rnd = states_and_low(["1", "CR 0 0 A 2 9", "CR-OK 0 0 -2", "CR 0 1 T 2", "CR-OK 0 1 3",
                          "CR 0 2 L 2 3", "CR-OK 0 2 0", "CR 0 3 A 3 2", "CR-OK 0 3 2"])
    w = rnd.writers[0]
    assert w.states[1] == {}
    assert w.states[4] == {"f2": cc.pattern(0, 3, 2), "f3": cc.pattern(0, 3, 2)}


def test_several_writers_promise_only_what_a_fsync_covered():
    rnd = states_and_low(["2", "CR 0 0 T 0", "CR-OK 0 0 3", "CR 1 0 T 1", "CR 0 1 S",
                          "CR-OK 1 0 3", "CR-OK 0 1 0", "CR 0 2 T 2", "CR-OK 0 2 3"])
    # Writer 0's step 0 ended before its fsync was called: promised. Step 2
    # returned but with another writer about: not promised. Writer 1's step
    # 0 ended after the fsync was called: not promised.
    assert rnd.low == {0: 1, 1: 0}


def test_garbled_console_is_reported():
    rnd = states_and_low(["1", "CR 0 0 T 1", "CR 0 1 T 2"])
    assert rnd.problems
