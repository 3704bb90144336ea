"""The learned policy's committed table (kernel/sched/sched_learned_table.h)
must have been trained from the committed recording of samples
(tools/sched_learn_samples.txt), and that recording from today's signals and
labelled workloads (tools/sched_learn.py RECORD_INPUTS, TABLE_INPUTS): a
change to any of them without a retrain fails here. Training is a function
of the recording, so the committed table is exactly what the trainer writes
from it today (no QEMU)."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sched_learn as sl  # noqa: E402

TABLE = sl.ROOT / sl.TABLE

# A lab handout (labs/HANDOUT) has stubs where the reference has answers
# (sched_score.c is the scheduling lab's), so its inputs differ from those
# the table was trained from in the reference tree.
pytestmark = pytest.mark.skipif((sl.ROOT / "labs" / "HANDOUT").exists(),
                                reason="a lab handout: the table is trained in the reference tree")


def test_committed_table_is_not_stale():
    why = sl.stale_reason(TABLE)
    assert why is None, why


def test_training_is_deterministic_and_gives_the_committed_table():
    first, report = sl.build()
    again, _ = sl.build()
    assert first == again, "two trainings from the same recording differ"
    assert first == TABLE.read_text(), \
        f"{sl.TABLE} is not what tools/sched_learn.py trains from {sl.RECORDING}: retrain"
    assert any(line.startswith("held-out:") for line in report)


def test_held_out_shapes_are_not_training_shapes():
    train_set, held_set = sl.load()
    assert held_set, "the recording has no held-out samples"
    assert not {s[4] for s in train_set} & {s[4] for s in held_set}


def _copy_inputs(tmp_path):
    for name in sl.RECORD_INPUTS + sl.TABLE_INPUTS:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes((sl.ROOT / name).read_bytes())
    table = tmp_path / "table.h"
    table.write_text(f"// Inputs digest: {sl.inputs_digest(tmp_path)}\n")
    return table


def test_a_changed_input_makes_the_table_stale(tmp_path):
    table = _copy_inputs(tmp_path)
    assert sl.stale_reason(table, tmp_path) is None
    # a signal's arithmetic: the recording is stale
    src = tmp_path / "kernel/sched/sched_score.c"
    src.write_text(src.read_text().replace("avg - avg / 4 + x / 4", "avg - avg / 8 + x / 8"))
    assert "--record" in sl.stale_reason(table, tmp_path)
    # schedbench outside its training section is not an input
    table = _copy_inputs(tmp_path)
    bench = tmp_path / "user/tests/schedbench.c"
    bench.write_text(bench.read_text() + "\n// a workload edit\n")
    assert sl.stale_reason(table, tmp_path) is None
    # the buckets: the table is stale, the recording is not
    lc = tmp_path / "kernel/sched/sched_learned.c"
    lc.write_text(lc.read_text() + "\n// another bucket\n")
    why = sl.stale_reason(table, tmp_path)
    assert why and "changed" in why and "--record" not in why
