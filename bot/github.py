"""The one way the bot talks to GitHub: App and installation clients built with githubkit.

This module holds what every request needs: timeouts (githubkit has none by default),
a per-client token cache (githubkit's default cache is global), retries that are safe
(reads only; a write is never repeated blindly), rate-limit handling, and request
counting (benchmarks and tests report API cost from the counter). Errors leave this
module as the bot's own kinds: TransientError / RateLimited (retry later) or
PermanentError (retrying cannot help).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, AsyncIterator, Awaitable, Callable

import httpx
from githubkit import AppAuthStrategy, GitHub
from githubkit.cache import MemCacheStrategy
from githubkit.exception import (
    GitHubException,
    GraphQLFailed,
    RateLimitExceeded,
    RequestError,
    RequestFailed,
    RequestTimeout,
)
from githubkit.typing import RetryOption

from bot.errors import PermanentError, RateLimited, TransientError
from bot.settings import Settings

USER_AGENT = "os2bot/0.1 (+https://github.com/OS2offdig)"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# A rate limit that lifts within this many seconds is waited out in place; a longer one
# goes back to the runner, which reschedules the whole delivery.
WAIT_IN_PLACE_SECONDS = 5.0


class RequestCounter:
    """Counts requests by kind, and the GraphQL points GitHub reported for them (`rateLimit.cost`).
    Token requests are kept apart: API cost excludes them."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.points = 0

    def record(self, request: httpx.Request) -> None:
        path = request.url.path
        if path.endswith("/access_tokens"):
            kind = "token"
        elif path.endswith("/graphql"):
            kind = "graphql"
        elif request.method in SAFE_METHODS:
            kind = "read"
        else:
            kind = "write"
        self.counts[kind] += 1

    @property
    def api_requests(self) -> int:
        """Requests that cost API quota (every kind but installation tokens)."""
        return sum(n for kind, n in self.counts.items() if kind != "token")

    @property
    def writes(self) -> int:
        return self.counts["write"]

    def snapshot(self) -> dict[str, int]:
        return dict(self.counts)

    def reset(self) -> None:
        self.counts.clear()
        self.points = 0


@dataclass
class Budget:
    """One rate-limit resource of one installation as GitHub last reported it."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None          # epoch seconds


@dataclass
class RateBudget:
    """What an installation has left, per resource (`core`, `graphql`, ...), from the
    X-RateLimit-* headers of its last answers and the `rateLimit` of its GraphQL answers."""

    resources: dict[str, Budget] = field(default_factory=dict)

    def observe(self, headers: httpx.Headers) -> None:
        resource = headers.get("x-ratelimit-resource")
        if not resource:
            return
        budget = self.resources.setdefault(resource, Budget())
        for name, attribute in (("x-ratelimit-limit", "limit"), ("x-ratelimit-remaining", "remaining"),
                                ("x-ratelimit-reset", "reset")):
            try:
                setattr(budget, attribute, int(headers[name]))
            except (KeyError, ValueError):
                pass

    def observe_graphql(self, rate: dict) -> None:
        budget = self.resources.setdefault("graphql", Budget())
        if isinstance(rate.get("remaining"), int):
            budget.remaining = rate["remaining"]
        if isinstance(rate.get("limit"), int):
            budget.limit = rate["limit"]
        with contextlib.suppress(TypeError, ValueError):
            budget.reset = datetime.fromisoformat(str(rate["resetAt"]).replace("Z", "+00:00")).timestamp()

    def get(self, resource: str) -> Budget:
        return self.resources.get(resource) or Budget()


@dataclass
class Meter:
    """The points one piece of work (a reconcile) spent, and what GitHub said was left after it."""

    points: int = 0
    remaining: int | None = None


_METER: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("os2bot_meter", default=None)


@contextlib.contextmanager
def metered():
    """Count the GraphQL points spent by the requests of this task (for its log line)."""
    meter = Meter()
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)


# the budget of the installation whose request is in flight: the shared transport notes the
# answer's rate-limit headers there (a context variable: concurrent requests do not mix)
_BUDGET: contextvars.ContextVar[RateBudget | None] = contextvars.ContextVar("os2bot_budget", default=None)


class _CountingTransport(httpx.AsyncBaseTransport):
    """The one transport (and connection pool) every request of a GitHubApp goes through.

    githubkit builds an httpx client per request and closes it afterwards, and closing a
    client closes its transport: had that reached the pool, every request finishing would
    cut the connections of the requests still in flight (ReadError). So a client's close
    stops here; the pool is closed once, by GitHubApp.aclose() at shutdown.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, counter: RequestCounter):
        self._inner = inner
        self._counter = counter

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._counter.record(request)
        response = await self._inner.handle_async_request(request)
        budget = _BUDGET.get()
        if budget is not None:
            budget.observe(response.headers)
        return response

    async def aclose(self) -> None:
        """A per-request client closing: the shared pool stays open."""

    async def close_pool(self) -> None:
        await self._inner.aclose()


def _retry_decision(exc: GitHubException, retry_count: int) -> RetryOption:
    """githubkit's hook: retry reads on 5xx/timeouts twice, wait out short rate limits once."""
    if isinstance(exc, RateLimitExceeded):
        wait = exc.retry_after.total_seconds()
        if retry_count < 1 and wait <= WAIT_IN_PLACE_SECONDS:
            # githubkit sleeps 60 s for a falsy (zero) wait: never hand it one
            return RetryOption(True, max(exc.retry_after, timedelta(seconds=0.1)))
        return RetryOption(False)
    request = getattr(exc, "request", None)
    is_read = request is not None and (request.method in SAFE_METHODS or request.url.path.endswith("/graphql"))
    if not is_read or retry_count >= 2:
        return RetryOption(False)
    if isinstance(exc, RequestTimeout):
        return RetryOption(True, timedelta(seconds=0.2 * (retry_count + 1)))
    if isinstance(exc, RequestFailed) and exc.response.status_code in (500, 502, 503, 504):
        return RetryOption(True, timedelta(seconds=0.2 * (retry_count + 1)))
    return RetryOption(False)


def translate(exc: Exception, what: str) -> Exception:
    """githubkit's exceptions as the bot's error kinds, with a message fit for a log line."""
    if isinstance(exc, RateLimitExceeded):
        return RateLimited(f"GitHub rate limit on {what}", retry_after=exc.retry_after.total_seconds())
    if isinstance(exc, RequestFailed):
        status = exc.response.status_code
        if status >= 500 or status == 429:
            return TransientError(f"GitHub answered {status} to {what}")
        if status in (401,):
            # an installation token can expire between minting and use; the next attempt mints a new one
            return TransientError(f"GitHub answered 401 to {what}")
        return PermanentError(f"GitHub answered {status} to {what}", status=status)
    if isinstance(exc, RequestTimeout):
        return TransientError(f"GitHub timed out on {what}")
    if isinstance(exc, RequestError):
        return TransientError(f"GitHub unreachable on {what}: {type(exc.exc).__name__}")
    if isinstance(exc, GraphQLFailed):
        kinds = {e.type for e in exc.response.errors if e.type}
        if kinds & {"RATE_LIMITED", "RATE_LIMIT"}:
            return RateLimited(f"GitHub GraphQL rate limit on {what}", retry_after=60)
        messages = "; ".join(e.message for e in exc.response.errors)[:300]
        return PermanentError(f"GitHub GraphQL errors on {what}: {messages}")
    return exc


@contextlib.contextmanager
def _translated(what: str):
    try:
        yield
    except (GitHubException,) as exc:
        raise translate(exc, what) from exc


class SingleFlight:
    """One fetch at a time per key: callers arriving while it runs wait for it and then find
    its result in the cache; a fetch that failed left nothing there, so the next caller
    fetches again. Locks belong to an event loop: a new loop (asyncio.run again) gets new ones."""

    def __init__(self) -> None:
        self._locks: dict[Any, tuple[asyncio.AbstractEventLoop, asyncio.Lock]] = {}

    def lock(self, key: Any) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        held = self._locks.get(key)
        if held is None or held[0] is not loop:
            held = self._locks[key] = (loop, asyncio.Lock())
        return held[1]

    async def get(self, key: Any, cached: Callable[[], Awaitable[Any]], fetch: Callable[[], Awaitable[Any]]) -> Any:
        found = await cached()
        if found is not None:
            return found
        async with self.lock(key):
            found = await cached()
            return found if found is not None else await fetch()


class InstallationClient:
    """Requests made as one installation of the App (what handlers use). Its `budget` holds
    what GitHub last said this installation has left; the sweep paces itself by it."""

    def __init__(self, github: GitHub, installation_id: int, counter: RequestCounter | None = None,
                 token_ready: Callable[[], Awaitable[Any]] | None = None):
        self.github = github
        self.installation_id = installation_id
        self.counter = counter or RequestCounter()
        self.budget = RateBudget()
        self._token_ready = token_ready      # mints the installation token once, whoever asks at the same time

    async def _ready(self) -> None:
        if self._token_ready is not None:
            await self._token_ready()

    async def rest(self, method: str, path: str, *, json: Any = None, params: dict | None = None) -> Any:
        """A REST call returning raw JSON: models of githubkit reject some real payloads."""
        what = f"{method} {path}"
        await self._ready()
        _BUDGET.set(self.budget)
        with _translated(what):
            response = await self.github.arequest(method, path, json=json, params=params)
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def rest_or_none(self, method: str, path: str, **kwargs: Any) -> Any:
        """Like rest(), but a 404 is an answer (not a member, no such file), not an error."""
        await self._ready()
        _BUDGET.set(self.budget)
        try:
            with _translated(f"{method} {path}"):
                response = await self.github.arequest(method, path, **kwargs)
        except PermanentError as exc:
            if exc.status == 404:
                return None
            raise
        if response.status_code == 204 or not response.content:
            return {}
        return response.json()

    async def graphql(self, query: str, variables: dict[str, Any] | None = None, *,
                      optional: frozenset[str] = frozenset()) -> dict[str, Any]:
        """The query's data. `optional`: top-level fields whose NOT_FOUND is an answer, not an
        error (GitHub then returns the rest of the data with that field null). The points GitHub
        reports in the answer's `rateLimit` (every query of the bot asks for it) are counted."""
        await self._ready()
        _BUDGET.set(self.budget)
        try:
            data = await self.github.async_graphql(query, variables)
        except GraphQLFailed as exc:
            errors, data = exc.response.errors or [], exc.response.data
            if not (data is not None and errors and all(
                    e.type == "NOT_FOUND" and e.path and e.path[0] in optional for e in errors)):
                raise translate(exc, "GraphQL query") from exc
        except GitHubException as exc:
            raise translate(exc, "GraphQL query") from exc
        self._count_points(data)
        return data

    def _count_points(self, data: Any) -> None:
        rate = data.get("rateLimit") if isinstance(data, dict) else None
        if not isinstance(rate, dict) or not isinstance(rate.get("cost"), int):
            return
        self.counter.points += rate["cost"]
        self.budget.observe_graphql(rate)
        meter = _METER.get()
        if meter is not None:
            meter.points += rate["cost"]
            meter.remaining = rate.get("remaining")

    async def paginate(self, path: str, *, params: dict | None = None, max_pages: int = 20) -> AsyncIterator[Any]:
        """Follow `page=` for list endpoints, stopping at a short page."""
        params = {"per_page": 100, **(params or {})}
        for page in range(1, max_pages + 1):
            items = await self.rest("GET", path, params={**params, "page": page})
            for item in items:
                yield item
            if len(items) < params["per_page"]:
                return


class GitHubApp:
    """The App itself: mints installation clients; one token cache per GitHubApp."""

    def __init__(self, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None,
                 counter: RequestCounter | None = None):
        settings_key = settings.private_key
        if settings.app_id is None or settings_key is None:
            raise PermanentError("GitHub App settings missing: APP_ID and PRIVATE_KEY are required")
        self.counter = counter or RequestCounter()
        self._cache = MemCacheStrategy()
        inner = transport or httpx.AsyncHTTPTransport(retries=0)
        self._transport = _CountingTransport(inner, self.counter)
        self.github = GitHub(
            AppAuthStrategy(str(settings.app_id), settings_key.get()),
            base_url=settings.github_api_url,
            user_agent=USER_AGENT,
            timeout=httpx.Timeout(settings.github_timeout, connect=min(5.0, settings.github_timeout)),
            cache_strategy=self._cache,
            http_cache=False,
            auto_retry=_retry_decision,
            async_transport=self._transport,
        )
        self._installations: dict[int, InstallationClient] = {}
        self._bot_login: str | None = None
        self._flights = SingleFlight()     # installation tokens and GET /app: one request, however many ask

    async def aclose(self) -> None:
        """Close the connection pool; once, when the process is done with GitHub."""
        await self._transport.close_pool()

    def installation(self, installation_id: int) -> InstallationClient:
        client = self._installations.get(installation_id)
        if client is None:
            auth = self.github.auth.as_installation(installation_id)
            # githubkit 0.16.1 (pinned): the cache key its auth flow (AppAuth) reads the token from
            key = auth.get_auth_flow(self.github)._get_installation_cache_key()
            client = InstallationClient(self.github.with_auth(auth), installation_id, self.counter,
                                        token_ready=lambda: self._token(installation_id, key))
            self._installations[installation_id] = client
        return client

    async def _token(self, installation_id: int, key: str) -> str:
        """The installation's token from the cache githubkit's auth reads (same key, same
        expiry less a minute), minted here first so concurrent requests share one."""
        cache = await self._cache.get_async_cache_storage()

        async def mint() -> str:
            data = await self.app_rest("POST", f"/app/installations/{installation_id}/access_tokens")
            expires = datetime.strptime(data["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            await cache.aset(key, data["token"], expires - datetime.now(timezone.utc) - timedelta(minutes=1))
            return data["token"]

        return await self._flights.get(("token", installation_id), lambda: cache.aget(key), mint)

    async def app_rest(self, method: str, path: str, *, json: Any = None, params: dict | None = None) -> Any:
        """A call made as the App (JWT): installations, the App's own identity, its delivery log."""
        with _translated(f"{method} {path}"):
            response = await self.github.arequest(method, path, json=json, params=params)
        return response.json() if response.content else None

    async def app_page(self, path: str, *, params: dict | None = None) -> tuple[Any, dict[str, str] | None]:
        """One page of a list made as the App (JWT), and the query of the next page taken from
        the `Link` header's rel="next" (None on the last page). For GitHub's cursor pagination
        (`/app/hook/deliveries`): the cursor is opaque, so it is carried over, never built."""
        with _translated(f"GET {path}"):
            response = await self.github.arequest("GET", path, params=params)
        data = response.json() if response.content else None
        following = response.raw_response.links.get("next", {}).get("url")
        if not following:
            return data, None
        return data, dict(httpx.URL(following).params.items())

    async def bot_login(self) -> str:
        """The App's bot account as REST names it ("<slug>[bot]"), asked once per process."""
        async def cached() -> str | None:
            return self._bot_login

        async def fetch() -> str:
            app = await self.app_rest("GET", "/app")
            self._bot_login = f"{app['slug']}[bot]"
            return self._bot_login

        return await self._flights.get("app", cached, fetch)

    async def installation_for_repo(self, owner: str, repo: str) -> int:
        data = await self.app_rest("GET", f"/repos/{owner}/{repo}/installation")
        return int(data["id"])
