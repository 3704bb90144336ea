"""The console's line editor: backspace, DEL, ^U, ^D and ^P."""

BS, DEL, CTRL_U, CTRL_P, CTRL_D = "\b", "\x7f", "\x15", "\x10", "\x04"


def _typed(vm, keys, expected_output, what):
    """Type `keys` (ending in Enter), then check the command's output."""
    vm.send(keys)
    vm.expect(r"\n\$ ")
    out = vm.child.before.replace("\r", "")
    lines = out.split("\n")[1:]   # drop the echo of the edited line
    got = "\n".join(lines)
    if got.strip() != expected_output:
        vm.fail(f"typing {keys!r} ({what}) printed {got!r}, expected {expected_output!r}")


def test_backspace_edits_the_line(vm):
    _typed(vm, f"ecxx{BS}{BS}{BS}cho hi\r", "hi", "backspace ^H")


def test_delete_key_edits_the_line(vm):
    _typed(vm, f"echo hellp{DEL}o\r", "hello", "DEL")


def test_backspace_at_line_start_is_harmless(vm):
    _typed(vm, f"{BS}{BS}{DEL}echo ok\r", "ok", "backspace on an empty line")


def test_ctrl_u_kills_the_line(vm):
    _typed(vm, f"rm README{CTRL_U}echo saved\r", "saved", "^U")
    vm.check("ls", "README")


def test_ctrl_d_ends_input(vm):
    # cat reads the console until ^D on an empty line, then exits.
    vm.sendline("cat")
    vm.sendline("line one")
    vm.expect(r"(?m)^line one\r?\n(.|\n)*line one\r?\n")   # echo, then cat's copy
    vm.send(CTRL_D)
    vm.expect(r"\n?\$ ")
    vm.sync()
    vm.check("echo back", "back")


def test_ctrl_p_lists_processes(vm):
    vm.send(CTRL_P)
    vm.expect(r"\binit\b")
    vm.expect(r"\bsh\b")
    vm.sync()
    vm.check("echo after", "after")


def test_lines_from_several_harts_stay_whole(run_zenith):
    """Three processes on three harts each write 150 lines of one letter at
    once; the console takes writers a line at a time, so no line mixes
    letters (before, output interleaved character by character)."""
    res = run_zenith("lines 150 a b c", cpus=3)
    assert res.status == 0, f"lines exited with {res.status}\n{res.tail()}"
    body = [ln for ln in res.output.replace("\r", "").split("\n")
            if ln and set(ln) <= set("abc") and "lines" not in ln]
    mixed = [ln for ln in body if len(set(ln)) != 1 or len(ln) != 60]
    assert not mixed, f"{len(mixed)} console lines mix writers, e.g. {mixed[:3]}\n{res.tail()}"
    for c in "abc":
        n = sum(1 for ln in body if ln == c * 60)
        assert n == 150, f"{n} whole lines of {c!r}, expected 150\n{res.tail()}"
