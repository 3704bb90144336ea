"""The kernel's lock counters and lock-order checker (kernel/lib/lockstat.c,
kernel/lib/lockdep.c; book 4.16), which the locks lab builds on: present in
every tree, so these run on every handout."""

import re

import pytest

import guest


def test_lockstat_lists_classes(run_zenith):
    res = run_zenith("lockstat", cpus=3)
    rows = {line.split()[0]: line.split()[1:] for line in res.output.splitlines()
            if re.match(r"^\S+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+$", line)}
    for name in ("kmem", "bcache", "proc"):
        if name not in rows:
            res.fail(f"`lockstat` has no row for the {name!r} lock class; rows: {sorted(rows)}")
    if int(rows["proc"][5]) < 2:
        res.fail(f"`lockstat` says the proc class has {rows['proc'][5]} lock(s); every "
                 "process slot's lock is one (NPROC)")
    if "lockdep: on, 0 order inversion(s), 0 sleep(s) holding a spinlock" not in res.output:
        res.fail("`lockstat` should report the lock-order checker on and silent after boot")


def test_lockdep_reports_inversion(run_zenith):
    res = run_zenith("lockstat -t", cpus=3)
    want = re.compile(r"lockdep: hart \d+: lock order inversion: took 'lockdep test a' while "
                      r"holding 'lockdep test b', but 'lockdep test b' was taken while "
                      r"holding 'lockdep test a' before")
    if not want.search(res.output):
        res.fail("`lockstat -t` takes two test locks a-then-b, then b-then-a: the checker "
                 "should print a lock order inversion naming both and the hart")
    if "lockdep: on, 1 order inversion(s)" not in res.output:
        res.fail("after `lockstat -t` the checker should count exactly 1 inversion")
    if res.status != 0:
        res.fail(f"`lockstat -t` exited {res.status}")


def test_lockdep_can_be_turned_off(run_zenith):
    res = run_zenith("lockstat -t", cpus=1, append="lockdep=off")
    if "lock order inversion" in res.output or res.status == 0:
        res.fail("with lockdep=off the checker must not run: `lockstat -t` should fail "
                 "and nothing be reported")


# The stress of the locks lab, checked for what holds with any locking (no
# page lost, files read back, no block cached twice, the checker silent), on
# one hart (deterministic, -icount) and on three (real time).
def _locktest_all(run_zenith, **boot):
    nonce = guest.new_nonce()
    res = run_zenith(f"locktest -n {nonce} all", timeout=800, **boot)
    try:
        results = guest.stamped_results(res.output, "LK", nonce)
    except guest.ForgedReport as e:
        res.fail(f"locktest all: {e}")
    failing = [f"  {case}: {why}" for case, (verdict, why) in results.items()
               if verdict != "PASS"]
    if failing or len(results) < 7:
        res.fail(f"locktest all: {len(results)} cases, failing:\n" + "\n".join(failing))
    if "lockdep:" in res.output:
        res.fail("the lock-order checker printed a report during locktest")


@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_locktest_one_hart(run_zenith):
    _locktest_all(run_zenith, cpus=1, icount=True)


@pytest.mark.slow
@pytest.mark.zenith_timeout(900)
def test_locktest_three_harts(run_zenith):
    _locktest_all(run_zenith, cpus=3)


# Making the checker report its test pair needs the system-control
# capability: the report counts for the rest of the boot, and the locks
# lab's cases fail on any report since boot. locktest is not granted it,
# neither run by the shell nor under lockstat (which drops it before exec).
def test_lockcheck_invert_refused_without_sysctl(run_zenith):
    res = guest.run_mode_case(run_zenith, "locktest", "LK", "nocap", cpus=1, icount=True)
    if "lockdep:" in res.output:
        res.fail("a refused lockcheck(LOCKCHECK_INVERT) still made the checker report")


def test_lockstat_does_not_pass_sysctl_to_its_command(run_zenith):
    guest.run_mode_case(run_zenith, "lockstat locktest", "LK", "nocap", cpus=1, icount=True)
