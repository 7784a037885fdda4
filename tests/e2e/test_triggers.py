"""Which events onboard a repository, and which never do."""

from __future__ import annotations

import json

from bot.sandbox.deliveries import load_payload
from bot.sandbox.world import ORG_CONFIG, PRODUCT

REPO = f"OS2offdig/{PRODUCT}"


def org_config(world, extra: str) -> None:
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml", ORG_CONFIG + extra)


def created_payload(world, full_name: str) -> bytes:
    data = json.loads(world.transfer_payload(full_name))
    data["action"] = "created"
    data.pop("changes", None)
    return json.dumps(data).encode()


def installation_created(world, names: list[str]) -> bytes:
    data = json.loads(load_payload("installation.created"))
    data["installation"]["id"] = world.installation.id
    data["installation"]["account"]["login"] = world.org
    data["repositories"] = [{"id": world.state.repo(f"{world.org}/{n}").id, "name": n,
                             "full_name": f"{world.org}/{n}", "private": False} for n in names]
    return json.dumps(data).encode()


def test_a_repository_created_in_the_organisation_is_not_onboarded_by_default(bot, world):
    bot.deliver("repository", created_payload(world, REPO))
    bot.settle()
    assert bot.onboarding_issues(REPO) == [] and bot.dead_letters() == []


def test_an_organisation_can_opt_in_to_onboarding_created_repositories(bot, world):
    org_config(world, "onboard_on_repository_created: true\n")
    bot.deliver("repository", created_payload(world, REPO))
    bot.settle()
    bot.the_issue(REPO)


def test_installing_the_app_on_an_organisation_with_products_does_not_flood_it(bot, world):
    names = [PRODUCT] + [n for n in ("os2a", "os2b", "os2c") if world.add_product(n)]
    response = bot.deliver("installation", installation_created(world, names))
    assert response.status_code == 202
    bot.settle()
    assert all(bot.onboarding_issues(f"OS2offdig/{n}") == [] for n in names)
    stored = bot.app.state.bot["store"].items("repositories")
    assert {f"os2offdig/{n}" for n in names} <= set(stored)          # recorded, not onboarded


def test_an_organisation_can_opt_in_existing_repositories_by_name(bot, world):
    world.add_product("os2a")
    world.add_product("os2b")
    org_config(world, "onboard_existing_on_install: [os2a]\n")
    bot.deliver("installation", installation_created(world, ["os2a", "os2b"]))
    bot.settle()
    assert len(bot.onboarding_issues("OS2offdig/os2a")) == 1
    assert bot.onboarding_issues("OS2offdig/os2b") == []


def test_archived_repositories_and_the_github_repository_are_never_onboarded(bot, world):
    archived = world.add_product("gammel", archived=True)
    bot.transfer(archived)
    bot.deliver("repository", world.transfer_payload("OS2offdig/.github"))
    bot.settle()
    assert bot.onboarding_issues(archived) == [] and bot.onboarding_issues("OS2offdig/.github") == []
    assert bot.dead_letters() == []


def test_an_organisation_that_works_in_english_gets_the_issue_in_english(bot, world):
    org_config(world, "language: en\n")
    bot.transfer(REPO)
    bot.settle()
    issue = bot.the_issue(REPO)
    assert issue.title == f"Onboarding of {PRODUCT} into OS2" and "Step 1: Formalities" in issue.body


def test_a_repository_outside_the_served_organisations_is_left_alone(bot, world):
    world.state.add_installation("AndenOrg")
    world.state.add_repo("AndenOrg", "noget", files={"README.md": "# x"})
    data = json.loads(world.transfer_payload(REPO))
    data["repository"]["full_name"] = "AndenOrg/noget"
    bot.deliver("repository", json.dumps(data).encode())
    bot.settle()
    assert world.state.issues("AndenOrg/noget") == []


def test_githubkits_models_reject_a_real_payload_the_bot_still_handles(bot, world):
    """installation.created lacks installation.app_slug, which githubkit's model requires."""
    import pytest
    from githubkit.webhooks import parse_obj

    raw = load_payload("installation.created")
    with pytest.raises(Exception):
        parse_obj("installation", json.loads(raw))
    bot.deliver("installation", raw)
    bot.settle()
    assert bot.dead_letters() == []
    assert "codertocat/hello-world" in bot.app.state.bot["store"].items("repositories")


def test_a_signed_delivery_named_like_the_bots_own_reconcile_job_opens_nothing(bot, world):
    """Before, `X-GitHub-Event: os2bot` with action `reconcile` and `create: true` ran the internal
    job and opened an onboarding issue that no transfer asked for."""
    from bot.store import reconcile_job

    forged = reconcile_job("forged", REPO, world.installation.id, create=True, cause="someone")
    response = bot.deliver("os2bot", forged.payload)
    assert response.status_code == 400
    bot.settle()
    assert bot.onboarding_issues(REPO) == []
    assert bot.app.state.bot["store"].deliveries() == []
    # the bot's own jobs still run: installing the App journals them, and they onboard as configured
    org_config(world, "onboard_existing_on_install: all\n")
    bot.deliver("installation", installation_created(world, [PRODUCT]))
    bot.settle()
    bot.the_issue(REPO)
    assert [(d["event"], d["status"]) for d in bot.app.state.bot["store"].deliveries()] == [
        ("installation", "done"), ("os2bot", "done")]
