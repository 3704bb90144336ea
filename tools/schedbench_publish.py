"""Whether `make schedbench` may publish its real-time multi-hart figures,
and how the results page keeps the last published ones when it may not.

Multi-hart runs cannot use -icount (tools/schedbench.py says why), so they
run in real time and measure the host as much as the scheduler: when the
host's 1-minute load average is above its core count, the guest's harts
did not each get a core, ticks came late and sleeps stretched. Such figures
are printed (what would have been written) but not published; the page
keeps the previous run's multi-hart sections and lines as they were.
"""

import re

# A heading or a line about more than one hart: "..., 2 hart(s)" in table and
# target headings and plot captions; the header's multi-hart bullets.
MULTI_HARTS = re.compile(r"\b(?:[2-9]|\d\d+) hart\(s\)")
NOT_PUBLISHED = "- Multi-hart figures not published"
MULTI_BULLETS = ("- Multi-hart runs:", "- Host load average", NOT_PUBLISHED)
HEADING = re.compile(r"^#{1,3} ")


def load_verdict(loads, cores):
    """(publish, reason). loads: the 1-minute load averages sampled before
    and after each real-time run (empty when there was none)."""
    loads = [x for x in loads if x is not None]
    if not loads:
        return True, None
    worst = max(loads)
    if worst > cores:
        return False, (f"the host's 1-minute load average reached {worst:.1f} during the "
                       f"real-time runs, above its {cores} cores: the harts did not get a "
                       "core each, so their figures would measure the host")
    return True, None


def run_loads(runs):
    """The load samples of the real-time (multi-hart) runs."""
    out = []
    for r in runs:
        if r.harts > 1:
            out += [getattr(r, "load_before", None), r.load]
    return out


def is_multi_heading(line):
    return bool(HEADING.match(line) and MULTI_HARTS.search(line))


def is_multi_line(line):
    return line.startswith(MULTI_BULLETS) or (line.startswith("![") and
                                              MULTI_HARTS.search(line) is not None)


def blocks(text):
    """[(heading line or '', [lines])], split at headings of levels 1-3."""
    out = [("", [])]
    for line in text.split("\n"):
        if HEADING.match(line):
            out.append((line, []))
        else:
            out[-1][1].append(line)
    return out


def multi_hart_part(text):
    """The lines of a page that are about multi-hart runs (to print what
    would have been written)."""
    keep = []
    for head, lines in blocks(text):
        if is_multi_heading(head):
            keep += [head] + lines
        else:
            keep += [ln for ln in lines if is_multi_line(ln)]
    return "\n".join(keep).strip("\n")


def keep_old_multi_hart(new, old, reason):
    """The new page with its multi-hart sections and lines replaced by the
    old page's (old may be None: then they say they were not published)."""
    old_blocks = {head: lines for head, lines in blocks(old or "")}
    out = []
    for head, lines in blocks(new):
        if head:
            out.append(head)
        if is_multi_heading(head):
            if head in old_blocks:
                out += old_blocks[head]
            else:
                out += ["", f"(not published: {reason})", ""]
            continue
        kept = [ln for ln in old_blocks.get(head, []) if is_multi_line(ln)
                and not ln.startswith(NOT_PUBLISHED)]
        if head.startswith("# "):   # the page's header says why
            kept.append(f"{NOT_PUBLISHED} by the last run: {reason}. The multi-hart "
                        "sections and lines on this page are from the last run that "
                        "published them.")
        where = next((i for i, ln in enumerate(lines) if is_multi_line(ln)), None)
        lines = [ln for ln in lines if not is_multi_line(ln)]
        if kept:
            if where is None:
                while lines and lines[-1] == "":
                    lines.pop()
                lines += kept + [""]
            else:
                lines[where:where] = kept
        out += lines
    return "\n".join(out)
