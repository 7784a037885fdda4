"""Broken reports never crash the parser; what cannot be read is reported, not guessed."""

from pathlib import Path

import pytest

from bot.governance import Mark, achieved_level, level_gaps, parse_report

from .filling import FIXTURES

MALFORMED = FIXTURES / "malformed"
VARIANTS = FIXTURES / "variants"
ALL = sorted(MALFORMED.iterdir())
ALL_VARIANTS = sorted(VARIANTS.iterdir())


def read(name: str):
    path = MALFORMED / name if (MALFORMED / name).exists() else VARIANTS / name
    return parse_report(path.read_bytes().decode("utf-8", errors="replace"), str(path))


def messages(report) -> str:
    return "\n".join(p.message for p in report.problems)


def test_the_corpus_is_there():
    assert len(ALL) >= 15 and len(ALL_VARIANTS) >= 4


@pytest.mark.parametrize("path", ALL, ids=[p.name for p in ALL])
def test_every_malformed_report_parses_and_reports_problems(path: Path):
    report = parse_report(path.read_bytes().decode("utf-8", errors="replace"), str(path))
    assert report.path == str(path)
    assert report.problems, "a malformed report must say what was wrong"
    assert all(p.line >= 0 and p.message for p in report.problems)
    achieved_level(report)
    for level in range(4):
        level_gaps(report, level)


@pytest.mark.parametrize("path", ALL_VARIANTS, ids=[p.name for p in ALL_VARIANTS])
def test_every_style_variant_parses_without_problems(path: Path):
    report = parse_report(path.read_text(encoding="utf-8"), str(path))
    assert report.problems == ()
    assert report.criteria


def test_a_report_without_tables_says_so():
    report = read("no_tables.md")
    assert report.criteria == ()
    assert "no criteria table found" in messages(report)
    assert achieved_level(report) is None


def test_tables_with_only_headers_are_reported():
    report = read("only_headers.md")
    assert report.criteria == ()
    assert [p.line for p in report.problems if "header but no rows" in p.message] == [5, 10]


def test_missing_cells_leave_the_level_unread_and_say_which_cells():
    report = read("missing_cells.md")
    assert report.criterion("R2").level == 2 and report.criterion("R2").mark is Mark.NOT_EVALUATED
    assert report.criterion("R3").level is None
    assert "R3: the row has too few cells (no level, mark cell)" in messages(report)
    assert achieved_level(report) is None  # an unread level blocks every level


def test_extra_cells_from_an_unescaped_pipe_are_reported_and_escaped_pipes_are_kept():
    report = read("extra_cells.md")
    # F2's unescaped '|' pushed its level one cell right: it is read from there, and said so
    assert report.criterion("F2").level == 0
    assert report.criterion("F2").documentation == "GPL (uescaped pipe) | MPL 2.0"
    assert "a row has 7 cells but its header has 6; the level was read from cell 6" in messages(report)
    assert [(r.line, r.criterion_id, r.source, r.cell) for r in report.repairs] == [(6, "F2", "cells", 6)]
    assert report.criterion("F3").text == "Udbudsregler er overholdt | også EU-regler"
    assert report.criterion("F3").level == 0
    assert messages(report).count("extra cells were ignored") == 1  # F3's trailing cells
    assert achieved_level(report) == 0


def test_rows_without_outer_pipes_are_ordinary_rows():
    report = read("no_closing_pipes.md")
    assert [c.mark for c in report.criteria] == [Mark.MET, Mark.NOT_MET, Mark.NOT_RELEVANT, Mark.IN_DOUBT]
    assert report.criterion("R2").documentation == ""


def test_glyph_variants_with_and_without_variation_selectors():
    report = read("glyph_variants.md")
    met = {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F10", "F11", "F12", "F22"}
    assert {c.id for c in report.criteria if c.mark is Mark.MET} == met
    assert {c.id for c in report.criteria if c.mark is Mark.NOT_MET} == {"F13", "F14", "F15", "F16"}
    assert report.criterion("F17").mark is Mark.NOT_RELEVANT
    assert report.criterion("F18").mark is Mark.IN_DOUBT and report.criterion("F21").mark is Mark.IN_DOUBT
    assert report.criterion("F1").mark_raw == "☑\ufe0e" and report.criterion("F2").mark_raw == "☑\ufe0f"
    assert achieved_level(report) == 1


def test_html_in_cells_is_read_as_text():
    report = read("html_cells.md")
    r1 = report.criterion("R1")
    assert (r1.level, r1.mark, r1.text) == (0, Mark.MET, "Løsningen skaber lokal værdi")
    assert r1.documentation == "- Sparer tid\n- Færre fejl\n- Bedre data"
    assert report.criterion("R2").mark is Mark.NOT_MET and report.criterion("R2").level == 2
    assert report.criterion("R2").documentation == "Referat"
    assert report.criterion("R3").mark is Mark.NOT_RELEVANT
    assert report.criterion("R4").mark is Mark.IN_DOUBT


def test_broken_rows_are_reported_line_by_line():
    report = read("broken_rows.md")
    assert [c.id for c in report.criteria] == ["F1", "F17", "F2"]
    found = {(p.line, p.message.split(";")[0]) for p in report.problems}
    assert (8, "F17: the row has too few cells (no level, mark cell)") in found
    assert (9, "could not read a criterion id from 'Hvordan kører løsningen?'") in found
    assert (10, "a table row has no criterion id") in found
    assert (11, "could not read a criterion id from 'Krav 5'") in found
    assert (12, "a line without cells inside a criteria table was ignored") in found
    assert (15, "a line looks like a criterion row but is not inside a criteria table") in found


def test_a_criterion_id_twice_keeps_the_first():
    report = read("duplicate_ids.md")
    assert [c.id for c in report.criteria] == ["F1", "F2"]
    assert report.criterion("F2").mark is Mark.NOT_MET
    assert "criterion F2 appears again (first on line 6)" in messages(report)
    assert "criterion F1 appears again (first on line 5)" in messages(report)


def test_unknown_marks_are_unreadable_not_guessed():
    report = read("unknown_marks.md")
    assert [c.mark for c in report.criteria] == [
        Mark.UNREADABLE, Mark.UNREADABLE, Mark.UNREADABLE, Mark.MET, Mark.UNREADABLE
    ]
    assert [c.mark_raw for c in report.criteria] == ["Måske", "👍", "Ja/Nej", "Ja, se link", "Januar"]
    assert messages(report).count("is not one we know") == 4


def test_a_table_written_on_one_line_is_still_read():
    report = read("collapsed_table.md")
    assert [(c.id, c.level, c.mark) for c in report.criteria] == [
        ("R1", 0, Mark.MET), ("R2", 2, Mark.MET), ("R3", 2, Mark.NOT_MET)
    ]
    assert "written on one line" in messages(report)


def test_a_header_without_separator_is_read_and_reported():
    report = read("no_separator.md")
    assert [c.id for c in report.criteria] == ["R1", "R2"]
    assert "no separator line" in messages(report)


def test_both_mark_columns_disagreeing():
    report = read("conflicting_columns.md")
    assert report.criterion("R1").mark is Mark.NOT_MET
    assert report.criterion("R2").mark is Mark.MET
    assert report.criterion("R3").mark is Mark.NOT_MET
    assert len(report.problems) == 1  # R3 agrees, R2 has only one


def test_a_krav_table_without_ids_is_reported():
    report = read("krav_without_id.md")
    assert report.criteria == ()
    assert "no id ('#') column" in messages(report)


def test_tables_in_code_fences_and_comments_are_not_the_report():
    report = read("fenced_table.md")
    assert report.criteria == ()


def test_unreadable_levels_are_reported_and_block():
    report = read("unreadable_levels.md")
    assert [c.level for c in report.criteria] == [0, None, None, None, 1]
    assert [c.level_raw for c in report.criteria] == ["sandkasse", "høj", "7", "", "Niveau 1"]
    assert messages(report).count("could not read the level") == 3
    assert achieved_level(report) is None
    assert [c.id for c in level_gaps(report, 0).blocking] == ["R2", "R3", "R4"]


def test_bold_and_dotted_ids_front_matter_and_draft():
    report = read("ids_and_front_matter.md")
    assert [c.id for c in report.criteria] == ["R1", "R2", "R3", "R4"]
    assert [c.level for c in report.criteria] == [0, 2, 2, 3]
    assert [c.mark for c in report.criteria] == [Mark.MET, Mark.PLANNED, Mark.PLANNED, Mark.NOT_EVALUATED]
    assert report.draft is True and report.template_version == "1.1.0"
    assert report.extra["front_matter"]["layout"] == "default"
    assert report.extra["document_info"]["Dato for udfyldelse"] == "2026-06-30"


def test_binary_junk_yields_what_can_be_read_and_a_nul_warning():
    report = read("binary_junk.md")
    assert report.criterion("R1").mark is Mark.MET
    assert "NUL bytes" in report.problems[0].message


def test_bom_crlf_and_nul():
    report = read("bom_crlf_nul.md")
    assert report.title == "Governancerapport for OS2crlf"
    assert [(c.id, c.text, c.line) for c in report.criteria] == [
        ("R1", "Løsningen skaber lokal værdi", 5), ("F1", "Kildekode", 6)
    ]


def test_non_text_input_does_not_raise():
    assert parse_report(b"| # | Krav |\n|---|---|\n| R1 | x |").criterion("R1") is not None  # type: ignore[arg-type]
    assert parse_report(None).criteria == ()  # type: ignore[arg-type]
    assert parse_report("").problems[0].message.startswith("no criteria table")
