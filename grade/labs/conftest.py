"""Fixtures for the lab tests (on top of grade/conftest.py).

`vm` here is the usual booted VM, but settled: the secondary harts print
"zenith: hart N started (k of n running)" on their own, possibly after the
first shell prompt, and such a late line would land in the middle of a
command's output (or make sysinfo count fewer harts). The lab tests compare
output exactly, so they wait for every hart and resynchronise with the shell.
"""

import re

import pytest


def settle(machine):
    n = machine.opts.cpus
    if n > 1 and f"({n} of {n} running)" not in machine.console:
        machine.expect(re.compile(rf"\({n} of {n} running\)"))
    machine.sync()
    return machine


@pytest.fixture
def vm(boot):
    machine = boot()
    return settle(machine) if machine is not None else None
