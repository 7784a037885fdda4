"""What tests use to watch and disturb the stand-in: the request log, faults, headers."""

from __future__ import annotations

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import PrimaryRateLimitExceeded, RequestFailed, SecondaryRateLimitExceeded

from bot.sandbox.github import GitHubState
from tests.sandbox.conftest import FULL, ORG, REPO

pytestmark = pytest.mark.anyio

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used",
                "x-ratelimit-resource", "x-github-request-id")


async def test_the_log_counts_reads_writes_and_graphql(github: GitHub, state: GitHubState):
    await github.rest.issues.async_create(ORG, REPO, title="Onboarding")
    await github.rest.issues.async_list_for_repo(ORG, REPO)
    await github.async_graphql("{ viewer { login } }")
    assert state.count(kind="graphql") == 1
    assert state.count(write=True) == 1
    assert state.count(method="POST", path=r"/app/installations/\d+/access_tokens") == 1
    assert state.count(kind="rest", write=False, auth="installation") == 1
    assert [r.status for r in state.requests] == [201, 201, 200, 200]
    state.reset_counts()
    assert state.requests == [] and state.count() == 0


async def test_a_failure_happens_once_then_github_recovers(github: GitHub, state: GitHubState):
    await github.rest.repos.async_get(ORG, REPO)
    state.fail_next(1, status=502)
    with pytest.raises(RequestFailed) as failed:
        await github.rest.repos.async_get(ORG, REPO)
    assert failed.value.response.status_code == 502
    assert (await github.rest.repos.async_get(ORG, REPO)).status_code == 200


async def test_a_failure_can_target_one_route(github: GitHub, state: GitHubState):
    state.fail_next(2, status=500, match=r"/issues$")
    assert (await github.rest.repos.async_get(ORG, REPO)).status_code == 200
    for _ in range(2):
        with pytest.raises(RequestFailed):
            await github.rest.issues.async_create(ORG, REPO, title="x")
    assert (await github.rest.issues.async_create(ORG, REPO, title="x")).status_code == 201
    assert [i.title for i in state.issues(FULL)] == ["x"]


async def test_primary_rate_limit(github: GitHub, state: GitHubState):
    await github.rest.repos.async_get(ORG, REPO)
    state.rate_limit_next(1, kind="primary")
    with pytest.raises(PrimaryRateLimitExceeded) as limited:
        await github.rest.repos.async_get(ORG, REPO)
    assert limited.value.response.status_code == 403
    assert limited.value.response.headers["x-ratelimit-remaining"] == "0"
    assert limited.value.retry_after.total_seconds() > 0


async def test_primary_rate_limit_on_graphql(github: GitHub, state: GitHubState):
    await github.rest.repos.async_get(ORG, REPO)
    state.rate_limit_next(1, kind="primary", match="graphql")
    with pytest.raises(PrimaryRateLimitExceeded):
        await github.async_graphql("{ viewer { login } }")


@pytest.mark.parametrize("status", [403, 429])
async def test_secondary_rate_limit_says_when_to_retry(github: GitHub, state: GitHubState, status: int):
    await github.rest.repos.async_get(ORG, REPO)
    state.rate_limit_next(1, kind="secondary", status=status, retry_after=30)
    with pytest.raises(SecondaryRateLimitExceeded) as limited:
        await github.rest.issues.async_create(ORG, REPO, title="x")
    assert limited.value.response.status_code == status
    assert limited.value.retry_after.total_seconds() == 30
    assert state.issues(FULL) == []


async def test_every_response_carries_githubs_rate_limit_headers(base_url: str, raw: httpx.Client):
    for response in (raw.get(f"/repos/{FULL}"), raw.get("/nowhere"), httpx.get(f"{base_url}/app"),
                     raw.post("/graphql", json={"query": "{ viewer { login } }"})):
        assert all(h in response.headers for h in RATE_HEADERS), response.headers
    used = [int(raw.get(f"/repos/{FULL}").headers["x-ratelimit-used"]) for _ in range(2)]
    assert used[1] == used[0] + 1
    assert raw.post("/graphql", json={"query": "{ viewer { login } }"}).headers["x-ratelimit-resource"] == "graphql"


async def test_an_unknown_route_is_a_github_404(raw: httpx.Client):
    response = raw.get("/repos/OS2offdig/os2forms/pulls/1/merge/now")
    assert response.status_code == 404
    assert response.json()["message"] == "Not Found"
    assert "documentation_url" in response.json()


async def test_a_conditional_request_gets_304(raw: httpx.Client, state: GitHubState):
    first = raw.get(f"/repos/{FULL}/issues")
    again = raw.get(f"/repos/{FULL}/issues", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    state.add_issue(FULL, "Ny")
    changed = raw.get(f"/repos/{FULL}/issues", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and len(changed.json()) == 1


async def test_invalid_json_is_a_400(raw: httpx.Client):
    response = raw.post(f"/repos/{FULL}/issues", content=b"{nope", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["message"] == "Problems parsing JSON"


async def test_latency_delays_but_does_not_break(github: GitHub, state: GitHubState):
    state.latency = 0.01
    assert (await github.rest.repos.async_get(ORG, REPO)).status_code == 200


def test_the_app_serves_from_a_plain_thread_for_sync_callers(base_url: str, state: GitHubState):
    from githubkit import AppAuthStrategy
    from githubkit.cache import MemCacheStrategy

    app = GitHub(AppAuthStrategy(state.app.id, state.private_key_pem), base_url=base_url, timeout=10,
                 auto_retry=False, cache_strategy=MemCacheStrategy())
    installation = app.rest.apps.get_repo_installation(ORG, REPO).parsed_data
    github = app.with_auth(app.auth.as_installation(installation.id))
    assert github.rest.issues.create(ORG, REPO, title="sync").parsed_data.number == 1


def test_the_server_stops_when_the_block_ends(state: GitHubState):
    from bot.sandbox.github import serve_github_standin

    with serve_github_standin(state) as url:
        assert httpx.get(f"{url}/repos/{FULL}").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/repos/{FULL}")
