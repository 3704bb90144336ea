"""make schedbench refuses to publish real-time multi-hart figures measured
while the host's 1-minute load average was above its core count, and then
keeps the results page's multi-hart parts as they were
(tools/schedbench_publish.py; no QEMU)."""
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import schedbench_publish as pub  # noqa: E402


def run(harts, before, after):
    return SimpleNamespace(harts=harts, load_before=before, load=after)


def test_load_at_or_below_cores_publishes():
    assert pub.load_verdict([], 2) == (True, None)
    assert pub.load_verdict([1.2, 2.0, None], 2) == (True, None)


def test_load_above_cores_refuses_and_says_why():
    ok, why = pub.load_verdict([1.0, 2.01], 2)
    assert not ok
    assert "2.0" in why and "2 cores" in why


def test_only_real_time_runs_count():
    runs = [run(1, 14.0, 15.0), run(2, 1.0, 1.5), run(2, 1.8, None)]
    assert pub.run_loads(runs) == [1.0, 1.5, 1.8, None]
    assert pub.load_verdict(pub.run_loads(runs), 2)[0]
    assert not pub.load_verdict(pub.run_loads(runs + [run(2, 0.5, 3.5)]), 2)[0]


def page(tag, note=""):
    """A results page shaped like the one tools/schedbench.py writes."""
    return "\n".join([
        "# Scheduler benchmark results", "",
        f"- Kernel: commit `{tag}`",
        f"- Multi-hart runs: 2 harts, seeds 1..3 ({tag})",
        f"- Host load average (1 min) after the real-time runs: {tag}",
    ] + ([note] if note else []) + [
        "", "## Targets", "",
        "### 1 hart(s) (deterministic)", "", f"| one | {tag} |", "",
        "### 2 hart(s) (median of 3 seeds)", "", f"| two | {tag} |", "",
        "## Tables", "",
        "### W1 echo, 1 hart(s)", "", f"| w1 one | {tag} |", "",
        "### W1 echo, 2 hart(s)", "", f"| w1 two | {tag} |", "",
        "## Reading these figures", "",
        "- Multi-hart figures ran in real time on a host shared with other jobs", "",
        "## Plots", "",
        f"![W1, 1 hart(s)](scheduler/w1-1h.png) {tag}", "",
        f"![W1, 2 hart(s)](scheduler/w1-2h.png) {tag}", "",
        "## How to rerun", "", "make schedbench", ""])


def test_refused_page_keeps_old_multi_hart_parts_and_takes_new_one_hart_parts():
    old, new = page("OLD"), page("NEW")
    out = pub.keep_old_multi_hart(new, old, "load 9.0 above 2 cores")
    lines = out.split("\n")
    # 1-hart figures and everything else come from the new run...
    for want in ("- Kernel: commit `NEW`", "| one | NEW |", "| w1 one | NEW |",
                 "![W1, 1 hart(s)](scheduler/w1-1h.png) NEW",
                 "- Multi-hart figures ran in real time on a host shared with other jobs"):
        assert want in lines, want
    # ...multi-hart ones from the old page, none from the new.
    for want in ("- Multi-hart runs: 2 harts, seeds 1..3 (OLD)", "| two | OLD |",
                 "| w1 two | OLD |", "![W1, 2 hart(s)](scheduler/w1-2h.png) OLD"):
        assert want in lines, want
    assert "| two | NEW |" not in out and "| w1 two | NEW |" not in out
    assert "w1-2h.png) NEW" not in out and "(NEW)" not in out
    # The header says why, once; headings stay in order, none lost or doubled.
    assert out.count("- Multi-hart figures not published") == 1
    assert "load 9.0 above 2 cores" in out
    heads = [ln for ln in lines if ln.startswith("#")]
    assert heads == [ln for ln in new.split("\n") if ln.startswith("#")]


def test_refused_twice_keeps_one_note_and_the_first_figures():
    first = pub.keep_old_multi_hart(page("NEW1"), page("OLD"), "load 5.0")
    second = pub.keep_old_multi_hart(page("NEW2"), first, "load 7.0")
    assert "| two | OLD |" in second and "NEW1" not in second
    assert second.count("- Multi-hart figures not published") == 1
    assert "load 7.0" in second and "load 5.0" not in second


def test_refused_without_old_page_says_not_published():
    out = pub.keep_old_multi_hart(page("NEW"), None, "load 9.0")
    assert "| two | NEW |" not in out
    assert out.count("(not published: load 9.0)") == 2   # the two 2-hart sections
    assert "| one | NEW |" in out


def test_what_would_have_been_written_is_the_multi_hart_part():
    part = pub.multi_hart_part(page("NEW"))
    assert "| two | NEW |" in part and "| w1 two | NEW |" in part
    assert "w1-2h.png) NEW" in part and "- Multi-hart runs: 2 harts" in part
    assert "| one | NEW |" not in part and "w1-1h.png" not in part


def test_schedbench_writes_page_without_new_multi_hart_figures(tmp_path, capsys, monkeypatch):
    """The decision as tools/schedbench.py makes it: real-time runs with the
    load above the cores print why and what would have been written, and
    the page's multi-hart sections stay those of the old page."""
    import schedbench as sb
    import schedstats as st
    monkeypatch.setattr(sb.os, "cpu_count", lambda: 2)
    runs = []
    for harts, load in ((1, 30.0), (2, 9.5)):
        r = sb.Run("rr", harts, 1, "w6", 5)
        r.load_before, r.load, r.status = 1.0, load, 0
        r.ran_policy = "rr"
        r.out = st.parse_bench("SB-DONE\n")
        runs.append(r)
    res = sb.Results(runs, ["rr"], 2, 1)
    (tmp_path / "scheduler.md").write_text(page("OLD").replace("W1 echo", "W6 fairness: equal hogs"))
    args = SimpleNamespace(seeds=1, scale=5)
    sb.write_report(res, args, tmp_path, 1.0)
    said = capsys.readouterr().out
    assert "not publishing the 2-hart figures" in said and "9.5" in said
    assert "What would have been written" in said
    text = (tmp_path / "scheduler.md").read_text()
    assert "- Multi-hart runs: 2 harts, seeds 1..3 (OLD)" in text
    assert "- Multi-hart figures not published by the last run" in text
    assert "| w1 two | OLD |" in text        # the old 2-hart W6 table, kept
    assert not list((tmp_path / "scheduler").glob("*-2h.png"))


def test_schedbench_publishes_when_the_host_has_room(tmp_path, capsys, monkeypatch):
    import schedbench as sb
    import schedstats as st
    monkeypatch.setattr(sb.os, "cpu_count", lambda: 2)
    r = sb.Run("rr", 2, 1, "w6", 5)
    r.load_before, r.load, r.status, r.ran_policy = 0.5, 1.9, 0, "rr"
    r.out = st.parse_bench("SB-DONE\n")
    (tmp_path / "scheduler.md").write_text(page("OLD"))
    sb.write_report(sb.Results([r], ["rr"], 2, 1), SimpleNamespace(seeds=1, scale=5),
                    tmp_path, 1.0)
    assert "not publishing" not in capsys.readouterr().out
    text = (tmp_path / "scheduler.md").read_text()
    assert "| w1 two | OLD |" not in text and "seeds 1..3 (OLD)" not in text
    assert pub.NOT_PUBLISHED not in text
