"""Who gets access (step 3, P-3.3/P-3.5): `/adgang` declared in the issue, judged by role,
recorded as a decision, shown in "Hvem har adgang", due once the product is approved."""

from __future__ import annotations

import pytest

from bot.onboarding.access import AccessRequest, approved, load_access_config, parse_access_args
from bot.onboarding.model import Decision, State, record_decision
from tests.onboarding.simulated_issue import CONTRIBUTOR, KEY, SECRETARIAT, SimulatedIssue
from bot.onboarding.state_block import decode

CONFIG = load_access_config()


@pytest.mark.parametrize("args, expected", [
    ("add @anne", AccessRequest("add", "anne", "kontaktperson", None)),
    ("add anne rettighed", AccessRequest("add", "anne", "rettighed", None)),
    ("tilføj @anne leverandør anne@firma.dk", AccessRequest("add", "anne", "leverandoer", "anne@firma.dk")),
    ("add @anne anne@kommune.dk kommune-ansvarlig", AccessRequest("add", "anne", "kommune-ansvarlig", "anne@kommune.dk")),
    ("fjern @anne", AccessRequest("remove", "anne")),
    ("remove @anne rettighed", "usage"),
    ("add", "usage"),
    ("add @anne konge", "unknown_role"),
    ("add @an<ne", "usage"),
    ("give @anne", "usage"),
])
def test_the_access_command_is_read_with_danish_and_english_words(args, expected):
    assert parse_access_args(args, CONFIG) == expected


def test_access_is_due_only_once_the_product_is_approved():
    def decided(state, kind, value):
        return record_decision(state, Decision(kind, value, "sofie", "2026-11-01T09:00:00Z"))
    assert not approved(State())
    level1 = decided(State(), "level", 1)
    assert not approved(level1) and approved(decided(level1, "match_approval", "approved"))
    level2 = decided(decided(State(), "level", 2), "match_approval", "approved")
    assert not approved(level2)                                   # the board decides at level 2
    assert approved(decided(level2, "board_approval", "approved"))
    assert not approved(decided(decided(level2, "board_approval", "approved"), "board_approval", "rework"))


def state(issue):
    return decode(issue.body, KEY)[0]


def test_the_secretariat_declares_who_gets_access_and_the_issue_shows_it():
    issue = SimulatedIssue()
    issue.reconcile()
    assert "Hvem har adgang" in issue.body and "Ingen endnu" in issue.body
    issue.comment("/adgang add @kommune-karin kommune-ansvarlig karin@kommune.dk", SECRETARIAT)
    issue.comment("/adgang add @leverandoer-lars leverandør", SECRETARIAT)
    issue.reconcile()
    [karin, lars] = state(issue).access
    assert (karin.login, karin.role, karin.email, karin.by) == ("kommune-karin", "kommune-ansvarlig",
                                                                 "karin@kommune.dk", SECRETARIAT)
    assert lars.role == "leverandoer"
    assert "| `@kommune-karin` (karin@\u200bkommune.dk) | ansvarlig i kommunen | triage | Users | " \
           "får adgang, når produktet er godkendt |" in issue.body                  # an e-mail never pings
    assert [d.kind for d in state(issue).decisions] == ["access_added", "access_added"]
    issue.comment("/adgang remove @leverandoer-lars", SECRETARIAT)
    issue.reconcile()
    assert [a.login for a in state(issue).access] == ["kommune-karin"]


def test_a_contributor_cannot_give_anyone_access():
    issue = SimulatedIssue()
    issue.reconcile()
    issue.comment("/adgang add @kommune-karin rettighed", CONTRIBUTOR)
    issue.reconcile()
    assert state(issue).access == ()
    assert "Kun OS2-sekretariatet eller koordinatoren kan bruge `/adgang`" in issue.bot_comments[-1]


def test_a_coordinator_may_declare_access():
    issue = SimulatedIssue()
    issue.reconcile()
    issue.comment("/coordinator add @koordinator-kim", SECRETARIAT)
    issue.reconcile()
    issue.comment("/adgang add @leverandoer-lars leverandoer", CONTRIBUTOR)
    issue.reconcile()
    assert state(issue).access == ()                                            # not a coordinator
    issue.comment("/adgang add @leverandoer-lars leverandoer", "koordinator-kim")
    issue.reconcile()
    assert [a.login for a in state(issue).access] == ["leverandoer-lars"]


def test_an_email_cannot_inject_markdown_into_the_table():
    issue = SimulatedIssue()
    issue.reconcile()
    issue.comment("/adgang add @anne anne|x@kommune.dk", SECRETARIAT)
    issue.reconcile()
    assert state(issue).access == () and "Rollerne er" in issue.bot_comments[-1]
