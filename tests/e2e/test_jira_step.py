"""Step 3 in Jira, end to end: the real server, the GitHub and Jira stand-ins over HTTP, the
real `jira` library. The project and the grants exist exactly once, and only after approval."""

from __future__ import annotations

import pytest

from bot.onboarding.ticks import read_ticks
from bot.sandbox.harness import Bot
from bot.sandbox.jira import JiraStandin
from bot.sandbox.jira_state import JiraState
from bot.sandbox.world import PRODUCT, SECRETARIAT

REPO = f"OS2offdig/{PRODUCT}"          # its report meets level 1


def key_for(server, taken=()):
    """os2eksempel under Jira's rules: OS2EKSEMPE on Cloud, letters only (OSEKSEMPEL) on Data Center."""
    from bot.jira import project_key
    return project_key(PRODUCT, taken, digits=server.state.cloud)


@pytest.fixture(params=["cloud", "datacenter"])
def jira(request):
    state = JiraState(request.param)
    bot_user = state.add_user("OS2 bot", "os2bot@os2.eu", admin=True)
    state.add_user("Karin Kommune", "karin@kommune.dk")
    state.add_group("os2-sekretariatet")
    server = JiraStandin(state)
    server.start()
    yield server, bot_user
    server.stop()


@pytest.fixture
def bot(world, github, jira, tmp_path):
    server, bot_user = jira
    state = server.state
    env = {"JIRA_URL": server.url, "JIRA_TOKEN": state.issue_token(bot_user), "JIRA_FLAVOUR": state.flavour}
    if state.cloud:
        env["JIRA_USER"] = bot_user.email
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml",
                         "jira:\n  groups: {Administrators: [os2-sekretariatet]}\n")
    running = Bot(world=world, github_url=github.url, database=tmp_path / "bot.db", env=env).start()
    yield running
    running.stop()


def approve_level_1(bot):
    bot.person_comments(REPO, "/adgang add @kommune-karin kommune-ansvarlig karin@kommune.dk", SECRETARIAT)
    bot.settle()
    bot.person_comments(REPO, "/level 1\n/approve-match", SECRETARIAT)
    bot.settle()


def test_nothing_is_created_before_approval_then_one_project_with_its_grants(bot, jira):
    server, _ = jira
    bot.transfer(REPO)
    bot.settle()
    bot.person_comments(REPO, "/adgang add @kommune-karin kommune-ansvarlig karin@kommune.dk", SECRETARIAT)
    bot.settle()
    assert server.state.projects == {}                                   # not approved yet
    KEY = key_for(server)
    bot.person_comments(REPO, "/level 1\n/approve-match", SECRETARIAT)
    bot.settle()
    assert list(server.state.projects) == [KEY]
    users = {i for kind, i in server.state.role_actors(KEY, "Users") if kind == "user"}
    assert len(users) == 1
    assert ("group", "os2-sekretariatet") in server.state.role_actors(KEY, "Administrators")
    body = bot.the_issue(REPO).body
    assert read_ticks(body)["jira-project"] and f"Projektet {KEY} er oprettet i Jira" in body
    assert f"[{KEY}]({server.url}/browse/{KEY})" in body                   # the line links to the project
    before = server.state.count()
    bot.transfer(REPO)                                                    # nothing to do: Jira is not asked
    bot.settle()
    assert server.state.count() == before


def test_a_lost_answer_to_the_create_still_gives_one_project(bot, jira):
    server, _ = jira
    bot.transfer(REPO)
    bot.settle()
    server.state.lose_answer_next(1, status=503, match=r"POST /rest/api/2/project$")
    approve_level_1(bot)
    assert list(server.state.projects) == [key_for(server)]
    assert read_ticks(bot.the_issue(REPO).body)["jira-project"]


def test_a_key_held_by_a_foreign_project_is_never_adopted(bot, jira):
    server, bot_user = jira
    KEY = key_for(server)
    server.state.add_project(KEY, "Noget andet", lead=bot_user, description="Et andet projekt")
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    assert sorted(server.state.projects) == sorted([KEY, key_for(server, {KEY})])
    assert "Et andet projekt" in server.state.project(KEY).description   # untouched


def test_jira_refusing_the_bot_is_one_clear_danish_comment(bot, jira):
    server, _ = jira
    server.state.fail_next(5, status=403, match=r"POST /rest/api/2/project$")
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    bot.transfer(REPO)
    bot.settle()
    jira_comments = [r for r in bot.replies(REPO) if r.startswith("**Jira:**")]
    assert len(jira_comments) == 1 and "rettighed" in jira_comments[0] and "/opret-jira" in jira_comments[0]
    assert not read_ticks(bot.the_issue(REPO).body)["jira-project"]
    assert bot.dead_letters() == []


def test_jira_not_accepting_the_bots_token_is_one_comment_for_the_operator(bot, jira):
    server, _ = jira
    server.state.fail_next(5, status=401, match=r"/rest/api/2/")
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    bot.transfer(REPO)
    bot.settle()
    [said] = [r for r in bot.replies(REPO) if r.startswith("**Jira:**")]
    assert "Jira afviste bottens login (401)" in said and "JIRA_TOKEN" in said     # who can fix it: the operator
    assert server.state.projects == {} and not read_ticks(bot.the_issue(REPO).body)["jira-project"]
    assert bot.dead_letters() == []


def test_a_person_added_after_provisioning_gets_access_on_the_next_reconcile(bot, jira):
    server, _ = jira
    server.state.add_user("Lars Leverandør", "lars@leverandoer.dk")
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    KEY = key_for(server)
    developers = len(server.state.role_actors(KEY, "Developers"))
    bot.person_comments(REPO, "/adgang add @leverandoer-lars leverandoer lars@leverandoer.dk", SECRETARIAT)
    bot.settle()
    assert len(server.state.role_actors(KEY, "Developers")) == developers + 1
    assert list(server.state.projects) == [KEY]


def test_jira_down_then_up_is_provisioned_after_a_retry(bot, jira):
    server, _ = jira
    bot.transfer(REPO)
    bot.settle()
    server.state.fail_next(3, status=503, match=r"/rest/api/2/project")
    approve_level_1(bot)
    bot.settle(timeout=60)
    assert list(server.state.projects) == [key_for(server)]
    assert read_ticks(bot.the_issue(REPO).body)["jira-project"] and bot.dead_letters() == []


def test_access_removed_takes_back_only_the_grant_the_bot_made(bot, jira):
    server, _ = jira
    lars = server.state.add_user("Lars Leverandør", "lars@leverandoer.dk")
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    KEY = key_for(server)
    lars_id = lars.id
    bot.person_comments(REPO, "/adgang add @leverandoer-lars leverandoer lars@leverandoer.dk", SECRETARIAT)
    bot.settle()
    assert ("user", lars_id) in server.state.role_actors(KEY, "Developers")
    server.state.add_group("leverandoer-gruppe")
    server.state.add_actor(KEY, "Developers", group="leverandoer-gruppe")     # a Jira admin's own grant
    bot.person_comments(REPO, "/adgang remove @leverandoer-lars", SECRETARIAT)
    bot.settle()
    developers = server.state.role_actors(KEY, "Developers")
    assert ("user", lars_id) not in developers and ("group", "leverandoer-gruppe") in developers
    karin = {i for kind, i in server.state.role_actors(KEY, "Users") if kind == "user"}
    assert len(karin) == 1                                                        # the others stay


def test_a_restart_between_create_and_record_finds_the_one_project(bot, jira, world, tmp_path):
    server, _ = jira
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    KEY = key_for(server)
    bot.restart(database=tmp_path / "after-crash.db")          # the journal's record is gone
    bot.person_comments(REPO, "/create-jira", SECRETARIAT)     # provisioning runs again from nothing
    bot.settle()
    assert list(server.state.projects) == [KEY]
    assert read_ticks(bot.the_issue(REPO).body)["jira-project"]


def test_who_has_access_shows_that_access_is_given(bot, jira):
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    body = bot.the_issue(REPO).body
    assert "| ansvarlig i kommunen | triage | Users | ✅ har adgang |" in body


def test_a_level_2_product_gets_nothing_before_the_boards_approval(bot, jira, world):
    from bot.sandbox.world import BOARD_MEMBER
    from tests.e2e.test_commands import LEVEL2, secretariat_ticks_everything_manual_in_steps_1_and_2

    server, _ = jira
    world.add_product("os2niveau2", level=2)
    bot.transfer(LEVEL2)
    bot.settle()
    bot.person_comments(LEVEL2, "/level 2\n/approve-match\n/coordinator add @koordinator-kim", SECRETARIAT)
    bot.settle()
    secretariat_ticks_everything_manual_in_steps_1_and_2(bot, LEVEL2)
    bot.person_comments(LEVEL2, "/request-board-review", SECRETARIAT)
    bot.settle()
    assert server.state.projects == {}                          # the secretariat's match is not enough at level 2
    bot.person_comments(LEVEL2, "/approve", BOARD_MEMBER)
    bot.settle()
    assert len(server.state.projects) == 1
    assert read_ticks(bot.the_issue(LEVEL2).body)["jira-project"]


def test_jira_refusing_with_400_is_one_comment_with_what_jira_said_escaped(bot, jira):
    server, _ = jira
    server.state.fail_next(5, status=400, match=r"POST /rest/api/2/project$")
    bot.transfer(REPO)
    bot.settle()
    approve_level_1(bot)
    [said] = [r for r in bot.replies(REPO) if r.startswith("**Jira:**")]
    assert "400" in said and "<" not in said.split("**Jira:**", 1)[1].split("`/opret-jira")[0]
