"""The learned policy's committed table (kernel/sched/sched_learned_table.h)
must have been trained from today's signals, buckets, labelled workload and
trainer (tools/sched_learn.py INPUTS): a change to any of them without a
retrain fails here (no QEMU)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sched_learn as sl  # noqa: E402

TABLE = sl.ROOT / "kernel" / "sched" / "sched_learned_table.h"


def test_committed_table_is_not_stale():
    why = sl.stale_reason(TABLE)
    assert why is None, why


def test_a_changed_input_makes_the_table_stale(tmp_path):
    for name in sl.INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((sl.ROOT / name).read_bytes())
    table = tmp_path / "table.h"
    table.write_text(f"// Inputs digest: {sl.inputs_digest(tmp_path)}\n")
    assert sl.stale_reason(table, tmp_path) is None
    src = tmp_path / "kernel/sched/sched_score.c"
    src.write_text(src.read_text().replace("avg - avg / 4 + x / 4", "avg - avg / 8 + x / 8"))
    assert "changed" in sl.stale_reason(table, tmp_path)
    # schedbench outside its training section is not an input
    bench = tmp_path / "user/tests/schedbench.c"
    table.write_text(f"// Inputs digest: {sl.inputs_digest(tmp_path)}\n")
    bench.write_text(bench.read_text() + "\n// a workload edit\n")
    assert sl.stale_reason(table, tmp_path) is None
