"""The shell: pipelines, redirection, ';', '&' and parentheses."""

import guest


def test_pipeline_echo_wc(vm):
    out = vm.run("echo hello world | wc")
    if guest.wc_counts(out) != (1, 2, 12):
        vm.fail(f"`echo hello world | wc` printed {out!r}, expected counts 1 2 12")


def test_three_stage_pipeline(vm):
    lines = [l for l in guest.readme_text().splitlines(keepends=True) if "Zenith" in l]
    expected = guest.count("".join(lines))
    out = vm.run("cat README | grep Zenith | wc")
    if guest.wc_counts(out) != expected:
        vm.fail(f"`cat README | grep Zenith | wc` printed {out!r}, "
                f"expected counts {expected} (from user/files/README)")


def test_output_and_input_redirection(vm):
    vm.check("echo abc > f")
    out = vm.run("cat f")
    if out.strip() != "abc":
        vm.fail(f"after `echo abc > f`, `cat f` printed {out!r}, expected 'abc'")
    out = vm.run("cat < f")
    if out.strip() != "abc":
        vm.fail(f"`cat < f` printed {out!r}, expected 'abc'")
    out = vm.run("wc < f")
    if guest.wc_counts(out) != (1, 1, 4):
        vm.fail(f"`wc < f` printed {out!r}, expected counts 1 1 4")


def test_redirection_truncates(vm):
    vm.run("echo a-long-first-line > t")
    vm.run("echo short > t")
    out = vm.run("cat t")
    if out.strip() != "short":
        vm.fail(f"`>` should truncate: `cat t` printed {out!r}, expected 'short'")


def test_semicolon_runs_in_order(vm):
    out = vm.run("echo first; echo second")
    if [l for l in out.splitlines() if l] != ["first", "second"]:
        vm.fail(f"`echo first; echo second` printed {out!r}")


def test_background_job(vm):
    vm.sendline("echo in-background &")
    # The prompt may come before or after the job's output; the typed echo
    # of the command line ends in " &", so this matches only the output.
    vm.expect(r"in-background\r?\n")
    vm.sync()
    vm.check("echo foreground", "foreground")


def test_parentheses_group(vm):
    out = vm.run("(echo a; echo bb) | wc")
    if guest.wc_counts(out) != (2, 2, 5):
        vm.fail(f"`(echo a; echo bb) | wc` printed {out!r}, expected counts 2 2 5")


def test_parentheses_redirect(vm):
    vm.run("(echo x; echo y) > g")
    out = vm.run("cat g")
    if out.split() != ["x", "y"]:
        vm.fail(f"`(echo x; echo y) > g; cat g` printed {out!r}, expected x and y")


def test_unknown_command(vm):
    out = vm.run("no-such-program")
    if "no-such-program" not in out:
        vm.fail(f"running a missing program printed {out!r}; expected an error naming it")
    vm.check("echo still-here", "still-here")
