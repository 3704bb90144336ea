"""Host tests for the fuzzer's tools (no QEMU): the console parser of
tools/fuzz.py and the reducer's range lists and delta debugging."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import fuzz  # noqa: E402
import fuzz_reduce as fr  # noqa: E402


def test_encode_ranges():
    assert fr.encode([0, 1, 2, 5, 7, 8]) == "0-2,5,7-8"
    assert fr.encode([3]) == "3"
    assert fr.encode([]) == ""


def test_ddmin_finds_the_needed_calls():
    # The "kernel" panics when calls 17 and 203 both run (in any company).
    tried = []

    def fails(xs):
        tried.append(len(xs))
        return 17 in xs and 203 in xs
    assert fr.ddmin(list(range(300)), fails) == [17, 203]
    assert len(tried) < 200


def test_ddmin_single_cause():
    assert fr.ddmin(list(range(64)), lambda xs: 40 in xs) == [40]


def test_parse_counts_calls_and_candidates():
    console = "\n".join([
        "FZ-START seed=1 gens=3 procs=2 budget=120",
        "FZ 0 0 111 0 0", "FZ 0 0 111 0 1", "FZ 0 0 111 0 2", "FZ-REAP 0 0 done",
        "FZ 1 1 222 1 0", "FZ 1 1 222 1 1", "FZ-REAP 1 1 timeout",
        "FZ 0 2 333 0 0", "FZ 0 2 333 0 1",
        "panic: something",
    ])
    run = fuzz.Run(1, 1)
    fuzz.parse(run, console, 120)
    assert run.gens == 3
    assert run.timeouts == 1
    assert run.calls == 120 + 50 + 50   # done: budget; the others: whole batches before the last
    assert run.candidates == [(333, 0, 99)]   # still running: its calls 0..end of batch 1
