"""The desired issue: which step the product is at, its labels, and when it is done."""

from __future__ import annotations

from dataclasses import replace

from bot.checks.model import CheckResult, Status
from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, State, Tick, record_decision

NOW = "2024-06-01T08:00:00Z"
CLOSING = "Så er produktet flyvende i OS2-regi."


def test_a_new_product_starts_at_step_one(process, settings, repo):
    issue = compute_desired(process, settings, repo, {}, State())
    assert issue.title == "Onboarding af Hello-World i OS2"
    assert issue.labels == {"onboarding", "trin-1"}
    assert issue.state == "open" and issue.state_reason is None
    assert issue.view.current_step == 1
    assert CLOSING not in issue.body
    assert "Dette issue viser, hvor **Hello-World** står i OS2's proces" in issue.body


def test_the_level_label_follows_the_decision(process, settings, repo):
    state = record_decision(State(), Decision("level", 0, "anne", NOW))
    assert "niveau-sandkasse" in compute_desired(process, settings, repo, {}, state).labels
    state = record_decision(state, Decision("level", 3, "anne", NOW))
    issue = compute_desired(process, settings, repo, {}, state)
    assert "niveau-3" in issue.labels and "niveau-sandkasse" not in issue.labels


def test_a_step_is_done_when_its_required_items_are_done(process, settings, repo, all_checks_pass):
    state = record_decision(State(ticks={"match-judged": Tick(True, "anne", NOW)}),
                            Decision("level", 1, "anne", NOW))
    issue = compute_desired(process, settings, repo, all_checks_pass(), state)
    step1, step2 = issue.view.steps[0], issue.view.steps[1]
    assert step1.done and not step1.current
    assert step2.done  # level 1: the contact person is checked by the bot, and it passes
    assert issue.view.current_step == 3
    assert "trin-3" in issue.labels and "trin-1" not in issue.labels
    assert "### ✅ Trin 1: Styr på formalia" in issue.body
    assert "### 👉 Trin 3: Praktiske ting – værktøjerne" in issue.body


def test_recommended_items_do_not_block_a_step(process, settings, repo, all_checks_pass, everything_done):
    results = all_checks_pass(roadmap=CheckResult("roadmap", Status.FAIL, "Der er ingen roadmap."))
    state = replace(everything_done(2), ticks={k: t for k, t in everything_done(2).ticks.items()
                                               if k not in {"meeting-plan", "info-event"}})
    issue = compute_desired(process, settings, repo, results, state)
    assert issue.view.done
    assert not issue.view.item("roadmap").done and not issue.view.item("meeting-plan").done


def test_when_every_step_is_done_the_issue_closes_with_the_closing_line(process, settings, repo,
                                                                       all_checks_pass, everything_done):
    issue = compute_desired(process, settings, repo, all_checks_pass(), everything_done(2), now=NOW)
    assert issue.state == "closed" and issue.state_reason == "completed"
    assert issue.labels == {"onboarding", "onboarded", "niveau-2"}
    assert f"**{CLOSING}**" in issue.body
    assert issue.onboarding_state.meta.onboarded_at == NOW
    assert "Alle trin er gennemført" in issue.body


def test_a_later_regression_reopens_the_issue(process, settings, repo, all_checks_pass, everything_done):
    done = compute_desired(process, settings, repo, all_checks_pass(), everything_done(2), now=NOW)
    licence_gone = all_checks_pass(licence=CheckResult("licence", Status.FAIL, "LICENSE-filen er slettet.",
                                                       "Læg LICENSE tilbage.", path="LICENSE"))
    issue = compute_desired(process, settings, repo, licence_gone, done.onboarding_state, now="2024-07-01T00:00:00Z")
    assert issue.state == "open" and issue.state_reason == "reopened"
    assert issue.labels == {"onboarding", "trin-1", "niveau-2"}
    assert CLOSING not in issue.body
    assert "ikke længere opfyldt" in issue.body
    assert ("❌ LICENSE-filen er slettet. Læg LICENSE tilbage. "
            "([LICENSE](https://github.com/Octocoders/Hello-World/blob/master/LICENSE))") in issue.body
    assert issue.onboarding_state.meta.onboarded_at == NOW  # the first completion stays on record
    fixed = compute_desired(process, settings, repo, all_checks_pass(), issue.onboarding_state)
    assert fixed.state == "closed" and fixed.state_reason == "completed"


def test_the_board_sending_a_concept_back_keeps_the_item_open_and_the_trail(process, settings, repo,
                                                                          all_checks_pass, everything_done):
    state = record_decision(everything_done(2), Decision("board_approval", "rework", "formand", NOW,
                                                         "https://github.com/OS2offdig/os2x/issues/1#issuecomment-9"))
    issue = compute_desired(process, settings, repo, all_checks_pass(), state)
    assert not issue.view.item("board-approved").done
    assert issue.state == "open"
    assert len(issue.onboarding_state.decisions) == 3  # nothing lost
    assert "Bestyrelsen: produktet er godkendt – `@formand`" in issue.body
    assert ("1\\. jun. 2024 kl. 10.00: Bestyrelsen: konceptet er sendt tilbage til gentænkning (tilbageløb) – "
            "`@formand` ([kommentar](https://github.com/OS2offdig/os2x/issues/1#issuecomment-9))") in issue.body


def test_a_missing_check_result_is_pending_and_a_warning_is_shown(process, settings, repo):
    results = {"licence": CheckResult("licence", Status.WARN, "Licensen er Apache-2.0; OS2 anbefaler MPL-2.0.")}
    state = record_decision(State(), Decision("level", 1, "anne", NOW))
    issue = compute_desired(process, settings, repo, results, state)
    assert issue.view.item("licence").done
    assert "⚠️ Licensen er Apache-2.0; OS2 anbefaler MPL-2.0." in issue.body
    contact = issue.view.item("contact-person")
    assert contact.status == "pending" and not contact.done


def test_the_jira_item_is_ticked_by_the_secretariat_while_no_check_answers_it(process, settings, repo):
    state = record_decision(State(), Decision("level", 1, "anne", NOW))
    jira = compute_desired(process, settings, repo, {}, state).view.item("jira-project")
    assert jira.kind == "manual" and jira.status == "open" and jira.roles == ("secretariat",)
    answered = {"jira_project": CheckResult("jira_project", Status.PASS, "Jira-projektet OS2X findes.")}
    jira = compute_desired(process, settings, repo, answered, state).view.item("jira-project")
    assert jira.kind == "check" and jira.done


def test_a_not_configured_check_is_not_done(process, settings, repo):
    results = {"supplier_agreement": CheckResult("supplier_agreement", Status.NOT_CONFIGURED,
                                                 "Listen over leverandører er ikke sat op.")}
    state = record_decision(State(), Decision("level", 1, "anne", NOW))
    assert not compute_desired(process, settings, repo, results, state).view.item("supplier-agreement").done


def test_the_same_inputs_give_the_same_issue(process, settings, repo, all_checks_pass, everything_done):
    first = compute_desired(process, settings, repo, all_checks_pass(), State())
    again = compute_desired(process, settings, repo, all_checks_pass(), first.onboarding_state)
    third = compute_desired(process, settings, repo, all_checks_pass(), again.onboarding_state)
    assert first.body == again.body == third.body  # a re-read issue needs no write


def test_english_when_the_organisation_says_so(process, repo, everything_done, all_checks_pass):
    from bot.onboarding.config import load_org_defaults, org_settings
    english = org_settings(load_org_defaults(), {"language": "en"})
    issue = compute_desired(process, english, repo, all_checks_pass(), everything_done(1))
    assert issue.title == "Onboarding of Hello-World into OS2"
    assert "### ✅ Step 1: Formalities" in issue.body
    assert "The product is now flying under OS2." in issue.body
    assert "Trin" not in issue.body
