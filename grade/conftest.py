"""pytest glue for the Zenith grader: build once, one fresh VM per test.

Fixtures (see grade/zenith.py for the VM API):
  vm            a VM booted with the Makefile's defaults, at the shell prompt
  boot          factory: boot(cpus=1, append="...", icount=True) -> VM at the prompt
  run_zenith    factory: run_zenith("usertests", cpus=1) -> RunResult(status, output)
                (boots with run=<command>, waits for QEMU to power off)
  zenith_tmp    a per-test scratch directory (disk copies live there)

Markers:
  @pytest.mark.zenith_timeout(seconds)   safety-net timeout for the whole test,
                                         before ZENITH_TIMEOUT_SCALE (default 120)
  @pytest.mark.slow                      scheduled first, so parallel runs end sooner
  @pytest.mark.lab_answers(N)            a system test of what lab N's students
                                         build: skipped in the handouts of labs
                                         1..N, where that code is a stub
  @pytest.mark.no_fsck                   do not check the test's disks afterwards

After a test that passed, every VM it booted through these fixtures is
stopped and each disk copy that QEMU wrote to is checked with grade/fsck.py
(committed log replayed first, as recovery would): an inconsistent disk
fails the test. About 40 ms per disk.

Console logs: grade/out/logs/<test>.log, one per VM, kept after the run.
"""

import filecmp
import os
import re

import pytest

import fsck
import manifest
import replay
import zenith
from scoring import score  # noqa: F401  (partial-credit fixture, grade/scoring.py)

DEFAULT_TEST_TIMEOUT = 120
GRADE_DIR = zenith.REPO / "grade"


def _is_grade_item(item):
    return GRADE_DIR in item.path.parents


def pytest_configure(config):
    config.addinivalue_line("markers", "zenith_timeout(seconds): whole-test timeout "
                            "before ZENITH_TIMEOUT_SCALE")
    config.addinivalue_line("markers", "slow: long test, scheduled first")
    config.addinivalue_line("markers", "lab_answers(n): needs lab n's answers; skipped "
                            "in the handouts of labs 1..n")
    config.addinivalue_line("markers", "no_fsck: leave the test's disks unchecked")
    if not config.pluginmanager.hasplugin("timeout"):
        config.addinivalue_line("markers", "timeout(seconds): pytest-timeout (absent)")
    zenith.timeout_scale()   # a bad ZENITH_TIMEOUT_SCALE stops the run here
    # Logs are overwritten test by test, never wiped as a whole: another run
    # in the same tree may be writing its own right now.


def _handout_number():
    """The number of the lab this tree is the handout of, None in the reference."""
    name = manifest.handout_lab(zenith.REPO)
    return manifest.find_lab(zenith.REPO, name).number if name else None


def pytest_collection_modifyitems(config, items):
    handout = _handout_number()
    for item in items:
        if not _is_grade_item(item):
            continue
        needs = item.get_closest_marker("lab_answers")
        if needs and handout is not None and handout <= needs.args[0]:
            item.add_marker(pytest.mark.skip(
                reason=f"tests lab {needs.args[0]}'s answers, stubs in this lab {handout} handout"))
        mark = item.get_closest_marker("zenith_timeout")
        base = mark.args[0] if mark else DEFAULT_TEST_TIMEOUT
        item.add_marker(pytest.mark.timeout(zenith.scaled(base)))
    # Stable sort: slow tests first, so xdist does not start them last.
    items.sort(key=lambda it: 0 if it.get_closest_marker("slow") else 1)


# ---------------------------------------------------------------- build

_build_error = None
_built = False


@pytest.fixture(scope="session", autouse=True)
def zenith_build():
    """`make all` once per worker (under a file lock, so workers do not race)."""
    global _build_error, _built
    if not _built:
        _built = True
        try:
            zenith.build()
        except zenith.BuildFailed as e:
            _build_error = e


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    # A failed build fails every test (in its call phase, so it counts as a
    # failure with the compiler's message, not as a fixture error).
    if _build_error is not None:
        pytest.fail(str(_build_error), pytrace=False)


# ---------------------------------------------------------------- VMs

def _log_stem(nodeid):
    name = nodeid.split("grade/tests/")[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


class _Machines:
    """The VMs one test started; named and logged per test."""

    def __init__(self, request, tmp):
        self.request = request
        self.tmp = tmp
        self.count = 0
        self.vms = []
        self.disks = []   # (disk copy, image it was copied from) of every boot
        request.node.zenith_machines = self

    def next_name(self):
        self.count += 1
        stem = _log_stem(self.request.node.nodeid)
        suffix = "" if self.count == 1 else f"-{self.count}"
        return f"vm{self.count}", zenith.LOG_DIR / f"{stem}{suffix}.log"

    def close_all(self):
        for vm in self.vms:
            vm.close()

    def disk_errors(self):
        """grade/fsck.py's findings on each disk a VM wrote to ([] if none)."""
        found = []
        for disk, image in self.disks:
            if not disk.exists() or filecmp.cmp(disk, image, shallow=False):
                continue   # never booted, or read only
            try:
                errors = fsck.check(disk).errors
            except ValueError as e:   # no superblock left
                errors = [str(e)]
            found += [f"{disk.name}: {e}" for e in errors]
        return found

    def last_log(self):
        for vm in reversed(self.vms):
            if vm.log_path:
                return vm
        return None


@pytest.fixture
def zenith_tmp(tmp_path):
    return tmp_path


@pytest.fixture
def _machines(request, zenith_tmp):
    machines = _Machines(request, zenith_tmp)
    yield machines
    machines.close_all()


@pytest.fixture
def boot(_machines):
    """boot(cpus=3, append="", icount=False, extra=(), timeout=...) -> VM at "$ "."""
    def _boot(cpus=3, append="", icount=False, extra=(), timeout=zenith.BOOT_TIMEOUT):
        if _build_error is not None:
            return None   # pytest_runtest_call fails the test before it runs
        name, log = _machines.next_name()
        vm = zenith.VM(name, zenith.BootOptions(cpus=cpus, append=append, icount=icount,
                                                icount_shift=zenith.TEST_ICOUNT_SHIFT,
                                                extra=list(extra)),
                       _machines.tmp, log)
        _machines.vms.append(vm)
        _machines.disks.append((vm.disk, vm.image))
        return vm.start(timeout)
    return _boot


@pytest.fixture
def vm(boot):
    return boot()


@pytest.fixture
def run_zenith(_machines):
    """run_zenith(command, cpus=3, append="", icount=False, timeout=...) -> RunResult."""
    def _run(command, cpus=3, append="", icount=False, extra=(), timeout=zenith.EXIT_TIMEOUT):
        if _build_error is not None:
            return None
        name, log = _machines.next_name()
        opts = zenith.BootOptions(cpus=cpus, append=append, icount=icount,
                                  icount_shift=zenith.TEST_ICOUNT_SHIFT, extra=list(extra))
        _machines.disks.append((_machines.tmp / f"{name}-fs.img", zenith.FS_IMG))
        # ZENITH_RECORD=1: record every boot QEMU can replay (grade/replay.py).
        record = replay.REPLAY_DIR / log.stem if os.environ.get("ZENITH_RECORD") == "1" \
            and replay.recordable(opts) else None
        return zenith.run_to_exit(command, opts, _machines.tmp, log, timeout, name, record)
    return _run


@pytest.hookimpl(hookwrapper=True)
def pytest_pyfunc_call(pyfuncitem):
    """After a test that passed: stop its VMs, fsck the disks they wrote."""
    outcome = yield
    machines = getattr(pyfuncitem, "zenith_machines", None)
    if (outcome.excinfo is not None or machines is None or not machines.disks
            or pyfuncitem.get_closest_marker("no_fsck")):
        return
    machines.close_all()   # a VM still at its prompt loses power, as in a crash
    errors = machines.disk_errors()
    if errors:
        pytest.fail("the disk is inconsistent after the test (grade/fsck.py):\n"
                    + "\n".join(errors[:20]), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    machines = getattr(item, "zenith_machines", None)
    if report.when != "call" or not report.failed or machines is None or not machines.vms:
        return
    if call.excinfo and call.excinfo.errisinstance((zenith.ZenithFailure, zenith.BuildFailed)):
        return   # the message already shows the console
    vm = machines.last_log()
    if vm is not None:
        report.sections.append((f"console tail ({vm.log_path})", vm.tail()))
