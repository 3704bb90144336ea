"""grade/crashcheck.py reads a console that a SIGKILL cut short: a last line
without its newline is not an event (it was printed before its step ran,
and the step had not begun). Before, such a line ("CR 0 1 A 4" of
"CR 0 1 A 4 512") was read as a step with one argument too few and the
checker crashed with an IndexError."""
import crashcheck


def test_cut_last_line_is_not_a_step():
    console = "CR-READY 7 1\nCR 0 0 T 4\nCR-OK 0 0 0\nCR 0 1 A 4"
    rnd = crashcheck.replay(console)
    assert rnd.ready and rnd.problems == []
    w = rnd.writers[0]
    assert (w.begun, w.ended, w.pending) == (0, 0, None)


def test_whole_last_line_is_a_step():
    console = "CR-READY 7 1\nCR 0 0 T 4\nCR-OK 0 0 0\nCR 0 1 A 4 16\n"
    rnd = crashcheck.replay(console)
    w = rnd.writers[0]
    assert rnd.problems == [] and (w.begun, w.ended) == (1, 0)
