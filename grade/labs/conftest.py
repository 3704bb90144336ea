"""Fixtures for the lab tests (on top of grade/conftest.py).

`vm` here is the usual booted VM, but settled: the kernel prints every
hart's boot line before init starts ("zenith: N of N harts running"), and
the lab tests compare output exactly, so they also resynchronise with the
shell before typing.

`rng` is a random.Random seeded afresh for every test (from the host's
secure random source), so the fixtures a test builds from it (file names,
numbers) cannot be known when the student's code is written. The seed is
shown with a failure; ZENITH_SEED=N makes every test use seed N, to rerun
a failure exactly.
"""

import os
import random
import secrets

import pytest


def settle(machine):
    machine.sync()
    return machine


@pytest.fixture
def vm(boot):
    machine = boot()
    return settle(machine) if machine is not None else None


@pytest.fixture
def rng(request):
    raw = os.environ.get("ZENITH_SEED")
    seed = int(raw) if raw else secrets.randbits(48)
    request.node.zenith_seed = seed
    request.node.user_properties.append(("seed", seed))
    return random.Random(seed)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    seed = getattr(item, "zenith_seed", None)
    # (No seed with a build failure: the message every test shares stays one.)
    built = not (call.excinfo and "build failed (`make all`" in str(call.excinfo.value))
    if report.when == "call" and report.failed and seed is not None and built:
        report.sections.append(("seed", f"this test drew its fixtures from seed {seed}; "
                                f"ZENITH_SEED={seed} reruns it with the same ones"))
