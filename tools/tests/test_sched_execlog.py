"""tools/sched_execlog.py counts each pick from QEMU's execution log: the
blocks executed from pick_next's entry to its return, following calls and
returns by depth (no QEMU: a log written here in QEMU 7.2's format)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import sched_execlog as ex  # noqa: E402

# pick_next at 0x1000: 3 instructions, then a call to a helper at 0x2000
# (2 instructions and a return), then 2 more instructions and a return.
LOG = """\
IN: fair_pick_next
0x0000000000001000:  1141          addi            sp,sp,-16
0x0000000000001002:  e406          sd              ra,8(sp)
0x0000000000001004:  2000e0ef      jal             ra,4096

IN: vt_pick
0x0000000000002000:  4501          mv              a0,zero
0x0000000000002002:  8082          ret

IN: fair_pick_next
0x0000000000001008:  60a2          ld              ra,8(sp)
0x000000000000100a:  8082          ret

Trace 0: 0x7f00 [00000000/0000000000001000/00000000/ff000000] fair_pick_next
Trace 0: 0x7f01 [00000000/0000000000002000/00000000/ff000000] vt_pick
Trace 0: 0x7f02 [00000000/0000000000001008/00000000/ff000000] fair_pick_next
Trace 0: 0x7f00 [00000000/0000000000001000/00000000/ff000000] fair_pick_next
Trace 0: 0x7f01 [00000000/0000000000002000/00000000/ff000000] vt_pick
Trace 0: 0x7f02 [00000000/0000000000001008/00000000/ff000000] fair_pick_next
"""


def test_each_pick_is_counted_from_entry_to_return(tmp_path):
    log = tmp_path / "exec.log"
    log.write_text(LOG)
    assert ex.pick_counts(log, 0x1000) == {7: 2}


def test_a_pick_cut_off_by_the_end_of_the_log_is_not_counted(tmp_path):
    log = tmp_path / "exec.log"
    log.write_text("\n".join(LOG.splitlines()[:-1]) + "\n")
    assert ex.pick_counts(log, 0x1000) == {7: 1}


def test_callees_are_found_from_the_disassembly(tmp_path):
    asm = tmp_path / "kernel.asm"
    asm.write_text("0000000000001000 <fair_pick_next>:\n"
                   "    1000:\t1141\taddi\tsp,sp,-16\n"
                   "    1004:\t2000e0ef\tjal\tra,2000 <vt_pick>\n"
                   "0000000000002000 <vt_pick>:\n"
                   "    2000:\t4501\tli\ta0,0\n"
                   "    2002:\t8082\tret\n"
                   "0000000000003000 <panic>:\n"
                   "    3000:\t8082\tret\n")
    funcs = ex.kernel_functions(asm)
    assert funcs["fair_pick_next"][:2] == [0x1000, 0x1008]
    assert ex.reachable(funcs, "fair_pick_next") == {"fair_pick_next", "vt_pick"}
