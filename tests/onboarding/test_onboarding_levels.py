"""Items depend on the level: the issue shows exactly the items of the product's level."""

from __future__ import annotations

import pytest

from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, State, record_decision
from bot.onboarding.ticks import read_ticks

# (items the level must show, items it must not show)
LEVEL_ITEMS = {
    # a sandbox product: the checks of checks.yaml that apply from level 0, nothing from level 1 on
    0: ({"match-judged", "licence", "governance-report"},
        {"contact-person", "supplier-agreement", "jira-project", "board-approved", "docs-template", "roadmap"}),
    1: ({"contact-person", "docs-template", "supplier-agreement", "jira-project"}, {"board-approved", "coordination-group"}),
    2: ({"board-approved", "coordination-group", "steering-group"}, {"contact-person", "yearly-evaluation"}),
    3: ({"board-approved", "coordination-group", "steering-group", "yearly-evaluation"}, {"contact-person"}),
}

def placed_on(level: int) -> State:
    return record_decision(State(), Decision("level", level, "rafr", "2024-05-01T10:00:00Z"))


@pytest.mark.parametrize("level", [0, 1, 2, 3], ids=["sandkasse", "niveau-1", "niveau-2", "niveau-3"])
def test_the_body_has_exactly_the_items_of_the_level(process, settings, repo, level):
    issue = compute_desired(process, settings, repo, {}, placed_on(level))
    shown = set(read_ticks(issue.body))
    assert shown == {i.key for i in process.items if level in i.levels}
    must, must_not = LEVEL_ITEMS[level]
    assert must <= shown
    assert not must_not & shown


def test_a_sandbox_product_has_no_supplier_or_jira_items(process, settings, repo):
    body = compute_desired(process, settings, repo, {}, placed_on(0)).body
    assert "item:supplier-agreement" not in body and "item:jira-project" not in body
    assert "sandkasse" in body


def test_level_three_is_evaluated_yearly(process, settings, repo):
    assert "item:yearly-evaluation" in compute_desired(process, settings, repo, {}, placed_on(3)).body
    assert "item:yearly-evaluation" not in compute_desired(process, settings, repo, {}, placed_on(2)).body


def test_before_a_level_is_decided_only_the_items_every_level_shares_are_shown(process, settings, repo):
    issue = compute_desired(process, settings, repo, {}, State())
    assert set(read_ticks(issue.body)) == {i.key for i in process.items if i.levels == {0, 1, 2, 3}}
    assert "ikke placeret endnu" in issue.body
    assert not any(label.startswith("niveau-") for label in issue.labels)


def test_the_governance_target_level_is_used_until_a_level_is_decided(process, settings, repo, all_checks_pass):
    from bot.checks.model import CheckResult, Status
    results = all_checks_pass(governance_level=CheckResult("governance_level", Status.FAIL, "F2 mangler",
                                                           details={"target_level": 2}))
    issue = compute_desired(process, settings, repo, results, State())
    assert issue.view.level == 2 and issue.view.level_source == "target"
    assert "item:board-approved" in issue.body
    assert "mål ifølge governancerapporten" in issue.body
    assert "niveau-2" not in issue.labels  # a label only for a decided level
    decided = compute_desired(process, settings, repo, results, placed_on(1))
    assert decided.view.level == 1 and decided.view.level_source == "decision"
    assert "niveau-1" in decided.labels
