"""A criterion means what its own template generation says, whatever its id.

Built on OS2's templates as they were published (tests/fixtures/governance/templates/)
and on real filled-in reports (tests/fixtures/governance/real/); origins in SOURCES.md.
"""

from pathlib import Path

import pytest
import yaml

from bot.governance import parse_report
from bot.governance.generations import DEFAULT_PATH, catalogue_from_data, load_catalogue, text_key

from .filling import FIXTURES

REAL = FIXTURES / "real"
CHECKS_YAML = Path(__file__).resolve().parents[2] / "config" / "checks.yaml"


def read(path: Path):
    return parse_report(path.read_text(encoding="utf-8"), path.name)


def config() -> dict:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


# -- the data is OS2's templates ---------------------------------------------------------------

@pytest.mark.parametrize("generation", config()["generations"], ids=lambda g: g["key"])
def test_each_generation_lists_exactly_the_criteria_of_its_templates(generation):
    from_templates = []
    for name in generation["templates"]:
        for c in parse_report((FIXTURES / name).read_text(encoding="utf-8")).criteria:
            if [c.id, c.level, c.text] not in from_templates:
                from_templates.append([c.id, c.level, c.text])
    assert [[cid, level, text] for cid, level, _, text in generation["criteria"]] == from_templates


def test_one_text_has_one_meaning_in_every_generation():
    meanings: dict[str, set[str]] = {}
    for generation in load_catalogue().generations:
        for row in generation.criteria:
            meanings.setdefault(row.key, set()).add(row.meaning)
    assert {key: found for key, found in meanings.items() if len(found) > 1} == {}


def test_the_same_id_means_different_things_in_2021_and_today():
    catalogue = load_catalogue()
    legacy, current = catalogue.generation("2021"), catalogue.generation("1.1.0")
    assert {r.meaning for r in legacy.with_id("F7")} == {"operations_documented"}
    assert {r.meaning for r in current.with_id("F7")} == {"docs_template"}
    assert {r.meaning for r in legacy.with_id("F11")} == {"uses_os2_tools"}
    assert {r.meaning for r in current.with_id("F11")} == {"issue_tracking"}
    # F13 and F14 swapped places twice: in May 2021, back in November 2021, and today
    assert {r.meaning for r in legacy.with_id("F13")} == {"strategic_communication", "presentation_material"}
    assert {r.meaning for r in current.with_id("F13")} == {"presentation_material"}


def test_every_claim_the_bot_checks_is_a_meaning_of_the_templates():
    claims = yaml.safe_load(CHECKS_YAML.read_text(encoding="utf-8"))["checks"]["governance_claims"]["settings"]["claims"]
    assert set(claims) <= set(load_catalogue().meanings)


def test_a_row_with_an_unknown_meaning_is_a_broken_config():
    with pytest.raises(ValueError, match="unknown meaning"):
        catalogue_from_data({"meanings": {"licence": "licens"},
                             "generations": [{"key": "x", "name": "x", "criteria": [["F2", 0, "licens", "Licens"]]}]})


# -- recognising a report's generation -----------------------------------------------------------

@pytest.mark.parametrize(("path", "generation"), [
    ("templates/checklist_2021-05.md", "2021"),
    ("templates/checklist_2021-11.md", "2021"),
    ("templates/checklist_2024-07.md", "2024"),
    ("os2_governance_template.md", "2025"),
    ("os2_governance_template.v1.1.0.md", "1.1.0"),
    ("real/OS2rollekatalog_2021-11-30.md", "2021"),
    ("real/OS2loop_governancerapport.md", "2021"),
    ("real/ai-heatcontrol_2026-08-14_Selvevaluering.md", "1.1.0"),
])
def test_a_report_is_recognised_as_the_generation_it_was_filled_from(path, generation):
    assert read(FIXTURES / path).generation == generation


def test_a_ticked_f7_in_a_2021_report_is_about_operations_not_the_documentation_template():
    report = read(REAL / "OS2rollekatalog_2021-11-30.md")  # HTML checkbox marks, F8/F9 present
    f7 = report.criterion("F7")
    assert f7.text == "Driftskrav til løsningen er dokumenteret" and f7.mark.value == "met"
    assert f7.meaning == "operations_documented"
    assert report.criterion("F11").meaning == "uses_os2_tools"
    assert report.by_meaning("docs_template") is None and report.by_meaning("issue_tracking") is None


def test_a_2021_report_retyped_with_typos_still_has_a_meaning_for_every_criterion():
    report = read(REAL / "OS2loop_governancerapport.md")  # "Løsingen", "lovformidling", "0S2.eu", shortened texts
    assert report.criterion("R1").text == "Løsingen skaber lokal værdi" and report.criterion("R1").meaning == "local_value"
    assert report.criterion("F15").text == "Best practice for implementering"
    assert report.criterion("F15").meaning == "implementation_practice"
    assert [c.id for c in report.criteria if c.meaning is None] == []


def test_today_f7_is_the_documentation_template_and_f11_issue_tracking():
    report = read(REAL / "ai-heatcontrol_2026-08-14_Selvevaluering.md")
    assert report.criterion("F7").meaning == "docs_template"
    assert report.criterion("F11").meaning == "issue_tracking"
    assert report.by_meaning("licence").id == "F2"


def test_a_renumbered_criterion_is_known_by_its_text():
    text = (REAL / "OS2rollekatalog_2021-11-30.md").read_text(encoding="utf-8")
    report = parse_report(text.replace("| F7 | Driftskrav", "| F97 | Driftskrav"))
    assert report.generation == "2021"
    assert report.criterion("F97").meaning == "operations_documented"


def test_a_report_of_no_known_generation_gets_meanings_only_where_its_text_is_a_template_text():
    report = parse_report(
        "| # | Krav | Niveau | Opfyldt |\n|---|---|---|---|\n"
        "| A1 | Vi har kaffe | 0 | Ja |\n| A2 | Der er kage | 1 | Ja |\n"
        "| A3 | Open Source licenskriterier overholdes | 0 | Ja |\n"
    )
    assert report.generation is None
    assert [c.meaning for c in report.criteria] == [None, None, "licence"]


def test_a_report_text_is_compared_without_markup_links_or_the_apostrophe_of_os2s():
    assert text_key("_Kildekoden er placeret på **OS2´s** github_") == text_key("Kildekoden er placeret på OS2's github")
    assert text_key("Produktet har en kobling til [OS2's strategi](https://os2.eu/x)") == \
        text_key("Produktet har en kobling til OS2s strategi")
    assert text_key("x" * 10_000_000) == "x" * 300
