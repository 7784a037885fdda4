"""The shape of a payload, as far as the bot's routes read it.

GitHub's payloads always have this shape; a payload that does not (a hand-made or forged
delivery signed with the secret, a journal written by an older bot, a change on GitHub's
side) cannot be helped by retrying. Intake answers it 400 without journaling it; the
runner's processor checks journaled payloads again and dead-letters a malformed one at
once (PermanentError), so handlers only ever see the shape described here.

Only what handlers read is checked; other fields may be anything.
"""

from __future__ import annotations

import re
from typing import Any

from bot.store import RECONCILE_EVENT

# owner/name as GitHub allows them: one slash, no spaces, nothing a URL path would read as `..`
_FULL_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}/[A-Za-z0-9_.-]{1,100}")

REPOSITORY_EVENTS = frozenset({"repository", "push", "issues", "issue_comment", RECONCILE_EVENT})
INSTALLATION_EVENTS = frozenset({"installation", "installation_repositories"})


def full_name_problem(value: Any, where: str) -> str | None:
    if not isinstance(value, str):
        return f"{where} is not a string"
    if not _FULL_NAME.fullmatch(value) or value.split("/")[1] in (".", ".."):
        return f"{where} is not owner/name: {value[:80]!r}"
    return None


def _object(payload: dict, key: str, *, required: bool) -> str | None:
    value = payload.get(key)
    if value is None:
        return f"no {key}" if required else None
    return None if isinstance(value, dict) else f"{key} is not an object"


def _repositories(payload: dict, key: str) -> str | None:
    value = payload.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        return f"{key} is not a list"
    for i, repo in enumerate(value):
        if not isinstance(repo, dict):
            return f"{key}[{i}] is not an object"
        if (problem := full_name_problem(repo.get("full_name"), f"{key}[{i}].full_name")):
            return problem
    return None


def _commits(payload: dict) -> str | None:
    commits = payload.get("commits")
    if commits is None:
        return None
    if not isinstance(commits, list):
        return "commits is not a list"
    for i, commit in enumerate(commits):
        if not isinstance(commit, dict):
            return f"commits[{i}] is not an object"
        for key in ("added", "modified", "removed"):
            paths = commit.get(key)
            if paths is not None and not (isinstance(paths, list) and all(isinstance(p, str) for p in paths)):
                return f"commits[{i}].{key} is not a list of paths"
    return None


def payload_problem(event: str, payload: dict[str, Any]) -> str | None:
    """What is wrong with `payload` for the routes of `event`, or None when handlers can read it."""
    action = payload.get("action")
    if action is not None and not isinstance(action, str):
        return "action is not a string"
    if (problem := _object(payload, "sender", required=False)):
        return problem
    if (problem := _object(payload, "installation", required=event in INSTALLATION_EVENTS)):
        return problem
    installation = payload.get("installation")
    if installation is not None and ("id" in installation or event in INSTALLATION_EVENTS):
        if not isinstance(installation.get("id"), int) or isinstance(installation.get("id"), bool):
            return "installation.id is not a number"
        if not 0 < installation["id"] < 2**63:   # the journal's INTEGER column holds 64 bits, signed
            return "installation.id is out of range"
    if event in REPOSITORY_EVENTS:
        if (problem := _object(payload, "repository", required=True)):
            return problem
        if (problem := full_name_problem(payload["repository"].get("full_name"), "repository.full_name")):
            return problem
    if event == "push":
        if payload.get("ref") is not None and not isinstance(payload["ref"], str):
            return "ref is not a string"
        if (problem := _commits(payload)):
            return problem
    if event in ("issues", "issue_comment"):
        if (problem := _object(payload, "issue", required=True)):
            return problem
        issue = payload["issue"]
        if issue.get("user") is not None and not isinstance(issue["user"], dict):
            return "issue.user is not an object"
        if issue.get("body") is not None and not isinstance(issue["body"], str):
            return "issue.body is not a string"
    if event == "issue_comment" and (problem := _object(payload, "comment", required=True)):
        return problem
    if event == "installation":
        if (problem := _object(payload["installation"], "account", required=False)):
            return "installation." + problem
        if (problem := _repositories(payload, "repositories")):
            return problem
    if event == "installation_repositories":
        for key in ("repositories_added", "repositories_removed"):
            if (problem := _repositories(payload, key)):
                return problem
    if event == RECONCILE_EVENT:
        create = payload.get("create", False)
        if not (isinstance(create, bool) or create in ("created", "existing")):
            return "create is not a create policy"
    return None
