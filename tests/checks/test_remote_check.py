"""`os2bot check OWNER/REPO` as a contributor runs it, against GitHub's stand-in on loopback:
without any credentials for a public repository, with a token (GITHUB_TOKEN or `gh auth
token`) for a private one, through the App only when the App's settings are there, and
with one clear Danish line when it cannot (not found or private, rate limit, network down).
"""

from __future__ import annotations

import json
import os
import socket
import stat
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.cli_check import danish_moment
from bot.checks import load_config
from bot.github_access import RemoteUnavailable
from bot.github_archive import fetch_archive_snapshot
from bot.github_access import Access
from bot.sandbox.github import GitHubStandin, GitHubState
from bot.tarball_snapshot import Limits

from .support import product_files, write_product

ORG = "OS2offdig"
PUBLIC = f"{ORG}/os2eksempel"
PRIVATE = f"{ORG}/os2hemmelig"
CREDENTIALS = ("APP_ID", "PRIVATE_KEY", "PRIVATE_KEY_PATH", "GITHUB_TOKEN", "GH_TOKEN")


@pytest.fixture(scope="module")
def server():
    with GitHubStandin(GitHubState()) as standin:
        yield standin


@pytest.fixture
def state(server, app_key):
    world = GitHubState(private_key_pem=app_key)
    world.add_repo(ORG, "os2eksempel", files=product_files(2), description="Eksempel")
    world.add_repo(ORG, "os2hemmelig", files=product_files(2), private=True)
    world.add_repo(ORG, "tomt", files={})
    server.state = world
    return world


@pytest.fixture(scope="module")
def app_key():
    return GitHubState().private_key_pem


@pytest.fixture
def env(monkeypatch, tmp_path, server, state):
    """No credentials at all, no gh on PATH, the stand-in as GitHub's API."""
    monkeypatch.chdir(tmp_path)                      # no .env from the working directory
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("GITHUB_API_URL", server.url)
    return empty


def check(target: str, capsys, *extra: str) -> tuple[int, dict | None, str]:
    code = main(["check", target, "--format", "json", *extra])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if captured.out else None), captured.err


def statuses(data: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in data["checks"]}


def test_a_public_repository_is_checked_without_any_credentials(env, state, capsys, tmp_path):
    code, data, err = check(PUBLIC, capsys, "--level", "2")
    assert data["repository"]["full_name"] == PUBLIC and data["repository"]["source"] == "github"
    assert err.count("\n") == 1 and "uden login" in err and PUBLIC in err
    requests = [(r.kind, r.auth, r.status) for r in state.requests]
    assert requests == [("rest", "none", 200), ("rest", "none", 302), ("codeload", "none", 200)]
    # the same files judged from a folder give the same verdicts, bar what only GitHub knows
    local = write_product(tmp_path / "os2eksempel", product_files(2))
    main(["check", str(local), "--format", "json", "--level", "2"])
    folder = json.loads(capsys.readouterr().out)
    differs = {k for k, v in statuses(data).items() if statuses(folder)[k] != v}
    assert differs <= {"issues_enabled", "in_os2_org"}
    assert statuses(data)["issues_enabled"] == "pass" and statuses(data)["licence"] == "pass"
    assert code == (0 if data["ready"] else 1)


def test_the_commit_checked_is_named(env, state, capsys):
    from bot.sandbox.codeload import commit_of

    _, _, err = check(PUBLIC, capsys)
    assert commit_of(state.repo(PUBLIC))[:12] in err


def test_a_private_repository_without_credentials_is_a_clear_exit_2(env, state, capsys):
    code, data, err = check(PRIVATE, capsys)
    assert code == 2 and data is None
    assert err.count("\n") == 1
    assert "findes ikke på GitHub, eller det er privat" in err and "GITHUB_TOKEN" in err
    assert state.count(kind="codeload") == 0


def test_a_missing_repository_says_the_same_without_telling_which(env, state, capsys):
    code, _, err = check(f"{ORG}/findes-ikke", capsys)
    assert code == 2 and "findes ikke på GitHub, eller det er privat" in err


def test_a_private_repository_is_checked_with_a_members_github_token(env, state, capsys, monkeypatch):
    state.add_org_member(ORG, "kirsten")
    monkeypatch.setenv("GITHUB_TOKEN", state.add_personal_token("kirsten"))
    code, data, err = check(PRIVATE, capsys)
    assert code in (0, 1) and data["repository"]["full_name"] == PRIVATE
    assert "med token fra GITHUB_TOKEN" in err
    assert {r.auth for r in state.requests if r.kind == "rest"} == {"user"}
    download = [r for r in state.requests if r.kind == "codeload"]
    assert [r.status for r in download] == [200]


def test_a_token_without_access_says_so(env, state, capsys, monkeypatch):
    monkeypatch.setenv("GH_TOKEN", state.add_personal_token("udefra"))
    code, _, err = check(PRIVATE, capsys)
    assert code == 2 and "tokenet fra GH_TOKEN giver ikke adgang" in err


def test_a_token_github_rejects_says_so(env, state, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_" + "x" * 36)
    code, _, err = check(PUBLIC, capsys)
    assert code == 2 and "afviste tokenet fra GITHUB_TOKEN" in err


def fake_gh(folder, host: str, token: str) -> None:
    """A `gh` that knows one host's token, as `gh auth token --hostname HOST` prints it."""
    script = folder / "gh"
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1 $2 $3 $4" = "auth token --hostname {host}" ]; then echo {token}; exit 0; fi\n'
        "echo 'no oauth token' >&2; exit 1\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for gh")
def test_gh_auth_token_is_used_for_the_apis_own_host(env, state, server, capsys):
    state.add_collaborator(PRIVATE, "kirsten", "read")
    fake_gh(env, f"127.0.0.1:{server.port}", state.add_personal_token("kirsten"))
    code, data, err = check(PRIVATE, capsys)
    assert data["repository"]["full_name"] == PRIVATE and "med token fra gh auth token" in err


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for gh")
def test_a_gh_token_for_another_host_is_not_sent(env, state, capsys):
    fake_gh(env, "github.com", state.add_personal_token("kirsten"))
    code, _, err = check(PUBLIC, capsys)
    assert "uden login" in err
    assert {r.auth for r in state.requests} == {"none"}


def test_the_rate_limit_says_when_to_try_again_in_danish_time(env, state, capsys):
    state.anonymous_rate_limit = 1
    code, data, err = check(PUBLIC, capsys)
    assert code == 2 and data is None
    reset = datetime.fromtimestamp(int(state.use_rate("core-anonymous")[1]), tz=timezone.utc)
    clock = reset.astimezone(ZoneInfo("Europe/Copenhagen")).strftime("%H.%M")
    assert "grænse for forespørgsler uden login" in err and f"kl. {clock}" in err
    assert err.count("\n") == 1


def test_the_rate_limit_with_a_token_is_not_blamed_on_missing_login(env, state, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", state.add_personal_token("kirsten"))
    state.rate_limit_next(2, kind="primary", retry_after=3600, match="/repos/")
    code, _, err = check(PUBLIC, capsys)
    assert code == 2 and "GitHubs grænse for forespørgsler er nået. Prøv igen" in err and "uden login" not in err


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 11, 29, 13, 5, tzinfo=timezone.utc), "kl. 14.05"),
    (datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc), "i morgen kl. 00.30"),
    (datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc), "den 1.7.2026 kl. 10.00"),   # summer time
])
def test_a_reset_time_is_written_as_a_dane_reads_it(moment, expected):
    remote = load_config().texts["remote"]
    assert danish_moment(remote, moment, datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)) == expected


def test_network_down_is_a_clear_exit_2(env, capsys, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}")
    code, _, err = check(PUBLIC, capsys)
    assert code == 2 and f"ikke forbindelse til GitHub (127.0.0.1:{port})" in err and err.count("\n") == 1


def test_an_empty_repository_says_so(env, capsys):
    code, _, err = check(f"{ORG}/tomt", capsys)
    assert code == 2 and "er tomt" in err


def test_a_repository_too_big_to_download_names_the_way_out(env, server, state):
    with pytest.raises(RemoteUnavailable) as caught:
        fetch_archive_snapshot(ORG, "os2eksempel", api_url=server.url, access=Access("anonymous"),
                               limits=Limits(archive_bytes=200))
    assert caught.value.reason == "too_big" and caught.value.values["name"] == "os2eksempel"


def test_the_app_is_used_only_when_its_settings_are_there(env, state, capsys, monkeypatch):
    state.add_installation(ORG)
    monkeypatch.setenv("APP_ID", str(state.app.id))
    monkeypatch.setenv("PRIVATE_KEY", state.private_key_pem)
    code, data, err = check(PRIVATE, capsys)
    assert data["repository"]["full_name"] == PRIVATE and "som GitHub App'en" in err
    assert state.count(kind="graphql") == 1 and state.count(kind="codeload") == 0


def test_an_app_not_installed_on_the_repository_falls_back_and_says_so(env, state, capsys, monkeypatch):
    monkeypatch.setenv("APP_ID", str(state.app.id))
    monkeypatch.setenv("PRIVATE_KEY", state.private_key_pem)
    code, data, err = check(PUBLIC, capsys)
    assert data["repository"]["full_name"] == PUBLIC
    assert "GitHub App'en er ikke installeret" in err and "uden login" in err and err.count("\n") == 1


def test_every_remote_reason_has_a_danish_text():
    from bot.github_archive import classify  # noqa: F401  (the reasons it gives are listed here)

    remote = load_config().texts["remote"]
    reasons = {"via_app", "via_token", "via_anonymous", "app_not_installed", "not_found_anonymous",
               "not_found_token", "not_found_app", "bad_token", "bad_app", "rate_limited_anonymous",
               "rate_limited", "offline", "timeout", "github_error", "empty", "too_big", "too_many_files",
               "broken", "settings", "reset_today", "reset_tomorrow", "reset_later"}
    assert reasons <= set(remote)


def test_a_broken_setting_is_one_line_naming_it(env, capsys, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "snakkesalig")
    code, _, err = check(PUBLIC, capsys)
    assert code == 2 and err.startswith("os2bot check: Indstillingerne kunne ikke læses: LOG_LEVEL")
    assert err.count("\n") == 1
