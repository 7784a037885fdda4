"""The portfolio's record of an onboarding: built from the desired issue, as the issue shows it."""

from __future__ import annotations

from bot.checks.model import CheckResult, Status
from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, State, Tick, record_decision
from bot.portfolio.record import build_record

NOW = "2024-06-01T08:00:00Z"


def record(process, settings, repo, results, state, **kw):
    desired = compute_desired(process, settings, repo, results, state, now=NOW)
    args = dict(issue_number=7, achieved_level=1, target_level=2, jira=None, last_activity=None, recorded_at=NOW)
    return build_record(desired, **{**args, **kw})


def test_a_new_product_waits_at_step_one_for_the_secretariat_and_the_contributor(process, settings, repo):
    r = record(process, settings, repo, {"licence": CheckResult("licence", Status.FAIL, "Ingen licens")}, State())
    assert r["repository"] == repo.full_name and r["issue"]["url"] == f"{repo.html_url}/issues/7"
    assert r["step"] == {"current": 1, "total": 5, "done": 0}
    assert r["level"] == {"placed": None, "target": 2, "achieved": 1}
    assert "secretariat" in r["waiting_for"] and "contributor" in r["waiting_for"]
    assert "board" not in r["waiting_for"] and not r["onboarded"]
    assert {b["key"] for b in r["blocking"]} >= {"match-judged", "level-placed"}
    assert all(b["step"] == 1 for b in r["blocking"])
    assert r["board"] == {"status": None, "requested_at": None, "approved_at": None, "returned_at": None}
    assert r["last_activity"] == NOW


def test_the_boards_round_trip_keeps_its_dates(process, settings, repo):
    state = record_decision(State(ticks={"match-judged": Tick(True, "anne", NOW)}), Decision("level", 2, "anne", NOW))
    state = record_decision(state, Decision("board_review", "requested", "anne", "2024-06-02T08:00:00Z"))
    waiting = record(process, settings, repo, {}, state)
    assert waiting["board"]["status"] == "requested" and "board" in waiting["waiting_for"]
    state = record_decision(state, Decision("board_approval", "rework", "bo", "2024-06-03T08:00:00Z"))
    returned = record(process, settings, repo, {}, state)["board"]
    assert returned == {"status": "returned", "requested_at": "2024-06-02T08:00:00Z", "approved_at": None,
                        "returned_at": "2024-06-03T08:00:00Z"}
    state = record_decision(state, Decision("board_review", "requested", "anne", "2024-06-04T08:00:00Z"))
    state = record_decision(state, Decision("board_approval", "approved", "bo", "2024-06-05T08:00:00Z"))
    approved = record(process, settings, repo, {}, state)["board"]
    assert approved["status"] == "approved" and approved["requested_at"] == "2024-06-04T08:00:00Z"
    assert approved["returned_at"] == "2024-06-03T08:00:00Z"      # the tilbageløb stays on the record


def test_an_onboarded_product_waits_for_no_one(process, settings, repo, all_checks_pass, everything_done):
    r = record(process, settings, repo, all_checks_pass(), everything_done(2),
               jira={"ok": True, "key": "HELLO", "url": "https://jira.example/browse/HELLO"})
    assert r["onboarded"] and r["step"]["current"] is None and r["step"]["done"] == 5
    assert r["waiting_for"] == [] and r["blocking"] == []
    assert r["progress"]["done"] == r["progress"]["total"] > 0
    assert r["jira"] == {"key": "HELLO", "url": "https://jira.example/browse/HELLO"}


def test_a_failed_jira_project_is_not_shown_as_a_link(process, settings, repo):
    r = record(process, settings, repo, {}, State(), jira={"ok": False, "key": "HELLO", "problem": "403"})
    assert r["jira"] is None


def test_nothing_private_goes_into_the_record(process, settings, repo):
    from dataclasses import replace

    from bot.onboarding.model import Access
    state = replace(State(), access=(Access("karin", "kontaktperson", email="karin@kommune.dk"),))
    r = record(process, settings, repo, {}, state)
    assert "karin@kommune.dk" not in repr(r) and "karin" not in repr(r)
