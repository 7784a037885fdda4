"""Slash commands on the onboarding issue, end to end: real issue_comment payloads over HTTP."""

from __future__ import annotations

import pytest

from bot.onboarding.ticks import read_ticks
from bot.sandbox.world import BOARD_MEMBER, CONTRIBUTOR, PRODUCT, SECRETARIAT
from tests.e2e.harness import tick

REPO = f"OS2offdig/{PRODUCT}"          # the example product: its report meets level 1
LEVEL2 = "OS2offdig/os2niveau2"         # a product whose report meets level 2
COORDINATOR = "koordinator-kim"


@pytest.fixture
def onboarded(bot):
    bot.transfer(REPO)
    bot.settle()
    return bot


@pytest.fixture
def level2(bot, world):
    world.add_product("os2niveau2", level=2)
    bot.transfer(LEVEL2)
    bot.settle()
    return bot


def decisions(bot, kind=None, repo=REPO):
    return [d for d in bot.state_of(repo).decisions if kind is None or d.kind == kind]


def secretariat_ticks_everything_manual_in_steps_1_and_2(bot, repo=LEVEL2):
    issue = bot.the_issue(repo)
    body = issue.body
    for key in ("match-judged", "coordination-group", "steering-group", "meeting-plan", "specialist-groups"):
        if f"<!-- item:{key} -->" in body and not read_ticks(body)[key]:
            body = tick(body, key)
    bot.person_edits(repo, issue.number, body, SECRETARIAT)
    bot.settle()


@pytest.mark.parametrize("command, allowed, denied, kind", [
    ("/level 2", SECRETARIAT, CONTRIBUTOR, "level"),
    ("/approve-match", SECRETARIAT, BOARD_MEMBER, "match_approval"),
    ("/coordinator add @koordinator-kim", SECRETARIAT, CONTRIBUTOR, "coordinator_added"),
])
def test_a_decision_command_is_run_for_its_role_and_denied_to_others(onboarded, command, allowed, denied, kind):
    bot = onboarded
    refused = bot.person_comments(REPO, command, denied)
    bot.settle()
    assert decisions(bot, kind) == []
    assert bot.reactions(REPO, refused.id) == ["eyes", "confused"]
    reply = bot.replies(REPO)[-1]
    assert reply.startswith("> \\/")                       # the command quoted, so it cannot trigger anything
    assert "Kun OS2-sekretariatet kan bruge" in reply
    taken = bot.person_comments(REPO, command, allowed)
    bot.settle()
    [decision] = decisions(bot, kind)
    assert decision.by == allowed and decision.comment_url and str(taken.id) in decision.comment_url
    assert bot.reactions(REPO, taken.id) == ["eyes", "+1"]


def test_the_secretariat_places_the_product_on_level_2_and_the_checklist_follows(onboarded):
    bot = onboarded
    assert "coordination-group" not in read_ticks(bot.the_issue(REPO).body)   # a level-2 item
    bot.person_comments(REPO, "/niveau 2", SECRETARIAT)                       # the Danish alias
    bot.settle()
    issue = bot.the_issue(REPO)
    assert "coordination-group" in read_ticks(issue.body) and "niveau-2" in issue.labels
    assert bot.state_of(REPO).level == 2
    assert "Produktet placeret på niveau 2" in issue.body and SECRETARIAT in issue.body   # the audit trail


def test_request_board_review_is_refused_with_what_is_missing_then_accepted(level2):
    bot = level2
    bot.person_comments(LEVEL2, "/level 2", SECRETARIAT)
    bot.person_comments(LEVEL2, "/coordinator add @koordinator-kim", SECRETARIAT)
    bot.settle()
    bot.person_comments(LEVEL2, "/request-board-review", COORDINATOR)
    bot.settle()
    refusal = bot.replies(LEVEL2)[-1]
    assert "kan ikke sendes til bestyrelsen endnu" in refusal
    assert "Match vurderet" in refusal and "Koordinationsgruppe" in refusal
    assert decisions(bot, "board_review", LEVEL2) == []
    secretariat_ticks_everything_manual_in_steps_1_and_2(bot, LEVEL2)
    bot.person_comments(LEVEL2, "/request-board-review", COORDINATOR)
    bot.settle()
    assert decisions(bot, "board_review", LEVEL2), bot.replies(LEVEL2)[-1]
    assert decisions(bot, "board_review", LEVEL2)[0].by == COORDINATOR
    assert "bestyrelsen" in bot.the_issue(LEVEL2).labels
    assert "@OS2offdig/os2-bestyrelsen" in bot.replies(LEVEL2)[-1]          # the board is told


def test_request_board_review_is_only_for_level_2_and_3(level2):
    bot = level2  # its report meets level 2, but the secretariat places it on level 1
    bot.person_comments(LEVEL2, "/level 1", SECRETARIAT)
    bot.person_comments(LEVEL2, "/request-board-review", SECRETARIAT)
    bot.settle()
    assert "vurderer kun produkter på niveau 2 og 3" in bot.replies(LEVEL2)[-1]


def ready_for_the_board(bot):
    bot.person_comments(LEVEL2, "/level 2", SECRETARIAT)
    bot.settle()
    secretariat_ticks_everything_manual_in_steps_1_and_2(bot, LEVEL2)
    bot.person_comments(LEVEL2, "/request-board-review", SECRETARIAT)
    bot.settle()


def test_approve_by_someone_not_on_the_board_is_denied(level2):
    bot = level2
    ready_for_the_board(bot)
    bot.person_comments(LEVEL2, "/approve", SECRETARIAT)
    bot.settle()
    assert "Kun bestyrelsen kan bruge `/approve`" in bot.replies(LEVEL2)[-1]
    assert decisions(bot, "board_approval", LEVEL2) == []
    bot.person_comments(LEVEL2, "/godkend", BOARD_MEMBER)
    bot.settle()
    assert [d.value for d in decisions(bot, "board_approval", LEVEL2)] == ["approved"]
    issue = bot.the_issue(LEVEL2)
    assert read_ticks(issue.body)["board-approved"] and "bestyrelsen" not in issue.labels


def test_the_board_returns_the_concept_and_it_is_reviewed_again(level2):
    bot = level2
    ready_for_the_board(bot)
    bot.person_comments(LEVEL2, "/return Mangler strategisk fit med OS2's vision", BOARD_MEMBER)
    bot.settle()
    issue = bot.the_issue(LEVEL2)
    assert "tilbageloeb" in issue.labels and not read_ticks(issue.body)["board-approved"]
    assert "Begrundelse: Mangler strategisk fit med OS2's vision" in issue.body
    bot.person_comments(LEVEL2, "/request-board-review", SECRETARIAT)
    bot.person_comments(LEVEL2, "/approve", BOARD_MEMBER)
    bot.settle()
    assert [d.value for d in decisions(bot, "board_approval", LEVEL2)] == ["rework", "approved"]
    assert "tilbageloeb" not in bot.the_issue(LEVEL2).labels


def test_quoted_and_code_commands_are_not_run(onboarded):
    bot = onboarded
    comment = bot.person_comments(REPO, "> /level 3\n\n```\n/level 3\n```\nSkriv `/level 3` for at ...\n"
                                        "<!-- /level 3 -->", SECRETARIAT)
    bot.settle()
    assert decisions(bot, "level") == [] and bot.reactions(REPO, comment.id) == []


def test_several_commands_in_one_comment_run_in_order(onboarded):
    bot = onboarded
    bot.person_comments(REPO, "Velkommen!\n/level 2\n/approve-match", SECRETARIAT)
    bot.settle()
    assert [d.kind for d in decisions(bot)] == ["level", "match_approval"]


def test_the_same_delivery_twice_runs_the_command_once(onboarded):
    bot = onboarded
    number = bot.the_issue(REPO).number
    comment = bot.world.state.add_comment(REPO, number, "/coordinator add @koordinator-kim", user=SECRETARIAT)
    payload = bot.world.comment_payload(REPO, number, comment.id, SECRETARIAT)
    bot.deliver("issue_comment", payload, delivery_id="comment-1")
    bot.deliver("issue_comment", payload, delivery_id="comment-1")
    bot.settle()
    bot.deliver("issue_comment", payload)          # a redelivery with a new id, after a restart say
    bot.restart()
    bot.deliver("issue_comment", payload)
    bot.settle()
    assert len(decisions(bot, "coordinator_added")) == 1
    assert len(bot.replies(REPO)) == 1


def test_a_command_whose_delivery_was_lost_is_run_by_the_next_reconcile(onboarded):
    bot = onboarded
    bot.person_comments(REPO, "/level 3", SECRETARIAT, deliver=False)   # GitHub never delivered it
    bot.transfer(REPO)                                                  # any later event, or the sweep
    bot.settle()
    assert [d.value for d in decisions(bot, "level")] == [3]


def test_an_edited_comment_does_nothing(onboarded):
    bot = onboarded
    comment = bot.person_comments(REPO, "/level 2", SECRETARIAT, deliver=False)
    bot.world.state.edit_comment_body(REPO, comment.id, "/level 3", SECRETARIAT)   # edited before the bot saw it
    bot.transfer(REPO)
    bot.settle()
    assert decisions(bot, "level") == []


def test_a_misspelt_command_gets_a_suggestion_and_other_bots_commands_are_left_alone(onboarded):
    bot = onboarded
    other = bot.person_comments(REPO, "/lgtm\n/assign @someone", CONTRIBUTOR)
    bot.settle()
    assert bot.reactions(REPO, other.id) == [] and bot.replies(REPO) == []
    bot.person_comments(REPO, "/aprove", BOARD_MEMBER)
    bot.settle()
    assert "Mente du `/approve`?" in bot.replies(REPO)[-1]
    bot.person_comments(REPO, "/godkent", BOARD_MEMBER)     # a typo of the Danish name: the Danish name
    bot.settle()
    assert "Mente du `/godkend`?" in bot.replies(REPO)[-1]


def test_help_lists_every_command_with_who_may_use_it(onboarded):
    bot = onboarded
    bot.person_comments(REPO, "/help", CONTRIBUTOR)
    bot.settle()
    reply = bot.replies(REPO)[-1]
    for usage in ("/niveau sandkasse|1|2|3", "/bestyrelse", "/godkend", "/tilbageløb <begrundelse>",
                  "/koordinator tilføj|fjern @bruger", "/tjek", "/opret-jira [NØGLE]",
                  "/adgang tilføj|fjern @bruger [rolle] [e-mail]"):
        assert "`" + usage.replace("|", "\\|") + "`" in reply   # pipes escaped: the table stays a table
    for english in ("/level", "/request-board-review", "/approve", "/return", "/coordinator", "/create-jira"):
        assert f"`{english}`" in reply                             # the other names work too, and are listed
    assert "redigerede kommentarer udføres ikke" in reply and "| bestyrelsen |" in reply


def test_recheck_by_someone_with_write_access(onboarded):
    bot = onboarded
    bot.world.state.add_collaborator(REPO, CONTRIBUTOR, "write")
    comment = bot.person_comments(REPO, "/recheck", CONTRIBUTOR)
    bot.settle()
    assert bot.reactions(REPO, comment.id) == ["eyes", "+1"]


def test_create_jira_says_plainly_that_jira_is_not_set_up(onboarded):
    bot = onboarded
    bot.person_comments(REPO, "/create-jira", SECRETARIAT)
    bot.settle()
    assert "ingen forbindelse til Jira endnu" in bot.replies(REPO)[-1]


def test_the_bots_own_replies_never_count_as_commands(onboarded):
    bot = onboarded
    bot.person_comments(REPO, "/level 2", CONTRIBUTOR)      # denied: the reply quotes "/level 2"
    bot.settle()
    bot.transfer(REPO)
    bot.settle()
    assert len(bot.replies(REPO)) == 1 and decisions(bot, "level") == []
