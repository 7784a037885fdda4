"""The stand-in's repository archives behave as GitHub's REST docs say ("Download a repository
archive (tar)"): a 302 to the archive host, the default branch when no ref is given, public
repositories without login, a private one's link temporary (five minutes), and a personal
token reads what its owner may read; REST without login has GitHub's 60 an hour."""

from __future__ import annotations

import gzip
import io
import tarfile

import httpx

from bot.sandbox.codeload import commit_of
from bot.sandbox.github import GitHubState

from .conftest import FULL, ORG


def members(content: bytes) -> tuple[dict[str, str], list[str]]:
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(content)), mode="r:") as tar:
        return tar.pax_headers, tar.getnames()


def test_a_public_tarball_is_a_redirect_to_the_archive_host_without_login(base_url: str, state: GitHubState):
    with httpx.Client(base_url=base_url) as anonymous:
        answer = anonymous.get(f"/repos/{FULL}/tarball/main")
        assert answer.status_code == 302 and "token=" not in answer.headers["location"]
        assert answer.headers["location"].endswith(f"/{FULL}/legacy.tar.gz/refs/heads/main")
        archive = anonymous.get(answer.headers["location"])
    assert archive.status_code == 200 and archive.headers["content-type"] == "application/x-gzip"
    headers, names = members(archive.content)
    sha = commit_of(state.repo(FULL))
    assert headers["comment"] == sha
    top = f"{ORG}-os2forms-{sha[:7]}/"
    assert f"{top}README.md" in names and f"{top}docs/img/logo.png" in names
    assert all(name.startswith(top) or name == top.rstrip("/") for name in names)


def test_without_a_ref_the_default_branch_is_used_and_an_unknown_ref_is_404(base_url: str):
    with httpx.Client(base_url=base_url) as anonymous:
        assert anonymous.get(f"/repos/{FULL}/tarball").headers["location"].endswith("/refs/heads/main")
        assert anonymous.get(f"/repos/{FULL}/tarball/no-such-branch").status_code == 404


def test_a_private_repository_is_404_without_login_and_its_link_expires(base_url: str, state: GitHubState):
    state.add_repo(ORG, "hemmelig", files={"README.md": "# Hemmelig"}, private=True)
    with httpx.Client(base_url=base_url) as anonymous:
        assert anonymous.get(f"/repos/{ORG}/hemmelig/tarball/main").status_code == 404
    state.add_org_member(ORG, "kirsten")
    token = state.add_personal_token("kirsten")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"token {token}"}) as member:
        link = member.get(f"/repos/{ORG}/hemmelig/tarball/main").headers["location"]
    assert "token=" in link
    with httpx.Client() as anyone:
        assert anyone.get(link).status_code == 200           # the link itself is the credential
        assert anyone.get(link.split("?")[0]).status_code == 404
        state.advance(minutes=6)
        assert anyone.get(link).status_code == 404


def test_a_personal_token_reads_only_what_its_owner_may(base_url: str, state: GitHubState):
    state.add_repo(ORG, "hemmelig", files={"README.md": "# Hemmelig"}, private=True)
    outsider = state.add_personal_token("udefra")
    with httpx.Client(base_url=base_url, headers={"Authorization": f"token {outsider}"}) as client:
        assert client.get(f"/repos/{ORG}/hemmelig").status_code == 404
        assert client.get(f"/repos/{FULL}").status_code == 200
        assert client.post(f"/repos/{FULL}/issues", json={"title": "x"}).status_code == 403


def test_an_empty_repositorys_archive_link_leads_to_a_404(base_url: str, state: GitHubState):
    state.add_repo(ORG, "tomt")
    with httpx.Client(base_url=base_url, follow_redirects=True) as anonymous:
        assert anonymous.get(f"/repos/{ORG}/tomt/tarball").status_code == 404


def test_rest_without_login_has_sixty_requests_an_hour(base_url: str, state: GitHubState):
    with httpx.Client(base_url=base_url) as anonymous:
        first = anonymous.get(f"/repos/{FULL}")
        assert first.headers["x-ratelimit-limit"] == "60" and first.headers["x-ratelimit-remaining"] == "59"
        for _ in range(59):
            assert anonymous.get(f"/repos/{FULL}").status_code == 200
        refused = anonymous.get(f"/repos/{FULL}")
    assert refused.status_code == 403 and refused.headers["x-ratelimit-remaining"] == "0"
    assert refused.json()["message"].startswith("API rate limit exceeded for")
    assert int(refused.headers["x-ratelimit-reset"]) > 0
