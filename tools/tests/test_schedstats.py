"""Host tests for the scheduler tools' statistics and parsers (no QEMU)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import schedstats as st  # noqa: E402


def test_percentile_nearest_rank():
    v = list(range(1, 101))          # 1..100
    assert st.percentile(v, 50) == 50
    assert st.percentile(v, 99) == 99
    assert st.percentile(v, 99.9) == 100
    assert st.percentile(v, 100) == 100
    assert st.percentile(v, 0) == 1
    assert st.percentile([7, 3, 5], 50) == 5     # unsorted input
    assert st.percentile([], 50) is None
    with pytest.raises(ValueError):
        st.percentile([1], 101)


def test_percentile_matches_guest_rule():
    # user/tests/schedbench.c: rank = ceil(n * permille / 1000), value v[rank-1]
    v = sorted([10, 20, 30, 40, 50, 60, 70])
    for permille in (500, 990, 999):
        rank = -(-len(v) * permille // 1000)
        assert st.percentile(v, permille / 10) == v[rank - 1]


def test_jain():
    assert st.jain([5, 5, 5, 5]) == pytest.approx(1.0)
    assert st.jain([1, 0, 0, 0]) == pytest.approx(0.25)
    assert st.jain([3, 1]) == pytest.approx(16 / 20)
    assert st.jain([]) is None
    assert st.jain([0, 0]) is None


def test_max_deviation_and_median_spread():
    assert st.max_deviation([10, 10, 13, 7]) == pytest.approx(0.3)
    assert st.max_deviation([0, 0]) is None
    assert st.median_spread([3, None, 1, 2]) == (2, 1, 3)
    assert st.median_spread([4, 1, 2, 3]) == (2.5, 1, 4)
    assert st.median_spread([None]) == (None, None, None)


def test_cdf_points():
    xs, ys = st.cdf_points([3, 1, 2, 2])
    assert xs == [1, 2, 2, 3]
    assert ys == [0.25, 0.5, 0.75, 1.0]


def test_parse_bench():
    text = "\n".join([
        "zenith: scheduler rr, timer sstc",
        "SB info harts 2",
        "SBS w1_2C lat_us 5 6 7",
        "# w1_2C lat_us: n=3 p50=6",
        "SBS w1_2C lat_us 8",              # a second line, or another process
        "SBS w1_2C empty",
        "SB w1_2C hog_jain 0.998\r",
        "SB w7_phase to_interactive_ms_phase1 never",
        "SB-ERR w6_weighted no weight call",
        "SB broken line with too many fields",
        "SB-DONE",
    ])
    out = st.parse_bench(text)
    assert out.done
    assert out.samples("w1_2C", "lat_us") == [5, 6, 7, 8]
    assert out.samples("w1_2C", "empty") == []
    assert out.metric("info", "harts") == 2
    assert out.metric("w1_2C", "hog_jain") == pytest.approx(0.998)
    assert out.metric("w7_phase", "to_interactive_ms_phase1") == "never"
    assert out.errors == [("w6_weighted", "no weight call")]
    assert out.metric("broken", "line") is None


def test_parse_bench_without_done():
    out = st.parse_bench("SB w4 makespan_ms 10\n")
    assert not out.done and out.metric("w4", "makespan_ms") == 10
