"""Older report generations: blank mark header, Henvisning, Niveau 0–3, R5, F8/F9."""

from bot.governance import Mark, achieved_level, level_gaps, parse_report

from .filling import FIXTURES


def legacy():
    return parse_report((FIXTURES / "legacy_2021_style.md").read_text(encoding="utf-8"))


def test_an_older_report_is_read_by_its_own_ids_and_levels():
    report = legacy()
    assert [c.id for c in report.criteria][:5] == ["R1", "R2", "R3", "R4", "R5"]
    assert report.criterion("F8").level == 1 and report.criterion("F9").level == 1
    # R2 meant something else in 2021 than in 2025: the report's own text and level are used.
    assert report.criterion("R2").text == "Løsningen skaber potentielt værdi for andre"
    assert report.criterion("R2").level == 1
    assert report.problems == ()


def test_the_blank_headed_column_is_the_mark_column_and_henvisning_the_documentation():
    report = legacy()
    assert report.criterion("R1").mark is Mark.MET and report.criterion("R1").mark_raw == "☑\ufe0e"
    assert report.criterion("F12").mark is Mark.NOT_MET
    assert report.criterion("F1").documentation == "https://github.com/OS2eksempel"


def test_italic_recommendations_are_recommendations():
    report = legacy()
    assert {c.id for c in report.criteria if c.recommendation} == {"R4", "F19"}
    assert report.criterion("R4").text == "Løsningen har tværkommunal potentiale (anbefaling)"


def test_an_older_report_reaches_level_1_and_knows_what_blocks_level_2():
    report = legacy()
    assert achieved_level(report) == 1
    gaps = level_gaps(report, 2)
    assert [c.id for c in gaps.blocking] == ["F12", "S3", "G5"]
    assert [c.id for c in gaps.advised] == ["R4", "F19"]


def test_unrelated_tables_are_ignored():
    report = legacy()
    assert report.criterion("TOVHOLDER") is None
    assert len(report.criteria) == 28
