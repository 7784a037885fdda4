"""A Snapshot of a GitHub repository from ONE GraphQL query (pure: the caller sends it).

The query fetches the repository's settings, its detected licence, the root
tree with each root file's text (GitHub returns no text for binary blobs and
marks large ones truncated) and one level of every root folder's names, plus
docs/ and doc/ with text. `snapshot_from_graphql` keeps only the texts the
checks want (`bot.checks.wanted_files`).
"""

from __future__ import annotations

from typing import Any

from bot.checks.files import wanted_files
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


class RemoteUnavailable(RuntimeError):
    """A remote check cannot be made (no GitHub settings, no access, no such repository)."""


def fetch_snapshot(owner: str, repo: str) -> Snapshot:
    """The one place remote mode asks GitHub: as the App, with the settings of `os2bot serve`."""
    import asyncio

    from bot.errors import BotError, SettingsError
    from bot.github import GitHubApp
    from bot.settings import load_settings

    try:
        settings = load_settings()
        if settings.app_id is None or settings.private_key is None:
            raise SettingsError("APP_ID and PRIVATE_KEY are needed")
    except SettingsError as exc:
        raise RemoteUnavailable(
            f"{owner}/{repo}: tjek af et GitHub-repository kræver GitHub App-indstillingerne ({exc}); "
            "tjek en lokal mappe i stedet (os2bot check .)") from None

    async def fetch() -> Snapshot:
        app = GitHubApp(settings)
        try:
            installation = await app.installation_for_repo(owner, repo)
            data = await app.installation(installation).graphql(SNAPSHOT_QUERY, {"owner": owner, "name": repo})
        finally:
            await app.aclose()
        return snapshot_from_graphql(data)

    try:
        return asyncio.run(fetch())
    except BotError as exc:
        raise RemoteUnavailable(f"{owner}/{repo}: {exc}") from None


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
        raise RemoteUnavailable("the GraphQL response holds no repository")
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
        description=repo.get("description"),
        html_url=repo.get("url"),
        source="github",
    )
