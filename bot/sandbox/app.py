"""The stand-in as an ASGI app: auth, faults, GitHub's headers and the request log
around the REST handlers and the GraphQL endpoint."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.graphql_cost import cached_cost
from bot.sandbox import codeload, gql, rest
from bot.sandbox.serving import StateHolder
from bot.sandbox.access import Caller, budget_holder, identify
from bot.sandbox.render import Urls
from bot.sandbox.state import Fault, GitHubState, LoggedRequest, StandinError

RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
SECONDARY_DOCS = ("https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
                  "#about-secondary-rate-limits")


def request_id() -> str:
    return ":".join(secrets.token_hex(n).upper() for n in (2, 2, 3, 3, 4))


def create_app(state: GitHubState | StateHolder) -> Starlette:
    """An ASGI app serving `state` as api.github.com would."""
    holder = state if isinstance(state, StateHolder) else StateHolder(state)

    async def endpoint(request: Request) -> Response:
        world = holder.state
        if world.served_url is None:         # the urls in webhook payloads point here
            world.served_url = str(request.base_url).rstrip("/")
        if world.latency:
            await asyncio.sleep(world.latency)
        raw = await request.body()
        held = world.take_hold(request.url.path)
        if held is not None:                 # a request in flight when its caller dies: it never lands
            while not held.is_set():
                await asyncio.sleep(0.02)
            return Response(b'{"message": "Bad Gateway"}', status_code=502, media_type="application/json")
        if request.url.path.startswith(codeload.PREFIX + "/"):   # GitHub's archive host, not the API
            return codeload.serve(world, request)
        return handle(world, request, raw)

    methods = ["GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"]
    from bot.sandbox import play

    # the sandbox page is the stand-in's own (GitHub has no /_sandbox); everything else is GitHub
    return Starlette(routes=[*play.routes(holder), Route("/{path:path}", endpoint, methods=methods)])


def handle(state: GitHubState, request: Request, raw: bytes) -> Response:
    method, path = request.method, request.url.path
    urls = Urls(str(request.base_url))
    kind = "graphql" if path.rstrip("/") == "/graphql" else "rest"
    rid = request_id()
    caller = Caller("none")
    write = rest.is_write(method, path) if kind == "rest" else False
    query_text: str | None = None
    try:
        body: Any = json.loads(raw) if raw.strip() else None
    except ValueError:
        body = _Invalid
    if kind == "graphql" and isinstance(body, dict) and isinstance(body.get("query"), str):
        query_text = body["query"]
        write = query_text.lstrip().startswith("mutation")
    resource = "graphql" if kind == "graphql" else "core"
    # GraphQL calls take the points GitHub's formula gives them; a REST call takes one
    cost = _points(query_text, body) if kind == "graphql" else 1
    with state.lock:
        used, reset = state.use_rate(resource, cost, budget_holder(state, request.headers.get("authorization")))
        limit = state.rate_limit
        fault = state.take_fault(path)
        if fault is None and used > state.rate_limit:   # the budget is spent: GitHub's primary rate limit
            fault = Fault(1, 403, "primary", max(1, reset - int(time.time())), None)
        try:
            if fault is not None and not fault.after:
                status, payload, headers = fault_reply(state, fault, kind, rid)
            else:
                caller = identify(state, request.headers.get("authorization"))
                if caller.kind == "none" and kind == "rest":
                    limit, used, reset = anonymous_rate(state)
                if body is _Invalid:
                    raise StandinError(400, "Problems parsing JSON")
                status, payload, headers, media = dispatch(state, request, caller, urls, kind, method, path, body,
                                                           rate=(cost, used, reset))
                if kind == "graphql":
                    write = media == "mutation"
                    media = "application/json; charset=utf-8"
        except StandinError as error:
            status, payload, headers = error.status, error.body(), error.headers
            media = "application/json; charset=utf-8"
        if fault is not None and fault.after:
            status, payload, headers = fault_reply(state, fault, kind, rid)
        if fault is not None:
            media = "application/json; charset=utf-8"
        all_headers = {
            "X-GitHub-Request-Id": rid,
            "X-GitHub-Media-Type": "github.v3; format=json",
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, limit - used)),
            "X-RateLimit-Reset": str(reset),
            "X-RateLimit-Used": str(min(used, limit)),
            "X-RateLimit-Resource": resource,
            "Access-Control-Expose-Headers": "ETag, Link, Location, Retry-After, X-GitHub-OTP, X-RateLimit-Limit, "
                                             "X-RateLimit-Remaining, X-RateLimit-Used, X-RateLimit-Resource, "
                                             "X-RateLimit-Reset, X-GitHub-Request-Id",
        }
        all_headers.update(headers)
        state.record(LoggedRequest(method=method, path=path, status=status, kind=kind, write=write,
                                   auth=caller.kind, installation_id=caller.installation_id, query=query_text))
    if payload is None:
        return Response(status_code=status, headers=all_headers)
    content = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    if method == "GET" and status == 200:
        etag = f'W/"{hashlib.sha256(content).hexdigest()}"'
        all_headers.update({"ETag": etag, "Cache-Control": "private, max-age=60, s-maxage=60",
                            "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP"})
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=all_headers)
    return Response(content, status_code=status, headers=all_headers, media_type=media)


def anonymous_rate(state: GitHubState) -> tuple[int, int, int]:
    """REST without login has its own budget (60 an hour); past it GitHub answers 403."""
    used, reset = state.use_rate("core-anonymous")
    limit = state.anonymous_rate_limit
    if used > limit:
        raise StandinError(403, "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated "
                                "requests get a higher rate limit. Check out the documentation for more details.)",
                           documentation_url=RATE_LIMIT_DOCS,
                           headers={"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": "0",
                                    "X-RateLimit-Used": str(limit), "X-RateLimit-Reset": str(reset)})
    return limit, used, reset


class _InvalidJSON:
    pass


_Invalid = _InvalidJSON()


def _points(query: str | None, body: Any) -> int:
    if query is None:
        return 1
    variables = body.get("variables") if isinstance(body, dict) else None
    try:
        key = tuple(sorted((k, v) for k, v in (variables or {}).items() if isinstance(v, (int, bool, str))))
    except TypeError:
        key = ()
    return cached_cost(query, key).points


def dispatch(state: GitHubState, request: Request, caller: Caller, urls: Urls, kind: str, method: str, path: str,
             body: Any, rate: tuple[int, int, int] = (1, 0, 0)) -> tuple[int, Any, dict[str, str], str]:
    if kind == "graphql":
        if method != "POST":
            raise StandinError(404, "Not Found")
        if caller.kind == "none":
            raise StandinError(401, "This endpoint requires you to be authenticated.",
                               documentation_url="https://docs.github.com/graphql/guides/forming-calls-with-graphql"
                                                 "#authenticating-with-graphql")
        if caller.kind == "app":
            raise StandinError(403, "Resource not accessible by integration")
        payload, mutation = gql.execute(state, caller, urls, body, rate=rate)
        return 200, payload, {}, "mutation" if mutation else "query"
    found = rest.resolve(method, path)
    if found is None:
        raise StandinError(404, "Not Found")
    handler, params = found
    ctx = rest.Ctx(state=state, urls=urls, caller=caller, method=method, path=path,
                   query=dict(request.query_params), body=body, accept=request.headers.get("accept", ""))
    reply = handler(ctx, *params)
    return reply.status, reply.body, reply.headers, reply.media_type


def fault_reply(state: GitHubState, fault: Fault, kind: str, rid: str) -> tuple[int, Any, dict[str, str]]:
    if fault.kind == "error":
        phrase = HTTPStatus(fault.status).phrase if fault.status in HTTPStatus._value2member_map_ else "Error"
        return fault.status, {"message": phrase, "documentation_url": "https://docs.github.com/rest",
                              "status": str(fault.status)}, {}
    reset = int(time.time()) + fault.retry_after  # the client's clock decides when to retry
    if fault.kind == "primary":
        headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
        message = "API rate limit exceeded for installation."
        if kind == "graphql":
            return 200, {"errors": [{"type": "RATE_LIMITED", "message": message}]}, headers
        return fault.status, {"message": message, "documentation_url": RATE_LIMIT_DOCS}, headers
    message = ("You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
               f"If you reach out to GitHub Support for help, please include the request ID {rid}.")
    return fault.status, {"message": message, "documentation_url": SECONDARY_DOCS}, \
        {"Retry-After": str(fault.retry_after)}
