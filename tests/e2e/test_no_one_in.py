"""No one in: an attacker with write access to one product's repository (who can edit the
issue body and any comment) cannot forge, replay or misattribute a decision or a tick.
Each test runs the real server against the GitHub stand-in, which keeps the body's edit
history with its editors as GitHub does (userContentEdits)."""

from __future__ import annotations

import re

import pytest

from bot.onboarding.state_block import MARKER
from bot.onboarding.ticks import read_ticks
from bot.sandbox.world import BOARD_MEMBER, CONTRIBUTOR, PRODUCT, SECRETARIAT
from tests.e2e.harness import tick

REPO = f"OS2offdig/{PRODUCT}"          # its governance report meets level 1
OTHER = "OS2offdig/os2niveau2"
BLOCK = re.compile(r"<!-- os2bot:state v\d+ \S+ \S+ -->")


@pytest.fixture
def onboarded(bot, world):
    world.state.add_collaborator(REPO, CONTRIBUTOR, "write")   # the attacker: write access, no role
    bot.transfer(REPO)
    bot.settle()
    return bot


def decisions(bot, repo=REPO):
    return [(d.kind, d.value, d.by) for d in bot.state_of(repo).decisions]


def test_a_block_pasted_from_another_products_issue_gives_nothing(onboarded, world):
    bot = onboarded
    world.add_product("os2niveau2", level=2)
    bot.transfer(OTHER)
    bot.settle()
    bot.person_comments(OTHER, "/level 3", SECRETARIAT)
    bot.person_comments(OTHER, "/approve-match", SECRETARIAT)
    bot.settle()
    foreign = BLOCK.search(bot.the_issue(OTHER).body).group(0)

    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, BLOCK.sub(foreign, issue.body), CONTRIBUTOR)
    bot.settle()
    assert decisions(bot) == [] and bot.state_of(REPO).level is None
    assert BLOCK.search(bot.the_issue(REPO).body).group(0) != foreign
    assert "tilstandsblok i beskrivelsen var ændret" in bot.replies(REPO)[-1]


def test_an_older_block_restored_gives_nothing_and_is_set_back(onboarded):
    bot = onboarded
    old = BLOCK.search(bot.the_issue(REPO).body).group(0)
    bot.person_comments(REPO, "/level 2", SECRETARIAT)
    bot.settle()
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, BLOCK.sub(old, issue.body), CONTRIBUTOR)
    bot.settle()
    assert decisions(bot) == [("level", 2, SECRETARIAT)]
    assert old not in bot.the_issue(REPO).body


def test_the_block_deleted_with_a_fresh_database_keeps_every_decision(onboarded, tmp_path):
    bot = onboarded
    bot.person_comments(REPO, "/level 2", SECRETARIAT)
    bot.person_comments(REPO, "/approve-match", SECRETARIAT)
    bot.settle()
    bot.restart(database=tmp_path / "new-host.db")           # a new host: the journal has no copy
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, BLOCK.sub("", issue.body), CONTRIBUTOR)
    bot.settle()
    assert decisions(bot) == [("level", 2, SECRETARIAT), ("match_approval", "approved", SECRETARIAT)]


def test_a_contributors_tick_is_not_credited_to_the_secretariat_member_who_edited_after(onboarded, world):
    bot = onboarded
    number = bot.the_issue(REPO).number
    world.state.edit_issue_body(REPO, number, tick(bot.the_issue(REPO).body, "match-judged"), CONTRIBUTOR)
    world.state.edit_issue_body(REPO, number, bot.the_issue(REPO).body + "\nTak!", SECRETARIAT)
    bot.deliver("issues", world.issue_payload(REPO, number, SECRETARIAT))   # one delivery for both edits
    bot.settle()
    assert "match-judged" not in bot.state_of(REPO).ticks
    assert not read_ticks(bot.the_issue(REPO).body)["match-judged"]
    assert "Kun OS2-sekretariatet kan sætte flueben ved »Match vurderet«" in bot.replies(REPO)[-1]


def test_a_secretariat_tick_is_kept_when_a_contributor_edited_after(onboarded, world):
    bot = onboarded
    number = bot.the_issue(REPO).number
    world.state.edit_issue_body(REPO, number, tick(bot.the_issue(REPO).body, "match-judged"), SECRETARIAT)
    world.state.edit_issue_body(REPO, number, bot.the_issue(REPO).body + "\nHej", CONTRIBUTOR)
    bot.deliver("issues", world.issue_payload(REPO, number, CONTRIBUTOR))
    bot.settle()
    recorded = bot.state_of(REPO).ticks["match-judged"]
    assert recorded.by == SECRETARIAT and read_ticks(bot.the_issue(REPO).body)["match-judged"]


def test_a_deleted_revision_makes_the_edits_around_it_the_least_privileged_persons(onboarded, world):
    bot = onboarded
    number = bot.the_issue(REPO).number
    world.state.edit_issue_body(REPO, number, tick(bot.the_issue(REPO).body, "match-judged"), CONTRIBUTOR)
    world.state.edit_issue_body(REPO, number, bot.the_issue(REPO).body + "\nTak!", SECRETARIAT)
    issue = world.state.issue(REPO, number)
    world.state.delete_edit(issue, -2, CONTRIBUTOR)          # the contributor hides their own revision
    bot.deliver("issues", world.issue_payload(REPO, number, SECRETARIAT))
    bot.settle()
    assert "match-judged" not in bot.state_of(REPO).ticks


def test_the_marker_removed_is_restored_and_no_second_issue_appears(onboarded, world, tmp_path):
    bot = onboarded
    issue = bot.the_issue(REPO)
    world.state.edit_issue_body(REPO, issue.number, issue.body.replace(MARKER, ""), CONTRIBUTOR)
    bot.restart(database=tmp_path / "new-host.db")
    bot.transfer(REPO)                                        # a later transfer event
    bot.deliver("issues", world.issue_payload(REPO, issue.number, CONTRIBUTOR))
    bot.settle()
    mine = [i for i in world.state.issues(REPO) if i.user == world.state.app.bot_login]
    assert [i.number for i in mine] == [issue.number] and MARKER in mine[0].body


def test_a_user_named_like_the_app_is_a_person(onboarded, world):
    bot = onboarded
    impostor = world.state.app.slug                           # "os2bot": a free login for a person
    world.state.add_user(impostor, "User")
    command = bot.person_comments(REPO, "/level 2", SECRETARIAT, deliver=False)
    world.state.add_reaction(command, "eyes", impostor)       # would once have marked it answered
    bot.person_comments(REPO, "/approve-match", impostor)     # and its comment was skipped as the bot's
    bot.settle()
    assert decisions(bot) == [("level", 2, SECRETARIAT)]
    assert "Kun OS2-sekretariatet kan bruge `/approve-match`" in bot.replies(REPO)[-1]


def test_level_2_and_a_board_review_in_one_comment_judge_the_review_against_level_2(onboarded):
    bot = onboarded                                            # the report meets level 1 only
    bot.person_comments(REPO, "/approve-match\n/level 2\n/request-board-review", SECRETARIAT)
    bot.settle()
    assert [kind for kind, _, _ in decisions(bot)] == ["match_approval", "level"]
    assert "Governancekrav for niveauet" in bot.replies(REPO)[-1]      # missing at level 2


def test_a_removed_team_member_loses_the_role_at_once(onboarded, world):
    bot = onboarded
    bot.person_comments(REPO, "/level 1", SECRETARIAT)
    bot.settle()
    world.state.remove_team_member("OS2offdig", "os2-sekretariatet", SECRETARIAT)
    bot.person_comments(REPO, "/level 2", SECRETARIAT)
    bot.settle()
    assert decisions(bot) == [("level", 1, SECRETARIAT)]


def test_a_board_members_approval_needs_the_board_role_not_a_look_alike_login(onboarded, world):
    bot = onboarded
    world.state.add_user(BOARD_MEMBER.upper() + "-x")
    bot.person_comments(REPO, "/approve", BOARD_MEMBER.upper() + "-x")
    bot.settle()
    assert decisions(bot) == []


@pytest.mark.parametrize("comment", [
    "<details>\n<summary>Noter</summary>\n\n/level 2\n\n</details>",
    "<pre>\n/level 2\n</pre>",
    "> /level 2",
    "```\n/level 2\n```",
])
def test_a_command_hidden_in_html_quotes_or_code_is_not_run(onboarded, comment):
    bot = onboarded
    bot.person_comments(REPO, comment, SECRETARIAT)
    bot.settle()
    assert decisions(bot) == []


def test_a_github_without_the_edit_history_credits_no_one_and_says_so(onboarded, world, monkeypatch):
    from bot.sandbox import gql

    def no_history(self, info, **page):
        raise RuntimeError("Field 'userContentEdits' doesn't exist on type 'Issue'")

    bot = onboarded
    number = bot.the_issue(REPO).number
    monkeypatch.setattr(gql.IssueObj, "userContentEdits", no_history)      # an old GitHub Enterprise Server
    bot.person_edits(REPO, number, tick(bot.the_issue(REPO).body, "match-judged"), SECRETARIAT)
    bot.settle()
    assert bot.dead_letters() == []
    assert "match-judged" not in bot.state_of(REPO).ticks
    assert any("Redigeringshistorikken for beskrivelsen kunne ikke læses" in r for r in bot.replies(REPO))
