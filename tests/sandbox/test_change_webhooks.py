"""The stand-in sends GitHub's webhook for every change made through it, when the world asks for it.

A person's change (comment, edit, push, transfer) and the bot's own writes through REST
each reach the App's webhook as the event GitHub sends, signed with the webhook secret,
posted from a background thread, in order, and logged in the App's delivery log.
"""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.payloads import payload_problem
from bot.sandbox.github import GitHubState
from bot.sandbox.serving import serve_in_thread
from bot.signature import verify
from tests.sandbox.conftest import FULL, ORG

SECRET = "change-secret"


def events(received: list[dict]) -> list[tuple[str, str | None, str]]:
    """(event, action, sender) of each received delivery, after checking its signature and shape."""
    out = []
    for hit in received:
        headers, body = hit["headers"], hit["body"]
        assert verify(SECRET, body, headers["x-hub-signature-256"]), headers
        payload = json.loads(body)
        assert payload_problem(headers["x-github-event"], payload) is None, payload
        out.append((headers["x-github-event"], payload.get("action"), payload["sender"]["login"]))
    return out


@pytest.fixture
def delivering(state: GitHubState, receiver, base_url):
    url, received = receiver
    state.app.webhook_url, state.app.webhook_secret = url, SECRET
    state.app.deliver_webhooks = True
    state.installations[next(iter(state.installations))].events = ["repository", "issues", "issue_comment", "push"]
    return received


def test_without_deliver_webhooks_nothing_is_sent(state: GitHubState, receiver):
    url, received = receiver
    state.app.webhook_url, state.app.webhook_secret = url, SECRET      # what the harness sets
    issue = state.add_issue(FULL, "Onboarding", "- [ ] a", user="os2bot[bot]")
    state.add_comment(FULL, issue.number, "/tjek", user="kommune-karin")
    state.push(FULL, {"LICENSE": "MIT"}, "kommune-karin")
    state.wait_for_hooks()
    assert received == [] and state.hook_deliveries == []


def test_a_persons_changes_arrive_as_githubs_signed_events(state: GitHubState, delivering):
    issue = state.add_issue(FULL, "Onboarding", "- [ ] a\n- [ ] b\n", user="os2bot[bot]")
    comment = state.add_comment(FULL, issue.number, "/niveau 1", user="sekretariat-sofie")
    state.edit_comment_body(FULL, comment.id, "/niveau 2", "sekretariat-sofie")
    state.edit_issue_body(FULL, issue.number, "- [x] a\n- [ ] b\n", "sekretariat-sofie")
    state.delete_comment(FULL, comment.id, "sekretariat-sofie")
    state.set_issue_state(FULL, issue.number, "closed", "sekretariat-sofie")
    state.set_issue_state(FULL, issue.number, "open", "sekretariat-sofie")
    state.wait_for_hooks()
    assert events(delivering) == [
        ("issues", "opened", "os2bot[bot]"),
        ("issue_comment", "created", "sekretariat-sofie"),
        ("issue_comment", "edited", "sekretariat-sofie"),
        ("issues", "edited", "sekretariat-sofie"),
        ("issue_comment", "deleted", "sekretariat-sofie"),
        ("issues", "closed", "sekretariat-sofie"),
        ("issues", "reopened", "sekretariat-sofie"),
    ]
    edited = json.loads(delivering[3]["body"])
    assert edited["changes"] == {"body": {"from": "- [ ] a\n- [ ] b\n"}}
    assert edited["issue"]["body"] == "- [x] a\n- [ ] b\n"              # a snapshot after the change
    assert edited["installation"]["id"] == next(iter(state.installations))
    assert json.loads(delivering[2]["body"])["changes"] == {"body": {"from": "/niveau 1"}}
    assert json.loads(delivering[1]["body"])["comment"]["body"] == "/niveau 1"   # as it was when created
    # the delivery log holds each, answered 202, with GitHub's headers
    assert [(d.event, d.action, d.status_code) for d in state.hook_log()][:2] == [
        ("issues", "opened", 202), ("issue_comment", "created", 202)]
    assert delivering[0]["headers"]["x-github-hook-installation-target-type"] == "integration"


def test_a_push_lists_what_it_added_changed_and_removed(state: GitHubState, delivering):
    state.push(FULL, {"LICENSE": "MIT License\n", "publiccode.yml": "name: x\n"}, "kommune-karin",
               message="Licens og publiccode", removed=["docs/index.md", "no-such-file"])
    state.wait_for_hooks()
    assert events(delivering) == [("push", None, "kommune-karin")]
    payload = json.loads(delivering[0]["body"])
    commit = payload["head_commit"]
    assert (commit["added"], commit["modified"], commit["removed"]) == (["publiccode.yml"], ["LICENSE"],
                                                                         ["docs/index.md"])
    assert payload["ref"] == "refs/heads/main" and payload["repository"]["default_branch"] == "main"
    assert state.repo(FULL).files["LICENSE"] == b"MIT License\n" and "docs/index.md" not in state.repo(FULL).files


def test_transfer_creation_and_new_repositories_for_the_app(state: GitHubState, delivering):
    state.transfer_repo(ORG, "os2ny", "kommune-karin", from_owner="kommune-karin", files={"README.md": "# x"})
    state.create_repo(ORG, "os2tom", "sekretariat-sofie")
    selected = state.add_installation("Kommune", repositories=[])
    state.add_repo("Kommune", "borgerservice")
    state.add_installation_repos(selected.id, ["borgerservice"], "kommune-karin")
    state.wait_for_hooks()
    assert events(delivering) == [("repository", "transferred", "kommune-karin"),
                                  ("repository", "created", "sekretariat-sofie"),
                                  ("installation_repositories", "added", "kommune-karin")]
    moved = json.loads(delivering[0]["body"])
    assert moved["repository"]["full_name"] == f"{ORG}/os2ny"
    assert moved["changes"]["owner"]["from"]["user"]["login"] == "kommune-karin"
    added = json.loads(delivering[2]["body"])
    assert added["installation"]["id"] == selected.id
    assert [r["full_name"] for r in added["repositories_added"]] == ["Kommune/borgerservice"]


def test_the_bots_own_writes_come_back_with_the_bot_as_sender(state: GitHubState, delivering, raw: httpx.Client):
    created = raw.post(f"/repos/{FULL}/issues", json={"title": "Onboarding", "body": "- [ ] a",
                                                      "labels": ["onboarding"]}).json()
    number = created["number"]
    raw.patch(f"/repos/{FULL}/issues/{number}", json={"body": "- [x] a", "labels": ["trin-2"]})
    raw.patch(f"/repos/{FULL}/issues/{number}", json={"body": "- [x] a"})           # the same text: no event
    comment = raw.post(f"/repos/{FULL}/issues/{number}/comments", json={"body": "Svar"}).json()
    raw.delete(f"/repos/{FULL}/issues/{number}/labels/trin-2")
    raw.patch(f"/repos/{FULL}/issues/{number}", json={"state": "closed"})
    raw.delete(f"/repos/{FULL}/issues/comments/{comment['id']}")
    state.wait_for_hooks()
    bot = "os2bot[bot]"
    assert events(delivering) == [
        ("issues", "opened", bot), ("issues", "labeled", bot), ("issues", "edited", bot),
        ("issues", "unlabeled", bot), ("issues", "labeled", bot), ("issue_comment", "created", bot),
        ("issues", "unlabeled", bot), ("issues", "closed", bot), ("issue_comment", "deleted", bot)]
    sender = json.loads(delivering[2]["body"])["sender"]
    assert sender["type"] == "Bot"                     # how the bot knows its own write (BotIdentity)
    assert json.loads(delivering[4]["body"])["label"]["name"] == "trin-2"


def test_only_subscribed_events_for_repositories_the_app_is_installed_on(state: GitHubState, delivering):
    state.installations[next(iter(state.installations))].events = ["issues"]     # no push subscription
    state.push(FULL, {"LICENSE": "MIT"}, "kommune-karin")
    state.add_repo("Andet", "projekt")                                             # the App is not there
    issue = state.add_issue("Andet/projekt", "Fejl", "tekst", user="kommune-karin")
    state.add_comment("Andet/projekt", issue.number, "hej", user="kommune-karin")
    state.wait_for_hooks()
    assert delivering == []


def test_posting_never_holds_the_stand_ins_lock(state: GitHubState, raw: httpx.Client):
    """A webhook that answers slowly does not hold up GitHub's API: the bot's next call is served."""
    release, arrived = threading.Event(), []

    async def slow(request: Request) -> JSONResponse:
        arrived.append(await request.body())
        while not release.is_set():
            await _sleep()
        return JSONResponse({}, status_code=202)

    with serve_in_thread(Starlette(routes=[Route("/hook", slow, methods=["POST"])])) as url:
        state.app.webhook_url, state.app.webhook_secret, state.app.deliver_webhooks = f"{url}/hook", SECRET, True
        try:
            issue = state.add_issue(FULL, "Onboarding", "- [ ] a", user="kommune-karin")
            deadline = time.monotonic() + 10
            while not arrived:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            started = time.monotonic()
            answer = raw.get(f"/repos/{FULL}/issues/{issue.number}")       # while the webhook is still open
            assert answer.status_code == 200 and time.monotonic() - started < 5
            assert state.webhooks_in_flight() == 1
        finally:
            release.set()
        state.wait_for_hooks()
    assert state.webhooks_in_flight() == 0 and [d.status_code for d in state.hook_log()] == [202]


async def _sleep() -> None:
    import asyncio

    await asyncio.sleep(0.02)
