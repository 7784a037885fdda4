"""The governance checks judge a claim by the criterion's meaning in its own template
generation, and say in Danish which broken row was read how (real reports, see
tests/fixtures/governance/SOURCES.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.checks import Status, run_checks

from .support import REPORT, config_with_suppliers, fill_report_v110, product_files, snapshot

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "governance" / "real"


def real(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def run(files, *, level=2, **kwargs):
    return run_checks(snapshot(files, **kwargs), level=level, config=config_with_suppliers("Eksempel Leverandør"),
                      today=dt.date(2025, 6, 1))


def without_docs_template_or_licence():
    """The evidence is missing: no documentation template files, no licence file."""
    return product_files(2, LICENSE=None, **{"MAINTAINERS.md": None, "publiccode.yml": None})


def test_a_ticked_legacy_f7_is_not_held_against_os2s_documentation_template():
    files = without_docs_template_or_licence()
    files[REPORT] = fill_report_v110(docs={"G3": "Jens Jensen"})
    assert run(files)["governance_claims"].details["contradicted"] == ["F2", "F7"]  # today's F7 is contradicted

    files[REPORT] = real("OS2rollekatalog_2021-11-30.md")  # 2021: F7 "Driftskrav …" ticked
    claims = run(files)["governance_claims"]
    assert claims.details["generation"] == "2021"
    assert claims.details["contradicted"] == ["F2"]  # the licence is a licence in every generation
    assert "F7" not in claims.details["checked"] and "F11" not in claims.details["checked"]
    assert "F7" not in claims.message


def test_a_legacy_f6_on_os2s_github_is_still_held_to_the_organisation():
    files = product_files(2)
    files[REPORT] = real("OS2loop_governancerapport.md")  # F6 "Kildekoden er placeret på OS2´s github"
    claims = run(files, owner="kommune-x")["governance_claims"]
    assert claims.status is Status.FAIL and "F6" in claims.details["contradicted"]


def test_a_repaired_row_is_named_in_danish_with_its_line_and_how():
    files = product_files(2)
    files[REPORT] = real("OS2rollekatalog_2021-11-30.broken.md")
    result = run(files)
    report = result["governance_report"]
    assert report.status is Status.WARN and report.details["outcome"] == "repaired"
    assert "linje 39 (F7): produktniveau 1 er læst i rækkens 6. celle" in report.message
    assert "linje 41 (F9): niveaucellen mangler, så produktniveau 1 er taget fra OS2's skabelon" in report.message
    assert "checklisten fra 2021" in report.message and "\\|" in report.hint
    assert [r["line"] for r in report.details["repairs"]] == [39, 41]
    level = result["governance_level"]
    assert level.details["repaired"] == ["F7", "F9"] and level.details["achieved_level"] == 2


def test_an_intact_report_has_no_repairs_to_tell():
    files = product_files(2)
    files[REPORT] = real("OS2rollekatalog_2021-11-30.md")
    report = run(files)["governance_report"]
    assert report.details["outcome"] == "pass" and report.details["repairs"] == []
