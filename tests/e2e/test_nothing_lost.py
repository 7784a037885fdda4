"""Nothing lost: a failure between the decision and the answer, a busy issue, a slip in the
organisation's settings, and spam, each against the real server and the GitHub stand-in."""

from __future__ import annotations

import pytest

from bot.sandbox.world import CONTRIBUTOR, PRODUCT, SECRETARIAT

REPO = f"OS2offdig/{PRODUCT}"


@pytest.fixture
def onboarded(bot):
    bot.transfer(REPO)
    bot.settle()
    return bot


def decisions(bot):
    return [(d.kind, d.value, d.by) for d in bot.state_of(REPO).decisions]


@pytest.mark.parametrize("fails", ["/reactions", r"/issues/\d+/comments$"])
def test_a_failure_after_the_decision_still_gives_the_answer_exactly_once(onboarded, world, fails):
    bot = onboarded
    world.state.fail_next(n=1, status=502, match=fails)      # the reaction or the reply fails once
    command = bot.person_comments(REPO, "/level 2\n/level tre", SECRETARIAT)
    bot.settle()
    assert decisions(bot) == [("level", 2, SECRETARIAT)]
    assert bot.reactions(REPO, command.id) == ["eyes", "confused"]
    replies = [r for r in bot.replies(REPO) if f"os2bot:reply {command.id}" in r]
    assert len(replies) == 1 and "Sådan bruges kommandoen" in replies[0]


def test_a_lost_answer_to_the_reply_does_not_give_it_twice(onboarded, world):
    bot = onboarded
    world.state.lose_answer_next(n=1, status=502, match=r"/issues/\d+/comments$")   # posted, answer lost
    command = bot.person_comments(REPO, "/level tre", SECRETARIAT)
    bot.settle()
    assert len([r for r in bot.replies(REPO) if f"os2bot:reply {command.id}" in r]) == 1


def test_a_command_behind_a_hundred_newer_comments_is_still_run(onboarded, world):
    bot = onboarded
    number = bot.the_issue(REPO).number
    world.state.add_comment(REPO, number, "/level 2", user=SECRETARIAT)
    for i in range(130):
        world.state.add_comment(REPO, number, f"Snak {i}", user=CONTRIBUTOR)
    bot.deliver("issues", world.issue_payload(REPO, number, CONTRIBUTOR))   # the command's own delivery was lost
    bot.settle()
    assert decisions(bot) == [("level", 2, SECRETARIAT)]


def test_many_commands_do_not_grow_the_issue_body(onboarded, world):
    bot = onboarded
    world.state.add_collaborator(REPO, CONTRIBUTOR, "write")
    bot.person_comments(REPO, "/recheck", CONTRIBUTOR)
    bot.settle()
    size = len(bot.the_issue(REPO).body)
    for _ in range(60):
        bot.person_comments(REPO, "/recheck", CONTRIBUTOR, deliver=False)
    bot.transfer(REPO)
    bot.settle()
    assert abs(len(bot.the_issue(REPO).body) - size) < 50


def test_a_plain_supplier_name_in_the_settings_is_understood(bot, world):
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml", 'suppliers: ["Eksempel Leverandør A/S"]\n')
    bot.transfer(REPO)
    bot.settle()
    assert bot.dead_letters() == []
    assert [i for i in world.state.issues("OS2offdig/.github") if "ugyldig" in i.title] == []


def test_an_alias_bomb_in_the_settings_is_refused_and_reported_and_onboarding_goes_on(bot, world):
    bomb = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml", bomb)
    bot.transfer(REPO)
    bot.settle()
    assert bot.dead_letters() == [] and bot.the_issue(REPO)
    [report] = [i for i in world.state.issues("OS2offdig/.github") if "ugyldig" in i.title]
    assert "YAML aliases" in report.body


def test_a_team_that_does_not_exist_is_reported_and_the_settings_are_read_once_per_change(bot, world):
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml", "secretariat_team: os2-sekretariat\n")
    bot.transfer(REPO)
    bot.settle()
    [report] = [i for i in world.state.issues("OS2offdig/.github") if "ugyldig" in i.title]
    assert "the team 'os2-sekretariat' does not exist in OS2offdig" in report.body
    asked = world.state.count(method="GET", path=r"/orgs/OS2offdig/teams/[^/]+$")
    for _ in range(3):
        bot.transfer(REPO)
    bot.settle()
    assert world.state.count(method="GET", path=r"/orgs/OS2offdig/teams/[^/]+$") == asked


@pytest.mark.parametrize("hostile", ["/a b" + " " * 65_531 + "x", "<!--" * 16_384, "`" * 65_536,
                                     "<details>" * 7_000])
def test_a_64_kb_hostile_comment_does_not_stall_another_repositorys_delivery(onboarded, world, hostile):
    import time

    bot = onboarded
    other = world.add_product("anden")
    bot.person_comments(REPO, hostile[:65_536], CONTRIBUTOR)
    started = time.perf_counter()
    answer = bot.transfer(other)
    acknowledged = time.perf_counter() - started
    bot.settle()
    assert answer.status_code == 202 and acknowledged < 1.0
    assert bot.the_issue(other) and bot.dead_letters() == []


def test_5000_spam_commands_keep_the_body_under_githubs_limit_and_the_secretariat_still_decides(onboarded, world):
    bot = onboarded
    number = bot.the_issue(REPO).number
    for _ in range(5_000):                                   # deliveries lost or not: the bot reads back
        world.state.add_comment(REPO, number, "/approve", user=CONTRIBUTOR)
    bot.person_comments(REPO, "/level 2", SECRETARIAT)
    bot.settle(timeout=120)
    issue = bot.the_issue(REPO)
    assert len(issue.body) < 65_536
    assert decisions(bot) == [("level", 2, SECRETARIAT)]
    unread = [r for r in bot.replies(REPO) if "ikke har kunnet læse dem alle" in r]
    assert len(unread) == 1                                  # past the bound, said once in the issue
    refusals = [r for r in bot.replies(REPO) if "kan bruge `/approve`" in r]
    assert 1 <= len(refusals) <= 10                          # one person's spam is not amplified
    bot.person_comments(REPO, "/approve-match", SECRETARIAT)
    bot.settle()
    assert decisions(bot)[-1] == ("match_approval", "approved", SECRETARIAT)
    assert len([r for r in bot.replies(REPO) if "ikke har kunnet læse dem alle" in r]) == 1
