"""pytest plugin that turns lab test outcomes into points (`-p scoring`).

grade/run_grade.py loads it with --grade-labs=util,syscall and
--grade-out=DIR. It then
  - keeps only the tests the labs' manifests list (labs/<name>/lab.toml),
  - gives each test its manifest points when it passes, 0 when it fails, or
    a fraction of them through the `score` fixture (partial credit),
  - writes DIR/results.json in Gradescope's format and DIR/details.json (the
    same with the failure kind and node ids, for verify-labs and grade/batch),
  - prints a table per lab (test, points, time) and the lab totals, and for
    each failure only its message (what was expected, the console tail):
    never a traceback, which would show the test's source.

Partial credit, in a test:

    def test_many_cases(vm, score):
        for case in CASES:
            out = vm.run(case.cmd)
            score.check(out == case.want, f"`{case.cmd}` printed {out!r}, expected ...")
        score.finish()      # fails the test, listing every failed check

Each check is worth an equal share; a failed check fails the test (at
finish()) but the test keeps the share of the checks that passed.
score.partial(k, n) sets the fraction directly. grade/conftest.py imports
the fixture, so such tests also run under a bare pytest (without points).

Under pytest-xdist, checks run on the workers; the fraction reaches the
controller in the report's user_properties, and only the controller writes
files and prints the table.
"""

import json
import re
import time
from pathlib import Path

import pytest

import manifest
import written

REPO = Path(__file__).resolve().parent.parent
FRACTION_KEY = "zenith_score_fraction"


def pytest_addoption(parser):
    group = parser.getgroup("zenith grading")
    group.addoption("--grade-labs", default="",
                    help="comma-separated labs to grade (turns scoring on)")
    group.addoption("--grade-out", default=str(REPO / "grade" / "out"),
                    help="where results.json and details.json go")


# ---------------------------------------------------------------- partial credit

class Score:
    """Partial credit for one test: equal-weight checks, or a fraction."""

    def __init__(self):
        self.checks = []          # (ok, message)
        self.fraction = None
        self.expected = 0

    def expect(self, n):
        """Declare n checks up front, so a test that stops early (a panic,
        a timeout) earns only the share of the checks that really passed."""
        self.expected = n

    def check(self, ok, what):
        self.checks.append((bool(ok), what))
        return bool(ok)

    def partial(self, earned, possible):
        if possible <= 0 or not 0 <= earned <= possible:
            raise ValueError(f"score.partial({earned}, {possible})")
        self.fraction = earned / possible

    def earned(self):
        """The fraction earned, or None when the test used neither API."""
        if self.fraction is not None:
            return self.fraction
        if not self.checks:
            return None
        return sum(ok for ok, _ in self.checks) / max(len(self.checks), self.expected)

    def failures(self):
        return [what for ok, what in self.checks if not ok]

    def finish(self):
        """Fail the test (AssertionError) if any check failed."""
        failed = self.failures()
        if failed:
            share = self.earned()
            raise AssertionError(
                f"partial credit: {share:.0%} of this test's checks passed\n" +
                "\n".join(f"failed check: {what}" for what in failed))


@pytest.fixture
def score(request):
    s = Score()
    request.node.zenith_score = s
    return s


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    s = getattr(item, "zenith_score", None)
    fraction = s.earned() if s is not None else None
    if fraction is not None:
        report.user_properties.append((FRACTION_KEY, fraction))
        if report.passed and fraction < 1:
            failed = s.failures()
            lines = [f"partial credit: {fraction:.0%} of this test's checks passed"]
            lines += [f"failed check: {what}" for what in failed]
            report.outcome = "failed"
            report.longrepr = "\n".join(lines)
    _record_points(item, report, fraction)


_points = None


def _record_points(item, report, fraction):
    """A lab test's points, earned and possible, as the item's properties:
    the JUnit XML carries them (<property name="points" .../>; pytest takes
    them from the teardown report, made from item.user_properties)."""
    global _points
    if _points is None:
        _points = {t.nodeid: t.points for lab in manifest.load_labs(REPO) for t in lab.tests}
    possible = _points.get(item.nodeid)
    if possible is None:
        return
    earned = possible if report.passed else \
        round(possible * fraction, 2) if fraction is not None else 0
    item.user_properties += [("points", earned), ("max_points", possible)]


# ---------------------------------------------------------------- selection

def _graded_labs(config):
    names = [n for n in config.getoption("grade_labs").split(",") if n]
    return [manifest.find_lab(REPO, n) for n in names]


def pytest_configure(config):
    if not config.getoption("grade_labs"):
        return
    labs = _graded_labs(config)
    if not hasattr(config, "workerinput"):     # the controller (or no xdist)
        config.pluginmanager.register(_Grader(config, labs), "zenith-grader")


def pytest_collection_modifyitems(config, items):
    """Run only the tests the manifests list (on xdist workers, too)."""
    if not config.getoption("grade_labs"):
        return
    wanted = {t.nodeid for lab in _graded_labs(config) for t in lab.tests}
    keep = [it for it in items if it.nodeid in wanted]
    drop = [it for it in items if it.nodeid not in wanted]
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# ---------------------------------------------------------------- failure text

# The exception types the harness raises, by the words that start their message.
_KINDS = [
    (re.compile(r"build failed|BuildFailed|is missing \(removed or being rebuilt"), "build failed"),
    (re.compile(r"^(zenith\.)?DidNotBoot|kernel did not boot"), "did not boot"),
    (re.compile(r"^(zenith\.)?KernelPanic|kernel panicked"), "kernel panic"),
    (re.compile(r"^(zenith\.)?QemuExited|QEMU exited unexpectedly"), "QEMU exited"),
    (re.compile(r"^(zenith\.)?ConsoleFlood|console flood"), "console flood"),
    (re.compile(r"^Failed: Timeout|^Timeout|^(zenith\.)?WrongAnswer: wrong answer: timed out"
                r"|QEMU still running"), "timeout"),
    (re.compile(r"^(zenith\.)?WrongAnswer|wrong answer"), "wrong answer"),
    (re.compile(r"^partial credit"), "wrong answer"),
    (re.compile(r"^AssertionError"), "wrong answer"),
]
_PREFIX = re.compile(r"^(?:[\w.]*(?:Failed|Error|Answer|Boot|Panic|Exited|Failure|Flood)): ")


def failure_kind(message):
    for pattern, kind in _KINDS:
        if pattern.search(message):
            return kind
    return "error"


def failure_message(report):
    """What a student may see about a failure: the exception's message, the
    console tail section if the harness added one, the seed of a test that
    drew its fixtures at random; no source lines."""
    longrepr = report.longrepr
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None:
        text = crash.message
    elif isinstance(longrepr, tuple) and len(longrepr) == 3:   # a skip
        text = str(longrepr[2])
    else:
        text = str(longrepr or "")
    raw = text
    # pytest's assertion rewriting appends "assert <expression>" lines.
    if text.startswith("AssertionError"):
        text = re.split(r"\n(?:assert |where |\+  where )", text, maxsplit=1)[0]
    text = _PREFIX.sub("", text, count=1)
    if raw.startswith("Failed: Timeout"):
        text = (f"the test did not finish in time ({text}): a hang, or output that "
                "never came; see the console log")
    for title, content in getattr(report, "sections", []):
        if title.startswith("console tail"):
            text += f"\n----- {title} -----\n{content}"
        elif title == "seed":       # grade/labs/conftest.py: how to rerun it
            text += f"\n({content})"
    return raw, text.strip()


# ---------------------------------------------------------------- the controller

class _Grader:
    def __init__(self, config, labs):
        self.config = config
        self.labs = labs
        self.out = Path(config.getoption("grade_out"))
        self.results = {}       # nodeid -> dict
        self.started = time.monotonic()
        self.summary = None
        self.written = []

    def pytest_runtest_logreport(self, report):
        r = self.results.setdefault(report.nodeid, {
            "outcome": "passed", "duration": 0.0, "raw": "", "message": "", "fraction": None})
        r["duration"] += getattr(report, "duration", 0.0) or 0.0
        for key, value in getattr(report, "user_properties", []):
            if key == FRACTION_KEY:
                r["fraction"] = float(value)
        if report.failed and r["outcome"] != "failed":
            r["outcome"] = "failed"
            r["raw"], r["message"] = failure_message(report)
            if report.when == "teardown":
                r["message"] = "(while cleaning up after the test) " + r["message"]
        elif report.skipped and r["outcome"] == "passed":
            r["outcome"] = "skipped"
            r["raw"], r["message"] = failure_message(report)

    def _entries(self):
        entries = []
        for lab in self.labs:
            for t in lab.tests:
                r = self.results.get(t.nodeid)
                if r is None:
                    entry = dict(outcome="failed", kind="not run", duration=0.0,
                                 message="this test did not run (not found, or the "
                                         "grader stopped before it)", fraction=None)
                else:
                    entry = dict(r)
                    entry["kind"] = ("passed" if r["outcome"] == "passed"
                                     else "skipped" if r["outcome"] == "skipped"
                                     else failure_kind(r["raw"]))
                    entry.pop("raw")
                if entry["outcome"] == "passed":
                    earned = t.points
                elif entry["outcome"] == "failed" and entry["fraction"] is not None:
                    earned = round(t.points * entry["fraction"], 2)
                else:
                    earned = 0
                entry.update(lab=lab.name, nodeid=t.nodeid, test=t.short,
                             points=earned, max_points=t.points)
                entries.append(entry)
        return entries

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session, exitstatus):
        entries = self._entries()
        self.summary = entries
        self.written = [written.collect(REPO, lab) for lab in self.labs]
        total = sum(e["points"] for e in entries)
        possible = sum(e["max_points"] for e in entries)
        self.out.mkdir(parents=True, exist_ok=True)
        gradescope = {
            "score": total,
            "max_score": possible,
            "execution_time": round(time.monotonic() - self.started, 1),
            "visibility": "visible",
            "tests": [{
                "name": f"{e['lab']}: {e['test']}",
                "score": e["points"],
                "max_score": e["max_points"],
                "status": "passed" if e["outcome"] == "passed" else "failed",
                "output": e["message"] if e["outcome"] != "passed" else "",
                "visibility": "visible",
            } for e in entries] + [written.gradescope_test(w) for w in self.written],
        }
        (self.out / "results.json").write_text(json.dumps(gradescope, indent=2) + "\n")
        details = {"labs": [{"name": lab.name, "title": lab.title,
                             "points": sum(e["points"] for e in entries if e["lab"] == lab.name),
                             "max_points": lab.max_points} for lab in self.labs],
                   "score": total, "max_score": possible, "tests": entries,
                   "written": self.written}
        (self.out / "details.json").write_text(json.dumps(details, indent=2) + "\n")
        if total < possible and session.exitstatus == 0:
            session.exitstatus = 1      # a test that never ran lost points

    def pytest_terminal_summary(self, terminalreporter):
        if self.summary is None:
            return
        tr = terminalreporter
        failed = [e for e in self.summary if e["outcome"] != "passed"]
        if failed:
            tr.section("what went wrong", sep="=")
            for e in failed:
                tr.write_line(f"--- {e['lab']}: {e['test']}  "
                              f"({fmt(e['points'])}/{e['max_points']}, {e['kind']})")
                for line in (e["message"] or "(no message)").splitlines():
                    tr.write_line("    " + line)
                tr.write_line("")
        tr.section("points", sep="=")
        for line in table_lines(self.summary, self.labs):
            tr.write_line(line)
        for w in self.written:
            tr.write_line(written.headline(w))
        tr.write_line(f"graded in {time.monotonic() - self.started:.0f} s "
                      "(`make gradebench`: the reference's time per lab)")
        tr.write_line(f"(results: {self.out / 'results.json'}; console logs: grade/out/logs/)")


def fmt(points):
    return f"{points:g}"


def table_lines(entries, labs):
    """The per-lab table and totals, as lines of text."""
    lines = []
    width = max([len(e["test"]) for e in entries] + [20])
    for lab in labs:
        mine = [e for e in entries if e["lab"] == lab.name]
        lines.append(f"lab {lab.name}: {lab.title}")
        lines.append(f"  {'test':<{width}}  {'points':>9}  {'time':>6}  result")
        for e in mine:
            pts = f"{fmt(e['points'])}/{e['max_points']}"
            result = "ok" if e["outcome"] == "passed" else e["kind"]
            lines.append(f"  {e['test']:<{width}}  {pts:>9}  {e['duration']:5.1f}s  {result}")
        got = sum(e["points"] for e in mine)
        lines.append(f"lab {lab.name}: {fmt(got)}/{lab.max_points}")
        lines.append("")
    if len(labs) > 1:
        got = sum(e["points"] for e in entries)
        lines.append(f"total: {fmt(got)}/{sum(lab.max_points for lab in labs)}")
    return lines
