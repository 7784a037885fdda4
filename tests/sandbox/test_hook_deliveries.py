"""The App's webhook delivery log: list it (cursor pages), read one delivery, redeliver one.

Shapes are checked by parsing them with githubkit's models of GitHub's published schema
(`hook-delivery-item`, `hook-delivery`), as the bot's client would read them.
"""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from bot.sandbox.github import GitHubState
from bot.signature import verify
from tests.sandbox.conftest import FULL

pytestmark = pytest.mark.anyio

SECRET = "hook-secret"


def transferred(state: GitHubState, installation_id: int) -> dict:
    repo = state.repo(FULL)
    return {"action": "transferred", "repository": {"id": repo.id, "full_name": FULL},
            "installation": {"id": installation_id}}


async def test_the_log_lists_attempts_newest_first_in_githubs_shape(app_github: GitHub, state: GitHubState,
                                                                    installation):
    first = state.record_delivery("repository", transferred(state, installation.id), 502, delivered=False)
    second = state.record_delivery("issues", {"action": "edited"}, 202, delivered=False)
    response = await app_github.rest.apps.async_list_webhook_deliveries()
    items = response.parsed_data
    assert [i.id for i in items] == [second.id, first.id]
    item = items[1]
    assert (item.guid, item.event, item.action, item.status_code, item.status, item.redelivery) == \
        (first.guid, "repository", "transferred", 502, "failed to connect", False)
    assert (item.installation_id, item.repository_id) == (installation.id, state.repo(FULL).id)
    assert items[0].status == "OK" and items[0].installation_id is None and items[0].repository_id is None
    raw = response.json()[0]
    assert set(raw) == {"id", "guid", "delivered_at", "redelivery", "duration", "status", "status_code",
                        "event", "action", "installation_id", "repository_id"}
    assert raw["delivered_at"].endswith("Z")


async def test_pages_follow_the_cursor_in_the_link_header(app_github: GitHub, state: GitHubState):
    made = [state.record_delivery("push", {"n": n}, 200, delivered=False) for n in range(5)]
    seen, params, pages = [], {"per_page": 2}, 0
    while True:
        response = await app_github.rest.apps.async_list_webhook_deliveries(**params)
        pages += 1
        seen += [i.id for i in response.parsed_data]
        following = response.raw_response.links.get("next")
        if not following:
            break
        query = dict(httpx.URL(following["url"]).params)
        assert query["per_page"] == "2" and query["cursor"]
        params = {"per_page": 2, "cursor": query["cursor"]}
    assert pages == 3
    assert seen == [d.id for d in reversed(made)]


async def test_status_and_redelivery_filters(base_url: str, app_github: GitHub, state: GitHubState):
    ok = state.record_delivery("push", {}, 200, delivered=False)
    bad = state.record_delivery("push", {}, 500, delivered=False)
    again = state.record_delivery("push", {}, 404, guid=bad.guid, delivered=False, redelivery=True)
    assert [i.id for i in (await app_github.rest.apps.async_list_webhook_deliveries(status="success")).parsed_data] \
        == [ok.id]
    assert [i.id for i in (await app_github.rest.apps.async_list_webhook_deliveries(status="failure")).parsed_data] \
        == [again.id, bad.id]
    redelivered = await app_github.arequest("GET", "/app/hook/deliveries", params={"redelivery": "true"})
    assert [i["id"] for i in redelivered.json()] == [again.id]


async def test_only_the_app_itself_may_read_or_redeliver(base_url: str, raw: httpx.Client, state: GitHubState):
    delivery = state.record_delivery("push", {}, 500, delivered=False)
    assert raw.get("/app/hook/deliveries").status_code == 401          # an installation token
    assert httpx.get(f"{base_url}/app/hook/deliveries").status_code == 401
    assert raw.post(f"/app/hook/deliveries/{delivery.id}/attempts").status_code == 401
    assert len(state.hook_deliveries) == 1


async def test_one_delivery_shows_its_request_and_response(app_github: GitHub, state: GitHubState, receiver):
    url, received = receiver
    state.app.webhook_url, state.app.webhook_secret = url, SECRET
    delivery = state.record_delivery("issues", {"action": "edited", "issue": {"number": 1}})
    assert delivery.status_code == 202 and len(received) == 1
    response = await app_github.rest.apps.async_get_webhook_delivery(delivery.id)
    assert response.parsed_data.guid == delivery.guid and response.parsed_data.url == url   # githubkit's model reads it
    full = response.json()
    assert full["request"]["payload"] == {"action": "edited", "issue": {"number": 1}}
    assert full["request"]["headers"]["X-GitHub-Delivery"] == delivery.guid
    assert json.loads(full["response"]["payload"]) == {"status": "queued"}
    with pytest.raises(RequestFailed) as missing:
        await app_github.rest.apps.async_get_webhook_delivery(delivery.id + 1000)
    assert missing.value.response.status_code == 404


async def test_a_delivery_github_recorded_as_failed_may_still_have_arrived(state: GitHubState, receiver):
    url, received = receiver
    state.app.webhook_url, state.app.webhook_secret = url, SECRET
    lost_answer = state.record_delivery("push", {"n": 1}, 502)                  # posted, then GitHub gave up
    never_sent = state.record_delivery("push", {"n": 2}, 502, delivered=False)
    assert [r["headers"]["x-github-delivery"] for r in received] == [lost_answer.guid]
    assert (lost_answer.status_code, never_sent.status_code) == (502, 502)


async def test_a_redelivery_is_a_new_attempt_with_the_same_guid(app_github: GitHub, state: GitHubState):
    original = state.record_delivery("push", {"ref": "refs/heads/main"}, 500, delivered=False)
    response = await app_github.rest.apps.async_redeliver_webhook_delivery(original.id)
    assert response.status_code == 202 and response.json() == {}
    attempts = state.hook_attempts(original.guid)
    assert [(a.redelivery, a.status_code, a.status) for a in attempts] == \
        [(False, 500, "Invalid HTTP Response: 500"), (True, 502, "failed to connect")]  # no webhook_url known
    assert attempts[1].id > original.id and attempts[1].payload == original.payload
    assert state.count(method="POST", path=r"/app/hook/deliveries/\d+/attempts", write=True, auth="app") == 1
    with pytest.raises(RequestFailed) as missing:
        await app_github.rest.apps.async_redeliver_webhook_delivery(original.id + 1000)
    assert missing.value.response.status_code == 404


async def test_a_redelivery_is_posted_signed_to_the_webhook(app_github: GitHub, state: GitHubState, receiver):
    url, received = receiver
    original = state.record_delivery("repository", {"action": "transferred"}, 502, delivered=False)
    state.app.webhook_url, state.app.webhook_secret = url, SECRET
    await app_github.rest.apps.async_redeliver_webhook_delivery(original.id)
    state.wait_for_hooks()
    assert len(received) == 1
    headers, body = received[0]["headers"], received[0]["body"]
    assert body == original.payload
    assert headers["x-github-delivery"] == original.guid and headers["x-github-event"] == "repository"
    assert verify(SECRET, body, headers["x-hub-signature-256"])
    newest = (await app_github.rest.apps.async_list_webhook_deliveries()).parsed_data[0]
    assert (newest.guid, newest.redelivery, newest.status_code, newest.status) == (original.guid, True, 202, "OK")


async def test_the_log_keeps_three_days(app_github: GitHub, state: GitHubState):
    old = state.record_delivery("push", {}, 500, delivered=False, at=state.now() - timedelta(days=3, minutes=1))
    recent = state.record_delivery("push", {}, 500, delivered=False, at=state.now() - timedelta(days=2))
    assert [i.id for i in (await app_github.rest.apps.async_list_webhook_deliveries()).parsed_data] == [recent.id]
    with pytest.raises(RequestFailed) as gone:
        await app_github.rest.apps.async_redeliver_webhook_delivery(old.id)
    assert gone.value.response.status_code == 404


async def test_a_bad_cursor_is_refused(app_github: GitHub, state: GitHubState):
    with pytest.raises(RequestFailed) as refused:
        await app_github.rest.apps.async_list_webhook_deliveries(cursor="nonsense")
    assert refused.value.response.status_code == 400
