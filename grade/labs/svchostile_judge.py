"""The grader's reading of `svchostile` (user/tests/svchostile.c), for lab 6
stage 2 (the service's side of the protocol, user/lib/svcserve.c).

svchostile attacks kv and prints what it saw, one stamped line per
observation; it decides nothing. judge() checks every line against the
contract in user/lib/svcserve.h and returns the first broken promise in
words a student can act on, or None. The numbers that matter come from the
kernel (the capability audit) and the supervisor (generation, pid, hangs,
anomalies), not from kv, the code being graded."""

import re

from zenith import REPO

REPORT = re.compile(r"^SX(?:-END)?[ :].*$", re.M)
STAMPED = re.compile(r"^SX(-END)?:([0-9a-f]+):(\d+) (.*)$")
OBS = re.compile(r"^(\w+) ([\w-]+)((?: \w+=\S+)*) -> (.*)$")
SNAP = re.compile(r"^(start|end)((?: \w+=\S+)*)$")
# The supervisor's console lines that explain a service's fall (hung, an
# anomaly, a core service taking the system down), for the messages.
SUPERVISOR = re.compile(r"^supervisor: .*(?:hung|anomaly|failed|held).*$", re.M)
ANOMALY = re.compile(r"^supervisor: kv \(gen \d+\): anomaly: ([^;\n]+)", re.M)

# What each anomaly the supervisor can flag kv for says about svc_serve.
ANOMALY_CAUSE = {
    "capability-error storm": "replies sent on capabilities that are not channels' send "
                              "ends count as kv's own capability errors (svc_reply_ok)",
    "CPU beyond its share": "kv spun on the CPU: a chan_recv that fails on the same message "
                            "again and again (without CHAN_DISCARD a message that does not "
                            "fit stays at the head of the queue)",
}

# What each group must report (group, what): a missing one means the
# program stopped early.
NEEDED = {
    "malformed": ["put", "short", "caps", "caps-get", "badop", "header-only", "junk",
                  "toolong", "ncaps", "badslot", "get"],
    "replycap": ["nocap", "nocap-get", "pipes", "revoked", "revoked-get", "get"],
    "unread": ["put", "requests", "honest", "flood", "get"],
}


def _errno():
    text = (REPO / "kernel" / "errno.h").read_text()
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^#define (E_\w+)\s+(\d+)", text, re.M)}


def _fields(s):
    return dict(kv.split("=", 1) for kv in s.split())


def _lines(text, nonce):
    """The observation lines, in order; raises ValueError on a line without
    this run's nonce, out of sequence, after SX-END, or a missing SX-END."""
    bodies, end = [], None
    for seq, m in enumerate(REPORT.finditer(text), 1):
        s = STAMPED.match(m.group(0))
        if not s or s.group(2) != nonce:
            raise ValueError(f"a report line without this run's nonce (printed by something "
                             f"other than svchostile?): {m.group(0)!r}")
        if int(s.group(3)) != seq or end is not None:
            raise ValueError(f"report lines duplicated, out of order or after SX-END: "
                             f"{m.group(0)!r}")
        if s.group(1):
            end = int(s.group(4))
        else:
            bodies.append(s.group(4))
    if end is None:
        said = SUPERVISOR.findall(text)
        raise ValueError(f"svchostile printed no SX-END after {len(bodies)} line(s): it "
                         "died or was killed"
                         + (f"; the supervisor said: {' / '.join(said)}" if said else ""))
    if end != len(bodies):
        raise ValueError(f"SX-END says {end} lines, {len(bodies)} were printed")
    return bodies


def judge(text, nonce, groups, bound):
    """None if every observation is what the contract asks for, else the
    first problem. groups: the groups run; bound: the most ticks an honest
    call may wait while others attack."""
    try:
        bodies = _lines(text, nonce)
    except ValueError as e:
        return str(e)
    snaps = {}
    # The supervisor's verdicts first: they name the cause of what follows.
    for body in bodies:
        s = SNAP.match(body)
        if s:
            snaps[s.group(1)] = _fields(s.group(2))
    if "start" in snaps and "end" in snaps:
        a, b = snaps["start"], snaps["end"]
        if a["hangs"] != b["hangs"]:
            return (f"the supervisor found kv hung (hangs {a['hangs']} -> {b['hangs']}): it "
                    "stopped taking requests and pings (waiting for a client? a reply sent "
                    "without CHAN_NONBLOCK on a channel nobody reads blocks kv)")
        if a["anomalies"] != b["anomalies"]:
            kind = ANOMALY.search(text)
            kind = kind.group(1).strip() if kind else None
            cause = ANOMALY_CAUSE.get(kind, ANOMALY_CAUSE["capability-error storm"])
            return (f"kv was flagged (anomalies {a['anomalies']} -> {b['anomalies']}"
                    + (f", the supervisor says: {kind}" if kind else "") + f"): {cause}")
    err = _errno()
    einval, enoent = f"status {-err['E_INVAL']}", f"status {-err['E_NOENT']}"
    seen, put = set(), {}
    for body in bodies:
        if SNAP.match(body):
            continue
        m = OBS.match(body)
        if not m:
            return f"a line svchostile should not print: {body!r}"
        group, what, f, got = m.group(1), m.group(2), _fields(m.group(3)), m.group(4)
        seen.add((group, what))
        line = f"`{group} {what}`: {body}"
        if what in ("put", "nocap") and "key" in f:
            put[f["key"]] = f.get("val") or re.search(r"val=(\S+)", body).group(1)
        if what in ("put", "list", "get", "nocap-get") or (group, what) == ("unread", "honest"):
            if not got.startswith("status 0"):
                hint = {"dropped": ": kv let go of its reply capability unanswered (its slot "
                                   "table or quota full: reply capabilities leaked?)",
                        "none": ": kv did not answer (busy waiting for another client?)"}
                return (f"an honest request was not served ({line}); want status 0"
                        + hint.get(got.split()[0], ": kv was restarted or is gone"))
            v = re.search(r"val=(\S+)", got)
            if what.endswith("get") and f["key"] in put and v and v.group(1) != put[f["key"]]:
                return f"kv lost or changed a value ({line}); want val={put[f['key']]}"
            if "ticks" in got and int(got.split("ticks=")[1]) > bound:
                return (f"an honest call waited more than {bound} ticks ({line}): kv must "
                        "never wait for a client that does not read its replies")
        elif what == "short":
            if got != einval:
                why = {"status 0": "it was served as a whole request: the op came from the "
                                   "previous request still in the buffer",
                       "dropped": "it was dropped: a short request with a good reply "
                                  "capability gets an error (or kv had no free slot to "
                                  "receive it in: reply capabilities never closed?)",
                       "none": "no answer at all"}.get(got, got)
                return (f"a {f['len']}-byte request (shorter than a header) must be answered "
                        f"with -E_INVAL ({line}): {why}")
        elif what == "caps":
            if got != "dropped":
                return (f"a request with {f['n']} capabilities must be dropped, capabilities "
                        f"and all, without an answer ({line})")
        elif what == "caps-get":
            if got.split(" val=")[0] != enoent:
                return (f"the request with too many capabilities was served or kv lost its "
                        f"store ({line}); want {enoent} (no such key)")
        elif what in ("badop", "header-only", "junk"):
            if got != einval:
                return f"a request kv cannot serve must be answered -E_INVAL ({line})"
        elif what in ("toolong", "ncaps", "badslot"):
            if not got.startswith("senderr -"):
                return f"the kernel carried a message it must refuse ({line})"
        elif what == "pipes":
            if got != f"sent {f['n']}":
                return (f"kv stopped taking requests whose reply capability is a pipe end "
                        f"({line})")
        elif what == "revoked":
            if got.startswith("status"):
                return f"kv answered on a revoked capability ({line})"
        elif what == "revoked-get":
            if got.split(" val=")[0] != enoent:
                return (f"a KV_PUT whose reply capability was revoked in flight was served "
                        f"({line}); want {enoent} (no such key): it arrives with m.ncaps 1 "
                        f"and a negative slot, unlike a one-way request (m.ncaps 0), and "
                        f"must be dropped")
        elif what == "flood":
            calls, answered = int(f["calls"]), int(f["answered"])
            ticks = int(got.split()[-1])
            if calls < 3 or answered != calls:
                return (f"during a flood {answered} of {calls} honest calls were answered "
                        f"({line}); want all")
            if ticks > bound:
                return (f"during a flood an honest call waited {ticks} ticks, more than "
                        f"{bound} ({line})")
    for g in (NEEDED if "all" in groups else groups):
        for what in NEEDED[g]:
            if (g, what) not in seen:
                return f"svchostile never reported `{g} {what}`: it stopped early"
    if set(snaps) != {"start", "end"}:
        return f"svchostile did not report kv's state at the start and the end: {sorted(snaps)}"
    a, b = snaps["start"], snaps["end"]
    if b["status"] != "0" or b["state"] != "running":
        return f"kv is not running at the end (state {b['state']}, svc status {b['status']})"
    if (a["gen"], a["pid"]) != (b["gen"], b["pid"]):
        return (f"kv was restarted: generation {a['gen']} -> {b['gen']}, pid {a['pid']} -> "
                f"{b['pid']} (it died, or the supervisor found it hung or misbehaving); "
                "no client may bring a service down")
    for what in ("records", "slots", "inflight", "kvslots"):
        if a[what] != b[what]:
            return (f"capabilities leaked: {what} {a[what]} -> {b[what]} from start to end "
                    f"(the kernel's audit; kvslots: the slots kv holds, hex). Every reply "
                    "capability kv receives must be closed, answered or not")
    return None
