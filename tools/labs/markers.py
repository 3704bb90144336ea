"""The lab markers in C, assembly and header files (labs/README.md):

    #if SOL >= N      the answer to lab N        #if LAB >= N     code that exists
    #else             the stub students start       ...             from lab N on
    #endif            from (optional)            #else / #endif   (optional)

Handouts are cut by Debian's unifdef (see strip()). This module also reads
the markers itself, independently of unifdef, for two checks:
  lint()      every directive that mentions SOL or LAB has the exact form
              above, so unifdef cannot misread one and leave an answer in;
  canaries()  the distinctive lines of every answer a handout must not
              contain, to search the finished handout for.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

SOURCE_SUFFIXES = {".c", ".h", ".S", ".s"}
# Other files with markers: the list the user system-call stubs are made
# from, so that a lab can leave a call's stub for the student to add
# (user/lib/gen_usys.sh reads marker lines as comments). Read as plain text.
MARKED_TEXT = {"user/lib/syscalls.txt"}

DIRECTIVE = re.compile(r"^\s*#\s*(\w+)\b(.*)$")
MARKER = re.compile(r"^#if (SOL|LAB) >= (\d+)$")
MENTIONS = re.compile(r"\b(SOL|LAB)\b")

# An answer line is a canary when, stripped, it is at least this long: short
# lines such as "return 0;" or "}" appear everywhere and prove nothing.
CANARY_MIN_LEN = 12


class MarkerError(ValueError):
    pass


def is_source(path):
    return path.suffix in SOURCE_SUFFIXES or Path(path).as_posix() in MARKED_TEXT


@dataclass
class _Frame:
    kind: str        # "SOL", "LAB" or "other" (include guards, #ifdef X, ...)
    level: int
    in_else: bool
    line: int


@dataclass(frozen=True)
class Line:
    text: str
    conds: tuple     # ((kind, level, in_else), ...) of the enclosing lab markers
    directive: bool  # a lab marker line itself (never in a handout)

    def present(self, sol, lab):
        """Whether this line survives unifdef -DSOL=sol -DLAB=lab."""
        if self.directive:
            return False
        for kind, level, in_else in self.conds:
            value = sol if kind == "SOL" else lab
            if (value >= level) == in_else:
                return False
        return True

    @property
    def in_answer(self):
        return any(kind == "SOL" and not in_else for kind, _, in_else in self.conds)


def parse(text, name="<text>"):
    """The lines of a source file with the lab conditions around each.
    Raises MarkerError for a directive that mentions SOL or LAB in any form
    but the two above, for #elif inside a lab marker, and for imbalance."""
    stack, lines = [], []
    for no, raw in enumerate(text.splitlines(), 1):
        m = DIRECTIVE.match(raw)
        is_marker_line = False
        if m:
            word, rest = m.group(1), m.group(2)
            canon = raw.strip()
            if word in ("if", "ifdef", "ifndef"):
                mm = MARKER.match(canon)
                if mm:
                    stack.append(_Frame(mm.group(1), int(mm.group(2)), False, no))
                    is_marker_line = True
                elif MENTIONS.search(rest):
                    raise MarkerError(f"{name}:{no}: {canon!r}: a lab marker must read "
                                      "exactly '#if SOL >= N' or '#if LAB >= N'")
                else:
                    stack.append(_Frame("other", 0, False, no))
            elif word in ("else", "elif", "endif"):
                if not stack:
                    raise MarkerError(f"{name}:{no}: #{word} without #if")
                top = stack[-1]
                if top.kind != "other":
                    is_marker_line = True
                    if word == "elif":
                        raise MarkerError(f"{name}:{no}: #elif inside a lab marker "
                                          f"(opened at line {top.line}); use #else")
                    if word == "else":
                        if top.in_else:
                            raise MarkerError(f"{name}:{no}: second #else")
                        top.in_else = True
                    elif word == "endif":
                        stack.pop()
                elif word == "endif":
                    stack.pop()
                elif MENTIONS.search(rest):
                    raise MarkerError(f"{name}:{no}: {canon!r}: lab markers take no #elif")
            elif MENTIONS.search(rest) and word not in ("include", "error", "warning"):
                raise MarkerError(f"{name}:{no}: {canon!r}: SOL and LAB are set by the "
                                  "build; only '#if SOL >= N' / '#if LAB >= N' may use them")
        conds = tuple((f.kind, f.level, f.in_else) for f in stack if f.kind != "other")
        if is_marker_line:
            conds = conds[:-1] if word == "if" or word in ("else",) else conds
        lines.append(Line(raw, conds, is_marker_line))
    if stack:
        raise MarkerError(f"{name}:{stack[-1].line}: #if without #endif")
    return lines


def lint(text, name="<text>"):
    parse(text, name)


def has_markers(text):
    return any(line.directive for line in parse(text))


def leftover_markers(text):
    """Line numbers of directives that still mention SOL or LAB."""
    out = []
    for no, raw in enumerate(text.splitlines(), 1):
        m = DIRECTIVE.match(raw)
        if m and MENTIONS.search(m.group(2)):
            out.append(no)
    return out


def strip(path, sol, lab):
    """The text of `path` as unifdef -DSOL=sol -DLAB=lab leaves it; -B
    squeezes the blank lines around removed blocks."""
    # Assembly comments may hold a lone quote, which unifdef's C parser
    # rejects: -t reads .S/.s files as plain text.
    plain = ["-t"] if path.suffix in (".S", ".s") or path.suffix == ".txt" else []
    proc = subprocess.run(["unifdef", "-B", *plain, f"-DSOL={sol}", f"-DLAB={lab}", str(path)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode not in (0, 1):   # 0 unchanged, 1 changed, 2 trouble
        raise MarkerError(f"unifdef failed on {path} (exit {proc.returncode}): "
                          f"{proc.stderr.strip()}")
    return proc.stdout


def _distinctive(text):
    s = text.strip()
    return len(s) >= CANARY_MIN_LEN and sum(c.isalnum() for c in s) >= 6


def canaries(parsed_files, sol, lab):
    """{stripped line: "file:line"} for the answer lines that must not be in
    the handout made with SOL=sol, LAB=lab. `parsed_files` maps names to
    parse() results. A line that also appears where the handout keeps code
    (a stub, scaffolding, an earlier lab's answer) is not a canary."""
    kept, gone = set(), {}
    for name, lines in parsed_files.items():
        for no, line in enumerate(lines, 1):
            s = line.text.strip()
            if line.present(sol, lab):
                kept.add(s)
            elif line.in_answer and not line.directive and _distinctive(s):
                gone.setdefault(s, f"{name}:{no}")
    return {s: where for s, where in gone.items() if s not in kept}
