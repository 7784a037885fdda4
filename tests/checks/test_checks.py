"""Each check passes, warns or fails on crafted repositories, as the OS2 process says."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.checks import Status, run_checks

from .support import README, REPORT, config_with_suppliers, fill_report, licence_text, product_files, snapshot

TODAY = dt.date(2025, 6, 1)


def run(files, *, level=2, config=None, **kwargs):
    return run_checks(snapshot(files, **kwargs), level=level, config=config or config_with_suppliers("Eksempel Leverandør"),
                      today=TODAY)


def status(files, check, **kwargs):
    return run(files, **kwargs)[check].status


# -- the example product -----------------------------------------------------------

def test_a_product_following_os2s_templates_is_ready_for_level_2():
    result = run(product_files(2))
    assert [r.check for r in result.missing] == []
    assert result.ready and result.achieved_level == 2 and result.target_level == 2
    assert all(r.status is Status.PASS for r in result.results), [(r.check, r.message) for r in result.results]


# -- governance_report (P-1.2) ----------------------------------------------------------

def test_a_missing_governance_report_fails_with_a_danish_hint():
    result = run(product_files(2, **{REPORT: None}), level=1)
    r = result["governance_report"]
    assert r.status is Status.FAIL and "governancerapport" in r.message.lower()
    assert "governance_report" in r.hint or "OS2produkt_governance_report.md" in r.hint


def test_a_report_without_criteria_tables_is_unreadable():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = "# Governance report\n\nVi udfylder senere.\n"
    r = run(files)["governance_report"]
    assert r.status is Status.FAIL and r.details["outcome"] == "unreadable"


def test_a_report_with_parse_problems_warns_and_lists_their_lines():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] += "\n| ✅ | F99 | en række uden for en tabel |\n\nTekst\n| ✅ | R9 |\n"
    r = run(files)["governance_report"]
    assert r.status is Status.WARN and r.details["problems"]
    assert "linje" in r.message


def test_a_draft_report_warns():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = files["OS2eksempel_governance_report.md"].replace(
        "# OS2eksempel", "# [KLADDE] OS2eksempel")
    assert status(files, "governance_report") is Status.WARN


# -- governance_level (P-1.3) -------------------------------------------------------------

def test_a_report_reaching_level_1_fails_level_2_naming_the_blocking_criteria():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = fill_report(1, docs={"G3": "Jens Jensen"})
    r = run(files, level=2)["governance_level"]
    assert r.status is Status.FAIL
    assert "R2" in r.details["blocking"] and "F19" not in r.details["blocking"]
    assert "R2" in r.message and r.details["achieved_level"] == 1


def test_an_unmet_recommendation_warns_but_does_not_block():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = fill_report(2, marks={"F20": "❌"}, docs={"G3": "Jens Jensen"})
    result = run(files, level=2)
    assert result["governance_level"].status is Status.WARN
    assert result["governance_level"].details["advised"] == ["F20"]
    assert result["governance_level"].ok


def test_the_target_level_defaults_to_the_level_the_report_aims_at():
    result = run_checks(snapshot(product_files(3)), config=config_with_suppliers("Eksempel Leverandør"), today=TODAY)
    assert result.target_level == 3 and result.target_source == "report"


def test_without_a_stated_level_the_target_is_1():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = fill_report(2)
    result = run_checks(snapshot(files), today=TODAY)
    assert result.target_level == 1 and result.target_source == "default"


# -- governance_claims ---------------------------------------------------------------

def test_a_met_licence_claim_without_a_licence_file_is_a_contradiction():
    r = run(product_files(2, LICENSE=None))["governance_claims"]
    assert r.status is Status.FAIL and r.details["contradicted"] == ["F2"]
    assert "F2" in r.message


def test_claims_about_issues_and_organisation_are_checked_against_github_settings():
    r = run(product_files(2), owner="kommune-x", has_issues=False)["governance_claims"]
    assert set(r.details["contradicted"]) == {"F6", "F11"}


def test_a_local_folder_cannot_contradict_f6_or_f11():
    r = run(product_files(2), owner=None, has_issues=None)["governance_claims"]
    assert r.status is Status.PASS and "F6" not in r.details["checked"] and "F11" not in r.details["checked"]


def test_a_missing_container_contradicts_a_met_f19():
    r = run(product_files(2, Dockerfile=None))["governance_claims"]
    assert r.details["contradicted"] == ["F19"]


def test_evidence_for_an_unmarked_criterion_is_offered_as_confirmable():
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = fill_report(2, marks={"F2": "❓"}, preamble="Ønsket niveau: 2")
    r = run(files)["governance_claims"]
    assert r.status is Status.PASS and r.details["confirmable"] == ["F2"]


# -- licence (F2) ----------------------------------------------------------------------

@pytest.mark.parametrize(("spdx", "expected"), [("MPL-2.0", Status.PASS), ("EUPL-1.2", Status.WARN),
                                                 ("GPL-3.0", Status.WARN), ("MIT", Status.WARN)])
def test_mpl_passes_and_another_osi_licence_warns(spdx, expected):
    r = run(product_files(2, LICENSE=licence_text(spdx)))["licence"]
    assert r.status is expected and r.details["licence"] == spdx


def test_no_licence_file_fails():
    r = run(product_files(2, LICENSE=None))["licence"]
    assert r.status is Status.FAIL and r.details["outcome"] == "none"


def test_an_unrecognised_licence_text_fails():
    r = run(product_files(2, LICENSE="Alle rettigheder forbeholdes Eksempel Kommune."))["licence"]
    assert r.status is Status.FAIL and r.details["outcome"] == "unknown" and r.path == "LICENSE"


def test_a_non_osi_licence_fails():
    r = run(product_files(2, LICENSE="SPDX-License-Identifier: BUSL-1.1\n"))["licence"]
    assert r.status is Status.FAIL and r.details["outcome"] == "not_osi"


def test_a_licence_only_in_a_manifest_fails_asking_for_a_file():
    r = run(product_files(2, LICENSE=None, **{"package.json": '{"license": "MPL-2.0"}'}))["licence"]
    assert r.status is Status.FAIL and r.details["outcome"] == "no_file" and "package.json" in r.message


def test_githubs_detected_licence_counts_for_a_remote_repository():
    files = product_files(2, LICENSE=None)
    r = run_checks(snapshot(files, licence_spdx="MPL-2.0"), level=2, today=TODAY)["licence"]
    assert r.status is Status.PASS


# -- readme_purpose (F5) -------------------------------------------------------------------

def test_a_readme_opening_with_a_paragraph_states_its_purpose():
    assert status(product_files(2), "readme_purpose") is Status.PASS


def test_a_readme_with_a_formaal_heading_states_its_purpose():
    readme = "# OS2x\n\n## Formål\n\nSagsbehandlerne skal kunne følge borgernes henvendelser.\n"
    r = run(product_files(2, **{"README.md": readme}))["readme_purpose"]
    assert r.status is Status.PASS and r.details["heading"] == "formål"


def test_a_readme_of_badges_and_a_title_does_not_state_a_purpose():
    readme = "# OS2x\n\n[![build](https://x/badge.svg)](https://x)\n\nSe wiki.\n\n## Installation\n\nnpm i\n"
    r = run(product_files(2, **{"README.md": readme}))["readme_purpose"]
    assert r.status is Status.FAIL and r.details["purpose"] is None


def test_no_readme_fails():
    assert run(product_files(2, **{"README.md": None}))["readme_purpose"].details["outcome"] == "no_readme"


# -- in_os2_org (F6, P-3.2) -------------------------------------------------------------------

def test_a_repository_in_an_os2_organisation_passes():
    assert status(product_files(2), "in_os2_org", owner="os2offdig") is Status.PASS


def test_a_repository_outside_os2_fails():
    r = run(product_files(2), owner="kommune-x")["in_os2_org"]
    assert r.status is Status.FAIL and "kommune-x" in r.message


def test_a_local_folder_is_not_applicable():
    assert status(product_files(2), "in_os2_org", owner=None) is Status.NOT_APPLICABLE


# -- docs_template (F7) ------------------------------------------------------------------

def test_the_current_docs_template_layout_passes():
    r = run(product_files(2))["docs_template"]
    assert r.status is Status.PASS and r.details["layout"] == "nuværende skabelon"


def test_the_earlier_docs_template_layout_also_passes_in_any_case():
    files = product_files(2, **{"docs/architecture.md": None, "README.md": "# X\n\nKort.\n"})
    files |= {"docs/getting_started.md": "x", "docs/Basic_Development_Guide.md": "x", "docs/how-to-deploy.md": "x"}
    r = run(files)["docs_template"]
    assert r.status is Status.PASS and r.details["layout"] == "tidligere skabelon"


def test_english_readme_sections_count():
    readme = ("# X\n\n## How it works\n\n## Architecture\n\n## Key features\n\n"
              "## How to install and run\n\n## Examples\n")
    assert status(product_files(2, **{"README.md": readme}), "docs_template") is Status.PASS


def test_missing_template_parts_are_listed():
    readme = "# X\n\n## Arkitektur\n\n## Installation\n"
    r = run(product_files(2, **{"README.md": readme, "MAINTAINERS.md": None}))["docs_template"]
    assert r.status is Status.FAIL
    assert "liste over vedligeholdere (fx MAINTAINERS.md)" in r.details["missing"]
    assert "afsnit i README med eksempler (en overskrift som 'Examples' eller 'Example')" in r.details["missing"]
    assert not any("arkitektur" in gap for gap in r.details["missing"])


# -- issues_enabled (F11) ----------------------------------------------------------------

@pytest.mark.parametrize(("has_issues", "expected"), [(True, Status.PASS), (False, Status.FAIL),
                                                      (None, Status.NOT_APPLICABLE)])
def test_issues(has_issues, expected):
    assert status(product_files(2), "issues_enabled", has_issues=has_issues) is expected


# -- container (F19, recommendation) -------------------------------------------------------

@pytest.mark.parametrize("path", ["Dockerfile", "docker/Dockerfile.prod", "Containerfile", "compose.yaml",
                                  "deploy/docker-compose.yml", "api.dockerfile"])
def test_container_files_anywhere_pass(path):
    text = "services:\n  app:\n    build: .\n" if "compose" in path else "FROM python:3.12\nCOPY . /app\n"
    files = product_files(2, Dockerfile=None) | {path: text}
    assert status(files, "container") is Status.PASS


def test_no_container_warns_and_is_not_applicable_below_level_2():
    files = product_files(2, Dockerfile=None)
    assert status(files, "container") is Status.WARN
    r = run(files, level=1)["container"]
    assert r.status is Status.NOT_APPLICABLE and r.details["raw_status"] == "warn"


# -- contact_person (P-2.1, G3) ------------------------------------------------------------

def test_contact_person_from_maintainers_file():
    files = product_files(2, **{"publiccode.yml": None})
    files["OS2eksempel_governance_report.md"] = fill_report(2, preamble="Ønsket niveau: 2")
    r = run(files)["contact_person"]
    assert r.status is Status.PASS and r.details["contacts"][0] == {"name": "Jens Jensen (Eksempel Kommune)",
                                                                    "source": "MAINTAINERS.md"}


def test_contact_person_from_g3_alone():
    files = product_files(2, **{"publiccode.yml": None, "MAINTAINERS.md": None})
    r = run(files)["contact_person"]
    assert r.status is Status.PASS and r.details["contacts"][0]["source"].endswith("(G3)")


def test_a_placeholder_in_g3_names_nobody():
    files = product_files(2, **{"publiccode.yml": None, "MAINTAINERS.md": None})
    files["OS2eksempel_governance_report.md"] = fill_report(2, docs={"G3": "[Navn]"})
    assert status(files, "contact_person") is Status.FAIL


# -- roadmap (P-4.3, recommendation) ---------------------------------------------------------

def test_roadmap_file_passes():
    assert run(product_files(2))["roadmap"].path == "ROADMAP.md"


def test_roadmap_section_in_docs_passes():
    files = product_files(2, **{"ROADMAP.md": None, "README.md": "# X\n", "publiccode.yml": None})
    files["docs/plan.md"] = "# Plan\n\n## Køreplan\n\n- 2026\n"
    r = run(files)["roadmap"]
    assert r.status is Status.PASS and "docs/plan.md" in r.message


def test_roadmap_in_publiccode_passes():
    files = product_files(2, **{"ROADMAP.md": None, "README.md": README.replace("## Roadmap", "## Andet")})
    assert "publiccode" in run(files)["roadmap"].message


def test_no_roadmap_warns():
    files = product_files(2, **{"ROADMAP.md": None, "README.md": "# X\n", "publiccode.yml": None})
    assert status(files, "roadmap") is Status.WARN


def test_a_g3_cell_that_only_points_elsewhere_names_nobody():
    files = product_files(2, **{"publiccode.yml": None, "MAINTAINERS.md": None})
    files[REPORT] = fill_report(2, docs={"G3": "Se README.md"})
    assert status(files, "contact_person") is Status.FAIL
    files[REPORT] = fill_report(2, docs={"G3": "Tovholder: anne-mette@kommune.dk"})
    assert status(files, "contact_person") is Status.PASS


def test_a_1_1_0_self_evaluation_answering_ja_is_held_to_the_repository():
    from .support import fill_report_v110

    files = product_files(2, LICENSE=None, **{"MAINTAINERS.md": None, "publiccode.yml": None})
    files[REPORT] = fill_report_v110(docs={"G3": "Jens Jensen, tovholder"})
    result = run(files, level=3)
    assert result.achieved_level == 3 and result["governance_level"].status is Status.PASS
    assert result["governance_claims"].details["contradicted"] == ["F2", "F7"]
    assert result["contact_person"].status is Status.PASS


def test_a_1_1_0_report_answering_nej_blocks_the_level():
    from .support import fill_report_v110

    files = product_files(2)
    files[REPORT] = fill_report_v110({"G6": "Nej", "F19": "Planlagt"})
    r = run(files, level=2)["governance_level"]
    assert r.status is Status.FAIL and r.details["blocking"] == ["G6"] and r.details["advised"] == ["F19"]
