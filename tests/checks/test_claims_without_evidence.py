"""A ✅/Ja the repository shows no evidence for is a contradiction only where the thing
must be in the repository: a licence claimed without a licence file is, a container
(F19, a recommendation) built elsewhere is "not seen here" and never blocks. Real
reports of OS2faktor (1.1.0) and OS2iot (2021), see tests/fixtures/governance/SOURCES.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.checks import Status, load_config, run_checks
from bot.checks.registry import CHECKS

from .support import REPORT, config_with_suppliers, product_files, snapshot

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "governance" / "real"
FAKTOR = "OS2faktor_2026-07-01_selvevaluering.md"
OS2IOT = "OS2iot_GOVERNANCE_REPORT.md"
FAKTOR_F19 = "| F19 | Løsningen er leveret i et containerformat f.eks. docker (anbefaling) | 2 |"


def real(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def claims_for(report: str, *, level: int = 2, **files):
    repository = product_files(2, **{"Dockerfile": None, **files})  # like OS2faktor-Login: no container file
    repository[REPORT] = report
    result = run_checks(snapshot(repository), level=level, config=config_with_suppliers("Eksempel Leverandør"),
                        today=dt.date(2026, 7, 1))
    return result["governance_claims"], result


def not_seen(claims) -> list[str]:
    return [n["criterion"] for n in claims.details["not_seen"]]


@pytest.mark.parametrize("name", [FAKTOR, OS2IOT])
def test_a_ticked_container_built_elsewhere_is_not_seen_and_does_not_block(name):
    claims, result = claims_for(real(name))
    assert claims.status is Status.PASS and claims.ok
    assert "F19" not in claims.details["contradicted"] and "F19" not in claims.details["checked"]
    assert not_seen(claims) == ["F19"] and claims.details["not_seen"][0]["meaning"] == "containerformat"
    assert "F19 (containerformat) er markeret som opfyldt, men kan ikke ses i repositoriet" in claims.message
    assert "ikke vurderet" in claims.message
    assert "governance_claims" not in [r.check for r in result.missing]


def test_the_faktor_report_is_judged_on_what_the_repository_shows():
    claims, _ = claims_for(real(FAKTOR))
    assert claims.details["generation"] == "1.1.0"
    assert claims.details["checked"] == ["F2", "F5", "F6", "F7", "F11"]  # F19 is not among what was judged


def test_a_licence_claimed_without_a_licence_file_is_still_a_contradiction():
    claims, _ = claims_for(real(FAKTOR), LICENSE=None)
    assert claims.status is Status.FAIL and claims.details["contradicted"] == ["F2"]
    assert not_seen(claims) == ["F19"] and "F19 (containerformat)" in claims.message


def test_an_unticked_container_without_evidence_is_neither_noted_nor_confirmable():
    report = real(FAKTOR)
    assert FAKTOR_F19 + " Angiv om" in report
    report = report.replace("(anbefaling) | 2 | Angiv om løsningen tilbydes i en containeriseret version som definerer "
                            "hvordan applikationen bygges og køres. | Ja |",
                            "(anbefaling) | 2 | Angiv om løsningen tilbydes i en containeriseret version som definerer "
                            "hvordan applikationen bygges og køres. | Nej |")
    claims, _ = claims_for(report)
    assert not_seen(claims) == [] and "F19" not in claims.details["confirmable"]
    assert "ikke vurderet" not in claims.message


def test_a_container_in_the_repository_is_evidence_for_the_tick():
    claims, _ = claims_for(real(FAKTOR), Dockerfile="FROM eclipse-temurin:21\nCOPY target/app.jar /app.jar\n")
    assert "F19" in claims.details["checked"] and not_seen(claims) == []


def test_every_claims_rule_names_a_check_and_outcomes_it_can_reach():
    rules = load_config().spec("governance_claims").settings["claims"]
    for meaning, rule in rules.items():
        outcomes = set(CHECKS[rule["check"]].OUTCOMES)
        named = set(rule.get("contradicts", ())) | set(rule.get("not_seen", ())) | set(rule.get("agrees_when_named", ()))
        assert named <= outcomes, f"{meaning}: {named - outcomes} are not outcomes of {rule['check']}"
        assert not set(rule.get("contradicts", ())) & set(rule.get("not_seen", ())), meaning
        assert set(rule.get("agrees_when_named", ())) <= set(rule.get("contradicts", ())), meaning


CC_BY_SA = "SPDX-License-Identifier: CC-BY-SA-4.0\n"  # stands in for OS2IoT-docs' CC BY-SA 4.0 LICENSE text


def test_a_licence_the_report_names_agrees_with_the_report_though_the_licence_check_objects():
    claims, result = claims_for(real(OS2IOT), LICENSE=CC_BY_SA)  # F2 "MPL 2.0 og CC-BY-SA-4.0 vedtaget"
    assert result["licence"].details["outcome"] == "not_osi" and result["licence"].status is Status.FAIL
    assert "F2" in claims.details["checked"] and claims.details["contradicted"] == []


def test_a_licence_the_report_does_not_name_is_a_contradiction():
    claims, _ = claims_for(real(FAKTOR), LICENSE=CC_BY_SA)  # F2 documented with a link to LICENSE only
    assert claims.details["contradicted"] == ["F2"]


@pytest.mark.parametrize(("documentation", "agrees"), [
    ("Der anvendes CC BY SA og MPL 2.0", True),      # os2-test's F2, without the version
    ("CC-BY-SA-4.0", True),
    ("Creative Commons", False),
    ("MPL 2.0", False),
])
def test_how_a_report_names_the_licence(documentation, agrees):
    report = real(FAKTOR).replace("| Ja | https://github.com/OS2faktor/OS2faktor-Login/blob/master/LICENSE |",
                                  f"| Ja | {documentation} |")
    claims, _ = claims_for(report, LICENSE=CC_BY_SA)
    assert (claims.details["contradicted"] == []) is agrees
