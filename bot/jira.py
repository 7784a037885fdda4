"""The one way the bot talks to Jira: a client built on the `jira` library (pycontribs).

What every request needs lives here, as bot/github.py does it for GitHub: a timeout on
every request, the library's own retries bounded (at most `max_retries` more attempts, each
wait at most `max_retry_delay` seconds), every request counted and logged (one mounted
transport adapter sees each attempt, retries included), and errors leaving as the bot's
kinds: TransientError / RateLimited (retry later) or PermanentError (retrying cannot help,
with Atlassian's messages). The library is synchronous: each call runs in a worker thread
(`asyncio.to_thread`), never on the event loop.

Two flavours (JIRA_FLAVOUR, or `auto`: serverInfo's deploymentType): Jira Cloud names people
by accountId and takes basic auth with an e-mail and an API token; Jira Data Center names
them by username and takes a personal access token as Bearer. docs/jira.md has the details,
including why projects are created through the library's session rather than
`JIRA.create_project`.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from jira import JIRA, JIRAError
from requests.adapters import HTTPAdapter

from bot.errors import PermanentError, RateLimited, TransientError
from bot.log import get_logger
from bot.settings import Settings

USER_AGENT = "os2bot/0.1 (+https://github.com/OS2offdig)"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# As bot/github.py: a wait Jira asks for is done in place only this long; longer goes back to the runner.
WAIT_IN_PLACE_SECONDS = 5.0
KEY_MAX_LENGTH = 10
# Jira's jira.projectkey.reservedwords.list: names Windows refuses as file names
RESERVED_KEYS = frozenset({"AUX", "CON", "NUL", "PRN"} | {f"COM{i}" for i in range(1, 10)}
                          | {f"LPT{i}" for i in range(1, 10)})
_DANISH = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "AE", "Ø": "OE", "Å": "AA"})
_TAKEN = re.compile(r"already exists|uses this project key|already in use", re.IGNORECASE)

T = TypeVar("T")


# --- project keys (pure) ------------------------------------------------------------------------

def project_key(repo_name: str, taken: Iterable[str] = (), *, digits: bool = True,
                max_length: int = KEY_MAX_LENGTH) -> str:
    """A Jira project key for a repository, free of `taken` (compared without case).

    Jira's rules: uppercase, starts with a letter, 2–10 characters; Cloud allows digits after
    the first letter (``[A-Z][A-Z0-9]+``), a Data Center on its default pattern
    (``[A-Z][A-Z]+``) letters only: pass ``digits=False`` there. The key is the repository
    name with æ/ø/å written ae/oe/aa, accents dropped, everything but A–Z (and 0–9) removed,
    leading digits dropped, uppercased and cut to 10 characters; fewer than two characters
    left are prefixed with ``OS``. A taken (or reserved: CON, NUL, COM1 …) key gets a suffix
    instead of its last characters: 2, 3 … (letters only: B, C … Z, AA, AB …).

    ``os2forms`` → ``OS2FORMS``; ``os2-kitos-udvikling`` → ``OS2KITOSUD``; taken ``OS2FORMS``
    → ``OS2FORMS2``; taken ``OS2KITOSUD`` → ``OS2KITOSU2``.
    """
    text = unicodedata.normalize("NFKD", repo_name.translate(_DANISH)).encode("ascii", "ignore").decode().upper()
    base = re.sub("[^A-Z0-9]" if digits else "[^A-Z]", "", text).lstrip("0123456789")
    if len(base) < 2:
        base = "OS" + base
    base = base[:max_length]
    unavailable = {t.upper() for t in taken} | RESERVED_KEYS
    if base not in unavailable:
        return base
    for n in range(2, 100_000):
        suffix = str(n) if digits else _letters(n)
        candidate = base[:max_length - len(suffix)] + suffix
        if len(candidate) >= 2 and candidate[0].isalpha() and candidate not in unavailable:
            return candidate
    raise ValueError(f"no free project key for {repo_name!r}")


def _letters(n: int) -> str:
    """Bijective base 26 (1 = A, 2 = B … 26 = Z, 27 = AA)."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(ord("A") + rest) + out
    return out


def product_marker(repository_node_id: str) -> str:
    """The marker a project's description carries to say which product (repository) it is for."""
    return f"<os2bot:product {repository_node_id}>"


# --- errors -------------------------------------------------------------------------------------

class JiraRefused(PermanentError):
    """Jira refused a request (4xx). `messages` and `errors` are Atlassian's errorMessages and
    errors (field → message); str() joins them."""

    def __init__(self, message: str, *, status: int | None, messages: list[str] | None = None,
                 errors: dict[str, str] | None = None):
        super().__init__(message, status=status)
        self.messages = list(messages or [])
        self.errors = dict(errors or {})


class ForeignProject(PermanentError):
    """The key belongs to a project that is not this product's (its description lacks the
    marker, or the bot cannot see it): pick another key."""

    def __init__(self, key: str, project: dict[str, Any] | None):
        whose = f"'{project.get('name')}'" if project else "a project the bot cannot see"
        super().__init__(f"Jira project key {key} is taken by {whose}", status=400)
        self.key = key
        self.project = project


def atlassian_errors(response: requests.Response | None) -> tuple[list[str], dict[str, str]]:
    """errorMessages and errors from a Jira answer; a non-JSON body gives its first 200 characters."""
    if response is None:
        return [], {}
    try:
        data = response.json()
    except ValueError:
        text = re.sub(r"<[^>]+>", " ", response.text or "")
        text = " ".join(text.split())[:200]
        return ([text] if text else []), {}
    if not isinstance(data, dict):
        return [], {}
    messages = data.get("errorMessages") or []
    messages = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
    if isinstance(data.get("message"), str) and not messages:
        messages = [data["message"]]
    errors = data.get("errors") if isinstance(data.get("errors"), dict) else {}
    return messages, {str(k): str(v) for k, v in errors.items()}


def _retry_after(response: requests.Response | None) -> float | None:
    raw = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None


def translate(exc: Exception, what: str) -> Exception:
    """The `jira` library's and requests' exceptions as the bot's error kinds. The message
    never carries the request (JIRAError's str() prints its headers, credentials included)."""
    if isinstance(exc, JIRAError):
        status, response = exc.status_code, exc.response
        if status is None:
            return TransientError(f"Jira gave no answer to {what}")
        if status == 429:
            return RateLimited(f"Jira rate limit on {what}", retry_after=_retry_after(response) or 60.0)
        if status >= 500:
            return TransientError(f"Jira answered {status} to {what}", retry_after=_retry_after(response))
        messages, errors = atlassian_errors(response)
        said = "; ".join([*messages, *errors.values()])
        return JiraRefused(f"Jira answered {status} to {what}" + (f": {said}" if said else ""), status=status,
                           messages=messages, errors=errors)
    if isinstance(exc, requests.exceptions.JSONDecodeError):
        return PermanentError(f"Jira's answer to {what} is not JSON (a login page or a proxy in the way?)")
    if isinstance(exc, requests.Timeout):
        return TransientError(f"Jira timed out on {what}")
    if isinstance(exc, (requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return TransientError(f"Jira unreachable on {what}: {type(exc).__name__}")
    if isinstance(exc, requests.RequestException):
        return PermanentError(f"Jira request {what} cannot be made: {type(exc).__name__}")
    return exc


# --- counting ------------------------------------------------------------------------------------

class JiraRequestCounter:
    """Counts requests sent to Jira (every attempt, the library's retries included) by kind."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def record(self, method: str) -> None:
        with self._lock:
            self.counts["read" if method.upper() in SAFE_METHODS else "write"] += 1

    @property
    def api_requests(self) -> int:
        return sum(self.counts.values())

    @property
    def writes(self) -> int:
        return self.counts["write"]

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.counts)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()


class _CountingAdapter(HTTPAdapter):
    """The transport every request of a JiraClient goes through: counts and logs each attempt
    (the path only: queries may hold an e-mail address)."""

    def __init__(self, counter: JiraRequestCounter):
        super().__init__(max_retries=0)
        self._counter = counter
        self._log = get_logger(component="jira")

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self._counter.record(request.method or "GET")
        path = urlsplit(request.url or "").path
        started = time.monotonic()
        try:
            response = super().send(request, **kwargs)
        except Exception as exc:
            self._log.warning("jira_request_failed", method=request.method, path=path, error=type(exc).__name__,
                              ms=round((time.monotonic() - started) * 1000, 1))
            raise
        self._log.info("jira_request", method=request.method, path=path, status=response.status_code,
                       ms=round((time.monotonic() - started) * 1000, 1))
        return response


# --- the client ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectSpec:
    """What create_project sends (Jira's create-project payload, documented for Cloud and Data Center).

    `lead` is a person as find_user names them (Cloud accountId, Data Center username).
    `marker` (product_marker(...)) is added to the description unless it is there already: it
    is how the bot later knows the project is this product's."""

    key: str
    name: str
    lead: str
    marker: str
    description: str = ""
    project_type_key: str = "software"
    project_template_key: str | None = None
    assignee_type: str = "UNASSIGNED"          # or PROJECT_LEAD
    permission_scheme: int | None = None
    category_id: int | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        if not self.marker.strip():
            raise ValueError("a ProjectSpec needs a marker: without one any project under the key would pass as ours")

    def full_description(self) -> str:
        if self.marker in self.description:
            return self.description
        return f"{self.description.rstrip()}\n\n{self.marker}" if self.description.strip() else self.marker


class JiraClient:
    """Jira for the bot. Every method is async and runs the library in a worker thread."""

    def __init__(self, settings: Settings, *, counter: JiraRequestCounter | None = None, max_retries: int = 1,
                 max_retry_delay: float = WAIT_IN_PLACE_SECONDS):
        if not settings.jira_url or settings.jira_token is None:
            raise PermanentError("Jira settings missing: JIRA_URL and JIRA_TOKEN are required")
        self.counter = counter or JiraRequestCounter()
        self.url = settings.jira_url
        token = settings.jira_token.get()
        auth: dict[str, Any] = ({"basic_auth": (settings.jira_user, token)} if settings.jira_user
                                else {"token_auth": token})
        timeout = settings.jira_timeout
        self.jira = JIRA(settings.jira_url, **auth, options={"headers": {"User-Agent": USER_AGENT}},
                         get_server_info=False, max_retries=max_retries, timeout=(min(5.0, timeout), timeout),
                         logging=False)
        session = self.jira._session
        session.max_retry_delay = max_retry_delay       # the library waits min(this, what Jira asks) per retry
        adapter = _CountingAdapter(self.counter)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        self._flavour: str | None = None if settings.jira_flavour == "auto" else settings.jira_flavour
        self._flavour_lock = threading.Lock()
        self._log = get_logger(component="jira")

    def close(self) -> None:
        self.jira.close()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    # --- plumbing -----------------------------------------------------------------------

    async def _run(self, what: str, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.to_thread(self._guarded, what, fn, *args)

    @staticmethod
    def _guarded(what: str, fn: Callable[..., T], *args: Any) -> T:
        try:
            return fn(*args)
        except (JIRAError, requests.RequestException) as exc:
            error = translate(exc, what)
        raise error      # outside the except: the library's exception (and its headers) is not chained

    def _url(self, path: str) -> str:
        return self.jira._get_url(path)

    def _flavour_sync(self) -> str:
        with self._flavour_lock:
            if self._flavour is None:
                self._server_info()
            return self._flavour  # type: ignore[return-value]

    def _server_info(self) -> dict[str, Any]:
        info = self.jira.server_info()
        if self._flavour is None:
            self._flavour = "cloud" if info.get("deploymentType") == "Cloud" else "datacenter"
        self.jira.deploymentType = "Cloud" if self._flavour == "cloud" else info.get("deploymentType")
        return info

    # --- reading ------------------------------------------------------------------------

    async def server_info(self) -> dict[str, Any]:
        """Jira's serverInfo (version, deploymentType, baseUrl …); decides the flavour under `auto`."""
        return await self._run("GET serverInfo", self._server_info)

    async def flavour(self) -> str:
        """"cloud" or "datacenter" (asks serverInfo once when JIRA_FLAVOUR is auto)."""
        return await self._run("GET serverInfo", self._flavour_sync)

    async def myself(self) -> dict[str, Any]:
        """The bot's own Jira account (checks the credentials)."""
        return await self._run("GET myself", self.jira.myself)

    def _project(self, key: str) -> dict[str, Any] | None:
        try:
            return self.jira.project(key).raw
        except JIRAError as exc:
            if exc.status_code == 404:
                return None
            raise

    async def project(self, key: str) -> dict[str, Any] | None:
        """The project as Jira describes it, or None when there is none the bot can see."""
        return await self._run(f"GET project/{key}", self._project, key)

    def _validate_key(self, key: str) -> list[str]:
        data = self.jira._get_json("projectvalidate/key", params={"key": key})
        if not isinstance(data, dict):
            return []
        return [str(m) for m in data.get("errorMessages") or []] + [str(v) for v in (data.get("errors") or {}).values()]

    async def validate_key(self, key: str) -> list[str]:
        """Jira's own verdict on a new project key: its problems (invalid, reserved, taken); [] = free and valid."""
        return await self._run("GET projectvalidate/key", self._validate_key, key)

    def _find_user(self, email: str) -> dict[str, str] | None:
        cloud = self._flavour_sync() == "cloud"
        found = (self.jira.search_users(query=email, maxResults=20) if cloud
                 else self.jira.search_users(user=email, maxResults=20))
        people = [u.raw for u in found if u.raw.get("active", True)
                  and u.raw.get("accountType", "atlassian") == "atlassian"]
        exact = [u for u in people if (u.get("emailAddress") or "").lower() == email.lower()]
        if not exact and cloud and len(people) == 1 and not people[0].get("emailAddress"):
            exact = people      # the address is hidden by the person's profile; the search matched it
        if len(exact) != 1:
            if len(exact) > 1 or people:
                self._log.info("jira_user_not_certain", candidates=len(people), exact=len(exact))
            return None
        person = exact[0]
        return {"id": person["accountId"] if cloud else person["name"], "display_name": person.get("displayName", "")}

    async def find_user(self, email: str) -> dict[str, str] | None:
        """{"id", "display_name"} of the one active person with this e-mail address; id is the
        accountId (Cloud) or username (Data Center). None when there is none, or more than one."""
        return await self._run("GET user/search", self._find_user, email)

    def _role_ids(self, key: str) -> dict[str, int]:
        return {name: int(role["id"]) for name, role in self.jira.project_roles(key).items()}

    async def role_ids(self, key: str) -> dict[str, int]:
        """{role name: role id} of a project ("Administrators", "Developers", "Users" …)."""
        return await self._run(f"GET project/{key}/role", self._role_ids, key)

    def _role_actors(self, key: str, role_id: int) -> set[tuple[str, str]]:
        cloud = self._flavour_sync() == "cloud"
        role = self.jira.project_role(key, str(role_id))
        actors: set[tuple[str, str]] = set()
        for actor in role.raw.get("actors") or []:
            if actor.get("type") == "atlassian-user-role-actor":
                ident = (actor.get("actorUser") or {}).get("accountId") if cloud else actor.get("name")
                if ident:
                    actors.add(("user", ident))
            elif actor.get("type") == "atlassian-group-role-actor":
                name = (actor.get("actorGroup") or {}).get("name") or actor.get("name")
                if name:
                    actors.add(("group", name))
        return actors

    async def role_actors(self, key: str, role_id: int) -> set[tuple[str, str]]:
        """The role's actors as {("user", accountId or username), ("group", name)}."""
        return await self._run(f"GET project/{key}/role/{role_id}", self._role_actors, key, role_id)

    # --- writing ------------------------------------------------------------------------

    def _create_project(self, spec: ProjectSpec) -> dict[str, Any]:
        cloud = self._flavour_sync() == "cloud"
        payload: dict[str, Any] = {"key": spec.key, "name": spec.name, "projectTypeKey": spec.project_type_key,
                                   "description": spec.full_description(), "assigneeType": spec.assignee_type,
                                   ("leadAccountId" if cloud else "lead"): spec.lead}
        optional = {"projectTemplateKey": spec.project_template_key, "permissionScheme": spec.permission_scheme,
                    "categoryId": spec.category_id, "url": spec.url}
        payload.update({name: value for name, value in optional.items() if value is not None})
        refused: JIRAError | None = None
        try:
            created = self.jira._session.post(self._url("project"), data=json.dumps(payload)).json()
        except JIRAError as exc:
            if exc.status_code != 400 or "projectKey" not in atlassian_errors(exc.response)[1]:
                raise
            refused = exc
        if refused is not None:       # the key: invalid, or taken (perhaps by this product's project)
            existing = self._project(spec.key)
            if existing is not None and spec.marker in (existing.get("description") or ""):
                # ours: made by an earlier attempt whose answer was lost (or by a run that crashed after it)
                self._log.info("jira_project_found", key=spec.key, reason="key taken by this product's project")
                return existing
            if existing is not None or _TAKEN.search(atlassian_errors(refused.response)[1]["projectKey"]):
                raise ForeignProject(spec.key, existing)
            raise refused
        self._log.info("jira_project_created", key=spec.key)
        return self._project(str(created.get("key") or spec.key)) or {
            "id": str(created.get("id")), "key": created.get("key"), "self": created.get("self")}

    async def create_project(self, spec: ProjectSpec) -> dict[str, Any]:
        """Create the product's project and return it (as project() does). A project already
        under the key that carries `spec.marker` is this product's: it is returned, not made
        again. Any other raises ForeignProject: the caller picks another key (project_key(…, taken)).

        Sent as Jira's documented payload through the library's session: JIRA.create_project
        insists on an issue security scheme (and notification scheme 10000), which many sites lack."""
        return await self._run(f"POST project {spec.key}", self._create_project, spec)

    def _post_actors(self, key: str, role_id: int, actors: set[tuple[str, str]]) -> None:
        body = {kind: sorted(v for k, v in actors if k == kind) for kind in ("user", "group")}
        body = {kind: values for kind, values in body.items() if values}
        self.jira._session.post(self._url(f"project/{key}/role/{role_id}"), data=json.dumps(body))

    def _add_actors(self, key: str, role_id: int, wanted: set[tuple[str, str]]) -> set[tuple[str, str]]:
        try:
            self._post_actors(key, role_id, wanted)
            return wanted
        except JIRAError as exc:
            if exc.status_code != 400:
                raise
            # Jira refuses the whole request when one actor is already there ("… is already a member
            # of the project role."), e.g. after a lost answer the library repeated: look, add the rest
            missing = wanted - self._role_actors(key, role_id)
            if missing == wanted:
                raise          # none was there: the refusal is about something else
        if missing:
            self._post_actors(key, role_id, missing)
        return missing

    async def add_actors(self, key: str, role_id: int, users: Iterable[str] = (), groups: Iterable[str] = ()
                         ) -> set[tuple[str, str]]:
        """Put people (accountIds on Cloud, usernames on Data Center) and groups (names) into a
        project role. Those already there count as done. Returns the actors this call added (those
        already there were not the bot's grant, so the bot will never take them away)."""
        wanted = {("user", u) for u in users} | {("group", g) for g in groups}
        if not wanted:
            return set()
        return await self._run(f"POST project/{key}/role/{role_id}", self._add_actors, key, role_id, wanted)

    def _remove_actor(self, key: str, role_id: int, kind: str, ident: str) -> None:
        try:
            self.jira._session.delete(self._url(f"project/{key}/role/{role_id}"), params={kind: ident})
        except JIRAError as exc:
            if exc.status_code not in (400, 404) or (kind, ident) in self._role_actors(key, role_id):
                raise
            # not in the role (any more): what was asked for is true

    async def remove_actor(self, key: str, role_id: int, *, user: str | None = None, group: str | None = None) -> None:
        """Take one person or one group out of a project role; one not there counts as done."""
        if (user is None) == (group is None):
            raise ValueError("give exactly one of user= or group=")
        kind, ident = ("user", user) if user is not None else ("group", group)
        await self._run(f"DELETE project/{key}/role/{role_id}", self._remove_actor, key, role_id, kind, ident)
