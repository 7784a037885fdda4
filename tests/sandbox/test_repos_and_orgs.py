"""Repository metadata, file contents, teams, org members and collaborator permissions."""

from __future__ import annotations

import base64

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from bot.sandbox.github import GitHubState
from tests.sandbox.conftest import FULL, ORG, REPO, fixture

pytestmark = pytest.mark.anyio


async def test_the_repository_reports_its_detected_licence(github: GitHub, state: GitHubState):
    repo = (await github.rest.repos.async_get(ORG, REPO)).parsed_data
    assert (repo.full_name, repo.private, repo.archived, repo.default_branch) == (FULL, False, False, "main")
    assert repo.description == "Formularer til kommuner"
    assert repo.license_.spdx_id == "MPL-2.0"
    state.put_file(FULL, "LICENSE", "Our own terms\n")
    assert (await github.rest.repos.async_get(ORG, REPO)).parsed_data.license_.spdx_id == "NOASSERTION"
    state.delete_file(FULL, "LICENSE")
    assert (await github.rest.repos.async_get(ORG, REPO)).parsed_data.license_ is None


async def test_a_file_comes_base64_encoded_with_its_git_sha(github: GitHub, state: GitHubState):
    state.put_file(FULL, "hello.txt", "hello\n")
    got = await github.rest.repos.async_get_content(ORG, REPO, "hello.txt")
    item = got.parsed_data
    assert item.type == "file" and item.encoding == "base64"
    assert base64.b64decode(item.content) == b"hello\n"
    assert item.sha == "ce013625030ba8dba906f756967f9e9ca394464a"  # `git hash-object` of "hello\n"
    assert set(fixture("content-file-response-if-content-is-a-file.json")) <= set(got.json())


async def test_a_directory_is_a_list_of_files_and_directories(github: GitHub):
    listing = (await github.rest.repos.async_get_content(ORG, REPO, "docs")).parsed_data
    assert [(i.name, i.type, i.path) for i in listing] == [("img", "dir", "docs/img"),
                                                           ("index.md", "file", "docs/index.md")]
    root = (await github.rest.repos.async_get_content(ORG, REPO, "")).json()
    assert [i["name"] for i in root] == ["LICENSE", "README.md", "docs"]
    example = fixture("content-file-response-if-content-is-a-directory.json")[0]
    assert set(example) <= set(root[0])


async def test_a_missing_file_or_ref_is_404(github: GitHub, state: GitHubState):
    with pytest.raises(RequestFailed) as failed:
        await github.rest.repos.async_get_content(ORG, REPO, "publiccode.yml")
    assert failed.value.response.status_code == 404
    with pytest.raises(RequestFailed) as failed:
        await github.rest.repos.async_get_content(ORG, REPO, "README.md", ref="develop")
    assert failed.value.response.status_code == 404
    state.add_repo(ORG, "tom")
    with pytest.raises(RequestFailed) as failed:
        await github.rest.repos.async_get_content(ORG, "tom", "README.md")
    assert failed.value.response.json()["message"] == "This repository is empty."


async def test_raw_media_type_returns_the_bytes(raw: httpx.Client):
    response = raw.get(f"/repos/{FULL}/contents/README.md", headers={"Accept": "application/vnd.github.raw+json"})
    assert response.content == b"# OS2forms\n\nSelvbetjening for kommuner.\n"


async def test_team_membership_is_active_pending_or_absent(github: GitHub, state: GitHubState):
    state.add_team_member(ORG, "os2-bestyrelse", "formand", role="maintainer")
    state.add_team_member(ORG, "os2-bestyrelse", "ny", state="pending")
    got = await github.rest.teams.async_get_membership_for_user_in_org(ORG, "os2-bestyrelse", "formand")
    assert got.json() | {"url": ""} == fixture("team-membership-response-if-user-is-a-team-maintainer.json") | {"url": ""}
    pending = (await github.rest.teams.async_get_membership_for_user_in_org(ORG, "os2-bestyrelse", "ny")).json()
    assert (pending["role"], pending["state"]) == ("member", "pending")
    with pytest.raises(RequestFailed) as failed:
        await github.rest.teams.async_get_membership_for_user_in_org(ORG, "os2-bestyrelse", "fremmed")
    assert failed.value.response.status_code == 404
    # logins are case-insensitive on GitHub
    upper = await github.rest.teams.async_get_membership_for_user_in_org(ORG, "os2-bestyrelse", "FORMAND")
    assert upper.parsed_data.state == "active"


async def test_org_membership_answers_204_or_404(github: GitHub, state: GitHubState):
    state.add_org_member(ORG, "kollega")
    assert (await github.rest.orgs.async_check_membership_for_user(ORG, "kollega")).status_code == 204
    with pytest.raises(RequestFailed) as failed:
        await github.rest.orgs.async_check_membership_for_user(ORG, "fremmed")
    assert failed.value.response.status_code == 404


async def test_an_active_team_member_is_an_org_member(github: GitHub, state: GitHubState):
    state.add_team_member(ORG, "koordinatorer", "karin")
    assert (await github.rest.orgs.async_check_membership_for_user(ORG, "karin")).status_code == 204


async def test_collaborator_permission_gives_legacy_permission_and_role(github: GitHub, state: GitHubState):
    state.add_collaborator(FULL, "vedligeholder", "maintain")
    state.add_collaborator(FULL, "triager", "triage")
    state.add_user("forbipasserende")
    seen = {}
    for login in ("vedligeholder", "triager", "forbipasserende"):
        got = (await github.rest.repos.async_get_collaborator_permission_level(ORG, REPO, login)).parsed_data
        seen[login] = (got.permission, got.role_name)
    assert seen == {"vedligeholder": ("write", "maintain"), "triager": ("read", "triage"),
                    "forbipasserende": ("read", "read")}
    with pytest.raises(RequestFailed) as failed:
        await github.rest.repos.async_get_collaborator_permission_level(ORG, REPO, "findes-ikke")
    assert failed.value.response.status_code == 404
