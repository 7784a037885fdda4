"""The GitHub client at the HTTP edge (respx): tokens, timeouts, safe retries, counting."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import respx

from bot.errors import PermanentError, RateLimited, TransientError
from bot.github import GitHubApp, metered
from bot.settings import load_settings

API = "https://api.github.test"


@pytest.fixture
def settings(bot_env):
    return load_settings({**bot_env, "GITHUB_API_URL": API, "GITHUB_TIMEOUT": "3"}, dotenv=False)


def token_response(token: str = "ghs_test") -> httpx.Response:
    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return httpx.Response(201, json={"token": token, "expires_at": expires, "permissions": {"issues": "write"},
                                     "repository_selection": "selected"})


def run(coro):
    return asyncio.run(coro)


@respx.mock(base_url=API, assert_all_called=False)
def test_installation_token_is_minted_once_and_reused(respx_mock, settings):
    token = respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response())
    repo = respx_mock.get("/repos/OS2/x").mock(return_value=httpx.Response(200, json={"full_name": "OS2/x"}))
    app = GitHubApp(settings)

    async def go():
        client = app.installation(7)
        for _ in range(3):
            assert (await client.rest("GET", "/repos/OS2/x"))["full_name"] == "OS2/x"

    run(go())
    assert token.call_count == 1 and repo.call_count == 3
    assert repo.calls[0].request.headers["authorization"] == "token ghs_test"
    assert app.counter.snapshot() == {"token": 1, "read": 3}
    assert app.counter.api_requests == 3


@respx.mock(base_url=API, assert_all_called=False)
def test_two_apps_do_not_share_a_token_cache(respx_mock, settings):
    token = respx_mock.post("/app/installations/7/access_tokens").mock(side_effect=[token_response("ghs_a"), token_response("ghs_b")])
    repo = respx_mock.get("/repos/OS2/x").mock(return_value=httpx.Response(200, json={}))

    async def go():
        await GitHubApp(settings).installation(7).rest("GET", "/repos/OS2/x")
        await GitHubApp(settings).installation(7).rest("GET", "/repos/OS2/x")

    run(go())
    assert token.call_count == 2
    assert [c.request.headers["authorization"] for c in repo.calls] == ["token ghs_a", "token ghs_b"]


def test_every_request_has_a_timeout(settings):
    app = GitHubApp(settings)
    timeout = app.github.config.timeout
    assert timeout.read == 3 and timeout.connect == 3 and timeout.pool is not None


@respx.mock(base_url=API, assert_all_called=False)
def test_a_read_is_retried_on_502_but_a_write_is_not(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response())
    read = respx_mock.get("/repos/OS2/x/issues/1").mock(side_effect=[httpx.Response(502), httpx.Response(200, json={"number": 1})])
    write = respx_mock.post("/repos/OS2/x/issues").mock(return_value=httpx.Response(502))
    client = GitHubApp(settings).installation(7)

    async def go():
        assert (await client.rest("GET", "/repos/OS2/x/issues/1"))["number"] == 1
        with pytest.raises(TransientError, match="502"):
            await client.rest("POST", "/repos/OS2/x/issues", json={"title": "t"})

    run(go())
    assert read.call_count == 2
    assert write.call_count == 1   # never repeated blindly: the reconcile decides, after re-reading


@respx.mock(base_url=API, assert_all_called=False)
def test_a_long_rate_limit_goes_back_to_the_runner_with_its_wait(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response())
    reset = int(datetime.now(timezone.utc).timestamp()) + 600
    respx_mock.get("/repos/OS2/x").mock(return_value=httpx.Response(
        403, json={"message": "API rate limit exceeded"},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}))
    client = GitHubApp(settings).installation(7)
    with pytest.raises(RateLimited) as err:
        run(client.rest("GET", "/repos/OS2/x"))
    assert 500 < err.value.retry_after <= 601


@respx.mock(base_url=API, assert_all_called=False)
def test_a_secondary_rate_limit_with_short_retry_after_is_waited_out(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response())
    route = respx_mock.get("/repos/OS2/x").mock(side_effect=[
        httpx.Response(403, json={"message": "You have exceeded a secondary rate limit"}, headers={"retry-after": "0"}),
        httpx.Response(200, json={"ok": True})])
    assert run(GitHubApp(settings).installation(7).rest("GET", "/repos/OS2/x")) == {"ok": True}
    assert route.call_count == 2


@respx.mock(base_url=API, assert_all_called=False)
def test_not_found_is_permanent_and_rest_or_none_answers_none(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response())
    respx_mock.get("/orgs/OS2/teams/board/memberships/someone").mock(return_value=httpx.Response(404, json={"message": "Not Found"}))
    client = GitHubApp(settings).installation(7)
    with pytest.raises(PermanentError, match="404"):
        run(client.rest("GET", "/orgs/OS2/teams/board/memberships/someone"))
    assert run(client.rest_or_none("GET", "/orgs/OS2/teams/board/memberships/someone")) is None


@respx.mock(base_url=API, assert_all_called=False)
def test_github_down_is_transient(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(TransientError, match="unreachable"):
        run(GitHubApp(settings).installation(7).rest("GET", "/repos/OS2/x"))


@respx.mock(base_url=API, assert_all_called=False)
def test_graphql_errors_are_reported_with_their_message(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response())
    respx_mock.post("/graphql").mock(return_value=httpx.Response(200, json={
        "data": None, "errors": [{"type": "NOT_FOUND", "message": "Could not resolve to a Repository"}]}))
    with pytest.raises(PermanentError, match="Could not resolve"):
        run(GitHubApp(settings).installation(7).graphql("query { viewer { login } }"))


@respx.mock(base_url=API, assert_all_called=False)
def test_an_app_list_page_carries_githubs_cursor_over(respx_mock, settings):
    link = '<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_12077215967>; rel="next"'
    pages = respx_mock.get("/app/hook/deliveries").mock(side_effect=[
        httpx.Response(200, json=[{"id": 2}], headers={"Link": link}), httpx.Response(200, json=[{"id": 1}])])
    app = GitHubApp(settings)

    async def go():
        first = await app.app_page("/app/hook/deliveries", params={"per_page": 100})
        return first, await app.app_page("/app/hook/deliveries", params=first[1])

    (data, following), last = run(go())
    assert data == [{"id": 2}] and following == {"per_page": "100", "cursor": "v1_12077215967"}
    assert last == ([{"id": 1}], None)
    assert pages.calls[1].request.url.params["cursor"] == "v1_12077215967"
    assert pages.calls[0].request.url.host == "api.github.test"       # the configured API, never the link's host
    assert pages.calls[0].request.headers["authorization"].startswith("Bearer ")     # the App's JWT
    assert app.counter.snapshot() == {"read": 2}


@respx.mock(base_url=API, assert_all_called=False)
def test_points_are_counted_from_the_answer_and_each_installation_keeps_its_own_budget(respx_mock, settings):
    respx_mock.post("/app/installations/7/access_tokens").mock(return_value=token_response("ghs_7"))
    respx_mock.post("/app/installations/8/access_tokens").mock(return_value=token_response("ghs_8"))

    def graphql(request: httpx.Request) -> httpx.Response:
        mine = request.headers["authorization"] == "token ghs_7"
        remaining = 4990 if mine else 120
        return httpx.Response(200, json={"data": {"viewer": {"login": "x"}, "rateLimit": {
            "cost": 3 if mine else 1, "remaining": remaining, "resetAt": "2030-01-01T00:00:00Z"}}},
            headers={"X-RateLimit-Resource": "graphql", "X-RateLimit-Remaining": str(remaining),
                     "X-RateLimit-Limit": "5000", "X-RateLimit-Reset": "1893456000"})

    respx_mock.post("/graphql").mock(side_effect=graphql)
    respx_mock.get("/repos/OS2/x").mock(return_value=httpx.Response(200, json={}, headers={
        "X-RateLimit-Resource": "core", "X-RateLimit-Remaining": "17", "X-RateLimit-Limit": "5000",
        "X-RateLimit-Reset": "1893456000"}))
    app = GitHubApp(settings)
    query = "query { viewer { login } rateLimit { cost remaining resetAt } }"

    async def reconcile_of_seven(seven):
        with metered() as meter:               # what one piece of work spent, for its log line
            await seven.graphql(query)
            await seven.graphql(query)
        return meter

    async def go():
        seven, eight = app.installation(7), app.installation(8)
        meter, *_ = await asyncio.gather(reconcile_of_seven(seven), eight.graphql(query), eight.graphql(query))
        await seven.rest("GET", "/repos/OS2/x")
        return seven, eight, meter

    seven, eight, meter = run(go())
    assert (meter.points, meter.remaining) == (3 + 3, 4990)
    assert app.counter.points == 3 + 1 + 3 + 1
    assert seven.budget.get("graphql").remaining == 4990 and eight.budget.get("graphql").remaining == 120
    assert seven.budget.get("core").remaining == 17 and eight.budget.get("core").remaining is None
    assert seven.budget.get("graphql").reset == 1893456000
