"""Reading the scheduler's event trace on the host (kernel/schedtrace.h).

The guest's `sched trace` prints one line per record and a count, then
the name of every live process (those that started before the oldest
record kept have no SEV_NAME record in the trace):
    EV <time> <hart> <type> <pid> <aux> <arg> <cls> <policy> <seq>
    EV-END <count>
    EVNAME <pid> <name>
parse() checks every line and the trace as a whole and raises TraceError,
which names the line and says what is wrong, for anything malformed. Other
console lines (boot messages, a shell prompt) are skipped.

Plain Python: the tests in tools/tests/test_schedtrace.py run in `make test`.
"""

import re
from dataclasses import dataclass

# kernel/schedtrace.h
SEV_WAKE, SEV_RUN, SEV_PREEMPT, SEV_BLOCK, SEV_EXIT, SEV_FORK, SEV_CLASS, SEV_POLICY, \
    SEV_LOST, SEV_NAME = range(1, 11)
SEV_NTYPES = 11
TYPE_NAMES = {SEV_WAKE: "wake", SEV_RUN: "run", SEV_PREEMPT: "preempt", SEV_BLOCK: "block",
              SEV_EXIT: "exit", SEV_FORK: "fork", SEV_CLASS: "class", SEV_POLICY: "policy",
              SEV_LOST: "lost", SEV_NAME: "name"}
CLASS_NAMES = ["-", "latency", "interactive", "io", "batch"]
ENDS = (SEV_PREEMPT, SEV_BLOCK, SEV_EXIT)
NCPU = 8                      # kernel/param.h
TIMEBASE_HZ = 10_000_000      # rdtime on QEMU virt

_EV = re.compile(r"^EV (.*)$")
_END = re.compile(r"^EV-END (\S+)\s*$")


class TraceError(ValueError):
    """A malformed trace; the message says where and what."""


@dataclass(frozen=True)
class Event:
    time: int
    hart: int
    type: int
    pid: int
    aux: int
    arg: int
    cls: int
    policy: int
    seq: int
    line: int = 0      # line number in the input, for messages

    @property
    def name(self):
        return TYPE_NAMES.get(self.type, str(self.type))


def _fields(text, lineno):
    parts = text.split()
    if len(parts) != 9:
        raise TraceError(f"line {lineno}: an EV record has 9 fields (time hart type pid aux "
                         f"arg cls policy seq), this one has {len(parts)}: {text!r}")
    try:
        vals = [int(p) for p in parts]
    except ValueError:
        raise TraceError(f"line {lineno}: EV fields must be integers: {text!r}") from None
    time, hart, typ, pid, aux, arg, cls, policy, seq = vals
    if not 1 <= typ < SEV_NTYPES:
        raise TraceError(f"line {lineno}: unknown event type {typ} (known: 1..{SEV_NTYPES - 1})")
    if not 0 <= hart < NCPU:
        raise TraceError(f"line {lineno}: hart {hart} is outside 0..{NCPU - 1}")
    if not 0 <= cls < len(CLASS_NAMES):
        raise TraceError(f"line {lineno}: class {cls} is outside 0..{len(CLASS_NAMES) - 1}")
    if time < 0 or pid < 0 or seq < 0 or arg < 0:
        raise TraceError(f"line {lineno}: negative time, pid, arg or seq: {text!r}")
    return Event(time, hart, typ, pid, aux, arg, cls, policy, seq, lineno)


def parse(text):
    """All EV records of the last complete trace dump in `text` (there may be
    several `sched trace` dumps on one console; each ends in EV-END).
    Raises TraceError if a record or the dump is malformed."""
    dumps, current = [], []
    for lineno, raw in enumerate(text.replace("\r", "").splitlines(), 1):
        line = raw.strip()
        m = _END.match(line)
        if m:
            try:
                count = int(m.group(1))
            except ValueError:
                raise TraceError(f"line {lineno}: EV-END needs a record count: {line!r}") from None
            if count != len(current):
                raise TraceError(f"line {lineno}: EV-END says {count} records, "
                                 f"{len(current)} came before it (lines lost?)")
            dumps.append(current)
            current = []
            continue
        m = _EV.match(line)
        if m:
            current.append(_fields(m.group(1), lineno))
    if current:
        raise TraceError(f"{len(current)} EV records after the last EV-END "
                         "(the dump was cut short)")
    if not dumps:
        raise TraceError("no trace: no EV-END line (is this `sched trace` output?)")
    events = dumps[-1]
    check(events)
    return events


def check(events):
    """Per hart: time and seq never go back, seq has no gap unless an
    SEV_LOST says records were lost, and every RUN is ended (PREEMPT,
    BLOCK or EXIT of the same pid) before the next RUN on that hart. (An
    SEV_LOST is stamped when the trace was read, so it is not ordered in
    time with the records after it.)"""
    last = {}
    running = {}
    for e in events:
        prev = last.get(e.hart)
        if prev is not None and prev.type != SEV_LOST and e.type != SEV_LOST:
            if e.time < prev.time:
                raise TraceError(f"line {e.line}: time goes back on hart {e.hart} "
                                 f"({e.time} after {prev.time} on line {prev.line})")
            if e.seq != prev.seq + 1:
                raise TraceError(f"line {e.line}: hart {e.hart} seq jumps from {prev.seq} to "
                                 f"{e.seq} with no 'lost' record")
        last[e.hart] = e
        if e.type == SEV_LOST:
            running.pop(e.hart, None)   # we cannot know what ran meanwhile
        elif e.type == SEV_RUN:
            if e.hart in running:
                r = running[e.hart]
                raise TraceError(f"line {e.line}: pid {e.pid} runs on hart {e.hart} but pid "
                                 f"{r.pid}'s run from line {r.line} never ended")
            running[e.hart] = e
        elif e.type in ENDS:
            r = running.pop(e.hart, None)
            if r is not None and r.pid != e.pid:
                raise TraceError(f"line {e.line}: {e.name} of pid {e.pid} on hart {e.hart}, "
                                 f"but pid {r.pid} was running there (line {r.line})")


_NAME = re.compile(r"^EVNAME (\d+) (\S{1,16})\s*$")


def name_of_record(e):
    """The program name an SEV_NAME record carries (12 bytes at most)."""
    raw = (e.arg & (2**64 - 1)).to_bytes(8, "little") + (e.aux & (2**32 - 1)).to_bytes(4, "little")
    return raw.split(b"\0", 1)[0].decode("ascii", errors="replace")


def names(events, text=""):
    """{pid: program name}: from the EVNAME lines of `text` (live processes),
    then from SEV_NAME records in time order (the last name a pid took, by
    exec, wins)."""
    out = {}
    for raw in text.replace("\r", "").splitlines():
        m = _NAME.match(raw.strip())
        if m:
            out[int(m.group(1))] = m.group(2)
    for e in sorted((e for e in events if e.type == SEV_NAME), key=lambda e: e.time):
        out[e.pid] = name_of_record(e)
    return out


def wake_latencies(events):
    """[(pid, class at wake, latency in rdtime units)] from each WAKE to the
    pid's next RUN. A wake whose run is not in the trace is left out."""
    pending = {}
    out = []
    timed = [e for e in events if e.type != SEV_LOST]
    for e in sorted(timed, key=lambda e: (e.time, e.hart, e.seq)):
        if e.type == SEV_WAKE:
            pending.setdefault(e.pid, e)
        elif e.type == SEV_RUN and e.pid in pending:
            w = pending.pop(e.pid)
            out.append((e.pid, w.cls, e.time - w.time))
        elif e.type == SEV_EXIT:
            pending.pop(e.pid, None)
    return out


@dataclass
class Segment:
    pid: int
    hart: int
    start: int
    end: int
    cls: int
    how: str      # preempt, block, exit, or "cut" (trace ended while running)


def segments(events):
    """Every stretch a pid ran, from its RUN to its end on the same hart."""
    running = {}
    out = []
    t_end = max((e.time for e in events if e.type != SEV_LOST), default=0)
    for e in events:
        if e.type == SEV_RUN:
            running[e.hart] = e
        elif e.type in ENDS and e.hart in running:
            r = running.pop(e.hart)
            out.append(Segment(r.pid, r.hart, r.time, e.time, e.cls, e.name))
        elif e.type == SEV_LOST:
            running.pop(e.hart, None)
    for r in running.values():
        out.append(Segment(r.pid, r.hart, r.time, t_end, r.cls, "cut"))
    return out
