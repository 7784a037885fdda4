"""Step 3 as desired state (bot/onboarding/provision.py): keys under Jira's rules, nothing
before approval, the declared people in their Jira roles, the coordinators' team."""

from __future__ import annotations

import pytest

from bot.onboarding.access import load_access_config
from bot.onboarding.config import load_org_defaults, org_settings
from bot.onboarding.model import Access, Decision, RepoFacts, State, record_decision, set_coordinators
from bot.onboarding.provision import desired_github, desired_jira, product_marker

FACTS = RepoFacts("OS2offdig", "os2-kitos-udvikling", "KITOS", "https://github.com/OS2offdig/os2-kitos-udvikling")


def approved_state(**extra) -> State:
    state = record_decision(State(), Decision("level", 1, "sofie", "2026-11-01T09:00:00Z"))
    state = record_decision(state, Decision("match_approval", "approved", "sofie", "2026-11-01T09:00:00Z"))
    return State(**{**state.__dict__, **extra})


def test_nothing_is_provisioned_before_approval():
    settings = org_settings(load_org_defaults())
    assert desired_jira(State(), FACTS, settings, load_access_config(), "R_1") is None
    assert desired_github(State(), FACTS, settings) is None


def test_the_declared_people_get_their_jira_roles_and_the_org_groups_theirs():
    settings = org_settings(load_org_defaults(), {"jira": {"groups": {"Administrators": ["os2-sekretariatet"]}},
                                                  "people": {"Lars": "lars@leverandoer.dk"}})
    state = approved_state(access=(Access("karin", "kommune-ansvarlig", "karin@kommune.dk"),
                                   Access("lars", "leverandoer"), Access("ukendt", "rettighed")))
    plan = desired_jira(state, FACTS, settings, load_access_config(), "R_1")
    assert plan.keys == () and product_marker("R_1") in plan.description     # the key is made in Jira's step
    assert plan.users == {"Users": {"karin@kommune.dk"}, "Developers": {"lars@leverandoer.dk"}}
    assert plan.groups == {"Administrators": {"os2-sekretariatet"}}
    assert plan.missing_email == ("ukendt",)


def test_the_secretariats_key_wins():
    state = record_decision(approved_state(), Decision("jira_key", "KITOS", "sofie", "2026-11-01T09:00:00Z"))
    plan = desired_jira(state, FACTS, org_settings(load_org_defaults()), load_access_config(), "R_1")
    assert plan.keys == ("KITOS",)


def test_the_coordinators_get_the_products_team():
    state = set_coordinators(approved_state(), ("kim",))
    plan = desired_github(state, FACTS, org_settings(load_org_defaults(), {"github": {"teams": {"os2-sekretariatet": "maintain"}}}))
    assert plan.coordinator_team == "os2-kitos-udvikling-koordinatorer" and plan.coordinators == ("kim",)
    assert plan.teams == {"os2-sekretariatet": "maintain"}
