"""Powering off: `halt [status]` and run-mode boots (run=<command>)."""

import pytest


@pytest.mark.parametrize("status", [0, 7])
def test_halt_exit_status(boot, status):
    vm = boot(cpus=1)
    vm.halt(status)


def test_halt_from_smp(boot):
    vm = boot(cpus=3)
    vm.halt(3)


def test_run_mode_returns_command_status(run_zenith):
    ok = run_zenith("echo run-mode-ok", cpus=1)
    assert ok.status == 0, f"run=echo: QEMU exit status {ok.status}, expected 0\n{ok.tail()}"
    assert "run-mode-ok" in ok.output, f"run=echo output missing\n{ok.tail()}"

    bad = run_zenith("cat /no-such-file", cpus=1)
    assert bad.status != 0, \
        f"run=cat /no-such-file: QEMU exit status 0, expected the failure status\n{bad.tail()}"


def test_run_mode_pipeline(run_zenith):
    res = run_zenith("echo one two three | wc", cpus=1)
    assert res.status == 0, f"status {res.status}\n{res.tail()}"
    assert "1 3 14" in " ".join(res.output.split()), \
        f"expected wc to count '1 3 14'\n{res.tail()}"
