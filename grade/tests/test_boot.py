"""Zenith boots under OpenSBI on every hart it is given and reaches the shell."""

import re

import pytest


def _after_banner(vm, cpus):
    """The console from Zenith's banner on; fails unless the banner names the
    hart count."""
    console = vm.console
    m = re.search(r"(?im)^.*zenith.*$", console)
    if m is None:
        vm.fail("no boot banner: expected a console line mentioning 'zenith'")
    banner_and_rest = console[m.start():]
    banner = m.group(0)
    if not re.search(rf"\b{cpus} harts?\b", banner):
        vm.fail(f"boot banner {banner!r} does not mention '{cpus} hart(s)'")
    return banner_and_rest


@pytest.mark.parametrize("cpus", [1, 3])
def test_boot_starts_every_hart(boot, cpus):
    vm = boot(cpus=cpus)
    text = _after_banner(vm, cpus)
    seen = {int(h) for h in re.findall(r"\bhart (\d+)", text)}
    if seen != set(range(cpus)):
        vm.fail(f"expected the console to report harts {sorted(range(cpus))} "
                f"(boot hart + 'hart N starting'), saw {sorted(seen)}")
    if "init: starting sh" not in vm.console:
        vm.fail("init did not print 'init: starting sh'")
    vm.check("echo up", "up")
    vm.halt()


def test_boot_arguments_reach_the_kernel(run_zenith):
    # Everything before run= is passed through; run= must come last.
    res = run_zenith("echo args-ok", append="zenith.test=1", cpus=1)
    assert res.status == 0 and "args-ok" in res.output, \
        f"run=echo with extra boot args: status {res.status}\n{res.tail()}"
