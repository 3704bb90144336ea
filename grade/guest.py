"""Parsers for what Zenith's user programs print, and host-side copies of
the files the guest sees, so tests can compute expected answers."""

import re
import secrets

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
        res.fail(f"{label}: {len(failing)} case(s) failed:\n" + "\n".join(failing))
    if summary is None:
        last = list(cases)[-1] if cases else "none"
        res.fail(f"{prog} printed no {tag}-SUMMARY line (QEMU exit status {res.status}; "
                 f"last case reported: {last})")
    passed, failed = summary
    if failed != 0:
        res.fail(f"{label}: {tag}-SUMMARY says failed={failed}")
    if passed != len(cases):
        res.fail(f"{label}: {tag}-SUMMARY says passed={passed} but {len(cases)} {tag} "
                 "lines were printed")
    if res.status != 0:
        res.fail(f"{label}: every case passed but QEMU exit status is {res.status}")
    if len(cases) < min_cases:
        res.fail(f"{label}: ran {len(cases)} cases, expected at least {min_cases}")


class ForgedReport(AssertionError):
    """A test program's report that this run of it cannot have printed."""


def new_nonce():
    """A fresh random nonce for one run of a test program (user/lib/stamp.h)."""
    return secrets.token_hex(8)


def stamped_results(text, tag, nonce):
    """Parse the stamped report of one run of a casekit/capcase program run
    with `-n nonce`: lines "<TAG>:<nonce>:<seq> <case> PASS|FAIL reason" and
    last "<TAG>-SUMMARY:<nonce>:<seq> passed=N failed=M", seq 1, 2, ... in
    order. Returns {case: (verdict, reason)}. Raises ForgedReport when a
    report line lacks the nonce, repeats or skips a seq, repeats a case, or
    when the summary is missing, not last, or disagrees with the lines."""
    t = re.escape(tag)
    report = re.compile(rf"^{t}(?:-SUMMARY)?[ :].*$", re.M)
    case_line = re.compile(rf"^{t}:([0-9a-f]+):(\d+) (\S+) (PASS|FAIL)\b ?(.*)$")
    summary_line = re.compile(rf"^{t}-SUMMARY:([0-9a-f]+):(\d+) passed=(\d+) failed=(\d+)$")
    cases, summary, expected_seq = {}, None, 1
    for m in report.finditer(text):
        line = m.group(0)
        c, s = case_line.match(line), summary_line.match(line)
        got = c or s
        if not got or got.group(1) != nonce:
            raise ForgedReport(f"a {tag} report line without this run's nonce (printed by "
                               f"something other than the test program?): {line!r}")
        if summary is not None:
            raise ForgedReport(f"a {tag} report line after the summary: {line!r}")
        if int(got.group(2)) != expected_seq:
            raise ForgedReport(f"{tag} report lines duplicated or out of order: expected "
                               f"sequence number {expected_seq}, got {line!r}")
        expected_seq += 1
        if s:
            summary = (int(s.group(3)), int(s.group(4)))
            continue
        if c.group(3) in cases:
            raise ForgedReport(f"case {c.group(3)} reported twice (it died after "
                               f"reporting?): {line!r}")
        cases[c.group(3)] = (c.group(4), c.group(5).strip())
    if summary is None:
        raise ForgedReport(f"the test program printed no {tag}-SUMMARY after its "
                           f"{len(cases)} case line(s): it was killed or crashed "
                           "after reporting")
    passed = sum(1 for v, _ in cases.values() if v == "PASS")
    if summary != (passed, len(cases) - passed):
        raise ForgedReport(f"{tag}-SUMMARY says passed={summary[0]} failed={summary[1]} "
                           f"but the case lines say {passed} passed, "
                           f"{len(cases) - passed} failed")
    return cases


def _check_case(where, ran, text, tag, case, nonce):
    """Fail through where.fail (a VM or a RunResult: the common failure
    shape) unless the stamped report in `text` says `case` passed."""
    try:
        results = stamped_results(text, tag, nonce)
    except ForgedReport as e:
        where.fail(f"{ran}: {e}")
    if case not in results:
        where.fail(f"{ran} printed no report for case {case}; it printed {text[-2000:]!r}")
    verdict, reason = results[case]
    if verdict != "PASS":
        where.fail(f"{ran}: case {case} failed: {reason}")


def run_case(vm, prog, tag, case, timeout=60, seed=None):
    """Run one case of a casekit/capcase program (systest, vmtest, captest,
    ...) in a booted VM with a fresh nonce (and the grader's seed, if any)
    and fail with its reason unless its stamped report says PASS."""
    nonce = new_nonce()
    opts = f"-n {nonce}" + (f" -s {seed}" if seed is not None else "")
    cmd = f"{prog} {opts} {case}"
    out = vm.run(cmd, timeout=timeout)
    _check_case(vm, f"`{cmd}`", out, tag, case, nonce)
    return out


def run_mode_case(run_zenith, prog, tag, case, **boot):
    """Boot with run=`prog -n NONCE case` (run_zenith's keywords in `boot`)
    and fail unless its stamped report says PASS and the program exited 0
    (QEMU's exit status is the command's). Returns the RunResult."""
    nonce = new_nonce()
    cmd = f"{prog} -n {nonce} {case}"
    res = run_zenith(cmd, **boot)
    if res is None:
        return None
    _check_case(res, f"run=`{cmd}`", res.output, tag, case, nonce)
    if res.status != 0:
        res.fail(f"run=`{cmd}` reported PASS but exited with status {res.status}: the "
                 "test program was killed after reporting")
    return res
