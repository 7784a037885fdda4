"""A ticked row with a missing or an extra '|' keeps its level, and the report says how.

`real/OS2rollekatalog_2021-11-30.broken.md` is the real 2021 report with two rows
broken the ways real rows break (see tests/fixtures/governance/SOURCES.md): line 39
(F7) has an extra '|' inside its Henvisning cell, line 41 (F9) lost the '|' before
its level.
"""

import re

import pytest

from bot.governance import Mark, achieved_level, level_gaps, parse_report

from .filling import FIXTURES

REAL = FIXTURES / "real"


def text(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def repairs(report):
    return [(r.line, r.criterion_id, r.level, r.source, r.cell, r.generation) for r in report.repairs]


def test_a_row_with_an_extra_pipe_keeps_its_level_and_the_report_says_which_line_was_repaired():
    report = parse_report(text("OS2rollekatalog_2021-11-30.broken.md"))
    f7 = report.criterion("F7")
    assert f7.level == 1 and f7.mark is Mark.MET and f7.line == 39
    assert f7.documentation.endswith("| Driftsvejledning")  # the spilled cell goes back where it was written
    assert (39, "F7", 1, "cells", 6, None) in repairs(report)
    assert any(p.line == 39 and "level was read from cell 6" in p.message for p in report.problems)


def test_a_ticked_row_that_lost_its_level_cell_takes_the_level_of_its_generations_template():
    report = parse_report(text("OS2rollekatalog_2021-11-30.broken.md"))
    assert report.criterion("F9").level == 1
    assert (41, "F9", 1, "template", None, "2021") in repairs(report)
    assert any(p.line == 41 and "too few cells" in p.message for p in report.problems)  # still reported


def test_repaired_rows_no_longer_block_every_level():
    intact = parse_report(text("OS2rollekatalog_2021-11-30.md"))
    broken = parse_report(text("OS2rollekatalog_2021-11-30.broken.md"))
    assert achieved_level(intact) == 2
    assert achieved_level(broken) == achieved_level(intact)
    assert level_gaps(broken, 0).blocking == ()


def test_an_unticked_broken_row_is_not_placed_and_still_blocks():
    broken = text("OS2rollekatalog_2021-11-30.broken.md").replace(
        "| <ul><li> [x] </li> | F9 |", "| <ul><li> [ ] </li> | F9 |")
    report = parse_report(broken)
    assert report.criterion("F9").level is None
    assert [r.criterion_id for r in report.repairs] == ["F7"]
    assert achieved_level(report) is None


def test_a_row_with_only_its_mark_and_id_takes_the_level_of_the_same_id_in_its_generation():
    broken = "\n".join(
        "| <ul><li> [x] </li> | F9 |" if "| F9 |" in line else line
        for line in text("OS2rollekatalog_2021-11-30.md").splitlines()
    )
    report = parse_report(broken)
    assert report.criterion("F9").level == 1 and report.criterion("F9").meaning == "implementation_docs"
    assert repairs(report) == [(41, "F9", 1, "template", None, "2021")]


def test_a_broken_row_in_a_report_of_no_known_generation_still_blocks():
    report = parse_report(
        "| ✅ | # | Krav | Beskrivelse | Niveau |\n|---|---|---|---|---|\n"
        "| ✅ | A1 | Vi har kaffe | Ja | 0 |\n| ✅ | A2 | Der er kage | Ja\n"
    )
    assert report.generation is None and report.repairs == ()
    assert report.criterion("A2").level is None and achieved_level(report) is None


def test_the_2024_templates_own_f7_row_without_a_level_gets_the_level_the_other_generations_agree_on():
    # OS2's template of July 2024 lost the '|' before F7's level; a report filled from it ticks F7
    filled = re.sub(r"(?m)^\|\s+\| (?=[RFSG]\d)", "| ✅ | ",
                    (FIXTURES / "templates" / "checklist_2024-07.md").read_text(encoding="utf-8"))
    report = parse_report(filled)
    assert report.generation == "2024"
    assert report.criterion("F7").level == 1
    assert [(r.criterion_id, r.source, r.generation) for r in report.repairs] == [("F7", "template", "2024")]
    assert achieved_level(report) == 3


def test_a_real_report_with_an_extra_trailing_cell_reads_its_level_where_it_is():
    report = parse_report(text("ai-heatcontrol_2026-08-14_Selvevaluering.md"))  # F5: "| Ja |…| Ja ||"
    assert report.criterion("F5").level == 0 and report.criterion("F5").mark is Mark.MET
    assert report.repairs == ()
    assert [p.line for p in report.problems if "extra cells were ignored" in p.message] == [26]


@pytest.mark.parametrize("row", [
    "| ✅ | F7 | Driftskrav til løsningen er dokumenteret | a | b | c |",   # no level anywhere
    "| ✅ | F7 | Driftskrav til løsningen er dokumenteret | a | høj | 9 |",  # shifted cell is not a level
])
def test_extra_cells_that_hold_no_level_are_not_guessed_from(row):
    base = text("OS2rollekatalog_2021-11-30.md").splitlines()
    report = parse_report("\n".join(row if "| F7 |" in line else line for line in base))
    f7 = report.criterion("F7")
    assert ("cells" not in [r.source for r in report.repairs])
    # the row is broken and ticked: its level comes from the 2021 template, and it says so
    assert f7.level == 1 and [(r.criterion_id, r.source) for r in report.repairs] == [("F7", "template")]
