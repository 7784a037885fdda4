"""GitHub's REST JSON shapes for the stand-in's objects.

Complete enough that githubkit's pydantic models accept them: the fields and url
patterns follow GitHub's published examples (tests/fixtures/github-rest).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from bot.sandbox.state import (
    LICENSES,
    REACTIONS,
    Comment,
    GitHubState,
    HookDelivery,
    Installation,
    Issue,
    Label,
    Reaction,
    Repository,
    User,
    git_blob_sha,
    iso,
    node_id,
)

LARGE_FILE = 1024 * 1024  # above this the contents API returns no content, like GitHub


class Urls:
    """Derives API and html urls from the stand-in's base url (api == html host)."""

    def __init__(self, base: str):
        self.api = base.rstrip("/")
        self.html = base.rstrip("/")


def simple_user(u: User, urls: Urls) -> dict[str, Any]:
    api = f"{urls.api}/users/{u.login}"
    return {
        "login": u.login,
        "id": u.id,
        "node_id": u.node_id,
        "avatar_url": f"https://avatars.githubusercontent.com/u/{u.id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{urls.html}/{'apps/' + u.login.removesuffix('[bot]') if u.type == 'Bot' else u.login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": u.type,
        "user_view_type": "public",
        "site_admin": False,
    }


def user_of(state: GitHubState, login: str, urls: Urls) -> dict[str, Any]:
    return simple_user(state.add_user(login), urls)


def app_json(state: GitHubState, urls: Urls) -> dict[str, Any]:
    app = state.app
    owner = state.user(app.owner) if app.owner else None
    return {
        "id": app.id,
        "slug": app.slug,
        "node_id": node_id("Integration", app.id),
        "client_id": app.client_id,
        "owner": simple_user(owner, urls) if owner else None,
        "name": app.name,
        "description": "",
        "external_url": f"{urls.html}/apps/{app.slug}",
        "html_url": f"{urls.html}/apps/{app.slug}",
        "created_at": iso(app.created_at),
        "updated_at": iso(app.created_at),
        "permissions": {"issues": "write", "contents": "read", "metadata": "read", "members": "read"},
        "events": ["issues", "issue_comment", "repository"],
        "installations_count": len(state.installations),
    }


def installation_json(state: GitHubState, inst: Installation, urls: Urls) -> dict[str, Any]:
    account = state.add_user(inst.account, type=inst.account_type)
    return {
        "id": inst.id,
        "client_id": state.app.client_id,
        "account": simple_user(account, urls),
        "repository_selection": inst.repository_selection,
        "access_tokens_url": f"{urls.api}/app/installations/{inst.id}/access_tokens",
        "repositories_url": f"{urls.api}/installation/repositories",
        "html_url": f"{urls.html}/organizations/{inst.account}/settings/installations/{inst.id}",
        "app_id": state.app.id,
        "app_slug": state.app.slug,
        "target_id": account.id,
        "target_type": inst.account_type,
        "permissions": dict(inst.permissions),
        "events": list(inst.events),
        "created_at": iso(inst.created_at),
        "updated_at": iso(inst.created_at),
        "single_file_name": None,
        "has_multiple_single_files": False,
        "single_file_paths": [],
        "suspended_by": None,
        "suspended_at": iso(inst.suspended_at),
    }


def license_json(spdx: str | None, urls: Urls) -> dict[str, Any] | None:
    if spdx is None:
        return None
    key, name, _ = LICENSES.get(spdx, (spdx.lower(), spdx, ""))
    return {
        "key": key,
        "name": name,
        "spdx_id": spdx,
        "url": None if spdx == "NOASSERTION" else f"{urls.api}/licenses/{key}",
        "node_id": node_id("License", sum(map(ord, key))),
    }


def repo_json(state: GitHubState, repo: Repository, urls: Urls, *, full: bool = True) -> dict[str, Any]:
    api = f"{urls.api}/repos/{repo.full_name}"
    html = f"{urls.html}/{repo.full_name}"
    open_issues = sum(1 for i in repo.issues.values() if i.state == "open")
    out: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
        "owner": user_of(state, repo.owner, urls),
        "html_url": html,
        "description": repo.description,
        "fork": False,
        "url": api,
        "archive_url": f"{api}/{{archive_format}}{{/ref}}",
        "assignees_url": f"{api}/assignees{{/user}}",
        "blobs_url": f"{api}/git/blobs{{/sha}}",
        "branches_url": f"{api}/branches{{/branch}}",
        "collaborators_url": f"{api}/collaborators{{/collaborator}}",
        "comments_url": f"{api}/comments{{/number}}",
        "commits_url": f"{api}/commits{{/sha}}",
        "compare_url": f"{api}/compare/{{base}}...{{head}}",
        "contents_url": f"{api}/contents/{{+path}}",
        "contributors_url": f"{api}/contributors",
        "deployments_url": f"{api}/deployments",
        "downloads_url": f"{api}/downloads",
        "events_url": f"{api}/events",
        "forks_url": f"{api}/forks",
        "git_commits_url": f"{api}/git/commits{{/sha}}",
        "git_refs_url": f"{api}/git/refs{{/sha}}",
        "git_tags_url": f"{api}/git/tags{{/sha}}",
        "git_url": f"git:{html.split(':', 1)[1]}.git",
        "issue_comment_url": f"{api}/issues/comments{{/number}}",
        "issue_events_url": f"{api}/issues/events{{/number}}",
        "issues_url": f"{api}/issues{{/number}}",
        "keys_url": f"{api}/keys{{/key_id}}",
        "labels_url": f"{api}/labels{{/name}}",
        "languages_url": f"{api}/languages",
        "merges_url": f"{api}/merges",
        "milestones_url": f"{api}/milestones{{/number}}",
        "notifications_url": f"{api}/notifications{{?since,all,participating}}",
        "pulls_url": f"{api}/pulls{{/number}}",
        "releases_url": f"{api}/releases{{/id}}",
        "ssh_url": f"git@127.0.0.1:{repo.full_name}.git",
        "stargazers_url": f"{api}/stargazers",
        "statuses_url": f"{api}/statuses/{{sha}}",
        "subscribers_url": f"{api}/subscribers",
        "subscription_url": f"{api}/subscription",
        "tags_url": f"{api}/tags",
        "teams_url": f"{api}/teams",
        "trees_url": f"{api}/git/trees{{/sha}}",
        "clone_url": f"{html}.git",
        "mirror_url": None,
        "hooks_url": f"{api}/hooks",
        "svn_url": html,
        "homepage": repo.homepage,
        "language": None,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "size": sum(len(c) for c in repo.files.values()) // 1024,
        "default_branch": repo.default_branch,
        "open_issues_count": open_issues,
        "is_template": False,
        "topics": list(repo.topics),
        "has_issues": repo.has_issues,
        "has_projects": True,
        "has_wiki": True,
        "has_pages": False,
        "has_downloads": True,
        "has_discussions": False,
        "archived": repo.archived,
        "disabled": False,
        "visibility": "private" if repo.private else "public",
        "pushed_at": iso(repo.pushed_at),
        "created_at": iso(repo.created_at),
        "updated_at": iso(repo.pushed_at or repo.created_at),
        "allow_forking": True,
        "allow_auto_merge": False,
        "allow_merge_commit": True,
        "allow_rebase_merge": True,
        "allow_squash_merge": True,
        "delete_branch_on_merge": False,
        "web_commit_signoff_required": False,
        "license": license_json(repo.license_spdx(), urls),
        "forks": 0,
        "open_issues": open_issues,
        "watchers": 0,
    }
    if full:
        out.update({
            "subscribers_count": 0,
            "network_count": 0,
            "permissions": {"admin": False, "maintain": False, "push": False, "triage": False, "pull": True},
        })
    return out


def label_json(label: Label, repo: Repository, urls: Urls) -> dict[str, Any]:
    return {
        "id": label.id,
        "node_id": node_id("Label", label.id),
        "url": f"{urls.api}/repos/{repo.full_name}/labels/{label.name}",
        "name": label.name,
        "description": label.description,
        "color": label.color,
        "default": label.default,
        "archived_at": None,
        "archived_by": None,
    }


def reaction_rollup(reactions: list[Reaction], url: str) -> dict[str, Any]:
    out: dict[str, Any] = {"url": url, "total_count": len(reactions)}
    for content in REACTIONS:
        out[content] = sum(1 for r in reactions if r.content == content)
    return out


def author_association(state: GitHubState, repo: Repository, login: str) -> str:
    if login.lower() == repo.owner.lower():
        return "OWNER"
    if any(c.lower() == login.lower() for c in repo.collaborators):
        return "COLLABORATOR"
    if any(m.lower() == login.lower() for m in state.org_members.get(repo.owner.lower(), {})):
        return "MEMBER"
    return "NONE"


def performed_via(state: GitHubState, login: str, urls: Urls) -> dict[str, Any] | None:
    """GitHub names the App on what its installation wrote."""
    return app_json(state, urls) if login.lower() == state.app.bot_login.lower() else None


def issue_json(state: GitHubState, repo: Repository, issue: Issue, urls: Urls) -> dict[str, Any]:
    api = f"{urls.api}/repos/{repo.full_name}/issues/{issue.number}"
    assignees = [user_of(state, a, urls) for a in issue.assignees]
    return {
        "url": api,
        "repository_url": f"{urls.api}/repos/{repo.full_name}",
        "labels_url": f"{api}/labels{{/name}}",
        "comments_url": f"{api}/comments",
        "events_url": f"{api}/events",
        "html_url": f"{urls.html}/{repo.full_name}/issues/{issue.number}",
        "id": issue.id,
        "node_id": node_id("Issue", issue.id),
        "number": issue.number,
        "title": issue.title,
        "user": user_of(state, issue.user, urls),
        "labels": [label_json(repo.labels[name.lower()], repo, urls) for name in issue.labels],
        "state": issue.state,
        "locked": issue.locked,
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "comments": len(issue.comments),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_at": iso(issue.closed_at),
        "author_association": author_association(state, repo, issue.user),
        "active_lock_reason": None,
        "body": issue.body,
        "closed_by": user_of(state, issue.closed_by, urls) if issue.closed_by else None,
        "reactions": reaction_rollup(issue.reactions, f"{api}/reactions"),
        "timeline_url": f"{api}/timeline",
        "performed_via_github_app": performed_via(state, issue.user, urls),
        "state_reason": issue.state_reason,
        "pinned_comment": None,
    }


def comment_json(state: GitHubState, repo: Repository, comment: Comment, urls: Urls) -> dict[str, Any]:
    api = f"{urls.api}/repos/{repo.full_name}/issues/comments/{comment.id}"
    return {
        "id": comment.id,
        "node_id": node_id("IssueComment", comment.id),
        "url": api,
        "html_url": f"{urls.html}/{repo.full_name}/issues/{comment.issue_number}#issuecomment-{comment.id}",
        "body": comment.body,
        "user": user_of(state, comment.user, urls),
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "issue_url": f"{urls.api}/repos/{repo.full_name}/issues/{comment.issue_number}",
        "author_association": author_association(state, repo, comment.user),
        "performed_via_github_app": performed_via(state, comment.user, urls),
        "reactions": reaction_rollup(comment.reactions, f"{api}/reactions"),
        "pin": None,
        "minimized": None,
    }


def reaction_json(state: GitHubState, reaction: Reaction, urls: Urls) -> dict[str, Any]:
    return {
        "id": reaction.id,
        "node_id": node_id("Reaction", reaction.id),
        "user": user_of(state, reaction.user, urls),
        "content": reaction.content,
        "created_at": iso(reaction.created_at),
    }


def _content_links(repo: Repository, path: str, sha: str, is_dir: bool, urls: Urls) -> dict[str, Any]:
    api = f"{urls.api}/repos/{repo.full_name}"
    git = f"{api}/git/{'trees' if is_dir else 'blobs'}/{sha}"
    html = f"{urls.html}/{repo.full_name}/{'tree' if is_dir else 'blob'}/{repo.default_branch}/{path}"
    return {
        "url": f"{api}/contents/{path}?ref={repo.default_branch}",
        "git_url": git,
        "html_url": html,
        "download_url": None if is_dir else f"{urls.html}/{repo.full_name}/raw/{repo.default_branch}/{path}",
        "_links": {"self": f"{api}/contents/{path}?ref={repo.default_branch}", "git": git, "html": html},
    }


def tree_sha(repo: Repository, directory: str) -> str:
    """A stable id for a directory: changes whenever anything under it does."""
    prefix = f"{directory}/" if directory else ""
    digest = hashlib.sha1()
    for path, content in sorted(repo.files.items()):
        if path.startswith(prefix):
            digest.update(path.encode() + b"\0" + git_blob_sha(content).encode())
    return digest.hexdigest()


def content_item(repo: Repository, path: str, urls: Urls) -> dict[str, Any]:
    """A directory-listing entry (no content)."""
    is_dir = path not in repo.files
    sha = tree_sha(repo, path) if is_dir else git_blob_sha(repo.files[path])
    return {
        "type": "dir" if is_dir else "file",
        "size": 0 if is_dir else len(repo.files[path]),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "sha": sha,
        **_content_links(repo, path, sha, is_dir, urls),
    }


def file_json(repo: Repository, path: str, urls: Urls) -> dict[str, Any]:
    content = repo.files[path]
    sha = git_blob_sha(content)
    if len(content) > LARGE_FILE:
        encoded, encoding = "", "none"
    else:
        raw = base64.b64encode(content).decode()
        encoded = "".join(raw[i:i + 60] + "\n" for i in range(0, len(raw), 60))
        encoding = "base64"
    return {
        "type": "file",
        "encoding": encoding,
        "size": len(content),
        "name": path.rsplit("/", 1)[-1],
        "path": path,
        "content": encoded,
        "sha": sha,
        **_content_links(repo, path, sha, False, urls),
    }


def directory_children(repo: Repository, directory: str) -> list[str]:
    """Immediate children (files and sub-directories) of a directory, as paths."""
    prefix = f"{directory}/" if directory else ""
    children: set[str] = set()
    for path in repo.files:
        if path.startswith(prefix):
            head = path[len(prefix):].split("/", 1)[0]
            children.add(prefix + head)
    return sorted(children)


def hook_delivery_item(d: HookDelivery) -> dict[str, Any]:
    """GitHub's `hook-delivery-item`: one attempt in a webhook's delivery log, without request
    and response (REST "List deliveries for an app webhook")."""
    return {
        "id": d.id,
        "guid": d.guid,
        "delivered_at": iso(d.delivered_at),
        "redelivery": d.redelivery,
        "duration": d.duration,
        "status": d.status,
        "status_code": d.status_code,
        "event": d.event,
        "action": d.action,
        "installation_id": d.installation_id,
        "repository_id": d.repository_id,
    }


def hook_delivery(d: HookDelivery) -> dict[str, Any]:
    """GitHub's `hook-delivery`: the item plus the target url, the request (headers and the
    payload as JSON) and the webhook's response (headers and body as text)."""
    import json

    try:
        payload = json.loads(d.payload)
    except ValueError:
        payload = None
    return {
        **hook_delivery_item(d),
        "url": d.url,
        "request": {"headers": dict(d.request_headers), "payload": payload},
        "response": {"headers": dict(d.response_headers), "payload": d.response_body},
    }
