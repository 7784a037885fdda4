"""POST /graphql: GitHub's real public schema, with resolvers for what os2bot reads.

Queries are parsed and validated against the schema GitHub publishes, so a query
GitHub would reject fails here too. Fields outside what the stand-in implements
fail loudly (error type STANDIN_UNSUPPORTED) instead of quietly returning null.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any

from bot.sandbox.access import LEVELS, Caller, _covers
from bot.sandbox.render import LICENSES, Urls, directory_children, license_json, tree_sha
from bot.sandbox.state import (
    Comment,
    ContentEdit,
    GitHubState,
    Issue,
    Label,
    Reaction,
    Repository,
    Team,
    User,
    git_blob_sha,
    iso,
    node_id,
)

_schema: Any = None
_schema_lock = threading.Lock()

REACTION_ENUM = {"+1": "THUMBS_UP", "-1": "THUMBS_DOWN", "laugh": "LAUGH", "confused": "CONFUSED",
                 "heart": "HEART", "hooray": "HOORAY", "rocket": "ROCKET", "eyes": "EYES"}
MAX_PAGE = 100


def schema() -> Any:
    """GitHub's schema, built once (1–2 s). The published SDL repeats two fields and
    has deprecation mismatches graphql-core rejects, so SDL validation is skipped."""
    global _schema
    with _schema_lock:
        if _schema is None:
            from graphql import build_schema

            sdl = resources.files("bot.sandbox").joinpath("github-schema.graphql").read_text("utf-8")
            built = build_schema(sdl, assume_valid_sdl=True)
            built._validation_errors = []  # GitHub's schema as published; trust it
            _schema = built
        return _schema


class GitHubGraphQLError(Exception):
    """An execution error GitHub reports with a top-level `type` (NOT_FOUND, …)."""

    def __init__(self, message: str, type: str):
        super().__init__(message)
        self.type = type


class Unsupported(GitHubGraphQLError):
    def __init__(self, type_name: str, field_name: str):
        super().__init__(f"The GitHub stand-in does not implement {type_name}.{field_name}", "STANDIN_UNSUPPORTED")


class Ctx:
    def __init__(self, state: GitHubState, caller: Caller, urls: Urls, rate: tuple[int, int, int] = (1, 0, 0)):
        self.state, self.caller, self.urls = state, caller, urls
        self.rate = rate             # (this call's cost, points used after it, reset epoch)

    def can_see(self, repo: Repository) -> bool:
        return not repo.private or _covers(self.caller, repo)

    def can_write_issues(self, repo: Repository) -> bool:
        perms = self.caller.token.permissions if self.caller.token else {}
        return _covers(self.caller, repo) and LEVELS.get(perms.get("issues", "none"), 0) >= 2 and not repo.archived


class Obj:
    """Base of resolver objects: an unimplemented field is an error, not a null."""

    typename = "Object"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        raise Unsupported(self.typename, name)


def cursor(index: int) -> str:
    return base64.b64encode(f"cursor:v2:{index}".encode()).decode()


def uncursor(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        text = base64.b64decode(value).decode()
        return int(text.removeprefix("cursor:v2:"))
    except (ValueError, UnicodeDecodeError):
        raise GitHubGraphQLError(f"`{value}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS") \
            from None


class Connection(Obj):
    """Relay pagination as GitHub enforces it: `first` or `last` is required, at most 100."""

    typename = "Connection"

    def __init__(self, items: Sequence[Any], name: str, first: int | None = None, after: str | None = None,
                 last: int | None = None, before: str | None = None, edge: Callable[[Any, str], Any] | None = None):
        if first is None and last is None:
            raise GitHubGraphQLError(f"You must provide a `first` or `last` value to properly paginate the "
                                     f"`{name}` connection.", "MISSING_PAGINATION_BOUNDARIES")
        for arg, value in (("first", first), ("last", last)):
            if value is not None and value > MAX_PAGE:
                raise GitHubGraphQLError(f"Requesting {value} records on the `{name}` connection exceeds the "
                                         f"`{arg}` limit of {MAX_PAGE} records.", "EXCESSIVE_PAGINATION")
            if value is not None and value < 0:
                raise GitHubGraphQLError(f"`{arg}` on the `{name}` connection cannot be less than zero.",
                                         "INVALID_PAGINATION")
        indexed = list(enumerate(items))
        start, end = uncursor(after), uncursor(before)
        if start is not None:
            indexed = [(i, x) for i, x in indexed if i > start]
        if end is not None:
            indexed = [(i, x) for i, x in indexed if i < end]
        window = indexed
        if first is not None:
            window = window[:first]
        if last is not None:
            window = window[-last:] if last else []
        self.totalCount = len(items)
        self._window = window
        self._edge = edge
        self.nodes = [x for _, x in window]
        has_next = bool(window) and window[-1][0] < (indexed[-1][0] if indexed else -1)
        has_prev = bool(window) and window[0][0] > (indexed[0][0] if indexed else 0)
        if not window:
            has_next = has_prev = False
        self.pageInfo = PageInfo(
            hasNextPage=has_next,
            hasPreviousPage=has_prev,
            startCursor=cursor(window[0][0]) if window else None,
            endCursor=cursor(window[-1][0]) if window else None,
        )

    @property
    def edges(self) -> list[Any]:
        if self._edge is not None:
            return [self._edge(x, cursor(i)) for i, x in self._window]
        return [Edge(x, cursor(i)) for i, x in self._window]


class PageInfo(Obj):
    typename = "PageInfo"

    def __init__(self, **fields: Any):
        self.__dict__.update(fields)


class Edge(Obj):
    typename = "Edge"

    def __init__(self, node: Any, cursor_value: str, **extra: Any):
        self.node, self.cursor = node, cursor_value
        self.__dict__.update(extra)


# --- actors ------------------------------------------------------------------------

class Actor(Obj):
    def __init__(self, ctx: Ctx, user: User):
        self._ctx, self._user = ctx, user
        self.databaseId = user.id
        self.id = user.node_id
        self.avatarUrl = f"https://avatars.githubusercontent.com/u/{user.id}?v=4"

    @property
    def url(self) -> str:
        return f"{self._ctx.urls.html}/{self.resourcePath.lstrip('/')}"

    @property
    def resourcePath(self) -> str:
        return f"/{self._user.login}"


class UserObj(Actor):
    typename = "User"

    def __init__(self, ctx: Ctx, user: User):
        super().__init__(ctx, user)
        self.login = user.login
        self.name = None
        self.email = ""
        self.company = None
        self.isSiteAdmin = False
        self.isBountyHunter = False


class BotObj(Actor):
    """GraphQL names an App's bot without the '[bot]' suffix REST uses."""

    typename = "Bot"

    def __init__(self, ctx: Ctx, user: User):
        super().__init__(ctx, user)
        self.login = user.login.removesuffix("[bot]")
        self.createdAt = iso(ctx.state.app.created_at)
        self.updatedAt = self.createdAt

    @property
    def resourcePath(self) -> str:
        return f"/apps/{self.login}"


class OrgObj(Actor):
    typename = "Organization"

    def __init__(self, ctx: Ctx, user: User):
        super().__init__(ctx, user)
        self.login = user.login
        self.name = user.login
        self.description = None

    def team(self, info: Any, slug: str) -> TeamObj | None:
        state, caller = self._ctx.state, self._ctx.caller
        inst = caller.installation
        if inst is None or inst.account.lower() != self.login.lower():
            return None
        perms = caller.token.permissions if caller.token else {}
        if LEVELS.get(perms.get("members", "none"), 0) < 1:
            raise GitHubGraphQLError(NOT_ACCESSIBLE, "FORBIDDEN")
        team = state.teams.get((self.login.lower(), slug.lower()))
        return TeamObj(self._ctx, team) if team else None


NOT_ACCESSIBLE = "Resource not accessible by integration"


def actor(ctx: Ctx, login: str | None) -> Actor | None:
    if login is None:
        return None
    user = ctx.state.add_user(login)
    if user.type == "Bot":
        return BotObj(ctx, user)
    if user.type == "Organization":
        return OrgObj(ctx, user)
    return UserObj(ctx, user)


def as_user(ctx: Ctx, login: str) -> UserObj:
    """Fields typed `User` (viewer, Reaction.user, assignees) show even an App's bot as a
    User: `__typename` 'User', login with the '[bot]' suffix REST uses, and the bot's own
    node id (which decodes to 'Bot<id>').

    What this rests on (no GitHub document says what `Reaction.user` holds for an App's
    bot; these are the nearest observations found):
    - `viewer` with an installation token answers `<slug>[bot]` (fullsend-ai/fullsend
      PR #1953: "`viewer` returns `fullsend-ai-coder[bot]`").
    - Where a `User`-typed field meets a bot, GitHub hands back the bot object and calls it
      a User: `Commit.author.user` gave "MDM6Qm90NDE4OTgyODI=" (Bot 41898282, github-actions)
      with `__typename` "User" (sourcecred/sourcecred PR #1466, also #1362 "Inconsistent
      type for ID MDM6Qm90…: expected Bot, got User"); sourcecred #996 lists `Reaction.user`
      among the `User` fields that return non-User objects (organizations) under a User
      typename.
    - GitHub deprecated `ReactionGroup.users` because "Reactors can now be mannequins,
      bots, and organizations" (the published schema): a bot's reaction is one of the
      subject's reactions. The `null` users reported for reactions (chaoss/grimoirelab-
      perceval #746, REST, a 2018 reaction on golang/go) are not tied to bots.
    So the stand-in gives the bot, as a User, never null. A reading that needs the actor
    kind should use `ReactionGroup.reactors` (not implemented here) or the REST reaction's
    `user.type`."""
    return UserObj(ctx, ctx.state.add_user(login))


class TeamObj(Obj):
    typename = "Team"

    def __init__(self, ctx: Ctx, team: Team):
        self._ctx, self._team = ctx, team
        self.id = node_id("Team", team.id)
        self.databaseId = team.id
        self.name = team.name
        self.slug = team.slug
        self.combinedSlug = f"{team.org}/{team.slug}"
        self.description = team.description
        self.privacy = team.privacy.upper()
        self.url = f"{ctx.urls.html}/orgs/{team.org}/teams/{team.slug}"

    def members(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None, role: str | None = None, query: str | None = None, **_: Any) -> Connection:
        active = [(login, m) for login, m in sorted(self._team.members.items(), key=lambda kv: kv[0].lower())
                  if m.state == "active"]
        if role:
            active = [(login, m) for login, m in active if m.role.upper() == role]
        if query:
            active = [(login, m) for login, m in active if query.lower() in login.lower()]
        rows = [(as_user(self._ctx, login), m.role.upper()) for login, m in active]
        return _RowConnection(rows, "members", first, after, last, before,
                              edge=lambda row, c: Edge(row[0], c, role=row[1]))


class _RowConnection(Connection):
    """A connection whose items carry edge data; `nodes` are the items' first element."""

    def __init__(self, rows: Sequence[tuple[Any, ...]], name: str, first: int | None, after: str | None,
                 last: int | None, before: str | None, edge: Callable[[Any, str], Any]):
        super().__init__(rows, name, first, after, last, before, edge=edge)
        self.nodes = [row[0] for row in self.nodes]


# --- repositories, git objects -----------------------------------------------------------

class LicenseObj(Obj):
    typename = "License"

    def __init__(self, ctx: Ctx, spdx: str):
        data = license_json(spdx, ctx.urls) or {}
        self.id = data["node_id"]
        self.key = data["key"]
        self.name = data["name"]
        self.spdxId = spdx
        self.url = None if spdx == "NOASSERTION" else f"http://choosealicense.com/licenses/{data['key']}/"
        self.nickname = None
        self.pseudoLicense = spdx == "NOASSERTION"
        self.featured = spdx in ("MIT", "GPL-3.0", "Apache-2.0")
        self.hidden = False
        self.description = LICENSES.get(spdx, ("", "", ""))[1] or None


class RefObj(Obj):
    typename = "Ref"

    def __init__(self, ctx: Ctx, repo: Repository):
        self.name = repo.default_branch
        self.prefix = "refs/heads/"
        self.id = node_id("Ref", repo.id)


class BlobObj(Obj):
    typename = "Blob"

    def __init__(self, ctx: Ctx, repo: Repository, path: str):
        content = repo.files[path]
        self._ctx, self._repo = ctx, repo
        self.oid = git_blob_sha(content)
        self.abbreviatedOid = self.oid[:7]
        self.id = base64.b64encode(f"05:Blob{repo.id}:{self.oid}".encode()).decode()
        self.byteSize = len(content)
        binary = b"\0" in content
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            binary, text = True, None
        self.isBinary = binary
        self.text = None if binary else text
        self.isTruncated = False
        self.commitUrl = f"{ctx.urls.html}/{repo.full_name}/commit/{self.oid}"
        self.commitResourcePath = f"/{repo.full_name}/commit/{self.oid}"

    @property
    def repository(self) -> RepoObj:
        return RepoObj(self._ctx, self._repo)


class TreeObj(Obj):
    typename = "Tree"

    def __init__(self, ctx: Ctx, repo: Repository, directory: str):
        self._ctx, self._repo, self._dir = ctx, repo, directory
        self.oid = tree_sha(repo, directory)
        self.abbreviatedOid = self.oid[:7]
        self.id = base64.b64encode(f"05:Tree{repo.id}:{self.oid}".encode()).decode()
        self.commitUrl = f"{ctx.urls.html}/{repo.full_name}/commit/{self.oid}"
        self.commitResourcePath = f"/{repo.full_name}/commit/{self.oid}"

    @property
    def repository(self) -> RepoObj:
        return RepoObj(self._ctx, self._repo)

    @property
    def entries(self) -> list[TreeEntryObj]:
        children = directory_children(self._repo, self._dir)
        # git orders a tree's entries by name, comparing a sub-tree's name as if it ended in '/'
        children.sort(key=lambda p: (p.rsplit("/", 1)[-1] + ("" if p in self._repo.files else "/")).encode())
        return [TreeEntryObj(self._ctx, self._repo, p) for p in children]


class TreeEntryObj(Obj):
    typename = "TreeEntry"

    def __init__(self, ctx: Ctx, repo: Repository, path: str):
        self._ctx, self._repo, self._path = ctx, repo, path
        is_file = path in repo.files
        self.name = path.rsplit("/", 1)[-1]
        self.path = path
        self.type = "blob" if is_file else "tree"
        self.mode = 33188 if is_file else 16384
        self.oid = git_blob_sha(repo.files[path]) if is_file else tree_sha(repo, path)
        self.size = len(repo.files[path]) if is_file else 0
        self.extension = ("." + self.name.rsplit(".", 1)[1]) if is_file and "." in self.name[1:] else None
        self.isGenerated = False
        self.nameRaw = base64.b64encode(self.name.encode()).decode()
        self.pathRaw = base64.b64encode(path.encode()).decode()
        self.submodule = None
        self.language = None
        self.lineCount = repo.files[path].count(b"\n") if is_file and b"\0" not in repo.files[path] else None

    @property
    def object(self) -> BlobObj | TreeObj:
        if self.type == "blob":
            return BlobObj(self._ctx, self._repo, self._path)
        return TreeObj(self._ctx, self._repo, self._path)

    @property
    def repository(self) -> RepoObj:
        return RepoObj(self._ctx, self._repo)


class LabelObj(Obj):
    typename = "Label"

    def __init__(self, ctx: Ctx, repo: Repository, label: Label):
        self.id = node_id("Label", label.id)
        self.name = label.name
        self.color = label.color
        self.description = label.description
        self.isDefault = label.default
        self.url = f"{ctx.urls.html}/{repo.full_name}/labels/{label.name}"
        self.resourcePath = f"/{repo.full_name}/labels/{label.name}"


class ReactionObj(Obj):
    typename = "Reaction"

    def __init__(self, ctx: Ctx, reaction: Reaction):
        self.id = node_id("Reaction", reaction.id)
        self.databaseId = reaction.id
        self.content = REACTION_ENUM[reaction.content]
        self.createdAt = iso(reaction.created_at)
        self.user = as_user(ctx, reaction.user)


def _reactions(ctx: Ctx, reactions: list[Reaction], content: str | None, **page: Any) -> Connection:
    chosen = [r for r in reactions if content is None or REACTION_ENUM[r.content] == content]
    return Connection([ReactionObj(ctx, r) for r in chosen], "reactions", **_page(page))


def _page(args: dict[str, Any]) -> dict[str, Any]:
    return {k: args.get(k) for k in ("first", "after", "last", "before")}


class UserContentEditObj(Obj):
    """One revision of a body (see the history notes in state.py). `diff` is the whole
    text after the revision, or null once a person deleted it from the history."""

    typename = "UserContentEdit"

    def __init__(self, ctx: Ctx, edit: ContentEdit):
        self._ctx, self._edit = ctx, edit
        self.id = node_id("UserContentEdit", edit.id)
        self.createdAt = iso(edit.created_at)
        self.editedAt = iso(edit.edited_at)
        self.updatedAt = iso(edit.updated_at)
        self.deletedAt = iso(edit.deleted_at)
        self.diff = edit.diff

    @property
    def editor(self) -> Actor | None:
        return actor(self._ctx, self._edit.editor)

    @property
    def deletedBy(self) -> Actor | None:
        return actor(self._ctx, self._edit.deleted_by)


def _user_content_edits(ctx: Ctx, edits: list[ContentEdit], **page: Any) -> Connection:
    """GitHub lists a body's revisions newest first."""
    return Connection([UserContentEditObj(ctx, e) for e in reversed(edits)], "userContentEdits", **_page(page))


class CommentObj(Obj):
    typename = "IssueComment"

    def __init__(self, ctx: Ctx, repo: Repository, issue: Issue, comment: Comment):
        self._ctx, self._repo, self._issue, self._comment = ctx, repo, issue, comment
        self.id = node_id("IssueComment", comment.id)
        self.databaseId = comment.id
        self.fullDatabaseId = str(comment.id)
        self.body = comment.body
        self.bodyText = comment.body
        self.url = f"{ctx.urls.html}/{repo.full_name}/issues/{issue.number}#issuecomment-{comment.id}"
        self.resourcePath = f"/{repo.full_name}/issues/{issue.number}#issuecomment-{comment.id}"
        self.createdAt = iso(comment.created_at)
        self.updatedAt = iso(comment.updated_at)
        self.publishedAt = self.createdAt
        self.lastEditedAt = iso(comment.last_edited_at)
        self.includesCreatedEdit = comment.includes_created_edit
        self.isMinimized = False
        self.minimizedReason = None
        mine = comment.user.lower() == ctx.state.app.bot_login.lower() and ctx.caller.kind == "installation"
        self.viewerDidAuthor = mine
        self.viewerCanUpdate = ctx.can_write_issues(repo)
        self.viewerCanDelete = ctx.can_write_issues(repo)
        self.viewerCanReact = ctx.caller.kind == "installation" and not repo.archived

    @property
    def author(self) -> Actor | None:
        return actor(self._ctx, self._comment.user)

    @property
    def editor(self) -> Actor | None:
        return actor(self._ctx, self._comment.last_editor)

    def userContentEdits(self, info: Any, **page: Any) -> Connection:
        return _user_content_edits(self._ctx, self._comment.edits, **page)

    @property
    def issue(self) -> IssueObj:
        return IssueObj(self._ctx, self._repo, self._issue)

    @property
    def repository(self) -> RepoObj:
        return RepoObj(self._ctx, self._repo)

    def reactions(self, info: Any, content: str | None = None, **page: Any) -> Connection:
        return _reactions(self._ctx, self._comment.reactions, content, **page)


class IssueObj(Obj):
    typename = "Issue"

    def __init__(self, ctx: Ctx, repo: Repository, issue: Issue):
        self._ctx, self._repo, self._issue = ctx, repo, issue
        self.id = node_id("Issue", issue.id)
        self.databaseId = issue.id
        self.fullDatabaseId = str(issue.id)
        self.number = issue.number
        self.title = issue.title
        self.body = issue.body or ""
        self.bodyText = issue.body or ""
        self.state = issue.state.upper()
        self.stateReason = issue.state_reason.upper() if issue.state_reason else None
        self.closed = issue.state == "closed"
        self.closedAt = iso(issue.closed_at)
        self.locked = issue.locked
        self.url = f"{ctx.urls.html}/{repo.full_name}/issues/{issue.number}"
        self.resourcePath = f"/{repo.full_name}/issues/{issue.number}"
        self.createdAt = iso(issue.created_at)
        self.updatedAt = iso(issue.updated_at)
        self.publishedAt = self.createdAt
        self.viewerDidAuthor = issue.user.lower() == ctx.state.app.bot_login.lower()
        self.viewerCanUpdate = ctx.can_write_issues(repo)
        self.viewerCanReact = ctx.caller.kind == "installation" and not repo.archived
        self.lastEditedAt = iso(issue.last_edited_at)
        self.includesCreatedEdit = issue.includes_created_edit

    @property
    def author(self) -> Actor | None:
        return actor(self._ctx, self._issue.user)

    @property
    def editor(self) -> Actor | None:
        return actor(self._ctx, self._issue.last_editor)

    def userContentEdits(self, info: Any, **page: Any) -> Connection:
        return _user_content_edits(self._ctx, self._issue.edits, **page)

    @property
    def repository(self) -> RepoObj:
        return RepoObj(self._ctx, self._repo)

    def labels(self, info: Any, **page: Any) -> Connection:
        chosen = [LabelObj(self._ctx, self._repo, self._repo.labels[n.lower()]) for n in self._issue.labels]
        return Connection(chosen, "labels", **_page(page))

    def assignees(self, info: Any, **page: Any) -> Connection:
        return Connection([as_user(self._ctx, a) for a in self._issue.assignees], "assignees", **_page(page))

    def comments(self, info: Any, **page: Any) -> Connection:
        items = [CommentObj(self._ctx, self._repo, self._issue, c) for c in self._issue.comments]
        return Connection(items, "comments", **_page(page))

    def reactions(self, info: Any, content: str | None = None, **page: Any) -> Connection:
        return _reactions(self._ctx, self._issue.reactions, content, **page)


class RepoObj(Obj):
    typename = "Repository"

    def __init__(self, ctx: Ctx, repo: Repository):
        self._ctx, self._repo = ctx, repo
        self.id = node_id("Repository", repo.id)
        self.databaseId = repo.id
        self.name = repo.name
        self.nameWithOwner = repo.full_name
        self.description = repo.description
        self.homepageUrl = repo.homepage
        self.url = f"{ctx.urls.html}/{repo.full_name}"
        self.resourcePath = f"/{repo.full_name}"
        self.isArchived = repo.archived
        self.isPrivate = repo.private
        self.visibility = "PRIVATE" if repo.private else "PUBLIC"
        self.isFork = False
        self.isTemplate = False
        self.isDisabled = False
        self.isLocked = False
        self.isMirror = False
        self.isEmpty = not repo.files
        self.hasIssuesEnabled = repo.has_issues
        self.hasWikiEnabled = True
        self.hasProjectsEnabled = True
        self.hasDiscussionsEnabled = False
        self.createdAt = iso(repo.created_at)
        self.updatedAt = iso(repo.pushed_at or repo.created_at)
        self.pushedAt = iso(repo.pushed_at)
        self.forkCount = 0
        self.stargazerCount = 0

    @property
    def owner(self) -> Actor | None:
        return actor(self._ctx, self._repo.owner)

    @property
    def defaultBranchRef(self) -> RefObj | None:
        return RefObj(self._ctx, self._repo) if self._repo.files else None

    @property
    def licenseInfo(self) -> LicenseObj | None:
        spdx = self._repo.license_spdx()
        return LicenseObj(self._ctx, spdx) if spdx else None

    def object(self, info: Any, expression: str | None = None, oid: str | None = None) -> Obj | None:
        repo = self._repo
        if oid is not None:
            for path, content in repo.files.items():
                if git_blob_sha(content) == oid:
                    return BlobObj(self._ctx, repo, path)
            return None
        if expression is None or ":" not in expression:
            if expression is not None and self._is_ref(expression):
                raise Unsupported("Repository", "object (commits)")
            return None
        ref, _, path = expression.partition(":")
        if not self._is_ref(ref) or not repo.files:
            return None
        path = path.strip("/")
        if path in repo.files:
            return BlobObj(self._ctx, repo, path)
        if path == "" or directory_children(repo, path):
            return TreeObj(self._ctx, repo, path)
        return None

    def _is_ref(self, ref: str) -> bool:
        branch = self._repo.default_branch
        return ref in ("HEAD", branch, f"refs/heads/{branch}", f"heads/{branch}")

    def issue(self, info: Any, number: int) -> IssueObj | None:
        found = self._repo.issues.get(number)
        if found is None:
            raise GitHubGraphQLError(f"Could not resolve to an issue or pull request with the number of {number}.",
                                     "NOT_FOUND")
        return IssueObj(self._ctx, self._repo, found)

    def issues(self, info: Any, states: list[str] | None = None, labels: list[str] | None = None,
               filterBy: dict[str, Any] | None = None, orderBy: dict[str, Any] | None = None,
               **page: Any) -> Connection:
        chosen = list(self._repo.issues.values())
        filters = dict(filterBy or {})
        wanted_states = states or filters.get("states")
        if wanted_states:
            chosen = [i for i in chosen if i.state.upper() in wanted_states]
        wanted_labels = labels or filters.get("labels")
        if wanted_labels:
            # GitHub's `labels` filter matches issues carrying ANY of the labels
            lower = {n.lower() for n in wanted_labels}
            chosen = [i for i in chosen if lower & {n.lower() for n in i.labels}]
        if filters.get("createdBy"):
            chosen = [i for i in chosen if i.user.lower() == filters["createdBy"].lower()]
        if filters.get("assignee"):
            chosen = [i for i in chosen if filters["assignee"].lower() in (a.lower() for a in i.assignees)]
        if filters.get("since"):
            since = datetime.fromisoformat(str(filters["since"]).replace("Z", "+00:00"))
            chosen = [i for i in chosen if i.updated_at >= since]
        order = orderBy or {"field": "CREATED_AT", "direction": "ASC"}
        keys: dict[str, Callable[[Issue], Any]] = {
            "CREATED_AT": lambda i: (i.created_at, i.number),
            "UPDATED_AT": lambda i: (i.updated_at, i.number),
            "COMMENTS": lambda i: (len(i.comments), i.number),
        }
        chosen.sort(key=keys[order["field"]], reverse=order.get("direction") == "DESC")
        return Connection([IssueObj(self._ctx, self._repo, i) for i in chosen], "issues", **_page(page))

    def labels(self, info: Any, query: str | None = None, orderBy: Any = None, **page: Any) -> Connection:
        chosen = sorted(self._repo.labels.values(), key=lambda label: label.id)
        if query:
            chosen = [label for label in chosen if query.lower() in label.name.lower()]
        return Connection([LabelObj(self._ctx, self._repo, x) for x in chosen], "labels", **_page(page))

    def label(self, info: Any, name: str) -> LabelObj | None:
        found = self._repo.labels.get(name.lower())
        return LabelObj(self._ctx, self._repo, found) if found else None


class RateLimitObj(Obj):
    typename = "RateLimit"

    def __init__(self, ctx: Ctx):
        cost, used, reset = ctx.rate
        self.cost = cost
        self.limit = ctx.state.rate_limit
        self.used = used
        self.remaining = max(0, ctx.state.rate_limit - used)
        self.nodeCount = 1
        self.resetAt = iso(datetime.fromtimestamp(reset, timezone.utc)) if reset else \
            iso(ctx.state._real_start + timedelta(hours=1))


class QueryRoot(Obj):
    typename = "Query"

    def __init__(self, ctx: Ctx):
        self._ctx = ctx

    def repository(self, info: Any, owner: str, name: str, followRenames: bool = True) -> RepoObj | None:
        repo = self._ctx.state.find_repo(owner, name)
        if repo is None or not self._ctx.can_see(repo):
            raise GitHubGraphQLError(f"Could not resolve to a Repository with the name '{owner}/{name}'.",
                                     "NOT_FOUND")
        return RepoObj(self._ctx, repo)

    def organization(self, info: Any, login: str) -> OrgObj | None:
        user = self._ctx.state.user(login)
        if user is None or user.type != "Organization":
            raise GitHubGraphQLError(f"Could not resolve to an Organization with the login of '{login}'.",
                                     "NOT_FOUND")
        return OrgObj(self._ctx, user)

    def user(self, info: Any, login: str) -> UserObj | None:
        user = self._ctx.state.user(login)
        if user is None or user.type != "User":
            raise GitHubGraphQLError(f"Could not resolve to a User with the login of '{login}'.", "NOT_FOUND")
        return UserObj(self._ctx, user)

    @property
    def viewer(self) -> UserObj:
        return as_user(self._ctx, self._ctx.state.app.bot_login)

    @property
    def rateLimit(self) -> RateLimitObj:
        return RateLimitObj(self._ctx)


class MutationRoot(Obj):
    typename = "Mutation"


# --- execution ---------------------------------------------------------------------

_RUBY_STYLE: list[tuple[re.Pattern[str], Callable[[re.Match[str]], dict[str, Any]]]] = [
    (re.compile(r"^Cannot query field '(\w+)' on type '(\w+)'\."),
     lambda m: {"message": f"Field '{m[1]}' doesn't exist on type '{m[2]}'",
                "extensions": {"code": "undefinedField", "typeName": m[2], "fieldName": m[1]}}),
    (re.compile(r"^Unknown argument '(\w+)' on field '(\w+)\.(\w+)'\."),
     lambda m: {"message": f"Field '{m[3]}' doesn't accept argument '{m[1]}'",
                "extensions": {"code": "argumentNotAccepted", "name": m[3], "typeName": "Field",
                               "argumentName": m[1]}}),
    (re.compile(r"^Argument '\w+\.(\w+)\((\w+):\)' of type '.*' is required, but it was not provided\."),
     lambda m: {"message": f"Field '{m[1]}' is missing required arguments: {m[2]}",
                "extensions": {"code": "missingRequiredArguments", "className": "Field", "name": m[1],
                               "arguments": m[2]}}),
]


def _format_error(error: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    original = getattr(error, "original_error", None)
    if isinstance(original, GitHubGraphQLError):
        out["type"] = original.type
    if error.path:
        out["path"] = list(error.path)
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    out["message"] = error.message
    for pattern, ruby in _RUBY_STYLE:
        match = pattern.match(error.message)
        if match:
            out.update(ruby(match))
            break
    return out


def type_resolver(value: Any, info: Any, abstract_type: Any) -> str | None:
    return getattr(value, "typename", None)


def execute(state: GitHubState, caller: Caller, urls: Urls, payload: Any,
            rate: tuple[int, int, int] = (1, 0, 0)) -> tuple[dict[str, Any], bool]:
    """Run one GraphQL request; returns (GitHub's JSON response, whether it was a mutation)."""
    from graphql import GraphQLError, OperationType, get_operation_ast, parse, validate
    from graphql import execute as run

    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return {"errors": [{"message": "A query attribute must be specified and must be a string."}]}, False
    try:
        document = parse(payload["query"])
    except GraphQLError as error:
        return {"errors": [_format_error(error)]}, False
    built = schema()
    errors = validate(built, document)
    if errors:
        return {"errors": [_format_error(e) for e in errors]}, False
    operation = get_operation_ast(document, payload.get("operationName"))
    mutation = operation is not None and operation.operation == OperationType.MUTATION
    ctx = Ctx(state, caller, urls, rate)
    root = MutationRoot() if mutation else QueryRoot(ctx)
    result = run(built, document, root_value=root, variable_values=payload.get("variables") or None,
                 operation_name=payload.get("operationName"), type_resolver=type_resolver)
    out: dict[str, Any] = {}
    if result.data is not None or not result.errors:
        out["data"] = result.data
    if result.errors:
        out["errors"] = [_format_error(e) for e in result.errors]
    return out, mutation
