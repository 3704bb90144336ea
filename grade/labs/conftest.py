"""Fixtures for the lab tests (on top of grade/conftest.py).

`vm` here is the usual booted VM, but settled: the kernel prints every
hart's boot line before init starts ("zenith: N of N harts running"), and
the lab tests compare output exactly, so they also resynchronise with the
shell before typing.
"""

import pytest


def settle(machine):
    machine.sync()
    return machine


@pytest.fixture
def vm(boot):
    machine = boot()
    return settle(machine) if machine is not None else None
