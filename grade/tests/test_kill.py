"""A kill, or the destruction of a process's cell, ends every kind of long
system call within a bounded number of ticks (book 4, "How long a kill
takes"): the in-guest suite killtest starts a child in a long console
write, pipe write or read, channel receive, file write, sleep or wait,
kills it and requires it reaped within 200 ticks. Before the fix a killed
console writer wrote on to the end of its megabyte."""

import pytest

import guest

# The cell cases destroy a cell: lab 4's capability answers are needed.
pytestmark = pytest.mark.lab_answers(4)

CASES = ["console_write", "console_write_cell", "pipe_write", "pipe_read", "pipe_write_cell",
         "chan_recv", "file_write", "file_write_cell", "sleep", "wait"]


@pytest.mark.zenith_timeout(400)
def test_killtest_one_hart(run_zenith):
    res = run_zenith("killtest all", cpus=1, icount=True, timeout=300)
    guest.check_suite(res, "killtest", "KT", len(CASES), label="killtest on 1 hart")


@pytest.mark.zenith_timeout(400)
def test_killtest_three_harts(run_zenith):
    res = run_zenith("killtest all", cpus=3, timeout=300)
    guest.check_suite(res, "killtest", "KT", len(CASES), label="killtest on 3 harts")
