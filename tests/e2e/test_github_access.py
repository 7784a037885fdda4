"""Step 3 on GitHub, end to end: once approved, the coordinators are kept in the product's own
team with maintain on the repository, and configured teams get their permission; the bot
takes out only the members it added."""

from __future__ import annotations

from bot.sandbox.world import PRODUCT, SECRETARIAT

REPO = f"OS2offdig/{PRODUCT}"
TEAM = f"{PRODUCT}-koordinatorer"


def team(world, slug=TEAM):
    return world.state.teams.get(("os2offdig", slug))


def test_nothing_before_approval_then_the_coordinators_team_and_the_configured_teams(bot, world):
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml",
                         "github:\n  teams: {os2-sekretariatet: maintain}\n")
    bot.transfer(REPO)
    bot.settle()
    bot.person_comments(REPO, "/coordinator add @koordinator-kim", SECRETARIAT)
    bot.settle()
    assert team(world) is None                                       # not approved yet
    bot.person_comments(REPO, "/level 1\n/approve-match", SECRETARIAT)
    bot.settle()
    assert set(team(world).members) == {"koordinator-kim"}
    assert team(world).repos == {REPO.lower(): "maintain"}
    assert team(world, "os2-sekretariatet").repos == {REPO.lower(): "maintain"}
    writes = world.state.count(write=True)
    bot.transfer(REPO)                                                # nothing new: no writes
    bot.settle()
    assert world.state.count(write=True) == writes


def test_a_coordinator_removed_leaves_the_team_but_a_person_added_by_hand_stays(bot, world):
    bot.transfer(REPO)
    bot.settle()
    bot.person_comments(REPO, "/coordinator add @koordinator-kim\n/level 1\n/approve-match", SECRETARIAT)
    bot.settle()
    world.state.add_team_member("OS2offdig", TEAM, "haandplukket-hanne")   # an owner's own choice
    bot.person_comments(REPO, "/coordinator remove @koordinator-kim", SECRETARIAT)
    bot.settle()
    assert set(team(world).members) == {"haandplukket-hanne"}


def test_without_the_permissions_the_issue_says_once_what_to_do(bot, world):
    world.installation.permissions["members"] = "read"                 # an App registered before step 3
    world.installation.permissions.pop("administration")
    bot.transfer(REPO)
    bot.settle()
    bot.person_comments(REPO, "/coordinator add @koordinator-kim\n/level 1\n/approve-match", SECRETARIAT)
    bot.settle()
    bot.person_comments(REPO, "/help", SECRETARIAT)
    bot.settle()
    said = [r for r in bot.replies(REPO) if r.startswith("**GitHub:**")]
    assert len(said) == 1 and "members: write" in said[0] and bot.dead_letters() == []


def test_a_declared_person_gets_their_roles_permission_and_loses_only_what_the_bot_gave(bot, world):
    bot.transfer(REPO)
    bot.settle()
    bot.person_comments(REPO, "/adgang add @leverandoer-lars leverandoer\n/level 1\n/approve-match", SECRETARIAT)
    bot.settle()
    assert world.state.repo(REPO).collaborators.get("leverandoer-lars") == "write"    # push
    world.state.add_collaborator(REPO, "egen-erik", "read")                            # someone's own grant
    bot.person_comments(REPO, "/adgang remove @leverandoer-lars", SECRETARIAT)
    bot.settle()
    assert "leverandoer-lars" not in world.state.repo(REPO).collaborators
    assert world.state.repo(REPO).collaborators.get("egen-erik") == "read"
