"""Parsers for what Zenith's user programs print, and host-side copies of
the files the guest sees, so tests can compute expected answers."""

import re

from zenith import REPO

README = REPO / "user" / "files" / "README"   # copied to /README by mkfs


def wc_counts(text):
    """(lines, words, bytes) from the first line of `wc` output that has them."""
    for line in text.splitlines():
        m = re.match(r"\s*(\d+)\s+(\d+)\s+(\d+)", line)
        if m:
            return tuple(int(x) for x in m.groups())
    return None


def count(data):
    """What wc should say about `data` (str): (lines, words, bytes)."""
    raw = data.encode()
    return raw.count(b"\n"), len(raw.split()), len(raw)


def readme_text():
    return README.read_text()


def ps_rows(text):
    """[(pid, line tokens)] for every line of ps output that starts with a pid."""
    rows = []
    for line in text.splitlines():
        tokens = line.split()
        if tokens and tokens[0].isdigit():
            rows.append((int(tokens[0]), tokens))
    return rows


def caps_rows(text):
    """{held: (type, rights)} from the table `caps` prints (held = a slot
    number, cwd or root); the header and shell messages are left out."""
    rows = {}
    for line in text.splitlines():
        t = line.split()
        if len(t) >= 5 and t[0] != "held" and not line.startswith("sh:"):
            rows[t[0]] = (t[1], t[2])
    return rows


def pids_named(text, name):
    return [pid for pid, tokens in ps_rows(text) if name in tokens]


def suite_results(text, tag):
    """Parse an in-guest test program's lines "<TAG> <case> PASS|FAIL reason"
    and "<TAG>-SUMMARY passed=N failed=M": {case: (verdict, reason)} and
    (passed, failed), or None when no summary line was printed."""
    t = re.escape(tag)
    line = re.compile(rf"^{t} (\S+) (PASS|FAIL)\b ?(.*)$", re.M)
    cases = {m.group(1): (m.group(2), m.group(3).strip()) for m in line.finditer(text)}
    m = re.search(rf"^{t}-SUMMARY passed=(\d+) failed=(\d+)", text, re.M)
    return cases, ((int(m.group(1)), int(m.group(2))) if m else None)


def check_suite(res, prog, tag, min_cases, label=None):
    """Assert that a run-mode boot of suite `prog` passed every case, printed a
    consistent summary, ran at least min_cases and powered off with status 0."""
    label = label or prog
    cases, summary = suite_results(res.output, tag)
    failing = [f"  {name}: {reason or '(no reason given)'}"
               for name, (verdict, reason) in cases.items() if verdict == "FAIL"]
    if failing:
        raise AssertionError(f"{label}: {len(failing)} case(s) failed:\n" + "\n".join(failing)
                             + f"\n(console log: {res.log_path})\n{res.tail()}")
    if summary is None:
        last = list(cases)[-1] if cases else "none"
        raise AssertionError(f"{prog} printed no {tag}-SUMMARY line (QEMU exit status "
                             f"{res.status}; last case reported: {last})\n{res.tail()}")
    passed, failed = summary
    assert failed == 0, f"{tag}-SUMMARY says failed={failed}\n{res.tail()}"
    assert passed == len(cases), \
        f"{tag}-SUMMARY says passed={passed} but {len(cases)} {tag} lines were printed\n{res.tail()}"
    assert res.status == 0, f"{prog} passed but QEMU exit status is {res.status}\n{res.tail()}"
    assert len(cases) >= min_cases, \
        f"{prog} ran {len(cases)} cases, expected at least {min_cases}"


def run_case(vm, prog, tag, case, timeout=60):
    """Run one case of a casekit program (systest, vmtest) in a booted VM and
    fail with its reason unless it printed "<TAG> <case> PASS"."""
    out = vm.run(f"{prog} {case}", timeout=timeout)
    results, _ = suite_results(out, tag)
    if case not in results:
        vm.fail(f"`{prog} {case}` printed no '{tag} {case} ...' line; it printed {out!r}")
    verdict, reason = results[case]
    if verdict != "PASS":
        vm.fail(f"{prog} case {case} failed: {reason}")
    return out
