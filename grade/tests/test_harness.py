"""The grader itself: it must tell "did not boot", "panicked" and "QEMU
exited" apart, since students read those words first."""

import pytest

import zenith


def test_no_prompt_is_did_not_boot(zenith_tmp):
    # -S: QEMU starts with every hart stopped, so no prompt ever comes.
    vm = zenith.VM("stopped", zenith.BootOptions(cpus=1, extra=["-S"]), zenith_tmp)
    try:
        with pytest.raises(zenith.DidNotBoot, match="kernel did not boot"):
            vm.start(timeout=2)
    finally:
        vm.close()


def test_panic_text_is_kernel_panic(vm):
    # The harness recognises a panic by its "panic: " line; the kernel's
    # panic() prints exactly that, and here we fake one with echo.
    with pytest.raises(zenith.KernelPanic, match="kernel panicked"):
        vm.run("echo panic: pretend")


def test_unexpected_exit_is_reported(vm):
    vm.sendline("halt 9")
    with pytest.raises(zenith.QemuExited, match="exit status 9"):
        vm.expect("this never appears")


def test_runaway_output_is_a_console_flood(vm, monkeypatch):
    # A guest that never stops printing must be stopped with a clear reason,
    # not fill the grader's memory: lower the limit to just past the boot.
    monkeypatch.setattr(zenith, "CONSOLE_LIMIT", vm.transcript.size + 4000)
    with pytest.raises(zenith.ConsoleFlood, match="console flood"):
        vm.run("cat README; cat README; cat README; cat README; cat README")
