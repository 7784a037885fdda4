"""The stand-in's world: an in-memory GitHub that tests can arrange and inspect.

Everything the HTTP layer serves lives here, behind one lock, so tests can set a
scene before the bot acts and read the result after (`issues(repo)`, `comments`),
and the served app can mutate it from uvicorn's thread.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import queue
import re
import secrets
import string
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from bot.sandbox.serving import RequestLog

BOT_SLUG = "os2bot"
REACTIONS = ("+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes")
PERMISSION_ROLES = ("admin", "maintain", "write", "triage", "read")
TOKEN_LIFETIME = timedelta(hours=1)
ARCHIVE_LINK_LIFETIME = timedelta(minutes=5)   # a private repository's archive link (GitHub's docs)
HOOK_LOG_KEPT = timedelta(days=3)   # GitHub keeps an App's webhook deliveries this long

# What GitHub's licence detection reports for the licences OS2 meets most.
LICENSES: dict[str, tuple[str, str, str]] = {
    # spdx: (key, name, a phrase of the licence text that identifies it)
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0", "Mozilla Public License Version 2.0"),
    "MIT": ("mit", "MIT License", "Permission is hereby granted, free of charge"),
    "EUPL-1.2": ("eupl-1.2", "European Union Public License 1.2", "EUROPEAN UNION PUBLIC LICENCE v. 1.2"),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0", "GNU GENERAL PUBLIC LICENSE\n                       Version 3"),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0", "GNU AFFERO GENERAL PUBLIC LICENSE"),
    "LGPL-3.0": ("lgpl-3.0", "GNU Lesser General Public License v3.0", "GNU LESSER GENERAL PUBLIC LICENSE"),
    "GPL-2.0": ("gpl-2.0", "GNU General Public License v2.0", "GNU GENERAL PUBLIC LICENSE\n                       Version 2"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0", "Apache License\n                           Version 2.0"),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License', "Neither the name of the copyright holder"),
    "NOASSERTION": ("other", "Other", ""),
}
LICENSE_FILE = re.compile(r"^(LICEN[CS]E|COPYING)(\.[A-Za-z0-9]+)?$", re.I)
_AUTO = object()


def node_id(kind: str, number: int) -> str:
    """GitHub's legacy global id: base64 of '<len>:<Type><id>' (e.g. 'MDU6SXNzdWUx')."""
    return base64.b64encode(f"0{len(kind)}:{kind}{number}".encode()).decode()


def git_blob_sha(content: bytes) -> str:
    """The git object id GitHub reports for a file (same hash as `git hash-object`)."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class StandinError(Exception):
    """A request GitHub would refuse: carries the status and GitHub's error body."""

    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None,
                 documentation_url: str = "https://docs.github.com/rest", headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        out["documentation_url"] = self.documentation_url
        out["status"] = str(self.status)
        return out


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User, Bot or Organization

    @property
    def node_id(self) -> str:
        return node_id(self.type, self.id)


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class Reaction:
    id: int
    user: str
    content: str
    created_at: datetime


@dataclass
class ContentEdit:
    """One revision in the edit history of an issue's or a comment's body: GraphQL's
    `UserContentEdit`. `body` is the whole text as it stood after this edit, which is
    what GitHub serves as `diff`; a revision a person deleted from the history keeps
    its editor and times but serves `diff: null` (see `GitHubState.delete_edit`)."""

    id: int
    editor: str                  # login; the App's bot is '<slug>[bot]'
    created_at: datetime         # when GitHub recorded the revision
    edited_at: datetime          # when the body took this text
    body: str
    deleted_at: datetime | None = None
    deleted_by: str | None = None

    @property
    def diff(self) -> str | None:
        return None if self.deleted_at is not None else self.body

    @property
    def updated_at(self) -> datetime:
        return self.deleted_at or self.created_at


class _Edited:
    """What an issue and a comment derive from their edit history (`edits`, oldest first)."""

    edits: list[ContentEdit]

    @property
    def includes_created_edit(self) -> bool:
        """GitHub's `includesCreatedEdit`: the history holds the created version, which
        it does from the first edit on."""
        return bool(self.edits)

    @property
    def last_editor(self) -> str | None:
        """Who made the newest revision (GraphQL `editor`), or None if never edited."""
        return self.edits[-1].editor if self.edits else None

    @property
    def last_edited_at(self) -> datetime | None:
        return self.edits[-1].edited_at if self.edits else None


@dataclass
class Comment(_Edited):
    id: int
    repo: str  # "owner/name"
    issue_number: int
    body: str
    user: str
    created_at: datetime
    updated_at: datetime
    reactions: list[Reaction] = field(default_factory=list)
    edits: list[ContentEdit] = field(default_factory=list)  # the body's history, oldest first


@dataclass
class Issue(_Edited):
    id: int
    number: int
    title: str
    body: str | None
    user: str
    created_at: datetime
    updated_at: datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    locked: bool = False
    edits: list[ContentEdit] = field(default_factory=list)  # the body's history, oldest first


@dataclass
class Repository:
    id: int
    owner: str
    name: str
    created_at: datetime
    private: bool = False
    archived: bool = False
    has_issues: bool = True
    description: str | None = None
    default_branch: str = "main"
    homepage: str | None = None
    topics: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    license: Any = _AUTO  # spdx id, None, or _AUTO (detect from LICENSE file)
    issues: dict[int, Issue] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)  # lower-cased name → label
    collaborators: dict[str, str] = field(default_factory=dict)  # login → role
    next_number: int = 1
    pushed_at: datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def license_spdx(self) -> str | None:
        """Explicit licence, or what GitHub would detect from a LICENSE/COPYING file."""
        if self.license is not _AUTO:
            return self.license
        for path, content in sorted(self.files.items()):
            if "/" in path or not LICENSE_FILE.match(path):
                continue
            text = content.decode("utf-8", "replace")
            squashed = " ".join(text.split())
            for spdx, (_key, _name, phrase) in LICENSES.items():
                if phrase and " ".join(phrase.split()) in squashed:
                    return spdx
            return "NOASSERTION"
        return None


@dataclass
class TeamMembership:
    role: str = "member"  # member or maintainer
    state: str = "active"  # active or pending


@dataclass
class Team:
    id: int
    org: str
    slug: str
    name: str
    description: str | None = None
    privacy: str = "closed"
    members: dict[str, TeamMembership] = field(default_factory=dict)
    repos: dict[str, str] = field(default_factory=dict)   # "owner/name" -> permission the team has on it


@dataclass
class Installation:
    id: int
    account: str
    account_type: str  # Organization or User
    repository_selection: str  # all or selected
    repositories: list[str]  # repo names under the account, when selected
    permissions: dict[str, str]
    events: list[str]
    created_at: datetime
    suspended_at: datetime | None = None

    def covers(self, repo: Repository) -> bool:
        if repo.owner.lower() != self.account.lower():
            return False
        return self.repository_selection == "all" or repo.name.lower() in {r.lower() for r in self.repositories}


@dataclass
class Token:
    token: str
    installation_id: int
    expires_at: datetime
    permissions: dict[str, str]
    repositories: list[str] | None  # full names, or None for all the installation covers


@dataclass
class App:
    id: int
    slug: str
    name: str
    owner: str
    client_id: str
    private_key_pem: str
    public_key_pem: str
    created_at: datetime
    # Where GitHub posts the App's webhooks, and the secret it signs them with. Unset, the
    # stand-in posts nothing: a redelivery is then logged as "failed to connect".
    webhook_url: str | None = None
    webhook_secret: str | None = None
    # GitHub posts an event for every change (a person's or the bot's own). Off by default:
    # the tests deliver by hand (harness.Bot.deliver); `os2bot sandbox --serve` turns it on.
    deliver_webhooks: bool = False

    @property
    def bot_login(self) -> str:
        return f"{self.slug}[bot]"


@dataclass
class HookDelivery:
    """One attempt to deliver an event to the App's webhook, as GitHub's delivery log keeps it
    (REST `hook-delivery`). `guid` is the event's X-GitHub-Delivery header, shared by the first
    attempt and every redelivery; `id` is the attempt's own. `payload` is the body exactly as
    sent (and re-signed on redelivery)."""

    id: int
    guid: str
    event: str
    action: str | None
    installation_id: int | None
    repository_id: int | None
    delivered_at: datetime
    status_code: int
    status: str
    payload: bytes
    redelivery: bool = False
    duration: float = 0.0
    url: str | None = None
    request_headers: dict[str, str] = field(default_factory=dict)
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str = ""


@dataclass
class LoggedRequest:
    """One request as the stand-in saw it; `kind` is 'rest', 'graphql' or 'codeload' (an
    archive download from GitHub's archive host, no API request)."""

    method: str
    path: str
    status: int
    kind: str
    write: bool
    auth: str  # app, installation, user or none
    installation_id: int | None = None
    query: str | None = None  # the GraphQL document, for kind == 'graphql'


@dataclass
class Fault:
    remaining: int
    status: int
    kind: str  # error, primary or secondary
    retry_after: int
    match: re.Pattern[str] | None
    after: bool = False  # the request is carried out, then its answer is lost (a 502 instead)
    hold: threading.Event | None = None  # the request waits until this is set, then fails unprocessed


DEFAULT_PERMISSIONS = {"issues": "write", "contents": "read", "metadata": "read", "members": "read"}


class GitHubState(RequestLog):
    """The stand-in's whole world. Every public method takes the one lock."""

    def __init__(self, app_id: int = 123456, slug: str = BOT_SLUG, *, app_owner: str = "OS2",
                 private_key_pem: str | None = None,
                 now: datetime | None = None, ids_from: int = 1000):
        self.lock = threading.RLock()
        self._ids = itertools.count(ids_from)
        self._epoch = now or datetime.now(timezone.utc).replace(microsecond=0)
        self._real_start = datetime.now(timezone.utc)
        self._offset = timedelta()
        self.frozen = now is not None
        if private_key_pem is None:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            private_key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption()).decode()
        loaded = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
        public_pem = loaded.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        self.users: dict[str, User] = {}
        self.add_user(app_owner, type="Organization")
        self.app = App(id=app_id, slug=slug, name=slug, owner=app_owner, client_id=f"Iv1.{secrets.token_hex(8)}",
                       private_key_pem=private_key_pem, public_key_pem=public_pem, created_at=self.now())
        self.bot = self.add_user(self.app.bot_login, type="Bot")
        self.installations: dict[int, Installation] = {}
        self.repos: dict[str, Repository] = {}  # lower-cased full name → repo
        self.teams: dict[tuple[str, str], Team] = {}  # (org lower, slug) → team
        self.org_members: dict[str, dict[str, str]] = {}  # org lower → login → role (member/admin)
        self.public_members: dict[str, set[str]] = {}
        self.tokens: dict[str, Token] = {}
        self.personal_tokens: dict[str, str] = {}   # a person's token → login
        self.archive_tokens: dict[str, tuple[str, datetime]] = {}  # archive link token → (repo, expiry)
        self.log: list[LoggedRequest] = []
        self.faults: list[Fault] = []
        self.held = 0                       # requests that were held (hold_next) so far
        self.latency: float = 0.0
        self.rate_used: dict[str, int] = {}
        self.rate_limit = 5000
        self.anonymous_rate_limit = 60      # REST without login: GitHub's 60 an hour (per address)
        self.hook_deliveries: list[HookDelivery] = []   # the App's webhook delivery log, oldest first
        self._hook_ids = itertools.count(90_000_000_001)  # GitHub's delivery ids are a sequence of their own
        self._hook_threads: list[threading.Thread] = []
        self._outbox: queue.Queue[tuple[str, bytes]] = queue.Queue()   # events the change made, to post
        self._outbox_open = 0               # events queued or being posted
        self._outbox_worker: threading.Thread | None = None
        self.served_url: str | None = None  # where the stand-in is served (urls in payloads)

    # --- time and ids -------------------------------------------------------------

    def now(self) -> datetime:
        """Stand-in time: real time (or frozen at `now=`) plus whatever `advance` added."""
        if self.frozen:
            return self._epoch + self._offset
        return (datetime.now(timezone.utc) + self._offset).replace(microsecond=0)

    def advance(self, **delta: float) -> None:
        """Move the stand-in's clock, e.g. `advance(hours=2)` to expire tokens."""
        with self.lock:
            self._offset += timedelta(**delta)

    def next_id(self) -> int:
        with self.lock:
            return next(self._ids)

    # --- arranging the world ------------------------------------------------------

    @property
    def private_key_pem(self) -> str:
        return self.app.private_key_pem

    def add_user(self, login: str, type: str = "User") -> User:
        with self.lock:
            key = login.lower()
            if key not in self.users:
                self.users[key] = User(login=login, id=self.next_id(), type=type)
            return self.users[key]

    def user(self, login: str) -> User | None:
        with self.lock:
            return self.users.get(login.lower())

    def add_installation(self, account: str, *, account_type: str = "Organization",
                         repositories: Iterable[str] | None = None,
                         permissions: Mapping[str, str] | None = None,
                         events: Iterable[str] = ("issues", "issue_comment", "repository"),
                         installation_id: int | None = None) -> Installation:
        """Install the App on an account; `repositories=None` means all of its repos."""
        with self.lock:
            self.add_user(account, type=account_type)
            inst = Installation(
                id=installation_id or self.next_id(), account=account, account_type=account_type,
                repository_selection="all" if repositories is None else "selected",
                repositories=list(repositories or []),
                permissions=dict(permissions or DEFAULT_PERMISSIONS), events=list(events), created_at=self.now())
            self.installations[inst.id] = inst
            return inst

    def add_repo(self, owner: str, name: str, files: Mapping[str, bytes | str] | None = None,
                 **attrs: Any) -> Repository:
        """Create a repository; attrs are Repository fields (private, archived, license, …)."""
        with self.lock:
            if owner.lower() not in self.users:
                self.add_user(owner, type="Organization")
            repo = Repository(id=self.next_id(), owner=self.users[owner.lower()].login, name=name,
                              created_at=self.now(), pushed_at=self.now(), **attrs)
            self.repos[repo.full_name.lower()] = repo
            for path, content in (files or {}).items():
                self.put_file(repo.full_name, path, content)
            return repo

    def repo(self, full_name: str) -> Repository:
        with self.lock:
            try:
                return self.repos[full_name.lower()]
            except KeyError:
                raise KeyError(f"no repository {full_name!r} in the stand-in") from None

    def find_repo(self, owner: str, name: str) -> Repository | None:
        with self.lock:
            return self.repos.get(f"{owner}/{name}".lower())

    def put_file(self, repo: str, path: str, content: bytes | str) -> None:
        with self.lock:
            r = self.repo(repo)
            r.files[path.strip("/")] = content.encode() if isinstance(content, str) else bytes(content)
            r.pushed_at = self.now()

    def delete_file(self, repo: str, path: str) -> None:
        with self.lock:
            del self.repo(repo).files[path.strip("/")]

    def add_label(self, repo: str, name: str, color: str = "ededed", description: str | None = None) -> Label:
        with self.lock:
            r = self.repo(repo)
            existing = r.labels.get(name.lower())
            if existing:
                return existing
            label = Label(id=self.next_id(), name=name, color=color, description=description)
            r.labels[name.lower()] = label
            return label

    def add_issue(self, repo: str, title: str, body: str | None = None, user: str = "octocat",
                  labels: Iterable[str] = (), assignees: Iterable[str] = ()) -> Issue:
        """An issue opened by a person (or by the bot, with user=state.app.bot_login)."""
        with self.lock:
            r = self.repo(repo)
            self.add_user(user)
            now = self.now()
            issue = Issue(id=self.next_id(), number=r.next_number, title=title, body=body,
                          user=self.users[user.lower()].login, created_at=now, updated_at=now)
            r.next_number += 1
            for name in labels:
                issue.labels.append(self.add_label(repo, name).name)
            issue.assignees = [self.add_user(a).login for a in assignees]
            r.issues[issue.number] = issue
            self.emit_issue(r, issue, "opened", issue.user)
            for name in issue.labels:
                self.emit_issue(r, issue, "labeled", issue.user, label=name)
            return issue

    def add_comment(self, repo: str, number: int, body: str, user: str = "octocat") -> Comment:
        """A comment written by a person on an issue."""
        with self.lock:
            issue = self.issue(repo, number)
            self.add_user(user)
            now = self.now()
            comment = Comment(id=self.next_id(), repo=self.repo(repo).full_name, issue_number=number, body=body,
                              user=self.users[user.lower()].login, created_at=now, updated_at=now)
            issue.comments.append(comment)
            issue.updated_at = now
            self.emit_comment(self.repo(repo), issue, comment, "created", comment.user)
            return comment

    def delete_comment(self, repo: str, comment_id: int, user: str) -> Comment:
        """`user` deletes a comment (web page or REST DELETE)."""
        with self.lock:
            r = self.repo(repo)
            found = self.find_comment(r, comment_id)
            if found is None:
                raise KeyError(f"no comment {comment_id} in {repo}")
            issue, comment = found
            issue.comments.remove(comment)
            self.emit_comment(r, issue, comment, "deleted", self.add_user(user).login)
            return comment

    def set_issue_state(self, repo: str, number: int, state: str, user: str, reason: str | None = None) -> Issue:
        """`user` closes (`state="closed"`) or reopens an issue; GitHub sends issues.closed/reopened."""
        with self.lock:
            issue = self.issue(repo, number)
            login = self.add_user(user).login
            if state == "closed" and issue.state != "closed":
                issue.state, issue.closed_at, issue.closed_by = "closed", self.now(), login
                issue.state_reason = reason or "completed"
            elif state == "open" and issue.state != "open":
                issue.state, issue.closed_at, issue.state_reason = "open", None, "reopened"
            elif reason is not None and issue.state == "closed":
                issue.state_reason = reason
                return issue
            else:
                return issue
            issue.updated_at = self.now()
            self.emit_issue(self.repo(repo), issue, "closed" if state == "closed" else "reopened", login)
            return issue

    def push(self, repo: str, files: Mapping[str, bytes | str], user: str, message: str = "Opdatering",
             removed: Iterable[str] = ()) -> None:
        """`user` pushes one commit to the default branch: files added or changed, some removed."""
        with self.lock:
            r = self.repo(repo)
            login = self.add_user(user).login
            added, modified = [], []
            for path, content in files.items():
                (modified if path.strip("/") in r.files else added).append(path.strip("/"))
                self.put_file(repo, path, content)
            gone = [p.strip("/") for p in removed if p.strip("/") in r.files]
            for path in gone:
                self.delete_file(repo, path)
            inst = self._subscribed(r, "push")
            if inst is not None:
                from bot.sandbox import events
                self._enqueue("push", events.push(self, r, inst, login, message, added=added, modified=modified,
                                                  removed=gone))

    def transfer_repo(self, owner: str, name: str, user: str, from_owner: str,
                      files: Mapping[str, bytes | str] | None = None, **attrs: Any) -> Repository:
        """`user` transfers the repository `from_owner/name` to `owner`: it appears there, and
        GitHub sends repository.transferred to the App installed on `owner`."""
        with self.lock:
            if self.find_repo(owner, name) is not None:
                raise ValueError(f"{owner}/{name} already exists")
            self.add_user(from_owner)
            repo = self.add_repo(owner, name, files=files, **attrs)
            self._emit_repository(repo, "transferred", user, from_owner=from_owner)
            return repo

    def create_repo(self, owner: str, name: str, user: str, files: Mapping[str, bytes | str] | None = None,
                    **attrs: Any) -> Repository:
        """`user` creates a repository in `owner`; GitHub sends repository.created."""
        with self.lock:
            if self.find_repo(owner, name) is not None:
                raise ValueError(f"{owner}/{name} already exists")
            repo = self.add_repo(owner, name, files=files, **attrs)
            self._emit_repository(repo, "created", user)
            return repo

    def add_installation_repos(self, installation_id: int, names: Iterable[str], user: str) -> None:
        """An owner gives a selected-repositories installation more repositories; GitHub sends
        installation_repositories.added."""
        with self.lock:
            inst = self.installations[installation_id]
            added = []
            for name in names:
                if name.lower() not in {r.lower() for r in inst.repositories}:
                    inst.repositories.append(name)
                    added.append(self.repo(f"{inst.account}/{name}"))
            if added and self._delivering():
                from bot.sandbox import events
                self._enqueue("installation_repositories",
                              events.installation_repositories(self, inst, added, [], self.add_user(user).login))

    # --- webhooks for changes ---------------------------------------------------------
    #
    # GitHub posts an event to the App for every change in a repository the App is installed
    # on and subscribed to, the App's own changes included (its issues.edited comes back with
    # the bot as sender). With `app.deliver_webhooks` on, the stand-in does the same: the
    # payload is built under the lock at the change (a snapshot, as GitHub's), queued, and
    # posted from a background thread, so no request of the bot ever waits on its own webhook.

    def _delivering(self) -> bool:
        return bool(self.app.deliver_webhooks and self.app.webhook_url)

    def _subscribed(self, repo: Repository, event: str) -> Installation | None:
        """The installation GitHub would send `event` for a change in `repo` to, if any."""
        if not self._delivering():
            return None
        from bot.sandbox.events import ALWAYS_SENT

        inst = self.installation_for(repo)
        if inst is None or (event not in ALWAYS_SENT and event not in inst.events):
            return None
        return inst

    def emit_issue(self, repo: Repository, issue: Issue, action: str, sender: str, *,
                   label: str | None = None, changes: dict | None = None) -> None:
        inst = self._subscribed(repo, "issues")
        if inst is None:
            return
        from bot.sandbox import events, render

        extra: dict[str, Any] = {}
        if label is not None:
            extra["label"] = render.label_json(self.add_label(repo.full_name, label), repo,
                                               render.Urls(self.served_url or "http://127.0.0.1"))
        if changes is not None:
            extra["changes"] = changes
        self._enqueue("issues", events.issues(self, repo, inst, issue, action, sender, **extra))

    def emit_comment(self, repo: Repository, issue: Issue, comment: Comment, action: str, sender: str,
                     changes: dict | None = None) -> None:
        inst = self._subscribed(repo, "issue_comment")
        if inst is None:
            return
        from bot.sandbox import events

        extra = {"changes": changes} if changes is not None else {}
        self._enqueue("issue_comment", events.issue_comment(self, repo, inst, issue, comment, action, sender, **extra))

    def _emit_repository(self, repo: Repository, action: str, sender: str, from_owner: str | None = None) -> None:
        inst = self._subscribed(repo, "repository")
        if inst is None:
            return
        from bot.sandbox import events

        self._enqueue("repository", events.repository(self, repo, inst, action, self.add_user(sender).login,
                                                      from_owner=from_owner))

    def _enqueue(self, event: str, payload: Mapping[str, Any]) -> None:
        with self.lock:
            self._outbox_open += 1
            self._outbox.put((event, json.dumps(payload).encode()))
            if self._outbox_worker is None:
                self._outbox_worker = threading.Thread(target=self._post_outbox, name="standin-webhooks", daemon=True)
                self._outbox_worker.start()

    def _post_outbox(self) -> None:
        """Post queued events one by one, in order, outside the lock; log each attempt."""
        while True:
            try:
                event, body = self._outbox.get(timeout=1.0)
            except queue.Empty:
                with self.lock:
                    if self._outbox.empty():
                        self._outbox_worker = None
                        return
                continue
            with self.lock:
                attempt = self._new_attempt(event, body, str(uuid.uuid4()), False, None)
                url, secret = self.app.webhook_url, self.app.webhook_secret
            if url:
                _send_hook(attempt, url, secret, self.app.id)
            else:
                attempt.status_code, attempt.status = 502, "failed to connect"
            with self.lock:
                self.hook_deliveries.append(attempt)
                self._outbox_open -= 1

    def webhooks_in_flight(self) -> int:
        """Events queued or being posted (see `deliver_webhooks`)."""
        with self.lock:
            return self._outbox_open

    def add_reaction(self, target: Issue | Comment, content: str, user: str) -> tuple[Reaction, bool]:
        """React once per (user, content) like GitHub; returns (reaction, created)."""
        if content not in REACTIONS:
            raise StandinError(422, "Validation Failed", [{"resource": "Reaction", "code": "custom", "field": "content",
                                                             "message": f"{content} is not a valid content"}])
        with self.lock:
            login = self.add_user(user).login
            for existing in target.reactions:
                if existing.user.lower() == login.lower() and existing.content == content:
                    return existing, False
            reaction = Reaction(id=self.next_id(), user=login, content=content, created_at=self.now())
            target.reactions.append(reaction)
            return reaction, True

    def add_org_member(self, org: str, login: str, role: str = "member", public: bool = False) -> None:
        with self.lock:
            self.add_user(org, type="Organization")
            self.add_user(login)
            self.org_members.setdefault(org.lower(), {})[self.users[login.lower()].login] = role
            if public:
                self.public_members.setdefault(org.lower(), set()).add(login.lower())

    def add_team(self, org: str, slug: str, name: str | None = None, **attrs: Any) -> Team:
        with self.lock:
            self.add_user(org, type="Organization")
            key = (org.lower(), slug.lower())
            if key not in self.teams:
                self.teams[key] = Team(id=self.next_id(), org=self.users[org.lower()].login, slug=slug,
                                       name=name or slug, **attrs)
            return self.teams[key]

    def add_team_member(self, org: str, team: str, login: str, role: str = "member", state: str = "active") -> None:
        """Put a person on an org team; an active member is also an org member, as on GitHub."""
        with self.lock:
            t = self.add_team(org, team)
            user = self.add_user(login)
            t.members[user.login] = TeamMembership(role=role, state=state)
            if state == "active" and user.login not in self.org_members.get(org.lower(), {}):
                self.add_org_member(org, login)

    def remove_team_member(self, org: str, team: str, login: str) -> None:
        with self.lock:
            t = self.teams[(org.lower(), team.lower())]
            for member in list(t.members):
                if member.lower() == login.lower():
                    del t.members[member]

    def add_collaborator(self, repo: str, login: str, permission: str = "write") -> None:
        if permission not in PERMISSION_ROLES:
            raise ValueError(f"permission must be one of {PERMISSION_ROLES}")
        with self.lock:
            self.repo(repo).collaborators[self.add_user(login).login] = permission

    # --- edit history of bodies -----------------------------------------------------
    #
    # GitHub keeps every version of an issue's or comment's body with its editor and
    # serves them as GraphQL `userContentEdits`. What the stand-in imitates, and on what:
    # - Never edited: the connection is empty and `includesCreatedEdit` is false. On the
    #   first edit GitHub stores the created version too (editor = the author, editedAt =
    #   the item's createdAt) next to the new one, so one edit gives two revisions and
    #   `includesCreatedEdit` becomes true. `diff` is the whole body after that revision,
    #   not a patch. The list comes newest first. (git-bug's GitHub importer, bridge/
    #   github/iterator.go and import.go in git-bug/git-bug: "if there is no edit, the
    #   UserContentEdits given by github is empty … if there is edits, [it] contains both
    #   the original message and the following edits", "github provide the comment
    #   edition in reverse chronological order"; it rebuilds each version from `diff`.)
    # - Edits through the API are kept like edits in the web page: comments a GitHub App
    #   rewrites through REST report `includesCreatedEdit: true` (recorded `gh pr view
    #   --json comments` output of vercel[bot] comments, in public repositories).
    # - A person may delete a revision from the history in the web page ("Delete revision
    #   from history"); the editor and time stay visible, the content does not. Comment
    #   authors and people with write access may do it; there is no API for it. (GitHub
    #   docs, communities/moderating-comments-and-conversations/tracking-changes-in-a-
    #   comment; community discussion #210661 asking for an API.) GraphQL then shows
    #   `deletedAt`/`deletedBy` and `diff: null`.
    # Not verified: `createdAt` of the created version's revision (the stand-in says when
    # GitHub recorded it, i.e. the first edit); whether the newest revision can be deleted
    # (the stand-in allows it, so the bot must cope); whether an edit to the same text is
    # recorded (the stand-in records nothing, as REST's PATCH does not change anything).

    def record_edit(self, target: Issue | Comment, body: str | None, editor: str) -> bool:
        """`editor` changes the body of an issue or comment, by any means (web page, REST
        PATCH); the history grows as GitHub's does. Returns False if the text is the same."""
        with self.lock:
            if (body or "") == (target.body or ""):
                return False
            login = self.add_user(editor).login
            now = self.now()
            if not target.edits:
                target.edits.append(ContentEdit(id=self.next_id(), editor=target.user, created_at=now,
                                                edited_at=target.created_at, body=target.body or ""))
            target.edits.append(ContentEdit(id=self.next_id(), editor=login, created_at=now, edited_at=now,
                                            body=body or ""))
            before, target.body = target.body, body
            target.updated_at = now
            changes = {"body": {"from": before or ""}}
            if isinstance(target, Comment):
                found = self.find_comment(self.repo(target.repo), target.id)
                if found is not None:
                    self.emit_comment(self.repo(target.repo), found[0], target, "edited", login, changes)
            else:
                self.emit_issue(self._repo_of(target), target, "edited", login, changes=changes)
            return True

    def edit_issue_body(self, repo: str, number: int, body: str, user: str) -> Issue:
        """A person edits an issue's body in the web page (ticks a checkbox, say)."""
        with self.lock:
            issue = self.issue(repo, number)
            self.record_edit(issue, body, user)
            return issue

    def edit_comment_body(self, repo: str, comment_id: int, body: str, user: str) -> Comment:
        """A person edits a comment's body in the web page."""
        with self.lock:
            found = self.find_comment(self.repo(repo), comment_id)
            if found is None:
                raise KeyError(f"no comment {comment_id} in {repo}")
            self.record_edit(found[1], body, user)
            return found[1]

    def delete_edit(self, target: Issue | Comment, revision: int | str | ContentEdit, by: str) -> ContentEdit:
        """A person deletes one revision from a body's edit history in the web page.

        `revision` is an index into `target.edits` (oldest first: 0 is the created
        version, -1 the newest), a revision's GraphQL node id, or the ContentEdit itself.
        Like GitHub, only the item's author or someone with write access may do it."""
        with self.lock:
            if isinstance(revision, ContentEdit):
                chosen = revision
            elif isinstance(revision, str):
                chosen = next((e for e in target.edits if node_id("UserContentEdit", e.id) == revision), None)
                if chosen is None:
                    raise KeyError(f"no revision {revision!r} in this history")
            else:
                chosen = target.edits[revision]
            if chosen not in target.edits:
                raise KeyError("that revision is not in this history")
            if chosen.deleted_at is not None:
                raise ValueError("that revision is already deleted from the history")
            login = self.add_user(by).login
            if login.lower() != target.user.lower() and not self.can_write(self._repo_of(target), login):
                raise PermissionError(f"{login} is neither the author nor has write access; "
                                      "GitHub offers them no 'Delete revision from history'")
            chosen.deleted_at, chosen.deleted_by = self.now(), login
            return chosen

    def can_write(self, repo: Repository, login: str) -> bool:
        """Write access as far as the stand-in models it: a collaborator with write or
        more, an owner of the repository's organisation, or the user who owns it."""
        with self.lock:
            if login.lower() == repo.owner.lower():
                return True
            roles = {name.lower(): role for name, role in repo.collaborators.items()}
            if roles.get(login.lower()) in ("admin", "maintain", "write"):
                return True
            members = {name.lower(): role for name, role in self.org_members.get(repo.owner.lower(), {}).items()}
            return members.get(login.lower()) == "admin"

    def can_read(self, repo: Repository, login: str) -> bool:
        """Read access to a private repository: write access, any collaborator, or a member
        of the owning organisation (GitHub's default base permission is read)."""
        with self.lock:
            if self.can_write(repo, login):
                return True
            if login.lower() in {name.lower() for name in repo.collaborators}:
                return True
            return login.lower() in {name.lower() for name in self.org_members.get(repo.owner.lower(), {})}

    def _repo_of(self, target: Issue | Comment) -> Repository:
        if isinstance(target, Comment):
            return self.repo(target.repo)
        for repo in self.repos.values():
            if any(issue is target for issue in repo.issues.values()):
                return repo
        raise KeyError("that issue is in no repository of the stand-in")

    # --- reading the world (for assertions) ---------------------------------------

    def issues(self, repo: str) -> list[Issue]:
        with self.lock:
            return sorted(self.repo(repo).issues.values(), key=lambda i: i.number)

    def issue(self, repo: str, number: int) -> Issue:
        with self.lock:
            try:
                return self.repo(repo).issues[number]
            except KeyError:
                raise KeyError(f"no issue #{number} in {repo}") from None

    def comments(self, repo: str, number: int) -> list[Comment]:
        with self.lock:
            return list(self.issue(repo, number).comments)

    def find_comment(self, repo: Repository, comment_id: int) -> tuple[Issue, Comment] | None:
        with self.lock:
            for issue in repo.issues.values():
                for comment in issue.comments:
                    if comment.id == comment_id:
                        return issue, comment
            return None

    # --- tokens -------------------------------------------------------------------

    def issue_token(self, installation_id: int, permissions: Mapping[str, str] | None = None,
                    repositories: list[str] | None = None) -> Token:
        with self.lock:
            alphabet = string.ascii_letters + string.digits
            value = "ghs_" + "".join(secrets.choice(alphabet) for _ in range(36))
            token = Token(token=value, installation_id=installation_id, expires_at=self.now() + TOKEN_LIFETIME,
                          permissions=dict(permissions or self.installations[installation_id].permissions),
                          repositories=repositories)
            self.tokens[value] = token
            return token

    def add_personal_token(self, login: str, token: str | None = None) -> str:
        """A person's token (a classic personal access token): it reads what `login` may read."""
        with self.lock:
            self.add_user(login)
            value = token or "ghp_" + "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(36))
            self.personal_tokens[value] = login
            return value

    def issue_archive_token(self, repo: Repository) -> str:
        """The token GitHub puts in a private repository's archive link; it expires after five minutes."""
        with self.lock:
            value = secrets.token_urlsafe(24)
            self.archive_tokens[value] = (repo.full_name.lower(), self.now() + ARCHIVE_LINK_LIFETIME)
            return value

    def archive_token_valid(self, token: str, repo: Repository) -> bool:
        with self.lock:
            found = self.archive_tokens.get(token)
            return found is not None and found[0] == repo.full_name.lower() and found[1] > self.now()

    def installation_for(self, repo: Repository) -> Installation | None:
        with self.lock:
            for inst in self.installations.values():
                if inst.covers(repo) and inst.suspended_at is None:
                    return inst
            return None

    # --- the App's webhook and its delivery log ---------------------------------------
    #
    # GitHub logs every attempt to deliver an event to the App's webhook and keeps the log for
    # three days (REST "List deliveries for an app webhook"). A redelivery ("Redeliver a
    # delivery for an app webhook") is a new attempt with `redelivery: true` and the same
    # `guid`, re-signed with the webhook secret as it is now.

    def record_delivery(self, event: str, payload: bytes | Mapping[str, Any], status_code: int | None = None,
                        guid: str | None = None, delivered: bool = True, *, at: datetime | None = None,
                        redelivery: bool = False) -> HookDelivery:
        """Log an attempt GitHub made to deliver `event` to the App's webhook.

        `delivered`: the payload did reach the webhook: when `app.webhook_url` is set it is
        posted there now, signed, from the caller's thread. `status_code` is what GitHub
        recorded (None: the webhook's own answer); it may differ from what the webhook
        answered, as when GitHub gave up waiting (a 502 for a delivery the bot did journal).
        With `delivered=False` nothing is sent: the delivery never reached the webhook."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        with self.lock:
            attempt = self._new_attempt(event, body, guid or str(uuid.uuid4()), redelivery, at)
            url, secret = self.app.webhook_url, self.app.webhook_secret
        if delivered and url:
            _send_hook(attempt, url, secret, self.app.id)
        if status_code is not None:
            attempt.status_code, attempt.status = status_code, _hook_status(status_code)
        elif not (delivered and url):
            raise ValueError("status_code is required when the delivery is not sent to a webhook_url")
        with self.lock:
            self.hook_deliveries.append(attempt)
        return attempt

    def hook_log(self) -> list[HookDelivery]:
        """The delivery log as GitHub still keeps it (three days), oldest first."""
        with self.lock:
            cutoff = self.now() - HOOK_LOG_KEPT
            return [d for d in self.hook_deliveries if d.delivered_at >= cutoff]

    def hook_attempts(self, guid: str) -> list[HookDelivery]:
        with self.lock:
            return [d for d in self.hook_deliveries if d.guid == guid]

    def redeliver_hook(self, delivery_id: int) -> HookDelivery | None:
        """A new attempt at delivery `delivery_id`'s event (None if the log has no such delivery).

        With a `webhook_url` the payload is posted from a background thread, and the attempt is
        logged with the webhook's answer when it comes (`wait_for_hooks` waits for it); without
        one it is logged at once as failed to connect."""
        with self.lock:
            original = next((d for d in self.hook_log() if d.id == delivery_id), None)
            if original is None:
                return None
            attempt = self._new_attempt(original.event, original.payload, original.guid, True, None)
            url, secret = self.app.webhook_url, self.app.webhook_secret
            if not url:
                attempt.status_code, attempt.status = 502, "failed to connect"
                self.hook_deliveries.append(attempt)
                return attempt

            def post() -> None:
                _send_hook(attempt, url, secret, self.app.id)
                with self.lock:
                    self.hook_deliveries.append(attempt)

            thread = threading.Thread(target=post, name=f"standin-redelivery-{delivery_id}", daemon=True)
            self._hook_threads.append(thread)
            thread.start()
            return attempt

    def wait_for_hooks(self, timeout: float = 15.0) -> None:
        """Wait until every event for a change and every redelivery the stand-in is posting has been
        answered and logged."""
        deadline = time.monotonic() + timeout
        while self.webhooks_in_flight():
            if time.monotonic() > deadline:
                raise TimeoutError(f"webhooks for changes are still being posted after {timeout}s")
            time.sleep(0.01)
        while True:
            with self.lock:
                threads, self._hook_threads = self._hook_threads, []
            if not threads:
                return
            for thread in threads:
                thread.join(max(0.0, deadline - time.monotonic()))
                if thread.is_alive():
                    raise TimeoutError(f"a redelivery is still being posted after {timeout}s")

    def _new_attempt(self, event: str, body: bytes, guid: str, redelivery: bool,
                     at: datetime | None) -> HookDelivery:
        try:
            data = json.loads(body)
        except ValueError:
            data = {}
        data = data if isinstance(data, dict) else {}
        action = data.get("action") if isinstance(data.get("action"), str) else None
        installation = data.get("installation") if isinstance(data.get("installation"), dict) else {}
        repository = data.get("repository") if isinstance(data.get("repository"), dict) else {}
        return HookDelivery(id=next(self._hook_ids), guid=guid, event=event, action=action,
                            installation_id=installation.get("id") if isinstance(installation.get("id"), int) else None,
                            repository_id=repository.get("id") if isinstance(repository.get("id"), int) else None,
                            delivered_at=at or self.now(), status_code=0, status="pending", payload=body,
                            redelivery=redelivery, url=self.app.webhook_url)

    # --- test hooks -----------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 502, match: str | None = None) -> None:
        """The next n requests (whose path matches `match`, if given) fail with `status`."""
        with self.lock:
            self.faults.append(Fault(n, status, "error", 0, re.compile(match) if match else None))

    def clear_faults(self) -> None:
        """GitHub is well again: faults not yet used up are dropped."""
        with self.lock:
            self.faults.clear()

    def lose_answer_next(self, n: int = 1, status: int = 502, match: str | None = None) -> None:
        """The next n matching requests are carried out, but answered with `status`: the
        caller cannot know that its write happened (a crash or a cut connection mid-way)."""
        with self.lock:
            self.faults.append(Fault(n, status, "error", 0, re.compile(match) if match else None, after=True))

    def hold_next(self, n: int = 1, match: str | None = None) -> threading.Event:
        """The next n matching requests hang, unprocessed, until the returned event is set (then
        they fail with 502): the moment to kill the caller "between two writes"."""
        released = threading.Event()
        with self.lock:
            self.faults.append(Fault(n, 502, "error", 0, re.compile(match) if match else None, hold=released))
        return released

    def rate_limit_next(self, n: int = 1, kind: str = "primary", status: int = 403, retry_after: int = 60,
                        match: str | None = None) -> None:
        """The next n requests hit GitHub's primary (X-RateLimit-Remaining: 0) or secondary
        (Retry-After) rate limit."""
        if kind not in ("primary", "secondary"):
            raise ValueError("kind must be 'primary' or 'secondary'")
        with self.lock:
            self.faults.append(Fault(n, status, kind, retry_after, re.compile(match) if match else None))

    def take_hold(self, path: str) -> threading.Event | None:
        """The event a held request waits on (see hold_next), or None."""
        with self.lock:
            for fault in self.faults:
                if fault.hold is not None and fault.remaining > 0 and (fault.match is None or fault.match.search(path)):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    self.held += 1
                    return fault.hold
            return None

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.hold is None and fault.remaining > 0 and (fault.match is None or fault.match.search(path)):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def record(self, entry: LoggedRequest) -> None:
        with self.lock:
            self.log.append(entry)

    def use_rate(self, resource: str, cost: int = 1, holder: str = "anonymous") -> tuple[int, int]:
        """Charge `cost` to a holder's budget for a resource (each installation has its own, as on
        GitHub); returns (used, reset epoch)."""
        with self.lock:
            key = f"{resource}|{holder}"
            used = self.rate_used.get(key, 0) + cost
            self.rate_used[key] = used
            reset = int((self._real_start + timedelta(hours=1)).timestamp())
            return used, reset


def _hook_status(status_code: int) -> str:
    """The `status` GitHub's delivery log shows beside a status code."""
    if 200 <= status_code < 300:
        return "OK"
    return "failed to connect" if status_code in (0, 502) else f"Invalid HTTP Response: {status_code}"


def _send_hook(attempt: HookDelivery, url: str, secret: str | None, app_id: int) -> None:
    """POST the attempt's payload to the webhook as GitHub does (its headers, signed with
    `secret`, 10 s timeout) and note the answer on the attempt."""
    import httpx

    from bot.signature import sign

    headers = {
        "Accept": "*/*",
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/standin",
        "X-GitHub-Delivery": attempt.guid,
        "X-GitHub-Event": attempt.event,
        "X-GitHub-Hook-ID": "1",
        "X-GitHub-Hook-Installation-Target-ID": str(app_id),
        "X-GitHub-Hook-Installation-Target-Type": "integration",
    }
    if secret:
        headers["X-Hub-Signature-256"] = sign(secret, attempt.payload)
    attempt.request_headers = headers
    started = time.monotonic()
    try:
        response = httpx.post(url, content=attempt.payload, headers=headers, timeout=10)
    except httpx.TimeoutException:
        attempt.status_code, attempt.status = 504, "timed out"
    except httpx.HTTPError:
        attempt.status_code, attempt.status = 502, "failed to connect"
    else:
        attempt.status_code, attempt.status = response.status_code, _hook_status(response.status_code)
        attempt.response_headers = dict(response.headers)
        attempt.response_body = response.text[:2000]
    attempt.duration = round(time.monotonic() - started, 3)
