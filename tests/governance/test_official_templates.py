"""The two official OS2 templates, as published, read completely and honestly."""

from collections import Counter

import pytest

from bot.governance import Mark, achieved_level, level_gaps, parse_report

from .filling import IDS, LEVEL_OF, RECOMMENDATIONS, checklist_text, form_text

TEMPLATES = {"checklist": checklist_text, "form-1.1.0": form_text}


@pytest.fixture(params=sorted(TEMPLATES))
def template(request):
    return request.param, parse_report(TEMPLATES[request.param](), f"{request.param}.md")


def test_every_criterion_of_the_template_is_found_in_order(template):
    _, report = template
    assert [c.id for c in report.criteria] == IDS
    assert Counter(c.id[0] for c in report.criteria) == {"R": 4, "F": 20, "S": 5, "G": 14}


def test_the_template_has_no_f8_or_f9(template):
    _, report = template
    assert report.criterion("F8") is None and report.criterion("F9") is None


def test_levels_come_from_the_templates_own_table(template):
    _, report = template
    assert {c.id: c.level for c in report.criteria} == LEVEL_OF
    assert report.criterion("R1").level_raw == "sandkasse"


def test_recommendations_are_marked_by_anbefaling_in_the_text(template):
    _, report = template
    assert {c.id for c in report.criteria if c.recommendation} == RECOMMENDATIONS


def test_an_unfilled_template_evaluates_nothing_and_reaches_no_level(template):
    _, report = template
    assert {c.mark for c in report.criteria} == {Mark.NOT_EVALUATED}
    assert {c.mark_raw for c in report.criteria} == {""}
    assert achieved_level(report) is None
    assert report.problems == ()


def test_sections_and_texts_are_read(template):
    _, report = template
    f2 = report.criterion("f2")
    assert f2.section == "FORMKRAV"
    assert f2.text == "Open Source licenskriterier overholdes"
    assert report.criterion("G14").section == "GOVERNANCE"
    assert report.criterion("S1").section == "STRATEGISK SAMMENHÆNG"


def test_sandkasse_gaps_of_an_unfilled_template_are_the_six_sandkasse_criteria(template):
    _, report = template
    gaps = level_gaps(report, 0)
    assert [c.id for c in gaps.blocking] == ["R1", "F1", "F2", "F3", "F4", "F5"]
    assert gaps.advised == () and not gaps.reached


def test_the_1_1_0_template_states_its_version_and_title():
    report = parse_report(form_text())
    assert report.template_version == "1.1.0"
    assert report.title == "Governancerapport for [produktnavn]"
    assert report.draft is False
    assert report.extra["front_matter"]["title"] == "Governancerapporten"
    assert report.extra["document_info"]["Version for anvendt governancerapport"] == "1.1.0"


def test_the_checklist_template_states_no_version_and_its_title_is_the_product_heading():
    report = parse_report(checklist_text())
    assert report.template_version is None
    assert report.title == "INDSÆT NAVNET PÅ PRODUKTET"


def test_line_numbers_point_at_the_rows():
    text = form_text()
    report = parse_report(text)
    lines = text.split("\n")
    for criterion in report.criteria:
        assert f"| {criterion.id} " in lines[criterion.line - 1]
