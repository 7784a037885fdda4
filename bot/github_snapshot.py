"""A Snapshot of a GitHub repository from ONE GraphQL query (pure: the caller sends it),
and `fetch_snapshot`, which picks the way to ask GitHub (the App, a token, no login).

The query fetches the repository's settings, its detected licence, the root
tree with each root file's text (GitHub returns no text for binary blobs and
marks large ones truncated) and one level of every root folder's names, plus
docs/ and doc/ with text. `snapshot_from_graphql` keeps only the texts the
checks want (`bot.checks.wanted_files`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from bot.checks.files import wanted_files
from bot.github_access import Access, RemoteUnavailable, choose_access, gh_token, token_access
from bot.graphql_cost import RATE_LIMIT_FIELDS
from bot.snapshot import Snapshot

_BLOB = "... on Blob { byteSize isBinary isTruncated text }"

# The selection inside `repository { ... }`; reconcile embeds it in its own single query.
REPOSITORY_SNAPSHOT_FIELDS = """
    name
    owner { login }
    description
    url
    isArchived
    isPrivate
    hasIssuesEnabled
    defaultBranchRef { name }
    licenseInfo { spdxId }
    root: object(expression: "HEAD:") {
      ... on Tree {
        entries {
          name
          path
          type
          object {
            %(blob)s
            ... on Tree { entries { name path type } }
          }
        }
      }
    }
    docs: object(expression: "HEAD:docs") {
      ... on Tree { entries { name path type object { %(blob)s } } }
    }
    doc: object(expression: "HEAD:doc") {
      ... on Tree { entries { name path type object { %(blob)s } } }
    }
""" % {"blob": _BLOB}

SNAPSHOT_QUERY = """
query RepositorySnapshot($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {%s}
  %s
}
""" % (REPOSITORY_SNAPSHOT_FIELDS, RATE_LIMIT_FIELDS)


@dataclass(frozen=True)
class Fetched:
    """A remote snapshot and how it was got: `way` and `notes` name texts in
    config/checks.yaml (texts.remote), `values` fill them."""

    snapshot: Snapshot
    way: str                         # via_app, via_token or via_anonymous
    values: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()      # e.g. app_not_installed: the App was tried first


def fetch_snapshot(owner: str, repo: str, *, env: Mapping[str, str] | None = None,
                   gh: Callable[[str], str | None] = gh_token) -> Fetched:
    """The one place remote mode asks GitHub: as the App when its settings are there (one
    GraphQL query), else over REST with a token or without login (`bot.github_archive`)."""
    from bot.errors import SettingsError
    from bot.github_archive import fetch_archive_snapshot
    from bot.settings import load_settings

    try:
        settings = load_settings(env)
    except SettingsError as exc:
        raise RemoteUnavailable("settings", detail=str(exc)) from None
    environment = _environment() if env is None else env
    access = choose_access(settings, environment, gh=gh)
    notes: tuple[str, ...] = ()
    if access.kind == "app":
        try:
            snapshot, installation = _fetch_as_app(settings, owner, repo)
            return Fetched(snapshot, "via_app", {"repository": snapshot.full_name, "installation": installation})
        except _NotInstalled:
            notes = ("app_not_installed",)
            access = token_access(settings, environment, gh=gh)
    snapshot = fetch_archive_snapshot(owner, repo, api_url=settings.github_api_url, access=access,
                                      timeout=settings.github_timeout)
    values = {"repository": snapshot.full_name, "source": access.source,
              "commit": (snapshot.commit or "?")[:12]}
    return Fetched(snapshot, f"via_{access.kind}", values, notes)


def _environment() -> dict[str, str]:
    """The process environment over a .env in the working directory, as load_settings reads it."""
    if Path(".env").is_file():
        from dotenv import dotenv_values

        return {**{k: v for k, v in dotenv_values(".env").items() if v is not None}, **os.environ}
    return dict(os.environ)


class _NotInstalled(Exception):
    """The App has no installation on the repository: a token or no login is tried instead."""


def _fetch_as_app(settings, owner: str, repo: str) -> tuple[Snapshot, int]:
    import asyncio

    from bot.errors import BotError, PermanentError
    from bot.github import GitHubApp

    async def fetch() -> tuple[Snapshot, int]:
        app = GitHubApp(settings)
        try:
            try:
                installation = await app.installation_for_repo(owner, repo)
            except PermanentError as exc:
                if exc.status == 404:
                    raise _NotInstalled() from None
                raise
            data = await app.installation(installation).graphql(SNAPSHOT_QUERY, {"owner": owner, "name": repo})
        finally:
            await app.aclose()
        return snapshot_from_graphql(data), installation

    values = {"repository": f"{owner}/{repo}", "name": repo,
              "host": urlsplit(settings.github_api_url).netloc or settings.github_api_url, "source": ""}
    try:
        return asyncio.run(fetch())
    except RemoteUnavailable as exc:
        raise RemoteUnavailable(exc.reason, **{**values, **exc.values}) from None
    except BotError as exc:
        raise _app_failure(exc, values) from None


def _app_failure(exc: Exception, values: dict) -> RemoteUnavailable:
    """The App's error (the bot's kinds, githubkit's underneath) as a reason a person can act on."""
    from githubkit.exception import GitHubException

    from bot.errors import RateLimited
    from bot.github_archive import classify

    cause = exc.__cause__
    if isinstance(cause, GitHubException):
        return classify(cause, Access("app"), values)
    if isinstance(exc, RateLimited):
        reset = datetime.now(timezone.utc) + timedelta(seconds=exc.retry_after or 60)
        return RemoteUnavailable("rate_limited", reset=reset, **values)
    return RemoteUnavailable("not_found_app", **values)


def _entries(tree: Any) -> list[dict]:
    if isinstance(tree, dict) and isinstance(tree.get("entries"), list):
        return [e for e in tree["entries"] if isinstance(e, dict) and isinstance(e.get("path"), str)]
    return []


def _blob_text(entry: dict) -> str | None:
    obj = entry.get("object")
    if not isinstance(obj, dict) or obj.get("isBinary") or not isinstance(obj.get("text"), str):
        return None
    return obj["text"].lstrip("\ufeff")


def snapshot_from_graphql(data: dict) -> Snapshot:
    """The response's `data` (or the whole response with a `data` key) -> Snapshot."""
    if "data" in data and "repository" not in data:
        data = data["data"] or {}
    return snapshot_from_repository(data.get("repository"))


def snapshot_from_repository(repo: Any) -> Snapshot:
    """The `repository { ... }` object selected by REPOSITORY_SNAPSHOT_FIELDS -> Snapshot."""
    if not isinstance(repo, dict):
        raise RemoteUnavailable("not_found_app")
    paths: dict[str, None] = {}
    texts: dict[str, str] = {}
    for entry in _entries(repo.get("root")):
        if entry.get("type") == "blob":
            paths[entry["path"]] = None
            text = _blob_text(entry)
            if text is not None:
                texts[entry["path"]] = text
        elif entry.get("type") == "tree":
            for child in _entries(entry.get("object")):
                if child.get("type") == "blob":
                    paths[child["path"]] = None
    for folder in ("docs", "doc"):
        for entry in _entries(repo.get(folder)):
            if entry.get("type") == "blob":
                paths[entry["path"]] = None
                text = _blob_text(entry)
                if text is not None:
                    texts[entry["path"]] = text
    all_paths = tuple(sorted(paths))
    files = {p: texts[p] for p in wanted_files(all_paths) if p in texts}
    owner = repo.get("owner") or {}
    licence = repo.get("licenseInfo") or {}
    branch = repo.get("defaultBranchRef") or {}
    return Snapshot(
        name=str(repo.get("name") or ""),
        owner=owner.get("login"),
        paths=all_paths,
        files=files,
        licence_spdx=licence.get("spdxId"),
        default_branch=branch.get("name"),
        has_issues=repo.get("hasIssuesEnabled"),
        archived=repo.get("isArchived"),
        private=repo.get("isPrivate"),
        description=repo.get("description"),
        html_url=repo.get("url"),
        source="github",
    )
