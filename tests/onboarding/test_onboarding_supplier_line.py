"""The supplier agreement line: while the bot has no supplier list it awaits the secretariat,
who ticks it by hand with what the bot found in view; with a list the bot ticks it."""

from __future__ import annotations

from bot.checks import run_checks
from bot.checks.config import for_organisation, load_config
from bot.checks.model import CheckResult, Status
from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, State, record_decision
from bot.onboarding.ticks import classify_tick_changes, read_ticks
from tests.checks.support import product_files, snapshot
from tests.onboarding.test_onboarding_ticks import CONTRIBUTOR, NOW, SECRETARIAT, tick

LEVEL_1 = record_decision(State(), Decision("level", 1, "anne", NOW))


def results(config) -> dict[str, CheckResult]:
    return dict(run_checks(snapshot(product_files(1)), level=1, config=config).by_id)


def test_without_a_list_the_secretariat_ticks_the_line_seeing_the_suppliers_found(process, settings, repo):
    issue = compute_desired(process, settings, repo, results(load_config()), LEVEL_1)
    line = issue.view.item("supplier-agreement")
    assert line.kind == "manual" and not line.done and line.roles == ("secretariat",)
    assert "Eksempel Leverandør ApS (publiccode.yml)" in line.reason
    text = issue.body.split("<!-- item:supplier-agreement -->", 1)[1].split("\n- [", 1)[0]
    assert "Afkrydses af OS2-sekretariatet. Afventer sekretariatet:" in text

    body = tick(issue.body, "supplier-agreement", True)
    answered = frozenset(k for k, r in results(load_config()).items() if not r.awaits_people)
    by_contributor = classify_tick_changes(process, issue.onboarding_state, issue.onboarding_state.shown,
                                           read_ticks(body), "mallory", CONTRIBUTOR, NOW, answered_checks=answered)
    assert by_contributor.accepted == () and [c.key for c in by_contributor.reverted] == ["supplier-agreement"]
    by_secretariat = classify_tick_changes(process, issue.onboarding_state, issue.onboarding_state.shown,
                                           read_ticks(body), "anne", SECRETARIAT, NOW, answered_checks=answered)
    assert [c.key for c in by_secretariat.accepted] == ["supplier-agreement"]
    after = compute_desired(process, settings, repo, results(load_config()), by_secretariat.state)
    assert after.view.item("supplier-agreement").done


def test_with_the_organisations_list_the_bot_ticks_the_line(process, settings, repo):
    config = for_organisation(load_config(), suppliers=[{"name": "Eksempel Leverandør"}])
    line = compute_desired(process, settings, repo, results(config), LEVEL_1).view.item("supplier-agreement")
    assert line.kind == "check" and line.done
    config = for_organisation(load_config(), suppliers=[{"name": "Magenta"}])
    line = compute_desired(process, settings, repo, results(config), LEVEL_1).view.item("supplier-agreement")
    assert line.kind == "check" and not line.done and "Eksempel Leverandør ApS" in line.reason


def test_a_check_that_awaits_people_is_never_ticked_by_the_bot_even_without_roles(process, settings, repo):
    awaiting = CheckResult("docs_template", Status.NOT_CONFIGURED, "Afventer sekretariatet.")
    line = compute_desired(process, settings, repo, {"docs_template": awaiting}, LEVEL_1).view.item("docs-template")
    assert line.kind == "check" and not line.done and line.status == "pending"
