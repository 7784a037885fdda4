"""The stand-in authenticates a GitHub App the way GitHub does."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import httpx
import jwt
import pytest
from githubkit import GitHub
from githubkit.exception import GraphQLFailed, RequestFailed

from bot.sandbox.github import GitHubState, Installation
from tests.sandbox.conftest import FULL, ORG, REPO, app_client, fixture, new_private_key

pytestmark = pytest.mark.anyio


async def test_the_app_finds_its_installation_on_a_repository(app_github: GitHub, installation: Installation):
    found = await app_github.rest.apps.async_get_repo_installation(ORG, REPO)
    assert found.parsed_data.id == installation.id
    assert found.parsed_data.account.login == ORG
    org = await app_github.rest.apps.async_get_org_installation(ORG)
    assert org.parsed_data.id == installation.id


async def test_the_app_reads_itself_and_its_installations(app_github: GitHub, state: GitHubState):
    app = (await app_github.rest.apps.async_get_authenticated()).parsed_data
    assert (app.id, app.slug) == (state.app.id, "os2bot")
    installations = (await app_github.rest.apps.async_list_installations()).parsed_data
    assert [i.account.login for i in installations] == [ORG]


async def test_an_installation_token_has_githubs_format(base_url: str, state: GitHubState,
                                                        installation: Installation):
    token = jwt.encode({"iss": str(state.app.id), "iat": int(time.time()) - 60, "exp": int(time.time()) + 540},
                       state.private_key_pem, algorithm="RS256")
    response = httpx.post(f"{base_url}/app/installations/{installation.id}/access_tokens",
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    body = response.json()
    example = fixture("installation-token.json")
    assert set(body) >= set(example) - {"repositories"}
    assert re.fullmatch(r"ghs_[A-Za-z0-9]{36}", body["token"])
    expires = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert timedelta(minutes=59) < expires - datetime.now(timezone.utc) <= timedelta(hours=1)
    assert body["permissions"]["issues"] == "write"


async def test_a_jwt_signed_by_another_key_is_refused(base_url: str, state: GitHubState):
    stranger = app_client(base_url, state.app.id, new_private_key())
    with pytest.raises(RequestFailed) as failed:
        await stranger.rest.apps.async_get_repo_installation(ORG, REPO)
    assert failed.value.response.status_code == 401
    assert failed.value.response.json()["message"] == "A JSON web token could not be decoded"


async def test_an_expired_or_too_long_jwt_is_refused(base_url: str, state: GitHubState):
    now = int(time.time())
    expired = jwt.encode({"iss": str(state.app.id), "iat": now - 1200, "exp": now - 600}, state.private_key_pem,
                         algorithm="RS256")
    too_long = jwt.encode({"iss": str(state.app.id), "iat": now, "exp": now + 3600}, state.private_key_pem,
                          algorithm="RS256")
    for token, words in ((expired, "'Expiration time' claim ('exp') must be"), (too_long, "too far in the future")):
        response = httpx.get(f"{base_url}/app", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert words in response.json()["message"]


async def test_a_jwt_for_another_app_is_refused(base_url: str, state: GitHubState):
    other = app_client(base_url, state.app.id + 1, state.private_key_pem)
    with pytest.raises(RequestFailed) as failed:
        await other.rest.apps.async_get_authenticated()
    assert failed.value.response.status_code == 401


async def test_app_endpoints_refuse_an_installation_token(base_url: str, state: GitHubState,
                                                        installation: Installation):
    token = state.issue_token(installation.id).token
    assert httpx.get(f"{base_url}/repos/{FULL}", headers={"Authorization": f"token {token}"}).status_code == 200
    response = httpx.get(f"{base_url}/app", headers={"Authorization": f"token {token}"})
    assert response.status_code == 401


async def test_a_token_of_another_organisation_cannot_see_a_private_repository(
        base_url: str, state: GitHubState, app_github: GitHub):
    state.add_repo(ORG, "hemmelig", private=True, files={"README.md": "x"})
    elsewhere = state.add_installation("OS2other")
    other = app_github.with_auth(app_github.auth.as_installation(elsewhere.id))
    with pytest.raises(RequestFailed) as failed:
        await other.rest.repos.async_get(ORG, "hemmelig")
    assert failed.value.response.status_code == 404
    with pytest.raises(GraphQLFailed) as refused:
        await other.async_graphql('{ repository(owner: "OS2offdig", name: "hemmelig") { name } }')
    assert [e.type for e in refused.value.response.errors] == ["NOT_FOUND"]


async def test_a_token_of_another_organisation_cannot_write_to_a_public_repository(
        state: GitHubState, app_github: GitHub):
    elsewhere = state.add_installation("OS2other")
    other = app_github.with_auth(app_github.auth.as_installation(elsewhere.id))
    assert (await other.rest.repos.async_get(ORG, REPO)).parsed_data.full_name == FULL  # public: readable
    with pytest.raises(RequestFailed) as failed:
        await other.rest.issues.async_create(ORG, REPO, title="Ikke min")
    assert failed.value.response.status_code == 403
    assert failed.value.response.json()["message"] == "Resource not accessible by integration"
    assert state.issues(FULL) == []


async def test_an_anonymous_caller_reads_public_but_cannot_write(base_url: str, state: GitHubState):
    assert httpx.get(f"{base_url}/repos/{FULL}").status_code == 200
    refused = httpx.post(f"{base_url}/repos/{FULL}/issues", json={"title": "x"})
    assert refused.status_code == 401
    assert httpx.get(f"{base_url}/graphql").status_code == 404
    assert httpx.post(f"{base_url}/graphql", json={"query": "{ viewer { login } }"}).status_code == 401


async def test_an_installation_token_expires_after_an_hour(github: GitHub, state: GitHubState):
    await github.rest.repos.async_get(ORG, REPO)
    state.advance(hours=1, minutes=1)
    with pytest.raises(RequestFailed) as failed:
        await github.rest.repos.async_get(ORG, REPO)  # githubkit still holds the old token
    assert failed.value.response.status_code == 401
    assert failed.value.response.json()["message"] == "Bad credentials"


async def test_a_token_limited_to_some_repositories_sees_only_those(state: GitHubState, app_github: GitHub,
                                                                    installation: Installation):
    state.add_repo(ORG, "hemmelig", private=True, files={"README.md": "x"})
    narrow = app_github.with_auth(app_github.auth.as_installation(installation.id, repositories=[REPO]))
    assert (await narrow.rest.repos.async_get(ORG, REPO)).status_code == 200
    with pytest.raises(RequestFailed) as failed:
        await narrow.rest.repos.async_get(ORG, "hemmelig")
    assert failed.value.response.status_code == 404


async def test_the_installation_lists_its_repositories(github: GitHub, state: GitHubState):
    state.add_repo(ORG, "os2kitos")
    state.add_repo("Someone", "elsewhere")
    listed = (await github.rest.apps.async_list_repos_accessible_to_installation()).parsed_data
    assert listed.total_count == 2
    assert sorted(r.full_name for r in listed.repositories) == [FULL, f"{ORG}/os2kitos"]


async def test_an_installation_without_members_permission_cannot_read_teams(state: GitHubState,
                                                                            app_github: GitHub):
    state.add_team_member("Kommune", "it", "bo")
    limited = state.add_installation("Kommune", permissions={"issues": "write", "metadata": "read"})
    client = app_github.with_auth(app_github.auth.as_installation(limited.id))
    with pytest.raises(RequestFailed) as failed:
        await client.rest.teams.async_get_membership_for_user_in_org("Kommune", "it", "bo")
    assert failed.value.response.status_code == 403
