"""GitHub's REST endpoints that a GitHub App like os2bot uses, over `GitHubState`.

Each handler takes a `Ctx` and the path's parts and returns a `Reply`; it raises
`StandinError` where GitHub answers with an error. Handlers run under the state lock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from bot.sandbox import codeload, render
from bot.sandbox.access import Caller, org_access, repo_access, require_app
from bot.sandbox.render import Urls
from bot.sandbox.state import (
    PERMISSION_ROLES,
    REACTIONS,
    Comment,
    GitHubState,
    Issue,
    Repository,
    StandinError,
)

DOCS = "https://docs.github.com/rest"
COLOR = re.compile(r"^[0-9a-fA-F]{6}$")


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able, or bytes for raw content
    headers: dict[str, str] = field(default_factory=dict)
    media_type: str = "application/json; charset=utf-8"


@dataclass
class Ctx:
    state: GitHubState
    urls: Urls
    caller: Caller
    method: str
    path: str
    query: dict[str, str]
    body: Any
    accept: str = ""

    @property
    def actor(self) -> str:
        """Who a write is attributed to: the App's bot user for an installation."""
        return self.state.app.bot_login

    def json_body(self) -> dict[str, Any]:
        if self.body is None:
            return {}
        if not isinstance(self.body, dict):
            raise StandinError(400, "Problems parsing JSON")
        return self.body


def validation_failed(resource: str, field_name: str, code: str = "invalid", **extra: Any) -> StandinError:
    return StandinError(422, "Validation Failed", [{"resource": resource, "code": code, "field": field_name, **extra}])


def paginate(ctx: Ctx, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
    """GitHub's page/per_page with a Link header (first/prev/next/last)."""
    try:
        per_page = max(1, min(100, int(ctx.query.get("per_page", 30))))
        page = max(1, int(ctx.query.get("page", 1)))
    except ValueError:
        per_page, page = 30, 1
    last = max(1, -(-len(items) // per_page))
    chunk = items[(page - 1) * per_page: page * per_page]

    def link(number: int) -> str:
        query = dict(ctx.query, page=str(number))
        return f"<{ctx.urls.api}{ctx.path}?{urlencode(query)}>"

    rels = []
    if page > 1:
        rels += [f'{link(page - 1)}; rel="prev"']
    if page < last:
        rels += [f'{link(page + 1)}; rel="next"', f'{link(last)}; rel="last"']
    if page > 1:
        rels += [f'{link(1)}; rel="first"']
    return chunk, ({"Link": ", ".join(rels)} if rels else {})


def parse_time(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise validation_failed("Issue", "since") from None


# --- the App ---------------------------------------------------------------------

def get_app(ctx: Ctx) -> Reply:
    require_app(ctx.caller)
    return Reply(200, render.app_json(ctx.state, ctx.urls))


def list_installations(ctx: Ctx) -> Reply:
    require_app(ctx.caller)
    items = [render.installation_json(ctx.state, i, ctx.urls) for i in ctx.state.installations.values()]
    page, headers = paginate(ctx, items)
    return Reply(200, page, headers)


def get_installation(ctx: Ctx, installation_id: str) -> Reply:
    require_app(ctx.caller)
    inst = ctx.state.installations.get(int(installation_id))
    if inst is None:
        raise StandinError(404, "Not Found")
    return Reply(200, render.installation_json(ctx.state, inst, ctx.urls))


def repo_installation(ctx: Ctx, owner: str, name: str) -> Reply:
    require_app(ctx.caller)
    repo = ctx.state.find_repo(owner, name)
    inst = ctx.state.installation_for(repo) if repo else None
    if inst is None:
        raise StandinError(404, "Not Found")
    return Reply(200, render.installation_json(ctx.state, inst, ctx.urls))


def account_installation(ctx: Ctx, account: str) -> Reply:
    require_app(ctx.caller)
    for inst in ctx.state.installations.values():
        if inst.account.lower() == account.lower():
            return Reply(200, render.installation_json(ctx.state, inst, ctx.urls))
    raise StandinError(404, "Not Found")


def create_access_token(ctx: Ctx, installation_id: str) -> Reply:
    require_app(ctx.caller)
    inst = ctx.state.installations.get(int(installation_id))
    if inst is None:
        raise StandinError(404, "Not Found")
    if inst.suspended_at is not None:
        raise StandinError(403, "This installation has been suspended")
    body = ctx.json_body()
    permissions = dict(inst.permissions)
    if body.get("permissions"):
        for key, level in body["permissions"].items():
            have = inst.permissions.get(key)
            if have is None or (level == "write" and have == "read"):
                raise StandinError(422, "The permissions requested are not granted to this installation.")
        permissions = dict(body["permissions"])
    covered = [r for r in ctx.state.repos.values() if inst.covers(r)]
    names: list[str] | None = None
    wanted = [n.lower() for n in body.get("repositories") or []]
    wanted_ids = list(body.get("repository_ids") or [])
    if wanted or wanted_ids:
        chosen = [r for r in covered if r.name.lower() in wanted or r.id in wanted_ids]
        if len(chosen) != len(set(wanted)) + len(set(wanted_ids)):
            raise StandinError(422, "There is at least one repository that does not exist or is not "
                                    "accessible to the parent installation.")
        names = [r.full_name for r in chosen]
    token = ctx.state.issue_token(inst.id, permissions, names)
    out: dict[str, Any] = {
        "token": token.token,
        "expires_at": render.iso(token.expires_at),
        "permissions": permissions,
        "repository_selection": "selected" if names is not None else inst.repository_selection,
    }
    if names is not None or inst.repository_selection == "selected":
        shown = [r for r in covered if names is None or r.full_name in names]
        out["repositories"] = [render.repo_json(ctx.state, r, ctx.urls, full=False) for r in shown]
    return Reply(201, out)


def installation_repositories(ctx: Ctx) -> Reply:
    if ctx.caller.kind != "installation":
        raise StandinError(403, "You must authenticate with an installation access token in order to "
                                "list repositories for an installation.")
    repos = [r for r in sorted(ctx.state.repos.values(), key=lambda r: r.id)
             if ctx.caller.installation.covers(r)
             and (ctx.caller.token.repositories is None or r.full_name in ctx.caller.token.repositories)]
    page, headers = paginate(ctx, repos)
    return Reply(200, {
        "total_count": len(repos),
        "repository_selection": ctx.caller.installation.repository_selection,
        "repositories": [render.repo_json(ctx.state, r, ctx.urls, full=False) for r in page],
    }, headers)


# --- the App's webhook delivery log ---------------------------------------------------

CURSOR = re.compile(r"^v1_(\d+)$")


def list_hook_deliveries(ctx: Ctx) -> Reply:
    """Newest first; `per_page` (max 100, default 30), `cursor` from the Link header's next
    page, and GitHub's filters `status` (success: 2xx–3xx, failure: 4xx–5xx) and `redelivery`."""
    require_app(ctx.caller)
    q = ctx.query
    try:
        per_page = max(1, min(100, int(q.get("per_page", 30))))
    except ValueError:
        raise validation_failed("HookDelivery", "per_page") from None
    items = sorted(ctx.state.hook_log(), key=lambda d: d.id, reverse=True)
    if "cursor" in q:
        match = CURSOR.match(q["cursor"])
        if match is None:
            raise StandinError(400, "Invalid cursor")
        items = [d for d in items if d.id <= int(match.group(1))]
    status = q.get("status")
    if status == "success":
        items = [d for d in items if 200 <= d.status_code < 400]
    elif status == "failure":
        items = [d for d in items if 400 <= d.status_code < 600 or d.status_code < 200]
    elif status is not None:
        raise validation_failed("HookDelivery", "status")
    if q.get("redelivery") in ("true", "false"):
        items = [d for d in items if d.redelivery == (q["redelivery"] == "true")]
    page, rest = items[:per_page], items[per_page:]
    headers = {}
    if rest:
        query = {**q, "per_page": str(per_page), "cursor": f"v1_{rest[0].id}"}
        headers["Link"] = f'<{ctx.urls.api}{ctx.path}?{urlencode(query)}>; rel="next"'
    return Reply(200, [render.hook_delivery_item(d) for d in page], headers)


def _hook_delivery(ctx: Ctx, delivery_id: str):
    require_app(ctx.caller)
    found = next((d for d in ctx.state.hook_log() if d.id == int(delivery_id)), None)
    if found is None:
        raise StandinError(404, "Not Found")
    return found


def get_hook_delivery(ctx: Ctx, delivery_id: str) -> Reply:
    return Reply(200, render.hook_delivery(_hook_delivery(ctx, delivery_id)))


def redeliver_hook_delivery(ctx: Ctx, delivery_id: str) -> Reply:
    """202 and an empty object: GitHub queues the attempt (the stand-in posts it from a thread)."""
    original = _hook_delivery(ctx, delivery_id)
    ctx.state.redeliver_hook(original.id)
    return Reply(202, {})


# --- repositories and contents -------------------------------------------------------

def get_repo(ctx: Ctx, owner: str, name: str) -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name)
    return Reply(200, render.repo_json(ctx.state, repo, ctx.urls))


def get_contents(ctx: Ctx, owner: str, name: str, path: str = "") -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name, permission="contents")
    ref = ctx.query.get("ref")
    if ref and ref not in (repo.default_branch, "HEAD", f"refs/heads/{repo.default_branch}"):
        raise StandinError(404, f"No commit found for the ref {ref}")
    if not repo.files:
        raise StandinError(404, "This repository is empty.")
    path = path.strip("/")
    if path in repo.files:
        if "raw" in ctx.accept:
            return Reply(200, repo.files[path], media_type="application/vnd.github.raw")
        return Reply(200, render.file_json(repo, path, ctx.urls))
    children = render.directory_children(repo, path)
    if not children:
        raise StandinError(404, "Not Found")
    return Reply(200, [render.content_item(repo, child, ctx.urls) for child in children])


def download_tarball(ctx: Ctx, owner: str, name: str, ref: str = "") -> Reply:
    """302 to the archive host (codeload); without a ref, the default branch. A private
    repository's link carries a token that expires after five minutes."""
    repo = repo_access(ctx.state, ctx.caller, owner, name, permission="contents")
    ref = ref.strip("/")
    if ref and ref not in (repo.default_branch, "HEAD", f"refs/heads/{repo.default_branch}",
                           f"heads/{repo.default_branch}"):
        raise StandinError(404, "Not Found")
    token = ctx.state.issue_archive_token(repo) if repo.private else None
    return Reply(302, None, {"Location": codeload.link(ctx.urls.api, repo, token)})


def collaborator_permission(ctx: Ctx, owner: str, name: str, username: str) -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name)
    user = ctx.state.user(username)
    if user is None:
        raise StandinError(404, f"{username} is not a user")
    role = next((r for login, r in repo.collaborators.items() if login.lower() == username.lower()), None)
    org_role = ctx.state.org_members.get(repo.owner.lower(), {})
    if role is None and any(m.lower() == username.lower() and r == "admin" for m, r in org_role.items()):
        role = "admin"
    if role is None:
        role = "none" if repo.private else "read"
    legacy = {"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read"}
    user_json = render.simple_user(user, ctx.urls)
    flags = ("pull", "triage", "push", "maintain", "admin")
    rank = {"none": 0, "read": 1, "triage": 2, "write": 3, "maintain": 4, "admin": 5}[role]
    user_json["permissions"] = {flag: rank >= i + 1 for i, flag in enumerate(flags)}
    user_json["role_name"] = role
    return Reply(200, {"permission": legacy.get(role, "none"), "role_name": role, "user": user_json})


# --- issues ----------------------------------------------------------------------

def _issues_repo(ctx: Ctx, owner: str, name: str, write: bool = False) -> Repository:
    repo = repo_access(ctx.state, ctx.caller, owner, name, write=write, permission="issues")
    if not repo.has_issues:
        raise StandinError(410, "Issues are disabled for this repo")
    return repo


def _issue(repo: Repository, number: str) -> Issue:
    issue = repo.issues.get(int(number))
    if issue is None:
        raise StandinError(404, "Not Found")
    return issue


def _set_labels(ctx: Ctx, repo: Repository, issue: Issue, names: list[Any]) -> None:
    before, issue.labels = issue.labels, []
    _add_labels(ctx, repo, issue, names, emit=False)
    for name in before:
        if name not in issue.labels:
            ctx.state.emit_issue(repo, issue, "unlabeled", ctx.actor, label=name)
    for name in issue.labels:
        if name not in before:
            ctx.state.emit_issue(repo, issue, "labeled", ctx.actor, label=name)


def _add_labels(ctx: Ctx, repo: Repository, issue: Issue, names: list[Any], emit: bool = True) -> None:
    for raw in names:
        name = raw["name"] if isinstance(raw, dict) else str(raw)
        label = ctx.state.add_label(repo.full_name, name)
        if label.name not in issue.labels:
            issue.labels.append(label.name)
            if emit:
                ctx.state.emit_issue(repo, issue, "labeled", ctx.actor, label=label.name)


def list_issues(ctx: Ctx, owner: str, name: str) -> Reply:
    repo = _issues_repo(ctx, owner, name)
    q = ctx.query
    state = q.get("state", "open")
    if state not in ("open", "closed", "all"):
        raise validation_failed("Issue", "state")
    items = [i for i in repo.issues.values() if state == "all" or i.state == state]
    if "creator" in q:
        items = [i for i in items if i.user.lower() == q["creator"].lower()]
    if "labels" in q and q["labels"]:
        wanted = {n.strip().lower() for n in q["labels"].split(",") if n.strip()}
        items = [i for i in items if wanted <= {n.lower() for n in i.labels}]
    if "assignee" in q:
        who = q["assignee"]
        if who == "none":
            items = [i for i in items if not i.assignees]
        elif who != "*":
            items = [i for i in items if who.lower() in (a.lower() for a in i.assignees)]
        else:
            items = [i for i in items if i.assignees]
    if "since" in q:
        since = parse_time(q["since"])
        items = [i for i in items if i.updated_at >= since]
    sort = q.get("sort", "created")
    keys: dict[str, Callable[[Issue], Any]] = {
        "created": lambda i: (i.created_at, i.number),
        "updated": lambda i: (i.updated_at, i.number),
        "comments": lambda i: (len(i.comments), i.number),
    }
    items.sort(key=keys.get(sort, keys["created"]), reverse=q.get("direction", "desc") != "asc")
    page, headers = paginate(ctx, items)
    return Reply(200, [render.issue_json(ctx.state, repo, i, ctx.urls) for i in page], headers)


def create_issue(ctx: Ctx, owner: str, name: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    body = ctx.json_body()
    title = body.get("title")
    if title is None or str(title).strip() == "":
        raise validation_failed("Issue", "title", "missing_field")
    issue = ctx.state.add_issue(repo.full_name, str(title), body.get("body"), user=ctx.actor,
                                labels=[], assignees=body.get("assignees") or [])
    _add_labels(ctx, repo, issue, body.get("labels") or [])
    return Reply(201, render.issue_json(ctx.state, repo, issue, ctx.urls),
                 {"Location": f"{ctx.urls.api}/repos/{repo.full_name}/issues/{issue.number}"})


def get_issue(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name)
    return Reply(200, render.issue_json(ctx.state, repo, _issue(repo, number), ctx.urls))


def update_issue(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    issue = _issue(repo, number)
    body = ctx.json_body()
    now = ctx.state.now()
    if "title" in body:
        if not body["title"]:
            raise validation_failed("Issue", "title", "missing_field")
        if str(body["title"]) != issue.title:
            before, issue.title = issue.title, str(body["title"])
            ctx.state.emit_issue(repo, issue, "edited", ctx.actor, changes={"title": {"from": before}})
    if "body" in body:
        ctx.state.record_edit(issue, body["body"], ctx.actor)
    if "labels" in body:
        _set_labels(ctx, repo, issue, body["labels"] or [])
    if "assignees" in body:
        issue.assignees = [ctx.state.add_user(a).login for a in body["assignees"] or []]
    reason = body.get("state_reason")
    if reason is not None and reason not in ("completed", "not_planned", "reopened", "duplicate"):
        raise validation_failed("Issue", "state_reason")
    new_state = body.get("state")
    if new_state is not None and new_state not in ("open", "closed"):
        raise validation_failed("Issue", "state")
    if new_state is not None or reason is not None:
        ctx.state.set_issue_state(repo.full_name, issue.number, new_state or issue.state, ctx.actor, reason)
    issue.updated_at = now
    return Reply(200, render.issue_json(ctx.state, repo, issue, ctx.urls))


# --- comments --------------------------------------------------------------------

def list_comments(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name)
    comments = list(_issue(repo, number).comments)
    if "since" in ctx.query:
        since = parse_time(ctx.query["since"])
        comments = [c for c in comments if c.updated_at >= since]
    page, headers = paginate(ctx, comments)
    return Reply(200, [render.comment_json(ctx.state, repo, c, ctx.urls) for c in page], headers)


def create_comment(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    issue = _issue(repo, number)
    text = ctx.json_body().get("body")
    if not text:
        raise validation_failed("IssueComment", "body", "missing_field")
    if issue.locked:
        raise StandinError(403, "Unable to create comment because issue is locked.")
    comment = ctx.state.add_comment(repo.full_name, issue.number, str(text), user=ctx.actor)
    return Reply(201, render.comment_json(ctx.state, repo, comment, ctx.urls),
                 {"Location": f"{ctx.urls.api}/repos/{repo.full_name}/issues/comments/{comment.id}"})


def _comment(ctx: Ctx, repo: Repository, comment_id: str) -> tuple[Issue, Comment]:
    found = ctx.state.find_comment(repo, int(comment_id))
    if found is None:
        raise StandinError(404, "Not Found")
    return found


def get_comment(ctx: Ctx, owner: str, name: str, comment_id: str) -> Reply:
    repo = _issues_repo(ctx, owner, name)
    _, comment = _comment(ctx, repo, comment_id)
    return Reply(200, render.comment_json(ctx.state, repo, comment, ctx.urls))


def update_comment(ctx: Ctx, owner: str, name: str, comment_id: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    _, comment = _comment(ctx, repo, comment_id)
    text = ctx.json_body().get("body")
    if not text:
        raise validation_failed("IssueComment", "body", "missing_field")
    ctx.state.record_edit(comment, str(text), ctx.actor)
    comment.updated_at = ctx.state.now()
    return Reply(200, render.comment_json(ctx.state, repo, comment, ctx.urls))


def delete_comment(ctx: Ctx, owner: str, name: str, comment_id: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    _, comment = _comment(ctx, repo, comment_id)
    ctx.state.delete_comment(repo.full_name, comment.id, ctx.actor)
    return Reply(204)


# --- labels ----------------------------------------------------------------------

def _label_list(ctx: Ctx, repo: Repository, issue: Issue) -> Reply:
    return Reply(200, [render.label_json(repo.labels[n.lower()], repo, ctx.urls) for n in issue.labels])


def _label_names(body: Any) -> list[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        names = body.get("labels", [])
        return names if isinstance(names, list) else [names]
    raise StandinError(400, "Problems parsing JSON")


def add_issue_labels(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    issue = _issue(repo, number)
    _add_labels(ctx, repo, issue, _label_names(ctx.body))
    issue.updated_at = ctx.state.now()
    return _label_list(ctx, repo, issue)


def set_issue_labels(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    issue = _issue(repo, number)
    _set_labels(ctx, repo, issue, _label_names(ctx.body))
    issue.updated_at = ctx.state.now()
    return _label_list(ctx, repo, issue)


def list_issue_labels(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    repo = _issues_repo(ctx, owner, name)
    return _label_list(ctx, repo, _issue(repo, number))


def remove_issue_label(ctx: Ctx, owner: str, name: str, number: str, label: str) -> Reply:
    repo = _issues_repo(ctx, owner, name, write=True)
    issue = _issue(repo, number)
    match = next((n for n in issue.labels if n.lower() == label.lower()), None)
    if match is None:
        raise StandinError(404, "Label does not exist")
    issue.labels.remove(match)
    issue.updated_at = ctx.state.now()
    ctx.state.emit_issue(repo, issue, "unlabeled", ctx.actor, label=match)
    return _label_list(ctx, repo, issue)


def list_repo_labels(ctx: Ctx, owner: str, name: str) -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name, permission="issues")
    page, headers = paginate(ctx, sorted(repo.labels.values(), key=lambda label: label.id))
    return Reply(200, [render.label_json(label, repo, ctx.urls) for label in page], headers)


def get_repo_label(ctx: Ctx, owner: str, name: str, label: str) -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name, permission="issues")
    found = repo.labels.get(label.lower())
    if found is None:
        raise StandinError(404, "Not Found")
    return Reply(200, render.label_json(found, repo, ctx.urls))


def create_repo_label(ctx: Ctx, owner: str, name: str) -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name, write=True, permission="issues")
    body = ctx.json_body()
    label_name = body.get("name")
    if not label_name:
        raise validation_failed("Label", "name", "missing_field")
    color = str(body.get("color", "ededed")).lstrip("#")
    if not COLOR.match(color):
        raise validation_failed("Label", "color")
    if label_name.lower() in repo.labels:
        raise validation_failed("Label", "name", "already_exists")
    label = ctx.state.add_label(repo.full_name, label_name, color.lower(), body.get("description"))
    return Reply(201, render.label_json(label, repo, ctx.urls))


# --- reactions -------------------------------------------------------------------

def _reaction_target(ctx: Ctx, owner: str, name: str, write: bool, number: str | None = None,
                     comment_id: str | None = None) -> Issue | Comment:
    repo = _issues_repo(ctx, owner, name, write=write)
    if comment_id is not None:
        return _comment(ctx, repo, comment_id)[1]
    return _issue(repo, str(number))


def _list_reactions(ctx: Ctx, target: Issue | Comment) -> Reply:
    reactions = list(target.reactions)
    if "content" in ctx.query:
        reactions = [r for r in reactions if r.content == ctx.query["content"]]
    page, headers = paginate(ctx, reactions)
    return Reply(200, [render.reaction_json(ctx.state, r, ctx.urls) for r in page], headers)


def _create_reaction(ctx: Ctx, target: Issue | Comment) -> Reply:
    content = ctx.json_body().get("content")
    if content not in REACTIONS:
        raise validation_failed("Reaction", "content", "custom", message=f"{content} is not a valid content")
    reaction, created = ctx.state.add_reaction(target, content, ctx.actor)
    return Reply(201 if created else 200, render.reaction_json(ctx.state, reaction, ctx.urls))


def _delete_reaction(target: Issue | Comment, reaction_id: str) -> Reply:
    for reaction in target.reactions:
        if reaction.id == int(reaction_id):
            target.reactions.remove(reaction)
            return Reply(204)
    raise StandinError(404, "Not Found")


def list_comment_reactions(ctx: Ctx, owner: str, name: str, comment_id: str) -> Reply:
    return _list_reactions(ctx, _reaction_target(ctx, owner, name, False, comment_id=comment_id))


def create_comment_reaction(ctx: Ctx, owner: str, name: str, comment_id: str) -> Reply:
    return _create_reaction(ctx, _reaction_target(ctx, owner, name, True, comment_id=comment_id))


def delete_comment_reaction(ctx: Ctx, owner: str, name: str, comment_id: str, reaction_id: str) -> Reply:
    return _delete_reaction(_reaction_target(ctx, owner, name, True, comment_id=comment_id), reaction_id)


def list_issue_reactions(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    return _list_reactions(ctx, _reaction_target(ctx, owner, name, False, number=number))


def create_issue_reaction(ctx: Ctx, owner: str, name: str, number: str) -> Reply:
    return _create_reaction(ctx, _reaction_target(ctx, owner, name, True, number=number))


def delete_issue_reaction(ctx: Ctx, owner: str, name: str, number: str, reaction_id: str) -> Reply:
    return _delete_reaction(_reaction_target(ctx, owner, name, True, number=number), reaction_id)


# --- organisations -----------------------------------------------------------------

def team_membership(ctx: Ctx, org: str, team_slug: str, username: str) -> Reply:
    org_access(ctx.state, ctx.caller, org)
    team = ctx.state.teams.get((org.lower(), team_slug.lower()))
    if team is None:
        raise StandinError(404, "Not Found")
    membership = next((m for login, m in team.members.items() if login.lower() == username.lower()), None)
    if membership is None:
        raise StandinError(404, "Not Found")
    return Reply(200, {"url": f"{ctx.urls.api}/teams/{team.id}/memberships/{username}",
                       "role": membership.role, "state": membership.state})


def _team(ctx: Ctx, org: str, team_slug: str, level: str = "read"):
    org_access(ctx.state, ctx.caller, org, level=level)
    team = ctx.state.teams.get((org.lower(), team_slug.lower()))
    if team is None:
        raise StandinError(404, "Not Found")
    return team


def create_team(ctx: Ctx, org: str) -> Reply:
    """POST /orgs/{org}/teams: the slug is the name in lower case with runs of other characters as -."""
    org_access(ctx.state, ctx.caller, org, level="write")
    body = ctx.body if isinstance(ctx.body, dict) else {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise StandinError(422, "Validation Failed", [{"resource": "Team", "code": "missing_field", "field": "name"}])
    slug = re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")
    if (org.lower(), slug) in ctx.state.teams:
        raise StandinError(422, "Validation Failed",
                           [{"resource": "Team", "code": "custom", "field": "name", "message": "Name must be unique for this org"}])
    ctx.state.add_team(org, slug, name=name, description=body.get("description"),
                       privacy=body.get("privacy") or "secret")
    return Reply(201, get_team(ctx, org, slug).body)


def put_team_membership(ctx: Ctx, org: str, team_slug: str, username: str) -> Reply:
    team = _team(ctx, org, team_slug, "write")
    role = (ctx.body or {}).get("role", "member") if isinstance(ctx.body, dict) else "member"
    ctx.state.add_team_member(org, team.slug, username, role=role)
    return Reply(200, {"url": f"{ctx.urls.api}/teams/{team.id}/memberships/{username}", "role": role, "state": "active"})


def delete_team_membership(ctx: Ctx, org: str, team_slug: str, username: str) -> Reply:
    team = _team(ctx, org, team_slug, "write")
    ctx.state.remove_team_member(org, team.slug, username)
    return Reply(204)


def list_team_members(ctx: Ctx, org: str, team_slug: str) -> Reply:
    team = _team(ctx, org, team_slug)
    return Reply(200, [{"login": m, "id": ctx.state.users[m.lower()].id, "type": "User"} for m in team.members])


def put_team_repo(ctx: Ctx, org: str, team_slug: str, owner: str, name: str) -> Reply:
    """PUT /orgs/{org}/teams/{team}/repos/{owner}/{repo}: needs members:write and the repository's
    administration:write, as GitHub asks of an App."""
    team = _team(ctx, org, team_slug, "write")
    repo = repo_access(ctx.state, ctx.caller, owner, name, write=True, permission="administration")
    permission = (ctx.body or {}).get("permission", "push") if isinstance(ctx.body, dict) else "push"
    if permission not in ("pull", "triage", "push", "maintain", "admin"):
        raise StandinError(422, "Validation Failed")
    team.repos[repo.full_name.lower()] = permission
    return Reply(204)


def put_collaborator(ctx: Ctx, owner: str, name: str, username: str) -> Reply:
    """PUT /repos/{owner}/{repo}/collaborators/{username} (administration:write). GitHub invites
    people outside the organisation; the stand-in gives the permission at once (201 like an
    invitation the first time, 204 when the person already had access)."""
    repo = repo_access(ctx.state, ctx.caller, owner, name, write=True, permission="administration")
    permission = (ctx.body or {}).get("permission", "push") if isinstance(ctx.body, dict) else "push"
    role = {"pull": "read", "push": "write"}.get(permission, permission)
    if role not in PERMISSION_ROLES:
        raise StandinError(422, "Validation Failed")
    had = any(login.lower() == username.lower() for login in repo.collaborators)
    ctx.state.add_collaborator(repo.full_name, username, role)
    return Reply(204) if had else Reply(201, {"permissions": permission})


def delete_collaborator(ctx: Ctx, owner: str, name: str, username: str) -> Reply:
    repo = repo_access(ctx.state, ctx.caller, owner, name, write=True, permission="administration")
    for login in list(repo.collaborators):
        if login.lower() == username.lower():
            del repo.collaborators[login]
    return Reply(204)


def get_team(ctx: Ctx, org: str, team_slug: str) -> Reply:
    """GET /orgs/{org}/teams/{team_slug}: the fields of GitHub's "team-full" the bot may read."""
    org_access(ctx.state, ctx.caller, org)
    team = ctx.state.teams.get((org.lower(), team_slug.lower()))
    if team is None:
        raise StandinError(404, "Not Found")
    url = f"{ctx.urls.api}/organizations/{org}/team/{team.id}"
    return Reply(200, {"id": team.id, "node_id": f"T_{team.id}", "slug": team.slug, "name": team.name,
                       "description": team.description, "privacy": team.privacy, "permission": "pull",
                       "notification_setting": "notifications_enabled", "url": url,
                       "html_url": f"{ctx.urls.html}/orgs/{org}/teams/{team.slug}",
                       "members_url": f"{url}/members{{/member}}", "repositories_url": f"{url}/repos",
                       "parent": None, "members_count": len(team.members),
                       "organization": {"login": org}})


def org_member(ctx: Ctx, org: str, username: str) -> Reply:
    if ctx.caller.installation is None or ctx.caller.installation.account.lower() != org.lower():
        return Reply(302, None, {"Location": f"{ctx.urls.api}/orgs/{org}/public_members/{username}"})
    org_access(ctx.state, ctx.caller, org)
    members = ctx.state.org_members.get(org.lower(), {})
    if any(m.lower() == username.lower() for m in members):
        return Reply(204)
    raise StandinError(404, "User does not exist or is not a member of the organization")


def org_public_member(ctx: Ctx, org: str, username: str) -> Reply:
    if username.lower() in ctx.state.public_members.get(org.lower(), set()):
        return Reply(204)
    raise StandinError(404, "Not Found")


# --- the route table -------------------------------------------------------------

SEG = r"([^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Reply]]] = []


def route(method: str, pattern: str, handler: Callable[..., Reply]) -> None:
    regex = pattern.replace("{}", SEG).replace("{path}", "(.*)")
    ROUTES.append((method, re.compile(f"^{regex}/?$"), handler))


R = "/repos/{}/{}"
route("GET", "/app", get_app)
route("GET", "/app/installations", list_installations)
route("GET", "/app/installations/{}", get_installation)
route("POST", "/app/installations/{}/access_tokens", create_access_token)
route("GET", "/app/hook/deliveries", list_hook_deliveries)
route("GET", "/app/hook/deliveries/{}", get_hook_delivery)
route("POST", "/app/hook/deliveries/{}/attempts", redeliver_hook_delivery)
route("GET", f"{R}/installation", repo_installation)
route("GET", "/orgs/{}/installation", account_installation)
route("GET", "/users/{}/installation", account_installation)
route("GET", "/installation/repositories", installation_repositories)
route("GET", R, get_repo)
route("GET", f"{R}/contents", get_contents)
route("GET", f"{R}/contents/{{path}}", get_contents)
route("GET", f"{R}/tarball", download_tarball)
route("GET", f"{R}/tarball/{{path}}", download_tarball)
route("GET", f"{R}/collaborators/{{}}/permission", collaborator_permission)
route("PUT", f"{R}/collaborators/{{}}", put_collaborator)
route("DELETE", f"{R}/collaborators/{{}}", delete_collaborator)
route("GET", f"{R}/issues", list_issues)
route("POST", f"{R}/issues", create_issue)
route("GET", f"{R}/issues/comments/{{}}", get_comment)
route("PATCH", f"{R}/issues/comments/{{}}", update_comment)
route("DELETE", f"{R}/issues/comments/{{}}", delete_comment)
route("GET", f"{R}/issues/comments/{{}}/reactions", list_comment_reactions)
route("POST", f"{R}/issues/comments/{{}}/reactions", create_comment_reaction)
route("DELETE", f"{R}/issues/comments/{{}}/reactions/{{}}", delete_comment_reaction)
route("GET", f"{R}/issues/{{}}", get_issue)
route("PATCH", f"{R}/issues/{{}}", update_issue)
route("GET", f"{R}/issues/{{}}/comments", list_comments)
route("POST", f"{R}/issues/{{}}/comments", create_comment)
route("GET", f"{R}/issues/{{}}/labels", list_issue_labels)
route("POST", f"{R}/issues/{{}}/labels", add_issue_labels)
route("PUT", f"{R}/issues/{{}}/labels", set_issue_labels)
route("DELETE", f"{R}/issues/{{}}/labels/{{}}", remove_issue_label)
route("GET", f"{R}/issues/{{}}/reactions", list_issue_reactions)
route("POST", f"{R}/issues/{{}}/reactions", create_issue_reaction)
route("DELETE", f"{R}/issues/{{}}/reactions/{{}}", delete_issue_reaction)
route("GET", f"{R}/labels", list_repo_labels)
route("POST", f"{R}/labels", create_repo_label)
route("GET", f"{R}/labels/{{}}", get_repo_label)
route("GET", "/orgs/{}/teams/{}/memberships/{}", team_membership)
route("GET", "/orgs/{}/teams/{}", get_team)
route("POST", "/orgs/{}/teams", create_team)
route("PUT", "/orgs/{}/teams/{}/memberships/{}", put_team_membership)
route("DELETE", "/orgs/{}/teams/{}/memberships/{}", delete_team_membership)
route("GET", "/orgs/{}/teams/{}/members", list_team_members)
route("PUT", "/orgs/{}/teams/{}/repos/{}/{}", put_team_repo)
route("GET", "/orgs/{}/members/{}", org_member)
route("GET", "/orgs/{}/public_members/{}", org_public_member)

NUMERIC = {get_installation, create_access_token, get_hook_delivery, redeliver_hook_delivery}
ISSUE_NUMBER_HANDLERS = {get_issue, update_issue, list_comments, create_comment, list_issue_labels,
                         add_issue_labels, set_issue_labels, remove_issue_label, list_issue_reactions,
                         create_issue_reaction, delete_issue_reaction}


def resolve(method: str, path: str) -> tuple[Callable[..., Reply], tuple[str, ...]] | None:
    for verb, regex, handler in ROUTES:
        if verb != method:
            continue
        match = regex.match(path)
        if match is None:
            continue
        params = tuple(match.groups())
        numbers = params[:1] if handler in NUMERIC else params[2:3] if handler in ISSUE_NUMBER_HANDLERS else ()
        if handler in (get_comment, update_comment, delete_comment, list_comment_reactions,
                       create_comment_reaction, delete_comment_reaction):
            numbers = params[2:]
        if any(not n.isdigit() for n in numbers):
            continue
        return handler, params
    return None


def is_write(method: str, path: str) -> bool:
    """A request that changes GitHub; minting an installation token does not count."""
    return method in ("POST", "PATCH", "PUT", "DELETE") and not path.endswith("/access_tokens")


__all__ = ["Ctx", "Reply", "ROUTES", "resolve", "is_write", "PERMISSION_ROLES"]
