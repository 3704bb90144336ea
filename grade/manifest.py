"""Lab manifests: labs/<name>/lab.toml, read with tomllib.

Every part of the lab machinery (the grader, the handout generator,
verify-labs, grade/batch, the Gradescope bundle) learns about labs here and
nowhere else. The format is described in labs/README.md:

    number = 1                       # order of the labs, 1, 2, 3, ...
    name = "util"                    # must equal the folder name
    title = "..."
    handout = "docs/labs/util.md"    # the student's handout document
    editable = ["user/labs/pause.c", ...] # the files a student may change
    [[test]]
    name = "grade/labs/test_util.py::test_pause_waits"   # a pytest node id
    points = 15
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path


class ManifestError(ValueError):
    """A lab.toml that does not follow labs/README.md."""


@dataclass(frozen=True)
class LabTest:
    nodeid: str      # pytest node id relative to the tree's root
    points: int

    @property
    def file(self):
        return self.nodeid.split("::", 1)[0]

    @property
    def short(self):
        """The test's name without its file: test_pause_waits[param]."""
        return self.nodeid.split("::", 1)[-1]


@dataclass(frozen=True)
class Lab:
    number: int
    name: str
    title: str
    handout: str
    editable: tuple
    tests: tuple     # of LabTest, in manifest order
    path: Path       # the lab.toml

    @property
    def answers(self):
        """The written questions' file (grade/written.py): collected with
        the editable files, graded by hand, never scored."""
        return f"labs/{self.name}/answers-{self.name}.txt"

    @property
    def collected(self):
        """Every file taken from a submission: the editable ones and the answers."""
        return tuple(self.editable) + (self.answers,)

    @property
    def max_points(self):
        return sum(t.points for t in self.tests)

    @property
    def test_files(self):
        """The test files, each once, in manifest order."""
        return tuple(dict.fromkeys(t.file for t in self.tests))

    def points_of(self, nodeid):
        for t in self.tests:
            if t.nodeid == nodeid:
                return t.points
        return None


def _require(data, key, kind, path):
    if key not in data:
        raise ManifestError(f"{path}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ManifestError(f"{path}: {key!r} must be a {kind.__name__}, "
                            f"not {type(value).__name__}")
    return value


def load_lab(path):
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{path}: {e}") from None
    number = _require(data, "number", int, path)
    name = _require(data, "name", str, path)
    if name != path.parent.name:
        raise ManifestError(f"{path}: name {name!r} differs from its folder "
                            f"{path.parent.name!r}")
    editable = _require(data, "editable", list, path)
    if not editable or not all(isinstance(e, str) and e and not e.startswith("/")
                               and ".." not in Path(e).parts for e in editable):
        raise ManifestError(f"{path}: editable must list relative file paths")
    tests = []
    for i, t in enumerate(data.get("test", [])):
        if not isinstance(t, dict):
            raise ManifestError(f"{path}: [[test]] #{i + 1} is not a table")
        nodeid = _require(t, "name", str, path)
        points = _require(t, "points", int, path)
        if "::" not in nodeid or points < 0:
            raise ManifestError(f"{path}: test {nodeid!r} needs a node id "
                                "(file::function) and points >= 0")
        tests.append(LabTest(nodeid, points))
    if not tests:
        raise ManifestError(f"{path}: no [[test]] entries")
    if len({t.nodeid for t in tests}) != len(tests):
        raise ManifestError(f"{path}: a test is listed twice")
    return Lab(number=number, name=name, title=_require(data, "title", str, path),
               handout=_require(data, "handout", str, path), editable=tuple(editable),
               tests=tuple(tests), path=path)


def load_labs(repo):
    """Every lab of the tree at `repo`, ordered by number."""
    labs = [load_lab(p) for p in sorted(Path(repo, "labs").glob("*/lab.toml"))]
    labs.sort(key=lambda lab: lab.number)
    numbers = [lab.number for lab in labs]
    if len(set(numbers)) != len(numbers):
        raise ManifestError("two labs share a number: " +
                            ", ".join(f"{lab.name}={lab.number}" for lab in labs))
    return labs


def find_lab(repo, name):
    labs = load_labs(repo)
    for lab in labs:
        if lab.name == name:
            return lab
    known = ", ".join(lab.name for lab in labs) or "none"
    raise ManifestError(f"no lab named {name!r} (labs: {known})")


# A handout tree records which lab it was made for here (written by
# tools/labs/handout.py); `make grade` without LAB= then grades that lab and
# the earlier ones only.
HANDOUT_STAMP = "labs/HANDOUT"


def handout_lab(repo):
    """The lab name a handout tree was generated for, or None in the reference."""
    stamp = Path(repo, HANDOUT_STAMP)
    return stamp.read_text().strip() if stamp.exists() else None


def labs_to_grade(repo, name=None):
    """The labs `make grade [LAB=name]` grades in the tree at `repo`; name
    may list several labs, comma-separated ("vm,caps")."""
    if name:
        return [find_lab(repo, n) for n in name.split(",") if n]
    labs = load_labs(repo)
    current = handout_lab(repo)
    if current:
        upto = find_lab(repo, current).number
        labs = [lab for lab in labs if lab.number <= upto]
    return labs
