"""The Jira stand-in's world: people, groups, projects with their role actors, schemes and
categories, credentials, the request log and injected faults. One lock guards it all.

Two flavours, as Atlassian ships them:

- ``cloud``: people are Atlassian accounts named by ``accountId``; requests authenticate
  with basic auth, the account's e-mail and an API token; project keys follow
  ``[A-Z][A-Z0-9]+`` (Jira Cloud's documented rule).
- ``datacenter``: people are named by username (``name``) and have a ``key``;
  requests authenticate with ``Bearer <personal access token>`` (or basic auth with a
  username and password); project keys follow Data Center's default
  ``jira.projectkey.pattern``, ``([A-Z][A-Z]+)`` (letters only; administrators often widen it,
  set ``key_pattern``).

Messages are Jira's own where its source or documentation shows them (see
docs/sandbox.md, "The Jira stand-in"); the rest are marked unverified there.
"""

from __future__ import annotations

import itertools
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from bot.sandbox.serving import RequestLog

FLAVOURS = ("cloud", "datacenter")

# Jira's i18n texts (admin.errors.*), as its ProjectService and ProjectRoleService tests assert them
KEY_TAKEN = "A project with that project key already exists."
NAME_TAKEN = "A project with that name already exists."
KEY_MISSING = "You must specify a valid project key."
NAME_MISSING = "You must specify a valid project name."
KEY_TOO_LONG = "The project key must not exceed {n} characters in length."
NAME_TOO_LONG = "The project name must not exceed {n} characters in length."
KEY_RESERVED = "This keyword is invalid as it is a reserved word on this operating system."
LEAD_MISSING = "You must specify a valid project lead."
LEAD_UNKNOWN = "The user you have specified as project lead does not exist."
NOT_ADMIN = "You must have global administrator rights in order to modify projects."
ALREADY_ACTOR = "'{0}' is already a member of the project role."
ACTOR_UNKNOWN = "'{0}' could not be found"
NOT_AUTHENTICATED = "You are not authenticated. Authentication required to perform this operation."
# jira.projectkey.warning: Cloud's wording is its API documentation's; Data Center's is unverified
KEY_WARNING = {
    "cloud": "Project keys must start with an uppercase letter, followed by one or more uppercase alphanumeric characters.",
    "datacenter": "You must specify a unique project key, at least 2 characters long, containing only uppercase letters.",
}
KEY_PATTERN = {"cloud": r"[A-Z][A-Z0-9]+", "datacenter": r"[A-Z][A-Z]+"}
# jira.projectkey.reservedwords.list: names Windows refuses as file names
RESERVED_KEYS = frozenset({"AUX", "CON", "NUL", "PRN"} | {f"COM{i}" for i in range(1, 10)} | {f"LPT{i}" for i in range(1, 10)})
PROJECT_TYPES = ("software", "business", "service_desk")
ASSIGNEE_TYPES = ("PROJECT_LEAD", "UNASSIGNED")
# the project roles of a fresh site, ids as in Atlassian's own examples
DEFAULT_ROLES = {10002: ("Administrators", "A project role that represents administrators in a project"),
                 10001: ("Users", "A project role that represents users in a project"),
                 10000: ("Developers", "A project role that represents developers in a project")}


class JiraError(Exception):
    """An answer in Jira's error shape: {"errorMessages": [...], "errors": {field: message}}."""

    def __init__(self, status: int, messages: list[str] | str | None = None, errors: dict[str, str] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(f"{status} {messages or errors}")
        self.status = status
        self.messages = [messages] if isinstance(messages, str) else list(messages or [])
        self.errors = dict(errors or {})
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        return {"errorMessages": self.messages, "errors": self.errors}


@dataclass
class JiraUser:
    display_name: str
    email: str
    account_id: str | None = None      # cloud
    name: str | None = None            # datacenter: the username
    key: str | None = None             # datacenter: the user key (JIRAUSER10100)
    active: bool = True
    admin: bool = False                # the global permission "Administer Jira"
    email_visible: bool = True         # cloud: the profile's e-mail visibility
    account_type: str = "atlassian"    # cloud: atlassian | app | customer
    groups: set[str] = field(default_factory=set)

    @property
    def id(self) -> str:
        """How the REST API names this person: accountId (cloud) or username (datacenter)."""
        return self.account_id or self.name or ""


@dataclass
class JiraGroup:
    name: str
    group_id: str


@dataclass
class Actor:
    id: int
    type: str      # "user" or "group"
    value: str     # the user's id (accountId or username) or the group's name


@dataclass
class JiraProject:
    id: int
    key: str
    name: str
    lead: str                          # the lead's id (accountId or username)
    description: str = ""
    project_type_key: str = "software"
    project_template_key: str | None = None
    assignee_type: str = "UNASSIGNED"
    permission_scheme: int = 0
    category_id: int | None = None
    url: str | None = None
    actors: dict[int, list[Actor]] = field(default_factory=dict)   # role id → actors
    created_by: str | None = None
    trashed: bool = False              # Cloud's trash: invisible, its key still taken


@dataclass
class LoggedRequest:
    """One request as the stand-in saw it."""

    method: str
    path: str
    status: int
    write: bool
    user: str | None            # the caller's id, None when anonymous or refused
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    remaining: int
    status: int
    match: re.Pattern[str] | None
    after: bool = False                 # carried out, then the answer is lost
    retry_after: int | None = None      # a Retry-After header on the answer

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and (self.match is None or bool(self.match.search(f"{method} {path}")))


class JiraState(RequestLog):
    """The stand-in's whole world. Every public method takes the one lock."""

    def __init__(self, flavour: str = "cloud", *, server_title: str = "Jira", deployment_type: str | None = None,
                 version: str | None = None, ids_from: int = 10000):
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour must be one of {FLAVOURS}")
        self.lock = threading.RLock()
        self.flavour = flavour
        self.server_title = server_title
        # Cloud says "Cloud"; Data Center answers "Server" on the versions seen (configurable)
        self.deployment_type = deployment_type or ("Cloud" if flavour == "cloud" else "Server")
        self.version = version or ("1001.0.0-SNAPSHOT" if flavour == "cloud" else "9.12.2")
        self.key_pattern = KEY_PATTERN[flavour]
        self.key_warning = KEY_WARNING[flavour]
        self.max_key_length = 10
        self.max_name_length = 80
        self._ids = itertools.count(ids_from)
        self._actor_ids = itertools.count(20000)
        self.users: dict[str, JiraUser] = {}                  # id → user
        self.groups: dict[str, JiraGroup] = {}                # name → group
        self.roles: dict[int, tuple[str, str]] = dict(DEFAULT_ROLES)
        self.default_actors: dict[int, list[tuple[str, str]]] = {}   # role id → actors a new project starts with
        self.projects: dict[str, JiraProject] = {}            # key → project
        self.permission_schemes: dict[int, tuple[str, str]] = {
            0: ("Default Permission Scheme", "This is the default Permission Scheme. Any new projects that are "
                                             "created will be assigned this scheme.")}
        self.categories: dict[int, tuple[str, str]] = {}
        self.api_tokens: dict[tuple[str, str], str] = {}      # cloud: (e-mail lower, token) → user id
        self.pats: dict[str, str] = {}                        # datacenter: token → user id
        self.passwords: dict[tuple[str, str], str] = {}       # datacenter: (username, password) → user id
        self.log: list[LoggedRequest] = []
        self.faults: list[Fault] = []
        self.holds: list[tuple[re.Pattern[str] | None, threading.Event]] = []
        self.held = 0                                          # answers held so far (hold_answer_next)
        self.latency: float = 0.0

    @property
    def cloud(self) -> bool:
        return self.flavour == "cloud"

    # --- arranging the world --------------------------------------------------------

    def add_user(self, display_name: str, email: str, *, name: str | None = None, admin: bool = False,
                 active: bool = True, email_visible: bool = True, account_type: str = "atlassian",
                 account_id: str | None = None, groups: tuple[str, ...] = ()) -> JiraUser:
        """A person. Cloud: an accountId is made up unless given; datacenter: the username is
        `name` or the e-mail's local part, and the key is JIRAUSER<n>."""
        with self.lock:
            if self.cloud:
                user = JiraUser(display_name, email, account_id=account_id or secrets.token_hex(12),
                                active=active, admin=admin, email_visible=email_visible, account_type=account_type)
            else:
                username = name or email.split("@", 1)[0].lower()
                if username in self.users:
                    raise ValueError(f"username {username!r} exists")
                user = JiraUser(display_name, email, name=username, key=f"JIRAUSER{next(self._ids)}",
                                active=active, admin=admin)
            self.users[user.id] = user
            for group in groups:
                self.add_to_group(user, group)
            return user

    def user(self, user_id: str) -> JiraUser | None:
        with self.lock:
            return self.users.get(user_id)

    def issue_token(self, user: JiraUser | str) -> str:
        """A credential for `user`: a Cloud API token (basic auth with the e-mail) or a Data
        Center personal access token (Bearer)."""
        with self.lock:
            user = self._user(user)
            token = ("ATATT3x" if self.cloud else "NjI") + secrets.token_urlsafe(24)
            if self.cloud:
                self.api_tokens[(user.email.lower(), token)] = user.id
            else:
                self.pats[token] = user.id
            return token

    def set_password(self, user: JiraUser | str, password: str) -> None:
        """Data Center: basic auth with the username and this password."""
        with self.lock:
            if self.cloud:
                raise ValueError("Jira Cloud takes API tokens, not passwords (use issue_token)")
            user = self._user(user)
            self.passwords[(user.id, password)] = user.id

    def revoke_tokens(self, user: JiraUser | str) -> None:
        with self.lock:
            uid = self._user(user).id
            for table in (self.api_tokens, self.pats, self.passwords):
                for cred in [c for c, owner in table.items() if owner == uid]:
                    del table[cred]

    def add_group(self, name: str) -> JiraGroup:
        with self.lock:
            group = self.groups.get(name)
            if group is None:
                group = self.groups[name] = JiraGroup(name, str(uuid.uuid4()))
            return group

    def add_to_group(self, user: JiraUser | str, group: str) -> None:
        with self.lock:
            self.add_group(group)
            self._user(user).groups.add(group)

    def add_role(self, name: str, description: str = "") -> int:
        with self.lock:
            role_id = max(self.roles, default=10000) + 1
            self.roles[role_id] = (name, description)
            return role_id

    def role_id(self, name: str) -> int:
        with self.lock:
            return next(rid for rid, (rname, _) in self.roles.items() if rname == name)

    def add_permission_scheme(self, name: str, description: str = "", *, id: int | None = None) -> int:
        with self.lock:
            scheme_id = next(self._ids) if id is None else id
            self.permission_schemes[scheme_id] = (name, description)
            return scheme_id

    def add_category(self, name: str, description: str = "", *, id: int | None = None) -> int:
        with self.lock:
            category_id = next(self._ids) if id is None else id
            self.categories[category_id] = (name, description)
            return category_id

    def add_project(self, key: str, name: str, *, lead: JiraUser | str, description: str = "",
                    project_type_key: str = "software", category_id: int | None = None) -> JiraProject:
        """A project someone else made (no validation beyond a free key)."""
        with self.lock:
            if key in self.projects:
                raise ValueError(f"project {key} exists")
            return self._create(key=key, name=name, lead=self._user(lead).id, description=description,
                                project_type_key=project_type_key, category_id=category_id)

    def trash_project(self, key: str) -> None:
        """Move a project to Jira Cloud's trash: it answers 404 and is listed nowhere, but its key
        stays taken (for 60 days on Cloud)."""
        with self.lock:
            self.projects[key].trashed = True

    def add_actor(self, key: str, role: int | str, *, user: JiraUser | str | None = None, group: str | None = None) -> None:
        """Put a person or a group into a project role, as an administrator would in the web page."""
        with self.lock:
            project = self.projects[key]
            role_id = role if isinstance(role, int) else self.role_id(role)
            actors = project.actors.setdefault(role_id, [])
            kind, value = ("user", self._user(user).id) if user is not None else ("group", self.add_group(group).name)
            if not any(a.type == kind and a.value == value for a in actors):
                actors.append(Actor(next(self._actor_ids), kind, value))

    # --- reading (tests) ----------------------------------------------------------------

    def project(self, key: str) -> JiraProject | None:
        with self.lock:
            return self.projects.get(key)

    def role_actors(self, key: str, role: int | str) -> set[tuple[str, str]]:
        """{("user", id) | ("group", name)} of a project role."""
        with self.lock:
            role_id = role if isinstance(role, int) else self.role_id(role)
            return {(a.type, a.value) for a in self.projects[key].actors.get(role_id, [])}

    # --- what the REST handlers use ---------------------------------------------------------

    def _user(self, user: JiraUser | str) -> JiraUser:
        uid = user.id if isinstance(user, JiraUser) else user
        found = self.users.get(uid)
        if found is None:
            raise KeyError(f"no user {uid!r}")
        return found

    def _create(self, **fields: Any) -> JiraProject:
        project = JiraProject(id=next(self._ids), **fields)
        for role_id, actors in self.default_actors.items():
            project.actors[role_id] = [Actor(next(self._actor_ids), kind, value) for kind, value in actors]
        self.projects[project.key] = project
        return project

    def find_project(self, key_or_id: str) -> JiraProject | None:
        """By key (case-sensitive, as the API documents) or by numeric id."""
        found = self.projects.get(key_or_id)
        if found is None and key_or_id.isdigit():
            found = next((p for p in self.projects.values() if p.id == int(key_or_id)), None)
        return None if found is None or found.trashed else found

    def key_errors(self, key: str | None) -> dict[str, str]:
        """Jira's checks of a new project key, in its order; {} when the key is free and valid."""
        if not key or not key.strip():
            return {"projectKey": KEY_MISSING}
        if not re.fullmatch(self.key_pattern, key):
            return {"projectKey": self.key_warning}
        if len(key) > self.max_key_length:
            return {"projectKey": KEY_TOO_LONG.format(n=self.max_key_length)}
        if key in RESERVED_KEYS:
            return {"projectKey": KEY_RESERVED}
        if any(p.key.upper() == key.upper() for p in self.projects.values()):
            return {"projectKey": KEY_TAKEN}
        return {}

    def is_project_admin(self, user: JiraUser, project: JiraProject) -> bool:
        if user.admin:
            return True
        admins = project.actors.get(self.role_id("Administrators"), [])
        return any((a.type == "user" and a.value == user.id) or (a.type == "group" and a.value in user.groups)
                   for a in admins)

    def actor(self, kind: str, value: str) -> Actor:
        """A new role actor (ids grow, as Jira's do)."""
        return Actor(next(self._actor_ids), kind, value)

    def authenticate(self, authorization: str | None) -> JiraUser | None:
        """The caller, None when anonymous; JiraError 401 for credentials Jira refuses."""
        import base64

        if not authorization:
            return None
        scheme, _, value = authorization.partition(" ")
        uid: str | None = None
        if scheme.lower() == "basic":
            try:
                login, _, secret = base64.b64decode(value.strip()).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                login, secret = "", ""
            if self.cloud:
                uid = self.api_tokens.get((login.lower(), secret))
            else:
                uid = self.passwords.get((login, secret))
        elif scheme.lower() == "bearer" and not self.cloud:
            uid = self.pats.get(value.strip())
        user = self.users.get(uid) if uid else None
        if user is None or not user.active:
            headers = {"WWW-Authenticate": 'Basic realm="protected-area"'}
            if not self.cloud:
                headers["X-Seraph-LoginReason"] = "AUTHENTICATED_FAILED"
            raise JiraError(401, NOT_AUTHENTICATED, headers=headers)
        return user

    # --- test hooks -----------------------------------------------------------------------

    def fail_next(self, n: int = 1, status: int = 503, match: str | None = None, retry_after: int | None = None) -> None:
        """The next n requests (whose "METHOD /path" the regex `match` finds, if given) fail
        with `status` before anything happens (with a Retry-After header when given)."""
        with self.lock:
            self.faults.append(Fault(n, status, re.compile(match) if match else None, retry_after=retry_after))

    def lose_answer_next(self, n: int = 1, status: int = 503, match: str | None = None,
                         retry_after: int | None = 1) -> None:
        """The next n matching requests are carried out, but answered with `status` (by default
        503 with Retry-After: 1, which the `jira` library retries, POSTs included)."""
        with self.lock:
            self.faults.append(Fault(n, status, re.compile(match) if match else None, after=True,
                                     retry_after=retry_after))

    def hold_answer_next(self, match: str | None = None) -> threading.Event:
        """The next matching request is carried out, but its answer hangs until the returned
        event is set: the moment to kill the caller between "created" and "recorded"."""
        released = threading.Event()
        with self.lock:
            self.holds.append((re.compile(match) if match else None, released))
        return released

    def take_hold(self, method: str, path: str) -> threading.Event | None:
        with self.lock:
            for entry in self.holds:
                if entry[0] is None or entry[0].search(f"{method} {path}"):
                    self.holds.remove(entry)
                    self.held += 1
                    return entry[1]
            return None

    def rate_limit_next(self, n: int = 1, retry_after: int = 5, match: str | None = None) -> None:
        """The next n matching requests are refused with 429 and Retry-After, as Jira Cloud's
        rate limiter does."""
        self.fail_next(n, 429, match, retry_after=retry_after)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def record(self, entry: LoggedRequest) -> None:
        with self.lock:
            self.log.append(entry)

    def now(self) -> datetime:
        return datetime.now(timezone.utc)
