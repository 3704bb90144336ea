"""The scheduler: its event trace, the scheduler-control capability, and
(user/tests/schedtest.c) the behaviour of each policy, checked with tolerances on
shares of CPU time measured by the kernel's exact accounting, never on
wall-clock time."""

import os
import re

import pytest

import guest
import manifest
import zenith
from zenith import REPO


def _sched_lab_answers_in():
    """False in the handout of the scheduling lab or an earlier one: there
    mlfq, fair and adaptive are the lab's stubs (round robin). Its answers
    are marked `#if SOL >= 5`."""
    current = manifest.handout_lab(REPO)
    if current is None:
        return True
    return manifest.find_lab(REPO, current).number > 5


needs_policies = pytest.mark.skipif(not _sched_lab_answers_in(),
                                    reason="the scheduling lab's policies are stubs here")

# kernel/schedtrace.h
SEV = {1: "wake", 2: "run", 3: "preempt", 4: "block", 5: "exit", 6: "fork",
       7: "class", 8: "policy", 9: "lost", 10: "name"}
SWITCH_OUT = {3, 4, 5}

EV_RE = re.compile(r"^EV (\d+) (\d+) (\d+) (\d+) (-?\d+) (\d+) (\d+) (\d+) (\d+)$", re.M)


def parse_trace(text):
    """The records `sched trace` printed, as dicts, in print order."""
    keys = ("time", "hart", "type", "pid", "aux", "arg", "cls", "policy", "seq")
    return [dict(zip(keys, map(int, m.groups()))) for m in EV_RE.finditer(text)]


def trace_problems(records):
    """Everything wrong with a trace, as a list of strings (empty: well formed):
    known types; per hart, times and sequence numbers increasing; every run
    followed on its hart by exactly one switch-out of the same pid before the
    next run there (a lost record excuses the pair it cuts)."""
    problems = []
    last = {}        # hart -> (time, seq)
    running = {}     # hart -> pid of the open run
    for i, r in enumerate(records):
        h = r["hart"]
        if r["type"] not in SEV:
            problems.append(f"record {i}: unknown type {r['type']}")
            continue
        if r["type"] == 9:           # lost records: pairing restarts
            running.pop(h, None)
            last.pop(h, None)
            continue
        if h in last:
            t, s = last[h]
            if r["time"] < t:
                problems.append(f"record {i}: hart {h} time goes back ({r['time']} < {t})")
            if r["seq"] != s + 1:
                problems.append(f"record {i}: hart {h} seq {r['seq']} after {s}")
        last[h] = (r["time"], r["seq"])
        if r["type"] == 2:
            if h in running:
                problems.append(f"record {i}: run of pid {r['pid']} on hart {h} while "
                                f"pid {running[h]} has not switched out")
            running[h] = r["pid"]
        elif r["type"] in SWITCH_OUT:
            if h in running and running[h] != r["pid"]:
                problems.append(f"record {i}: pid {r['pid']} switches out of hart {h} "
                                f"but pid {running[h]} was running")
            running.pop(h, None)
    return problems


@pytest.mark.zenith_timeout(200)
@pytest.mark.parametrize("cpus,policy", [(1, "rr"), pytest.param(3, "adaptive",
                                                                   marks=needs_policies)])
def test_trace_well_formed(run_zenith, cpus, policy):
    res = run_zenith(f"sched trace drop; sched set {policy} >/t2; fanout 4 400000; ls >/t1; "
                     "sched trace", cpus=cpus, timeout=120)
    assert res.status == 0, f"exit status {res.status}\n{res.tail()}"
    after = res.output.split("total ")[-1]
    recs = parse_trace(after)
    m = re.search(r"^EV-END (\d+)", after, re.M)
    assert m and int(m.group(1)) == len(recs), \
        f"EV-END missing or wrong ({m and m.group(0)} for {len(recs)} records)\n{res.tail()}"
    problems = trace_problems(recs)
    assert not problems, "trace not well formed:\n  " + "\n  ".join(problems[:20])
    kinds = {SEV[r["type"]] for r in recs}
    wanted = ["fork", "run", "block", "wake", "exit", "policy", "name"]
    if policy == "adaptive":
        wanted.append("class")   # only the adaptive policy classifies
    for want in wanted:
        assert want in kinds, f"no {want} event in the trace (kinds seen: {sorted(kinds)})"
    # Name records (exec and fork) say which program each pid runs.
    named = {(r["arg"].to_bytes(8, "little") + (r["aux"] & 0xffffffff).to_bytes(4, "little"))
             .split(b"\0")[0].decode() for r in recs if r["type"] == 10}
    assert {"fanout", "ls"} <= named, f"name records name {sorted(named)}, not fanout and ls"
    assert re.search(r"^EVNAME \d+ sh$", after, re.M), \
        f"no EVNAME line naming the live shell after the dump\n{res.tail()}"
    forks = {r["pid"] for r in recs if r["type"] == 6}
    exits = {r["pid"] for r in recs if r["type"] == 5}
    assert len(forks) >= 5 and forks - exits <= {max(forks)}, \
        f"forked {sorted(forks)} but exited {sorted(exits)}"
    if cpus > 1:
        assert len({r["hart"] for r in recs}) > 1, "every record came from one hart"


def test_schedctl_needs_capability(run_zenith):
    # `sh` is not one of the programs the shell passes the capability to,
    # so the inner shell's `sched` starts without it.
    res = run_zenith('sched stats; sh -c "sched stats"; sh -c "sched set rr"; '
                     'sh -c "sched trace 1"; sched set nosuch; sched', cpus=1)
    out = res.output
    assert re.search(r"^rr\s+\d+", out, re.M), f"sched stats printed no table\n{res.tail()}"
    assert out.count("sched: stats: bad capability slot") == 1, res.tail()
    assert "sched: rr: bad capability slot" in out, res.tail()
    assert "sched: trace: bad capability slot" in out, res.tail()
    assert "sched: nosuch: no such scheduling policy" in out, res.tail()
    assert re.search(r"^policy rr$", out, re.M), res.tail()


def check_cases(res, tag, names):
    """Every named case printed '<tag> <case> PASS' and the run exited 0."""
    cases, _ = guest.suite_results(res.output, tag)
    failing = [f"  {n}: {cases[n][1]}" for n in names if n in cases and cases[n][0] != "PASS"]
    missing = [n for n in names if n not in cases]
    assert not failing, "failed:\n" + "\n".join(failing) + f"\n{res.tail()}"
    assert not missing, f"no result line for {missing}\n{res.tail()}"
    assert res.status == 0, f"exit status {res.status}\n{res.tail()}"


POLICY_CASES = ["switch", "refuse", "fair_equal", "fair_weighted", "fair_vruntime", "mlfq_levels",
                "mlfq_boost", "adaptive_classify", "adaptive_nostarve",
                "adaptive_cheater", "fair_cheater", "adaptive_fork", "adaptive_wake_on_time",
                "sleep_wakes_once"]


@needs_policies
@pytest.mark.slow
@pytest.mark.zenith_timeout(400)
def test_policies_behave(run_zenith):
    """Shares, levels and classes on one hart under -icount (exactly
    repeatable): see user/tests/schedtest.c for what each case checks."""
    res = run_zenith("schedtest " + " ".join(POLICY_CASES), cpus=1, icount=True, timeout=300)
    check_cases(res, "SC", POLICY_CASES)


@needs_policies
@pytest.mark.zenith_timeout(200)
def test_sleep_wakes_once_smp(run_zenith):
    """A timed sleep is woken once, when due, on three harts too (the tick
    is counted on one hart and the sleeper may run on another)."""
    res = run_zenith("schedtest sleep_wakes_once", cpus=3, timeout=120)
    check_cases(res, "SC", ["sleep_wakes_once"])


@pytest.mark.lab_answers(4)   # the refusal case needs stage A's rights check
@pytest.mark.zenith_timeout(200)
def test_switch_under_load_smp(run_zenith):
    """Switching policies over and over on three harts while hogs and
    sleepers run: everyone keeps running, nothing panics."""
    res = run_zenith("schedtest switch refuse switch_load", cpus=3, timeout=120)
    check_cases(res, "SC", ["switch", "refuse", "switch_load"])


@needs_policies
@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_no_gaming(run_zenith):
    """No sleep/run pattern (0.5-8 ms of work, 1-8 ticks of sleep) amid 3
    hogs gets more than 1.1x its fair share under adaptive, learned or fair, on one
    hart under -icount (user/schedtest.c, gaming_grid). Before the fix
    adaptive gave 1.5 ms + 3 ticks 1.50x (a double weight for sleeping half
    the time, and the debt forgiven at each wake)."""
    res = run_zenith("schedtest adaptive_nogaming learned_nogaming fair_nogaming", cpus=1,
                     icount=True, timeout=800)
    check_cases(res, "SC", ["adaptive_nogaming", "learned_nogaming", "fair_nogaming"])


@needs_policies
@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
@pytest.mark.parametrize("policy", ["adaptive", "learned", "fair"])
def test_no_gaming_smp(run_zenith, policy):
    """The gaming grid on three harts in real time, amid 6 hogs per hart:
    each pattern's CPU time against the hogs' mean on the same window, at
    most 1.25x. A window whose CPU times went back or sum to more than
    harts x its length fails (the old grid measured 10 processes into
    arrays of 8 and read garbage as 'CPU time went backwards'). A host so
    loaded that ticks come late and more than half the patterns could not
    have exceeded the allowance is a skip, with the reason, never a pass."""
    if (os.cpu_count() or 1) < 4:
        # Three vCPUs and the other test worker's QEMU on fewer cores: the
        # guards below do not catch every stolen slice (a fresh-clone make
        # test here saw 2.27x and 3.53x for patterns that measure 0.97x when
        # the host is free). The 1-hart -icount grid (test_no_gaming) holds.
        pytest.skip(f"CPU shares of 3 harts in real time need 4 host cores, this host has "
                    f"{os.cpu_count()}; the grid is checked on 1 hart under -icount")
    res = run_zenith(f"schedtest {policy}_nogaming", cpus=3, timeout=600)
    unmeasured = re.search(r"^SC-UNMEASURED (.*)$", res.output, re.M)
    if unmeasured and f"SC {policy}_nogaming PASS" in res.output:
        lines = re.findall(r"^# game .*not measured.*$", res.output, re.M)
        pytest.skip(f"host too loaded to measure: {unmeasured.group(1)}; e.g. {lines[:1]}")
    check_cases(res, "SC", [f"{policy}_nogaming"])


@pytest.mark.parametrize("cpus", [1, 3])
@pytest.mark.zenith_timeout(300)
def test_cputime_monotonic(run_zenith, cpus):
    """Every process's CPU time read through sched_stats never goes back,
    and all of them together grow by at most harts x the time sampled,
    under each policy while hogs and sleepers move between harts
    (schedtest cputime_monotonic); one hart under -icount, three in real
    time."""
    res = run_zenith("schedtest cputime_monotonic", cpus=cpus, icount=cpus == 1, timeout=200)
    check_cases(res, "SC", ["cputime_monotonic"])


@needs_policies
@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_overload_no_worse_than_fair(run_zenith):
    """A periodic task needing 1.6x its fair share amid 4 hogs meets no fewer
    deadlines under adaptive than under fair (two frames of slack in 50), for
    each of 4 seeds, on one hart under -icount (user/schedtest.c,
    adaptive_overload). The old kernel fell 4 frames short on seed 4."""
    res = run_zenith("schedtest adaptive_overload", cpus=1, icount=True, timeout=800)
    check_cases(res, "SC", ["adaptive_overload"])


@pytest.mark.zenith_timeout(300)
def test_balance_smp(run_zenith):
    """Per-hart run queues are balanced (book 7.9.2), counted, not timed: on
    three harts, 4 hogs per hart, then every hart's hogs but one hart's
    killed down to 1 (only the periodic balance can even them: nobody idles)
    or to 0 (the idle harts steal). Under rr, fair, mlfq and adaptive the
    hogs must be at most 1 apart between harts within 60 ticks, with the
    moves counted. Without balancing one hart keeps 4 hogs for ever."""
    res = run_zenith("schedtest balance", cpus=3, timeout=200)
    check_cases(res, "SC", ["balance"])


@needs_policies
@pytest.mark.zenith_timeout(300)
def test_fair_migration_keeps_lag_smp(run_zenith):
    """Under fair, a hog moved into another hart's queue keeps its lag
    against that queue's V (book 7.7, 7.9.2): one hart's V is run far ahead
    by a weight-1 hog alone on it, then the balance moves a hog in; the two
    hogs sharing the hart must get shares within 4x of each other over 60
    ticks (counted CPU time; pairs on one hart see the same host). With
    the virtual runtime carried over raw, the newcomer took the hart (0
    against 135 ms, 20 against 407 ms)."""
    res = run_zenith("schedtest fair_migrate", cpus=3, timeout=200)
    check_cases(res, "SC", ["fair_migrate"])


STATS_HEAD = re.compile(r"instret-per-insn (\d+)")
STATS_ROW = re.compile(r"^(rr|mlfq|fair|adaptive)\s+(\d+)\s+(\d+)\s+", re.M)


@pytest.mark.parametrize("shift", [0, 1])
def test_decision_cost_in_instructions(run_zenith, shift):
    """Under -icount the instret counter gives 2^shift per instruction
    (virtual nanoseconds); the kernel measures that ratio at boot and
    reports instructions, so the same run gives the same counts whatever
    the shift (before, shift=1 doubled every published figure). The base
    run is the tests' own shift (zenith.TEST_ICOUNT_SHIFT, 2)."""
    cmd = "fanout 4 200000; sched stats"
    base = run_zenith(cmd, cpus=1, icount=True)
    res = run_zenith(cmd, cpus=1, extra=zenith.icount_args(shift))
    for r, want in ((base, 2 ** zenith.TEST_ICOUNT_SHIFT), (res, 2 ** shift)):
        m = STATS_HEAD.search(r.output)
        assert m and int(m.group(1)) == want, \
            f"instret-per-insn {m and m.group(1)}, expected {want}\n{r.tail()}"
    a, b = STATS_ROW.search(base.output), STATS_ROW.search(res.output)
    assert a and b, f"no rr row in sched stats\n{res.tail()}"
    pa, pb = int(a.group(3)), int(b.group(3))
    assert pa > 0 and abs(pa - pb) <= max(2, pa // 10), \
        f"rr pick costs {pa} instructions at shift 0 but {pb} at shift {shift}"


W4_COST = re.compile(r"^SB w4 instr_per_decision (\d+)$", re.M)


@needs_policies
@pytest.mark.parametrize("policy,limit", [("adaptive", 200), ("fair", 150)])
def test_decision_cost_under_target(run_zenith, policy, limit):
    """Issue 5's target: a decision costs under 200 instructions on average
    over the benchmark's fork-heavy build (schedbench w4, one hart,
    counted exactly under -icount; book 7.9). With per-hart queues every
    policy helper called sched_rq() and cpuid() out of line, about 21
    instructions a time, several times per pick: adaptive's pick took 295
    instructions and fair's 187 (fair's bound: 60 before per-hart queues)."""
    res = run_zenith("schedbench -t 100 w4", cpus=1, append=f"sched={policy}",
                     icount=True, timeout=300)
    m = W4_COST.search(res.output)
    assert m, f"schedbench w4 printed no instr_per_decision\n{res.tail()}"
    assert int(m.group(1)) < limit, \
        f"{policy}'s pick_next costs {m.group(1)} instructions per decision over W4, " \
        f"not under {limit}"


@pytest.mark.parametrize("cpus", [1, 3])
@pytest.mark.zenith_timeout(300)
def test_hart_counts(run_zenith, cpus):
    """The per-hart counts of sched_stats (book 7.9.1), attacked with loads
    whose counts are known (schedtest hart_counts). One hart under -icount,
    exactly: with 4 hogs no idle tick, no idle pick, no migration, and
    between 3 and 4 processes waiting at each tick; with 1 hog no idle tick
    and at most a quarter of the ticks waiting. Three harts in real time, against the ticks
    the harts took (so host load does not move the bounds): with 6 hogs
    work waits while a hart idles in at most 1/20 of the ticks, no hart
    idles more than a fifth of its ticks (every hart runs work), and about
    one process per tick waits (per-hart queues: the hogs need not move);
    with 1 hog the other harts idle and nothing waits. A hart the host starved of ticks is a skip,
    with the reason."""
    res = run_zenith("schedtest hart_counts", cpus=cpus, icount=cpus == 1, timeout=200)
    unmeasured = re.search(r"^SC-UNMEASURED (.*)$", res.output, re.M)
    if unmeasured and "SC hart_counts PASS" in res.output:
        pytest.skip(f"host too loaded to measure: {unmeasured.group(1)}")
    check_cases(res, "SC", ["hart_counts"])
    assert re.search(r"^HART\s+TICKS", run_zenith("sched stats", cpus=cpus,
                                                   icount=cpus == 1).output, re.M), \
        "sched stats printed no per-hart table"
