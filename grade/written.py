"""A lab's written questions: labs/<lab>/answers-<lab>.txt.

The student answers questions on the book chapter and the code in that file
of their tree; the grader collects it with the editable files and shows it,
for an instructor to grade by hand: 0 automatic points, never part of the
score. Reference answers for instructors are in labs/reference-answers/
(never in a handout).

The file's format: lines starting with "#" are the template (a preamble,
then each question as "## Q<n>. ..." and its continuation lines, also "#");
every other non-blank line is answer text and belongs to the question above
it. A question with no answer text is unanswered; so is a whole file left as
the handout gave it.
"""

import re
from dataclasses import dataclass
from pathlib import Path

QUESTION = re.compile(r"^##\s*Q(\d+)\.\s*(.*)$")
MAX_CHARS = 20000          # more than that is cut in reports (the file stays whole)
NEEDS_MANUAL = "needs manual grading (0 automatic points)"


@dataclass
class Question:
    number: int
    text: str
    answer: str


def parse(text):
    """([Question], stray): the questions in order with their answers, and
    answer text written before the first question (kept, not lost)."""
    questions, answers, stray = [], [], []
    for line in text.splitlines():
        m = QUESTION.match(line)
        if m:
            questions.append(Question(int(m.group(1)), m.group(2).strip(), ""))
            answers.append([])
        elif line.startswith("#"):
            if questions and not answers[-1]:      # the question goes on
                questions[-1].text += " " + line.lstrip("#").strip()
        elif questions:
            answers[-1].append(line.rstrip())
        elif line.strip():
            stray.append(line)
    for q, lines in zip(questions, answers):
        q.text, q.answer = q.text.strip(), "\n".join(lines).strip()
    return questions, "\n".join(stray)


def collect(tree, lab):
    """What the student's tree says for `lab` (a manifest.Lab): a dict with
    lab, file, status (answered | partly answered | unanswered | missing |
    no questions), questions, answered, unanswered (their numbers), and the
    Q/A pairs."""
    path = Path(tree) / lab.answers
    entry = dict(lab=lab.name, file=lab.answers, questions=0, answered=0, unanswered=[],
                 pairs=[], stray="")
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return dict(entry, status="missing")
    questions, stray = parse(text)
    answered = [q for q in questions if q.answer]
    entry.update(questions=len(questions), answered=len(answered), stray=stray[:MAX_CHARS],
                 unanswered=[q.number for q in questions if not q.answer],
                 pairs=[(q.number, q.text, q.answer[:MAX_CHARS]) for q in questions])
    if not questions:
        status = "no questions"
    elif len(answered) == len(questions):
        status = "answered"
    elif answered:
        status = "partly answered"
    else:
        status = "unanswered"
    return dict(entry, status=status)


def headline(entry):
    """One line: the lab, the file, how much is answered, and that it is
    graded by hand."""
    status = entry["status"]
    if status == "missing":
        how = "MISSING (no such file in the submission's tree)"
    elif status == "no questions":
        how = "NO QUESTIONS FOUND (the '## Q1.' lines were removed?)"
    elif status == "unanswered":
        how = f"UNANSWERED (0 of {entry['questions']} questions answered)"
    else:
        how = f"{entry['answered']} of {entry['questions']} questions answered"
        if entry["unanswered"]:
            how += ", unanswered: " + " ".join(f"Q{n}" for n in entry["unanswered"])
    return f"{entry['lab']}: written answers ({entry['file']}): {how}; {NEEDS_MANUAL}"


def transcript(entry):
    """The questions and the answers, as text for a report."""
    lines = []
    for number, question, answer in entry["pairs"]:
        lines.append(f"Q{number}. {question}")
        lines += [f"    {a}" for a in (answer or "(unanswered)").splitlines()]
        lines.append("")
    if entry["stray"]:
        lines += ["text before the first question:"] + \
                 [f"    {a}" for a in entry["stray"].splitlines()] + [""]
    return "\n".join(lines)


def gradescope_test(entry):
    """The entry of Gradescope's results.json tests list: 0 of 0 points,
    visible, failed when something is unanswered or missing (so it stands
    out), with the answers as its output."""
    return {"name": f"{entry['lab']}: written answers ({NEEDS_MANUAL})",
            "score": 0, "max_score": 0,
            "status": "passed" if entry["status"] == "answered" else "failed",
            "output": headline(entry) + ("\n\n" + transcript(entry) if entry["pairs"] else ""),
            "visibility": "visible"}
