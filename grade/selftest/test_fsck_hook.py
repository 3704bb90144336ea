"""The grader fscks every disk a passing test's VMs wrote and fails the test
on an error (grade/conftest.py, pytest_pyfunc_call): one case damages the
bitmap of its disk after the run and must fail with fsck's message, the
clean one must pass."""

import subprocess
import sys

from zenith import REPO

CASE = "grade/selftest/cases/fsck_after_test_case.py"


def test_damaged_disk_fails_the_test():
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", CASE],
                          cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300)
    out = proc.stdout
    assert proc.returncode == 1, out
    assert "1 failed, 1 passed" in out, out
    assert "FAILED grade/selftest/cases/fsck_after_test_case.py::test_damaged_disk_fails" in out, out
    assert "the disk is inconsistent after the test" in out, out
    assert "free in the bitmap" in out, out
