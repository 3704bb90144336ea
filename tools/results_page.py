"""docs/results/reliability.md is written by several tools (make fuzz,
make crashtest, make race): each owns one section, between <!-- NAME --> and
<!-- /NAME --> lines, and rewrites only that one."""

import subprocess
from pathlib import Path

HEADER = """# Reliability figures

Each section is written by the tool it names; the method is in book
sections 5.16 (fuzzer) and 5.18 (crash campaign).
"""


def write_section(path, name, text):
    path = Path(path)
    page = path.read_text() if path.exists() else HEADER
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{text.strip()}\n{end}"
    if start in page and end in page:
        before, rest = page.split(start, 1)
        after = rest.split(end, 1)[1]
        page = before + block + after
    else:
        page = page.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page)


def kernel_commit():
    """The tree's commit as "abc1234 (date)", for a section to name what it
    measured; "unknown (not a git tree)" outside git."""
    out = subprocess.run(["git", "log", "-1", "--format=%h (%cs)"], capture_output=True,
                         text=True, cwd=Path(__file__).resolve().parent).stdout.strip()
    return out or "unknown (not a git tree)"
