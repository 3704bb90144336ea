"""The contract of the supervisor's restart logic (user/lib/svcpolicy.h),
in Python: what svc_decide and svc_gen_current must answer, and the queries
svcprobe draws from a seed (user/tests/svcprobe.c: the same generator, the same
order). test_selfheal.test_policy compares what the probe printed with
`expected_lines(seed)`; the lab's code never decides its own verdict."""

RESTART_ALWAYS, RESTART_ONFAILURE, RESTART_NEVER = 0, 1, 2
DECIDE_LEAVE, DECIDE_RESTART, DECIDE_HOLD = 0, 1, 2
SVC_MAXLIMIT = 32
ROUNDS, CALLS, GENS = 16, 12, 24
MASK = (1 << 64) - 1

RESTART_NAMES = {RESTART_ALWAYS: "always", RESTART_ONFAILURE: "on-failure",
                 RESTART_NEVER: "never"}
DECISION_NAMES = {DECIDE_LEAVE: "leave", DECIDE_RESTART: "restart", DECIDE_HOLD: "hold"}


class SplitMix:
    """splitmix64, as user/lib/splitmix.c (svcprobe draws its queries with it)."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9e3779b97f4a7c15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & MASK
        z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n


class Policy:
    """One service's policy and restart history, decided per the contract."""

    def __init__(self, restart, limit, window, backoff, maxbackoff):
        self.restart, self.limit, self.window = restart, limit, window
        self.backoff, self.maxbackoff = backoff, maxbackoff
        self.history = []

    def describe(self):
        return (f"restart={RESTART_NAMES[self.restart]} limit={self.limit} "
                f"window={self.window} backoff={self.backoff} maxbackoff={self.maxbackoff}")

    def decide(self, failed, now):
        """(decision, delay); delay matters only for a restart."""
        if self.restart == RESTART_NEVER or (self.restart == RESTART_ONFAILURE and not failed):
            return DECIDE_LEAVE, 0
        self.history = [t for t in self.history if t > now - self.window]
        k = len(self.history)
        if k >= self.limit:
            return DECIDE_HOLD, 0
        delay = 0 if k == 0 else min(self.backoff << (k - 1), self.maxbackoff)
        self.history = (self.history + [now])[-SVC_MAXLIMIT:]
        return DECIDE_RESTART, delay


class Query:
    """One line the probe prints: `text` is the line without the answer
    (\"SP 3 D 1 1020\"), `want` the answer the contract asks for, `ok(got)`
    judges the printed answer, `explain(got)` says what was wrong."""

    def __init__(self, text, want=None, ok=None, explain=None):
        self.text, self.want = text, want
        self.ok = ok or (lambda got: got == "")
        self.explain = explain or (lambda got: "")


def _answer_words(decision, delay):
    name = DECISION_NAMES.get(decision, f"decision {decision}")
    return f"restart after {delay} ticks" if decision == DECIDE_RESTART else name


def queries(seed):
    """Every query svcprobe SEED makes, in order, with the wanted answers."""
    rng = SplitMix(seed)
    out, state = [], {"pol": None}

    def num():
        return len(out) + 1

    def policy(*fields):
        state["pol"] = Policy(*fields)
        out.append(Query(f"SP {num()} P " + " ".join(str(f) for f in fields)))

    def forget():
        pol = state["pol"]
        before = list(pol.history)
        pol.history = []
        out.append(Query(f"SP {num()} F", explain=lambda got, b=before: f"history was {b}"))

    def decide(failed, now):
        pol = state["pol"]
        history = list(pol.history)
        decision, delay = pol.decide(failed, now)
        call = (f"svc_decide(policy {pol.describe()}; restarts recorded at ticks {history}; "
                f"failed={failed}, now={now})")

        def ok(got, decision=decision, delay=delay):
            parts = got.split()
            if len(parts) != 3 or parts[0] != "->" or not all(
                    p.lstrip("-").isdigit() for p in parts[1:]):
                return False
            d, dl = int(parts[1]), int(parts[2])
            return d == decision and (decision != DECIDE_RESTART or dl == delay)

        def explain(got, call=call, decision=decision, delay=delay):
            parts = got.split()
            said = got
            if len(parts) == 3 and all(p.lstrip("-").isdigit() for p in parts[1:]):
                said = _answer_words(int(parts[1]), int(parts[2]))
            return f"{call} answered {said}; the contract (svcpolicy.h) wants " \
                   f"{_answer_words(decision, delay)}"
        out.append(Query(f"SP {num()} D {failed} {now}", f"-> {decision} {delay}", ok, explain))

    def gen(current, got):
        want = int(current == got)

        def ok(ans, want=want):
            return ans == f"-> {want}"

        def explain(ans, c=current, g=got, want=want):
            return (f"svc_gen_current({c}, {g}) answered {ans.removeprefix('-> ')}; "
                    f"want {want} (only the same generation is current)")
        out.append(Query(f"SP {num()} G {current} {got}", f"-> {want}", ok, explain))

    policy(RESTART_ALWAYS, 3, 100, 10, 25)          # the handout's worked example
    for failed, now in ((1, 1000), (0, 1010), (1, 1020), (1, 1030), (1, 1115)):
        decide(failed, now)
    for r in range(ROUNDS):
        restart = rng.below(3)
        limit = 1 + rng.below(SVC_MAXLIMIT if r % 4 == 3 else 6)
        window = 20 + rng.below(300)
        backoff = 1 + rng.below(40)
        policy(restart, limit, window, backoff, backoff + rng.below(400))
        now = rng.below(1000)
        for _ in range(CALLS):
            if rng.below(10) == 0:
                forget()
            now += rng.below(window // 2 + 1)
            decide(int(rng.below(4) != 0), now)
    for _ in range(GENS):
        current = rng.below(6)
        gen(current, current if rng.below(2) else rng.below(6))
    return out


def judge(output, seed):
    """Compare svcprobe's output with the contract. Returns None when every
    answer is right, else a message naming the first wrong one (or what is
    missing); lines not starting with "SP" (the kernel's, the shell's) are
    ignored."""
    lines = [ln.strip() for ln in output.splitlines() if ln.startswith("SP")]
    want = queries(seed)
    for i, q in enumerate(want):
        if i >= len(lines):
            return (f"svcprobe printed {len(lines)} of its {len(want)} answers, then stopped "
                    f"(next: {q.text!r}); did svc_decide or svc_gen_current crash or exit?")
        line = lines[i]
        if not (line == q.text or line.startswith(q.text + " ")):
            return (f"answer {i + 1}: expected the probe's line {q.text!r}, got {line!r} "
                    "(printed by something other than svcprobe?)")
        got = line[len(q.text):].strip()
        if not q.ok(got):
            return f"answer {i + 1} is wrong: {q.explain(got)}"
    rest = lines[len(want):]
    if rest != [f"SP-END {len(want)}"]:
        return (f"after its {len(want)} answers svcprobe should print only "
                f"'SP-END {len(want)}'; got {rest[:5]!r}")
    return None
