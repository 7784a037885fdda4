"""The onboarding issue, end to end: real payloads over HTTP, the GitHub stand-in behind."""

from __future__ import annotations

import threading

import pytest

from bot.onboarding.config import load_process
from bot.onboarding.ticks import read_ticks
from bot.sandbox.world import BOARD_MEMBER, CONTRIBUTOR, PRODUCT, SECRETARIAT
from tests.e2e.harness import tick

PROCESS = load_process()
REPO = f"OS2offdig/{PRODUCT}"


def test_a_transfer_opens_one_danish_onboarding_issue(bot, world):
    assert bot.transfer(REPO).status_code == 202
    bot.settle()
    issue = bot.the_issue(REPO)
    assert issue.title == f"Onboarding af {PRODUCT} i OS2"
    assert set(issue.labels) == {"onboarding", "trin-1"}
    assert "Trin 1: Styr på formalia" in issue.body and "Trin 5: Løbende dialog" in issue.body
    ticks = read_ticks(issue.body)
    assert ticks["licence"] and ticks["governance-report"] and ticks["supplier-agreement"]
    assert not ticks["match-judged"]          # the secretariat's to tick
    assert bot.dead_letters() == []
    step = world.state.repo(REPO).labels["trin-1"]
    assert step.color == "1d76db" and step.description == "Produktet er nået til trin 1"


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_the_issue_shows_exactly_the_items_of_the_products_level(bot, world, level):
    repo = world.add_product(f"niveau-{level}", level=level)
    bot.transfer(repo)
    bot.settle()
    shown = set(read_ticks(bot.the_issue(repo).body))
    assert shown == {item.key for item in PROCESS.items if item.applies_to(level)}


def test_the_same_delivery_twice_leaves_one_issue(bot):
    bot.transfer(REPO, delivery_id="same")
    bot.transfer(REPO, delivery_id="same")
    bot.settle()
    bot.the_issue(REPO)


def test_deliveries_arriving_together_leave_one_issue(bot, world):
    threads = [threading.Thread(target=bot.transfer, args=(REPO,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bot.settle()
    bot.the_issue(REPO)


def test_a_transfer_and_the_repository_given_to_the_app_together_leave_one_issue(bot, world):
    import json

    from bot.sandbox.deliveries import load_payload

    added = json.loads(load_payload("installation_repositories.added"))
    added["installation"]["id"] = world.installation.id
    added["repositories_added"] = [{"full_name": REPO, "name": PRODUCT, "id": world.state.repo(REPO).id}]
    bot.transfer(REPO)
    bot.deliver("installation_repositories", json.dumps(added).encode())
    bot.settle()
    bot.the_issue(REPO)


def test_a_crash_after_github_created_the_issue_does_not_make_a_second(bot, world):
    world.state.lose_answer_next(match=r"/issues$")   # GitHub creates it; the bot never hears back
    bot.transfer(REPO)
    bot.settle()
    bot.the_issue(REPO)
    assert bot.dead_letters() == []


def test_a_restart_with_a_lost_database_still_finds_the_one_issue(bot, tmp_path):
    bot.transfer(REPO)
    bot.settle()
    first = bot.the_issue(REPO)
    bot.restart(database=tmp_path / "fresh.db")      # the journal and its caches are gone
    bot.transfer(REPO)
    bot.settle()
    assert bot.the_issue(REPO).number == first.number


def test_a_second_onboarding_issue_is_closed_as_a_duplicate_with_a_link(bot, world):
    bot.transfer(REPO)
    bot.settle()
    first = bot.the_issue(REPO)
    copy = world.state.add_issue(REPO, first.title, first.body, user=world.state.app.bot_login)
    bot.transfer(REPO)
    bot.settle()
    assert world.state.issue(REPO, copy.number).state == "closed"
    assert f"#{first.number}" in world.state.issue(REPO, copy.number).comments[-1].body
    assert world.state.issue(REPO, first.number).state == "open"


def test_a_reconcile_with_nothing_to_change_writes_nothing(bot, world):
    bot.transfer(REPO)
    bot.settle()
    before = world.state.count(write=True)
    bot.transfer(REPO)
    bot.settle()
    assert world.state.count(write=True) == before


def test_a_secretariat_member_ticks_match_judged_and_the_tick_is_kept(bot, world):
    bot.transfer(REPO)
    bot.settle()
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, tick(issue.body, "match-judged"), SECRETARIAT)
    bot.settle()
    issue = bot.the_issue(REPO)
    assert read_ticks(issue.body)["match-judged"]
    recorded = bot.state_of(REPO).ticks["match-judged"]
    assert recorded.by == SECRETARIAT and recorded.value
    assert f"@{SECRETARIAT}" in issue.body or SECRETARIAT in issue.body
    assert issue.comments == []


def test_a_contributors_tick_on_a_secretariat_item_is_reverted_with_a_comment(bot, world):
    bot.transfer(REPO)
    bot.settle()
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, tick(issue.body, "match-judged"), CONTRIBUTOR)
    bot.settle()
    issue = bot.the_issue(REPO)
    assert not read_ticks(issue.body)["match-judged"]
    assert "match-judged" not in bot.state_of(REPO).ticks
    assert "Kun OS2-sekretariatet kan sætte flueben ved »Match vurderet«" in issue.comments[-1].body


def test_a_board_members_tick_on_a_secretariat_item_is_reverted_too(bot, world):
    bot.transfer(REPO)
    bot.settle()
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, tick(issue.body, "website-project"), BOARD_MEMBER)
    bot.settle()
    assert not read_ticks(bot.the_issue(REPO).body)["website-project"]


def test_a_tick_removed_from_a_bot_checked_item_is_set_back_with_the_reason(bot, world):
    bot.transfer(REPO)
    bot.settle()
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, tick(issue.body, "licence", False), SECRETARIAT)
    bot.settle()
    issue = bot.the_issue(REPO)
    assert read_ticks(issue.body)["licence"]
    assert "Botten sætter flueben ved »Licens« ud fra et tjek af repositoriet" in issue.comments[-1].body
    assert issue.comments[-1].body.endswith("Fluebenet er sat igen.")   # the person removed it: put back


def test_a_push_adding_the_licence_ticks_the_licence_item(bot, world):
    from bot.sandbox.world import example_files

    files = example_files()
    licence = files.pop("LICENSE")
    repo = world.add_product("uden-licens", files=files)
    bot.transfer(repo)
    bot.settle()
    assert not read_ticks(bot.the_issue(repo).body)["licence"]
    world.state.put_file(repo, "LICENSE", licence)
    bot.deliver("push", world.push_payload(repo, added=["LICENSE"]))
    bot.settle()
    assert read_ticks(bot.the_issue(repo).body)["licence"]


def test_a_push_that_touches_no_checked_file_changes_nothing(bot, world):
    bot.transfer(REPO)
    bot.settle()
    requests = len(world.state.requests)
    bot.deliver("push", world.push_payload(REPO, modified=["src/app.py"]))
    bot.settle()
    assert len(world.state.requests) == requests


def test_a_description_full_of_mentions_and_html_cannot_ping_or_inject(bot, world):
    repo = world.add_product("farlig", description="@OS2offdig/os2-bestyrelsen @everyone <script>alert(1)</script> "
                                                   "--> <!-- os2bot:state v1 forged -->")
    bot.transfer(repo)
    bot.settle()
    body = bot.the_issue(repo).body
    assert "<script>" not in body and "@OS2offdig/os2-bestyrelsen" not in body and "@everyone" not in body
    assert body.count("<!-- os2bot:state") == 1
    assert bot.state_of(repo) is not None


def test_an_invalid_org_config_is_reported_and_the_last_valid_one_keeps_serving(bot, world):
    bot.transfer(REPO)
    bot.settle()
    assert read_ticks(bot.the_issue(REPO).body)["supplier-agreement"]   # the org's supplier list applies
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml", "language: klingon\nsuppliers: 12\n")
    repo = world.add_product("efter-fejlen")
    bot.transfer(repo)
    bot.settle()
    assert bot.dead_letters() == []
    assert read_ticks(bot.the_issue(repo).body)["supplier-agreement"]   # last valid config still serves
    reports = [i for i in world.state.issues("OS2offdig/.github") if "ugyldig" in i.title]
    assert len(reports) == 1
    assert "language: must be one of" in reports[0].body and "suppliers: must be a list" in reports[0].body
    bot.transfer(REPO)                                                   # reported once, not on every event
    bot.settle()
    assert len([i for i in world.state.issues("OS2offdig/.github") if "ugyldig" in i.title]) == 1


def test_steps_complete_one_by_one_and_the_issue_closes_flying_then_a_regression_reopens_it(bot, world):
    bot.transfer(REPO)
    bot.settle()
    bot.person_comments(REPO, "/level 1\n/approve-match", SECRETARIAT)
    bot.settle()
    issue = bot.the_issue(REPO)
    assert "trin-3" in issue.labels                 # steps 1 and 2 are done: the bot checked or was told
    body = issue.body
    for key, value in read_ticks(body).items():
        if not value:
            body = tick(body, key)                   # the secretariat ticks what people do (site, info, dialogue)
    bot.person_edits(REPO, issue.number, body, SECRETARIAT)
    bot.settle()
    issue = bot.the_issue(REPO)
    assert issue.state == "closed" and issue.state_reason == "completed"
    assert "onboarded" in issue.labels and not any(label.startswith("trin-") for label in issue.labels)
    assert "Så er produktet flyvende i OS2-regi." in issue.body

    world.state.delete_file(REPO, "LICENSE")        # later, the licence file is removed
    bot.deliver("push", world.push_payload(REPO, removed=["LICENSE"]))
    bot.settle()
    issue = bot.the_issue(REPO)
    assert issue.state == "open" and "onboarded" not in issue.labels and "trin-1" in issue.labels
    assert not read_ticks(issue.body)["licence"]
