"""Filled reports of both generations: marks, levels, recommendations."""

import pytest

from bot.governance import Mark, achieved_level, level_gaps, parse_report

from .filling import FILLERS, RECOMMENDATIONS, fill_checklist, fill_form, marks_reaching

GENERATIONS = sorted(FILLERS)


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_a_report_reaches_exactly_the_level_its_marks_fulfil(generation, level):
    met, not_met = ("✅", "❌") if generation == "checklist" else ("Ja", "Nej")
    report = parse_report(FILLERS[generation](marks_reaching(level, met, not_met)))
    assert report.problems == ()
    assert achieved_level(report) == level
    if level < 3:
        blocking = level_gaps(report, level + 1).blocking
        assert blocking and all(c.level == level + 1 and c.mark is Mark.NOT_MET for c in blocking)


@pytest.mark.parametrize("generation", GENERATIONS)
def test_a_report_with_every_required_criterion_unmet_reaches_nothing(generation):
    report = parse_report(FILLERS[generation](marks_reaching(None, *(("✅", "❌") if generation == "checklist" else ("Ja", "Nej")))))
    assert achieved_level(report) is None


@pytest.mark.parametrize("generation", GENERATIONS)
def test_unmet_recommendations_never_block_but_are_advised(generation):
    met, not_met = ("✅", "❌") if generation == "checklist" else ("Ja", "Nej")
    report = parse_report(FILLERS[generation](marks_reaching(3, met, not_met)))
    assert achieved_level(report) == 3
    gaps = level_gaps(report, 3)
    assert gaps.blocking == () and gaps.reached
    assert {c.id for c in gaps.advised} == RECOMMENDATIONS
    assert level_gaps(report, 1).advised == ()  # all recommendations are level 2


def test_not_relevant_fulfils_a_criterion():
    marks = marks_reaching(1)
    marks["F3"] = "➖"
    marks["G2"] = "➖"
    assert achieved_level(parse_report(fill_checklist(marks))) == 1


@pytest.mark.parametrize("blocker", ["❓", "?", "", "[Ikke udfyldt]", "I gang / afventer", "Måske"])
def test_anything_but_met_or_not_relevant_blocks_the_level(blocker):
    marks = marks_reaching(2)
    marks["F15"] = blocker  # a level 2 requirement
    report = parse_report(fill_checklist(marks))
    assert achieved_level(report) == 1
    assert [c.id for c in level_gaps(report, 2).blocking] == ["F15"]


# The mark styles met in real reports, as the checklist's 🔽 cell.
CHECKLIST_STYLES = [
    ("✅", Mark.MET), ("✅️", Mark.MET), ("✔️", Mark.MET), ("✔", Mark.MET),
    ("☑︎", Mark.MET), ("☑️", Mark.MET), ("☑", Mark.MET), ("[x]", Mark.MET), ("[X]", Mark.MET),
    ("<ul><li> [x] </li></ul>", Mark.MET), ("<ul><li>[X]</li></ul>", Mark.MET), ("x", Mark.MET),
    (":white_check_mark:", Mark.MET), ("**✅**", Mark.MET), ("✅ se README", Mark.MET),
    ("❌", Mark.NOT_MET), ("[ ]", Mark.NOT_MET), ("[]", Mark.NOT_MET), ("☐", Mark.NOT_MET),
    ("<ul><li> [ ] </li></ul>", Mark.NOT_MET), (":x:", Mark.NOT_MET),
    ("➖", Mark.NOT_RELEVANT), ("-", Mark.NOT_RELEVANT), ("Ikke relevant", Mark.NOT_RELEVANT),
    ("❓", Mark.IN_DOUBT), ("?", Mark.IN_DOUBT), ("Delvist", Mark.IN_DOUBT), ("Ved ikke", Mark.IN_DOUBT),
    ("Planlagt", Mark.PLANNED), ("I gang / afventer", Mark.PLANNED), ("i gang", Mark.PLANNED),
    ("afventer", Mark.PLANNED),
    ("", Mark.NOT_EVALUATED), ("[Ikke udfyldt]", Mark.NOT_EVALUATED),
    ("[Udfyldes i selvevaluering]", Mark.NOT_EVALUATED),
    ("Måske", Mark.UNREADABLE), ("👍", Mark.UNREADABLE), ("✅❌", Mark.UNREADABLE),
    ("Ja/Nej", Mark.UNREADABLE),
]


@pytest.mark.parametrize("raw,expected", CHECKLIST_STYLES, ids=[repr(r) for r, _ in CHECKLIST_STYLES])
def test_each_mark_style_is_understood_and_kept_as_written(raw, expected):
    report = parse_report(fill_checklist({cid: raw for cid in ("R1", "F2", "G14")}))
    for cid in ("R1", "F2", "G14"):
        criterion = report.criterion(cid)
        assert criterion.mark is expected
        assert criterion.mark_raw == raw.strip()
    unreadable_problems = [p for p in report.problems if "not one we know" in p.message]
    assert len(unreadable_problems) == (3 if expected is Mark.UNREADABLE else 0)


FORM_VALUES = [
    ("Ja", Mark.MET), ("Nej", Mark.NOT_MET), ("Ikke relevant", Mark.NOT_RELEVANT),
    ("Ved ikke", Mark.IN_DOUBT), ("Planlagt", Mark.PLANNED), ("", Mark.NOT_EVALUATED),
    ("JA", Mark.MET), ("ja.", Mark.MET), ("Ja, jf. referat", Mark.MET), ("Nej - ikke endnu", Mark.NOT_MET),
]


@pytest.mark.parametrize("raw,expected", FORM_VALUES)
def test_the_1_1_0_efterlevet_values(raw, expected):
    report = parse_report(fill_form({"F2": raw}))
    assert report.criterion("F2").mark is expected
    assert report.criterion("F2").mark_raw == raw


def test_the_1_1_0_form_documentation_is_read_with_its_line_breaks():
    report = parse_report(fill_form({"R1": "Ja"}, {"R1": "- Sparer tid<br/>- Færre fejl", "F2": "MPL 2.0"}))
    assert report.criterion("R1").documentation == "- Sparer tid\n- Færre fejl"
    assert report.criterion("F2").documentation == "MPL 2.0"
    assert report.criterion("F2").mark is Mark.NOT_EVALUATED
    assert report.template_version == "1.1.0"


def test_the_checklist_documentation_column_is_read():
    text = fill_checklist({"R1": "✅"}).replace(
        "| R1  | Løsningen skaber lokal værdi                  |                             |",
        "| R1  | Løsningen skaber lokal værdi                  | Bruges i 7 kommuner         |",
    )
    assert text != fill_checklist({"R1": "✅"})
    assert parse_report(text).criterion("R1").documentation == "Bruges i 7 kommuner"


def test_a_draft_title_makes_a_draft():
    text = fill_form(marks_reaching(1, "Ja", "Nej")).replace(
        "# Governancerapport for [produktnavn]", "# [KLADDE] Governancerapport for OS2test"
    )
    report = parse_report(text)
    assert report.draft is True
    assert report.title == "[KLADDE] Governancerapport for OS2test"
    assert achieved_level(report) == 1  # a draft is still read; what to do with it is the caller's call


def test_where_both_columns_exist_efterlevet_wins_and_a_disagreement_is_reported():
    header_from = "| #   | Krav"
    text = fill_form({"R1": "Nej", "R2": ""})
    # Give the 1.1.0 form a 🔽 column as well, as some hand-made hybrids do.
    lines = []
    for line in text.split("\n"):
        if line.startswith(header_from):
            line = "| 🔽 " + line
        elif line.startswith("| ---") and lines and lines[-1].startswith("| 🔽"):
            line = "| --- " + line
        elif line.startswith("| R1 "):
            line = "| ✅ " + line
        elif line.startswith("| R2 "):
            line = "| ✅ " + line
        elif line.startswith("| ") and line[2:3].isupper() and line[3:4].isdigit():
            line = "|  " + line
        lines.append(line)
    report = parse_report("\n".join(lines))
    assert report.criterion("R1").mark is Mark.NOT_MET
    assert report.criterion("R2").mark is Mark.MET          # 🔽 used where Efterlevet? is empty
    assert report.criterion("R2").mark_raw == "✅"
    assert [p.line for p in report.problems] == [report.criterion("R1").line]
    assert "Efterlevet?" in report.problems[0].message


def test_an_indented_row_is_still_a_row():
    text = fill_form({"G1": "Ja"}).replace("| G1  |", " | G1  |")
    assert text != fill_form({"G1": "Ja"})
    report = parse_report(text)
    assert report.criterion("G1").mark is Mark.MET and report.problems == ()
