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


def pids_named(text, name):
    return [pid for pid, tokens in ps_rows(text) if name in tokens]


UT_LINE = re.compile(r"^UT (\S+) (PASS|FAIL)\b ?(.*)$", re.M)
UT_SUMMARY = re.compile(r"^UT-SUMMARY passed=(\d+) failed=(\d+)", re.M)


def usertests_results(text):
    """{case: (verdict, reason)} and (passed, failed) or None from usertests output."""
    cases = {m.group(1): (m.group(2), m.group(3).strip()) for m in UT_LINE.finditer(text)}
    m = UT_SUMMARY.search(text)
    summary = (int(m.group(1)), int(m.group(2))) if m else None
    return cases, summary
