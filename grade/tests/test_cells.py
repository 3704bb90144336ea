"""SandCells: the in-guest suite celltest (quotas, confinement, destroy and
revocation, fault records in a queue and on a supervisor channel, the
"peer restarted" error waking blocked callers, CPU share under a fork
storm, anomaly counters)
passes on one hart and on three, and the `cells` command lists cells with
usage against quota."""

import re

import pytest

import guest

# Cells confine through lab 4's capability checks and transfer: in its
# handouts those are stubs.
pytestmark = pytest.mark.lab_answers(4)

CASES = ["create_info", "proc_quota", "page_quota", "slot_quota", "inflight_quota",
         "inflight_same_cell", "confine", "spawn_path", "destroy", "destroy_churn",
         "destroy_revokes", "handed_out", "faults", "fault_channel", "fault_channel_revoke",
         "restarted", "cpu_share", "anomaly"]


@pytest.mark.slow
@pytest.mark.zenith_timeout(600)
def test_celltest_one_hart(run_zenith):
    """Every case on one hart under -icount, where the CPU-share case's
    figures are deterministic (tick-driven enforcement is not at the mercy
    of a loaded host dropping timer ticks)."""
    res = run_zenith("celltest", cpus=1, icount=True, timeout=400)
    guest.check_suite(res, "celltest", "CL", len(CASES), label="celltest on 1 hart")
    # The kernel's kill messages name the cell of the faulting process.
    assert re.search(r"killed by store page fault at va 0x0*8 pc 0x[0-9a-f]+ \(cell \d+\)",
                     res.output), f"no kill message naming the cell\n{res.tail()}"


@pytest.mark.zenith_timeout(300)
@pytest.mark.parametrize("policy", ["mlfq", "fair", "adaptive"])
def test_cpu_share_under_every_policy(run_zenith, policy):
    """The CPU share is enforced in the generic scheduler layer, around
    whichever policy runs (round robin is the default, above)."""
    res = run_zenith("celltest cpu_share", cpus=1, icount=True, append=f"sched={policy}",
                     timeout=200)
    guest.check_suite(res, "celltest", "CL", 1, label=f"celltest cpu_share under {policy}")


@pytest.mark.slow
@pytest.mark.zenith_timeout(600)
def test_celltest_three_harts(run_zenith):
    """Every case but the CPU share on three harts: quotas, destroy and fault
    records must hold with processes of a cell running concurrently.
    destroy_churn runs on its own below (test_destroy_churn[3]), not twice."""
    cases = [c for c in CASES if c not in ("cpu_share", "destroy_churn")]
    res = run_zenith("celltest " + " ".join(cases), cpus=3, timeout=400)
    guest.check_suite(res, "celltest", "CL", len(cases), label="celltest on 3 harts")


@pytest.mark.zenith_timeout(300)
@pytest.mark.parametrize("cpus", [1, 3])
def test_destroy_churn(run_zenith, cpus):
    """A cell's last capability closed while another process reaps its two
    dying processes, 80 times: the cell is freed once, never used after
    (a use-after-free panic on 2-3 harts before)."""
    res = run_zenith("celltest destroy_churn", cpus=cpus, icount=cpus == 1, timeout=200)
    guest.check_suite(res, "celltest", "CL", 1, label=f"celltest destroy_churn on {cpus} hart(s)")


def test_cells_lists_root(vm):
    out = vm.run("cells")
    rows = [line.split() for line in out.splitlines()
            if re.match(r"\s*\d+\s+\d+\s+(live|dead)\s", line)]
    if not rows:
        vm.fail(f"`cells` printed no cell line: {out!r}")
    root = rows[0]
    if root[0] != "1" or root[1] != "0" or root[2] != "live":
        vm.fail(f"first line should be the live root cell 1 with parent 0: {root}")
    used, quota = (int(x) for x in root[3].split("/"))
    if not 0 < used < quota:
        vm.fail(f"root cell pages {root[3]}: expected some used, fewer than the quota")
    procs_used, procs_quota = (int(x) for x in root[4].split("/"))
    if procs_quota != 64 or procs_used < 3:
        vm.fail(f"root cell procs {root[4]}: expected init, sh and cells out of 64")


def test_cells_capability_only_where_granted(vm):
    """The shell passes the root cell capability to `cells` but not to
    other programs: a nested sh (like any other command) starts without
    it, so `cells` run from it has nothing to list."""
    out = vm.run("sh -c cells")
    if "no cell capability held" not in out:
        vm.fail(f"`sh -c cells` should find no cell capability; it printed {out!r}")
