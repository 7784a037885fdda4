"""GitHub's webhook payloads for changes in the stand-in's world.

Each builder takes the world as it stands right after the change (GitHub sends a snapshot,
not a diff) and returns the payload GitHub would post to the App: the top-level keys of
the real examples in `payloads/` (`issues.opened`, `issue_comment.created`,
`push.with-new-branch`, `repository.transferred`, `installation_repositories.added`), with
the issue, comment, repository and user objects in the REST shapes of `render.py`.
Called with the stand-in's lock held; they only read.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from bot.sandbox import render
from bot.sandbox.render import Urls

if TYPE_CHECKING:
    from bot.sandbox.state import Comment, GitHubState, Installation, Issue, Repository

# Events GitHub sends every App whatever it subscribes to (GitHub docs, "Webhook events and payloads").
ALWAYS_SENT = frozenset({"installation", "installation_repositories"})


def _urls(state: GitHubState) -> Urls:
    return Urls(state.served_url or "http://127.0.0.1")


def _user(state: GitHubState, login: str) -> dict[str, Any]:
    return render.user_of(state, login, _urls(state))


def _common(state: GitHubState, repo: Repository, installation: Installation, sender: str) -> dict[str, Any]:
    urls = _urls(state)
    out: dict[str, Any] = {"repository": render.repo_json(state, repo, urls, full=False), "sender": _user(state, sender),
                           "installation": {"id": installation.id,
                                            "node_id": render.node_id("IntegrationInstallation", installation.id)}}
    owner = state.user(repo.owner)
    if owner is not None and owner.type == "Organization":
        out["organization"] = {"login": owner.login, "id": owner.id, "node_id": owner.node_id,
                               "url": f"{urls.api}/orgs/{owner.login}", "description": None}
    return out


def issues(state: GitHubState, repo: Repository, installation: Installation, issue: Issue, action: str,
           sender: str, **extra: Any) -> dict[str, Any]:
    """`issues.<action>`: opened, edited (with `changes`), closed, reopened, labeled, unlabeled."""
    return {"action": action, "issue": render.issue_json(state, repo, issue, _urls(state)), **extra,
            **_common(state, repo, installation, sender)}


def issue_comment(state: GitHubState, repo: Repository, installation: Installation, issue: Issue,
                  comment: Comment, action: str, sender: str, **extra: Any) -> dict[str, Any]:
    """`issue_comment.<action>`: created, edited (with `changes`), deleted."""
    urls = _urls(state)
    return {"action": action, "issue": render.issue_json(state, repo, issue, urls),
            "comment": render.comment_json(state, repo, comment, urls), **extra,
            **_common(state, repo, installation, sender)}


def push(state: GitHubState, repo: Repository, installation: Installation, sender: str, message: str, *,
         added: list[str], modified: list[str], removed: list[str]) -> dict[str, Any]:
    """`push` of one commit to the default branch (GitHub's push payload has no `action`)."""
    urls = _urls(state)
    now = render.iso(state.now())
    after = hashlib.sha1(f"{repo.full_name}|{now}|{message}|{added}{modified}{removed}".encode()).hexdigest()
    author = {"name": sender, "email": f"{sender}@users.noreply.github.com", "username": sender}
    commit = {"id": after, "tree_id": hashlib.sha1(after.encode()).hexdigest(), "distinct": True,
              "message": message, "timestamp": now, "url": f"{urls.html}/{repo.full_name}/commit/{after}",
              "author": author, "committer": author, "added": added, "removed": removed, "modified": modified}
    common = _common(state, repo, installation, sender)
    common["repository"].update({"pushed_at": int(state.now().timestamp()),
                                 "created_at": int(repo.created_at.timestamp())})
    return {"ref": f"refs/heads/{repo.default_branch}", "before": "0" * 40, "after": after, "created": False,
            "deleted": False, "forced": False, "base_ref": None,
            "compare": f"{urls.html}/{repo.full_name}/commit/{after}", "commits": [commit], "head_commit": commit,
            "pusher": {"name": sender, "email": author["email"]}, **common}


def repository(state: GitHubState, repo: Repository, installation: Installation, action: str, sender: str,
               *, from_owner: str | None = None) -> dict[str, Any]:
    """`repository.created`, or `repository.transferred` with `changes.owner.from` (the former owner)."""
    out: dict[str, Any] = {"action": action}
    if action == "transferred":
        former = state.user(from_owner or sender)
        kind = "organization" if former is not None and former.type == "Organization" else "user"
        out["changes"] = {"owner": {"from": {kind: _user(state, from_owner or sender)}}}
    return {**out, **_common(state, repo, installation, sender)}


def installation_repositories(state: GitHubState, installation: Installation, added: list[Repository],
                              removed: list[Repository], sender: str) -> dict[str, Any]:
    """`installation_repositories.added|removed`: repositories given to (or taken from) the App."""
    urls = _urls(state)

    def short(repo: Repository) -> dict[str, Any]:
        return {"id": repo.id, "node_id": render.node_id("Repository", repo.id), "name": repo.name,
                "full_name": repo.full_name, "private": repo.private}

    return {"action": "added" if added else "removed",
            "installation": render.installation_json(state, installation, urls),
            "repository_selection": installation.repository_selection,
            "repositories_added": [short(r) for r in added], "repositories_removed": [short(r) for r in removed],
            "requester": None, "sender": _user(state, sender)}
