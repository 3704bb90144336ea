"""The written questions (grade/written.py): each lab's answers file, how it
is read, what the reports and Gradescope's results say about it, and that
the reference answers never reach a handout. Host only."""

import sys

import pytest

import manifest
import submission
import written
import zenith

sys.path.insert(0, str(zenith.REPO / "tools"))
from labs import handout  # noqa: E402

LABS = manifest.load_labs(zenith.REPO)
in_reference = pytest.mark.skipif(manifest.handout_lab(zenith.REPO) is not None,
                                  reason="the reference answers are not in a handout")


def fill(text, answers):
    """The template with answer text under the questions numbered in `answers`."""
    out = []
    for line in text.splitlines():
        out.append(line)
        m = written.QUESTION.match(line)
        if m and int(m.group(1)) in answers:
            out.append(answers[int(m.group(1))])
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.name)
def test_every_lab_has_three_to_seven_unanswered_questions(lab):
    entry = written.collect(zenith.REPO, lab)
    assert 3 <= entry["questions"] <= 7, entry
    assert entry["status"] == "unanswered" and entry["answered"] == 0, entry
    assert [n for n, _, _ in entry["pairs"]] == list(range(1, entry["questions"] + 1))
    assert all(len(q) > 40 for _, q, _ in entry["pairs"]), "a question lost its text"


@in_reference
@pytest.mark.parametrize("lab", LABS, ids=lambda lab: lab.name)
def test_every_question_has_a_reference_answer(lab):
    ref = (zenith.REPO / "labs" / "reference-answers" / f"{lab.name}.md").read_text()
    entry = written.collect(zenith.REPO, lab)
    for n, _, _ in entry["pairs"]:
        assert f"## Q{n}\n" in ref, f"{lab.name}: no reference answer for Q{n}"


def test_answers_are_read_per_question(tmp_path):
    lab = manifest.find_lab(zenith.REPO, "util")
    template = (zenith.REPO / lab.answers).read_text()
    path = tmp_path / lab.answers
    path.parent.mkdir(parents=True)
    path.write_text(fill(template, {1: "The stub puts SYS_sleep in a7.\n\nThen ecall.",
                                    3: "A zombie."}))
    entry = written.collect(tmp_path, lab)
    assert entry["status"] == "partly answered", entry
    assert entry["answered"] == 2 and 2 in entry["unanswered"] and 1 not in entry["unanswered"]
    assert entry["pairs"][0][2] == "The stub puts SYS_sleep in a7.\n\nThen ecall."
    line = written.headline(entry)
    questions = entry["questions"]
    assert f"2 of {questions} questions answered" in line and "Q2" in line \
        and written.NEEDS_MANUAL in line
    assert "The stub puts SYS_sleep in a7." in written.transcript(entry)
    assert "(unanswered)" in written.transcript(entry)

    path.write_text(fill(template, {n: f"answer {n}" for n in range(1, questions + 1)}))
    entry = written.collect(tmp_path, lab)
    assert entry["status"] == "answered"
    gs = written.gradescope_test(entry)
    assert (gs["score"], gs["max_score"], gs["status"]) == (0, 0, "passed")
    assert "needs manual grading" in gs["name"] and "answer 5" in gs["output"]


def test_an_untouched_or_missing_file_is_flagged(tmp_path):
    lab = manifest.find_lab(zenith.REPO, "vm")
    entry = written.collect(zenith.REPO, lab)
    assert "UNANSWERED" in written.headline(entry)
    gs = written.gradescope_test(entry)
    assert (gs["score"], gs["max_score"], gs["status"]) == (0, 0, "failed")
    missing = written.collect(tmp_path, lab)
    assert missing["status"] == "missing" and "MISSING" in written.headline(missing)
    assert written.gradescope_test(missing)["status"] == "failed"


def test_text_before_the_first_question_is_kept():
    questions, stray = written.parse("# preamble\nmy name is Ada\n## Q1. Why?\nBecause.\n")
    assert stray == "my name is Ada" and questions[0].answer == "Because."


def test_a_loose_answers_file_is_collected(tmp_path):
    lab = manifest.find_lab(zenith.REPO, "selfheal")
    (tmp_path / "svcpolicy.c").write_text("int x;\n")
    (tmp_path / f"answers-{lab.name}.txt").write_text("## Q1. q\nanswer\n")
    found, notes = submission.find(tmp_path, lab.collected)
    assert set(found) == {"user/lib/svcpolicy.c", lab.answers}, (found, notes)


@in_reference
def test_the_handout_has_the_questions_but_not_the_reference_answers(tmp_path):
    info = handout.make_handout(zenith.REPO, "util", tmp_path / "util")
    out = info["out"]
    assert (out / "labs" / "util" / "answers-util.txt").is_file()
    assert not (out / "labs" / "reference-answers").exists()
    assert "labs/util/answers-util.txt" in (out / "README.md").read_text()
