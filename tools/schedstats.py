"""Statistics and parsing shared by the scheduler tools (tools/schedbench.py,
tools/sched_trace.py, tools/sched_learn.py). Plain Python, no QEMU: the
unit tests in tools/tests/test_schedstats.py run in `make test`.

schedbench (user/tests/schedbench.c) prints:
  SB <workload> <metric> <value>        one figure
  SBS <workload> <series> <v> <v> ...   raw samples (may span many lines,
                                        and several processes may print the
                                        same series: they are concatenated)
  SB-ERR <workload> <text>              the workload could not run fully
  SB-DONE                               the run finished
Anything else on the console (boot lines, "# ..." comments) is ignored.
"""

import math
import re
from dataclasses import dataclass, field

_SB = re.compile(r"^SB (\S+) (\S+) (\S+)\s*$")
_SBS = re.compile(r"^SBS (\S+) (\S+)((?: \d+)*)\s*$")
_ERR = re.compile(r"^SB-ERR (\S+) (.*)$")


def percentile(values, p):
    """Nearest-rank percentile (p in 0..100): the smallest sample with at
    least p% of the samples at or below it (the rule user/tests/schedbench.c
    uses). None for no samples."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is outside 0..100")
    s = sorted(values)
    rank = math.ceil(len(s) * p / 100)
    return s[max(rank, 1) - 1]


def jain(values):
    """Jain's fairness index (sum x)^2 / (n * sum x^2): 1 when all are
    equal, 1/n when one gets everything. None for no values or all zero."""
    xs = list(values)
    s2 = sum(x * x for x in xs)
    if not xs or s2 == 0:
        return None
    return sum(xs) ** 2 / (len(xs) * s2)


def max_deviation(values):
    """Largest |x - mean| / mean (0 = perfectly equal). None if mean is 0."""
    xs = list(values)
    if not xs:
        return None
    mean = sum(xs) / len(xs)
    if mean == 0:
        return None
    return max(abs(x - mean) for x in xs) / mean


def median_spread(values):
    """(median, min, max) of the non-None values, or (None, None, None)."""
    xs = sorted(v for v in values if v is not None)
    if not xs:
        return None, None, None
    n = len(xs)
    med = xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
    return med, xs[0], xs[-1]


def cdf_points(values):
    """(sorted values, cumulative fractions) for a step CDF plot."""
    s = sorted(values)
    n = len(s)
    return s, [(i + 1) / n for i in range(n)]


def number(text):
    """A metric value: int, float, or the text itself (e.g. 'never')."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


@dataclass
class BenchOutput:
    metrics: dict = field(default_factory=dict)   # (workload, metric) -> value
    series: dict = field(default_factory=dict)    # (workload, series) -> [int]
    errors: list = field(default_factory=list)    # (workload, text)
    done: bool = False

    def metric(self, workload, name, default=None):
        return self.metrics.get((workload, name), default)

    def samples(self, workload, name):
        return self.series.get((workload, name), [])


def parse_bench(text):
    """Parse schedbench's console output into a BenchOutput."""
    out = BenchOutput()
    for line in text.replace("\r", "").splitlines():
        if line.startswith("SBS "):
            m = _SBS.match(line)
            if m:
                vals = [int(v) for v in m.group(3).split()]
                out.series.setdefault((m.group(1), m.group(2)), []).extend(vals)
        elif line.startswith("SB-ERR "):
            m = _ERR.match(line)
            if m:
                out.errors.append((m.group(1), m.group(2)))
        elif line.startswith("SB-DONE"):
            out.done = True
        elif line.startswith("SB "):
            m = _SB.match(line)
            if m:
                out.metrics[(m.group(1), m.group(2))] = number(m.group(3))
    return out
