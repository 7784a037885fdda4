"""The contact person check names people, not placeholders or paragraphs: the real
MAINTAINERS.md of OS2sandbox/ai-heatcontrol and the project-lead cells of real
reports (origins in tests/fixtures/checks/SOURCES.md and governance/SOURCES.md; the
quoted cells below are from the self-evaluations in OS2offdig/os2-product-audits and
the OS2bankintegration report listed in docs/checks-truth.yaml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checks import Status, load_config, run_checks
from bot.checks.contact_names import NameRules, maintainers_contacts, person_names

from .support import REPORT, config_with_suppliers, product_files, snapshot

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAINTAINERS = (FIXTURES / "checks" / "contacts" / "ai-heatcontrol_MAINTAINERS.md").read_text(encoding="utf-8")
REAL = FIXTURES / "governance" / "real"
RULES = NameRules.from_settings(load_config().spec("contact_person").settings)
JUNK = ("TBD", "Note on Contact", "Emeritus", "os2aiheatcontrol@os2.eu", "Primary Administrative", "Inactivity")


def contact(files: dict):
    repository = product_files(2, **{"MAINTAINERS.md": None, "publiccode.yml": None, REPORT: None})
    repository.update(files)
    result = run_checks(snapshot(repository), level=1, config=config_with_suppliers("Eksempel Leverandør"),
                        today=dt.date(2026, 8, 14))
    return result["contact_person"]


def test_the_real_maintainers_file_names_jakob_noerby_only():
    assert maintainers_contacts(MAINTAINERS, RULES) == [("Jakob Noerby", 19)]
    r = contact({"MAINTAINERS.md": MAINTAINERS})
    assert r.status is Status.PASS and r.details["contacts"] == [
        {"name": "Jakob Noerby", "source": "MAINTAINERS.md", "line": 19}]
    assert not any(junk in r.message for junk in JUNK)


def test_the_maintainers_template_with_only_tbd_and_placeholders_names_nobody():
    unfilled = MAINTAINERS.replace(MAINTAINERS.splitlines()[18] + "\n", "")  # drop Jakob Noerby's row
    assert "Jakob" not in unfilled
    assert maintainers_contacts(unfilled, RULES) == []
    assert contact({"MAINTAINERS.md": unfilled}).status is Status.FAIL


def test_former_maintainers_are_not_contacts():
    text = "# Maintainers\n\n## Emeritus Maintainers\n\n| Name | GitHub |\n|---|---|\n| Hanne Hansen | @hh |\n"
    assert maintainers_contacts(text, RULES) == []
    text = text.replace("## Emeritus Maintainers", "## Current Maintainers")
    assert maintainers_contacts(text, RULES) == [("Hanne Hansen", 7)]


def test_the_name_column_is_read_not_the_others():
    text = "| GitHub | Navn | Rolle |\n|---|---|---|\n| @jj | Jens Jensen | Product Owner |\n"
    assert maintainers_contacts(text, RULES) == [("Jens Jensen", 3)]


@pytest.mark.parametrize(("report", "names"), [
    ("OS2rollekatalog_2021-11-30.md", ["Charlotte Glavind Bülow"]),            # "Ja, Charlotte Glavind Bülow"
    ("OS2loop_governancerapport.md", ["Lasse Skjalm", "Martin Nygaard"]),        # "… hos Lasse Skjalm, Aarhus kommune og …"
    ("OS2iot_GOVERNANCE_REPORT.md", ["Mogens Kjeldsen"]),                        # "Mogens Kjeldsen, OS2"
    ("ai-heatcontrol_2026-08-14_Selvevaluering.md", ["Jakob Thøtt Nørby"]),      # "Ekstern projektleder (Jakob Thøtt Nørby) …"
    ("OS2faktor_2026-07-01_selvevaluering.md", []),                             # "Ja" documented "[Ikke udfyldt]"
])
def test_the_project_lead_of_real_reports(report, names):
    r = contact({REPORT: (REAL / report).read_text(encoding="utf-8")})
    assert [c["name"] for c in r.details["contacts"]] == names
    assert r.status is (Status.PASS if names else Status.FAIL)
    assert all(c["source"] == f"{REPORT} (G3)" for c in r.details["contacts"])


@pytest.mark.parametrize(("cell", "names"), [
    ("Produktkoordinator er Mette Valbjørn, Favrskov Kommune. Varetager alle opgaver i relation til produktet.",
     ["Mette Valbjørn"]),
    ("Lisbeth Wittendorff Lorentzen, Produktkoordinator", ["Lisbeth Wittendorff Lorentzen"]),
    ("Sønderborg har produktforvaltningen med rollerne produktkoordinator og product owner.", []),
    ("Sekretariatschefen er produktejer.", []),
    ("Christian Leonhardt", ["Christian Leonhardt"]),
    ("Produktkoordinator Mette Valbjørn", ["Mette Valbjørn"]),
    ("Anne-Mette K. Sørensen (Eksempel Kommune)", ["Anne-Mette K. Sørensen"]),
    ("[Jakob Thøtt Nørby]", ["Jakob Thøtt Nørby"]),   # a filled-in template field keeps its brackets
    ("Hans van Dijk og Jens Ole la Cour", ["Hans van Dijk", "Jens Ole la Cour"]),
])
def test_names_in_project_lead_cells(cell, names):
    assert person_names(cell, RULES) == names


@pytest.mark.parametrize("junk", [
    "TBD", "TBA", "N/A", "xxx", "Navn", "Name", "[Navn]", "[Emeritus 1]", "[Previous Role/Responsibility]",
    "John Doe", "Favrskov Kommune", "OS2 Sekretariatet", "GitHub Issues", "[email@example.com]",
    "Primary Administrative Contact", "Project Coordinator & Community Facilitator",
])
def test_placeholders_roles_and_organisations_name_nobody(junk):
    assert person_names(junk, RULES) == []
    assert maintainers_contacts(f"| Name |\n|---|\n| {junk} |\n- {junk}\n", RULES) == []


def test_paragraphs_and_long_items_are_not_read():
    paragraph = "Jens Jensen og Hanne Hansen " + "beskriver projektet grundigt " * 20
    assert maintainers_contacts(paragraph + "\n\n**Kontakt:** Jens Jensen\n", RULES) == []
    assert maintainers_contacts("- " + paragraph + "\n", RULES) == []


def test_an_e_mail_in_a_list_counts_an_example_address_does_not():
    assert maintainers_contacts("- jje@aarhus.dk\n- email@example.com\n", RULES) == [("jje@aarhus.dk", 1)]


def test_the_project_lead_is_found_by_meaning_not_by_id():
    loop = (REAL / "OS2loop_governancerapport.md").read_text(encoding="utf-8")
    swapped = loop.replace("| G2 |", "| GX |").replace("| G3 |", "| G2 |").replace("| GX |", "| G3 |")
    r = contact({REPORT: swapped})
    assert [c["name"] for c in r.details["contacts"]] == ["Lasse Skjalm", "Martin Nygaard"]
    assert r.details["contacts"][0]["source"] == f"{REPORT} (G2)"


def test_a_report_of_no_known_generation_falls_back_to_g3():
    report = ("# OS2bankintegration\n\n| 🔽 | # | Krav | Beskrivelse / Dokumentation | Produktniveau |\n"
              "|---|---|---|---|---|\n| ✅  | G3  | Projektleder udpeget | Christian Leonhardt | 1 |\n")
    r = contact({REPORT: report})
    assert r.status is Status.PASS and r.details["contacts"][0]["name"] == "Christian Leonhardt"


def test_publiccode_placeholders_name_nobody():
    publiccode = "publiccodeYmlVersion: '0.4'\nmaintenance:\n  type: internal\n  contacts:\n    - name: TBD\n"
    assert contact({"publiccode.yml": publiccode}).status is Status.FAIL
    r = contact({"publiccode.yml": publiccode.replace("TBD", "Jens Jensen")})
    assert r.status is Status.PASS and r.details["contacts"][0]["name"] == "Jens Jensen"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=80), st.sampled_from(
    ["| Name |", "|---|", "| Jens Jensen |", "## Emeritus", "- TBD", "[Navn]", "Kommune", "\n"])), max_size=12))
def test_whatever_the_file_holds_names_are_short(pieces):
    for name, line in maintainers_contacts("\n".join(pieces), RULES):
        assert 0 < len(name) <= 60 and line >= 1 and "\n" not in name


def test_the_sandbox_example_product_names_its_coordinator_once_per_source():
    from bot.local_snapshot import snapshot_from_folder

    example = Path(__file__).resolve().parents[2] / "bot" / "sandbox" / "example"
    r = run_checks(snapshot_from_folder(example), level=2)["contact_person"]
    assert r.status is Status.PASS and {c["name"] for c in r.details["contacts"]} == {"Mette Eksempel"}
    assert "Kontaktperson er navngivet: Mette Eksempel (MAINTAINERS.md, publiccode.yml" in r.message
