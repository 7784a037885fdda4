"""The portfolio's HTTP edge: GET /, GET /api/onboardings, GET /badge/{owner}/{repo}.svg.

Thin: read the records reconcile kept (one store read, no GitHub), hand them to the pure
parts, answer. With PORTFOLIO_ACCESS=members the page and the JSON show a signed-in
person the products of the organisations they are a member of (bot/portfolio/signin.py),
and every badge is the neutral one.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from bot.portfolio.badge import etag, render_badge
from bot.portfolio.record import NAMESPACE, SCHEMA_VERSION
from bot.portfolio.render import render_page
from bot.portfolio.signin import CALLBACK, SignIn
from bot.portfolio.view import Query, language, matches, page, texts

BADGE_CACHE = "public, max-age=300"     # READMEs on GitHub are served through its camo proxy, which honours this
PAGE_CACHE = "no-cache"
PRIVATE_CACHE = "private, no-store"     # members only: never in a shared cache


def portfolio_routes(state: dict, settings) -> list[Route]:
    """Routes over the store in `state["store"]` (set by the app's lifespan)."""
    served = {o.lower() for o in settings.github_orgs}
    public = settings.portfolio_access == "public"
    signin = None if public else SignIn(settings, state)

    async def records(orgs: set[str] | None = None) -> list[dict[str, Any]]:
        """The kept records of the served organisations (of `orgs` only, when given)."""
        store = state.get("store")
        kept = await asyncio.to_thread(store.items, NAMESPACE) if store is not None else {}
        return [r for r in kept.values() if isinstance(r, dict) and r.get("schema") == SCHEMA_VERSION
                and (not served or str(r.get("owner", "")).lower() in served)
                and (orgs is None or str(r.get("owner", "")).lower() in orgs)
                and not (public and r.get("private", True))]

    def visible(request: Request) -> set[str] | None | Response:
        """The organisations this request may see (None: all), or the answer when none."""
        if public:
            return None
        session = signin.session(request)
        if session is None:
            if request.url.path.startswith("/api/"):
                return JSONResponse({"error": "sign_in_required"}, status_code=401, headers={"Cache-Control": "no-store"})
            return signin.start(request)
        if not session.orgs:
            return refused(request)
        return set(session.orgs)

    def lang_of(request: Request) -> str:
        return language(request.query_params.get("lang"), request.headers.get("accept-language"))

    def refused(request: Request) -> Response:
        return HTMLResponse(texts()["texts"]["members_only"][lang_of(request)], status_code=403,
                            headers={"Cache-Control": "no-store"})

    async def home(request: Request) -> Response:
        orgs = visible(request)
        if isinstance(orgs, Response):
            return orgs
        person = signin.session(request).login if signin else None
        html = await asyncio.to_thread(render_page, await records(orgs), dict(request.query_params),
                                       lang_of(request), person)
        return HTMLResponse(html, headers={"Cache-Control": PAGE_CACHE if public else PRIVATE_CACHE,
                                           "Content-Language": lang_of(request)})

    async def api(request: Request) -> Response:
        orgs = visible(request)
        if isinstance(orgs, Response):
            return orgs
        chosen = page(await records(orgs), Query.parse(dict(request.query_params)))
        return JSONResponse({"schema": SCHEMA_VERSION, "generated_at": _now(), "total": chosen.total,
                             "onboardings": list(chosen.rows)},
                            headers={"Cache-Control": PAGE_CACHE if public else PRIVATE_CACHE})

    async def badge(request: Request) -> Response:
        owner, repo = request.path_params["owner"], request.path_params["repo"]
        record = None
        if public:
            store = state.get("store")
            record = await store.aget(NAMESPACE, f"{owner}/{repo}".lower()) if store is not None else None
            if not isinstance(record, dict) or (served and owner.lower() not in served) or record.get("private", True):
                record = None
        svg = render_badge(record, lang_of(request), name=f"{owner}/{repo}")
        tag = etag(svg)
        headers = {"ETag": tag, "Cache-Control": BADGE_CACHE}
        asked = _tags(request.headers.get("if-none-match", ""))
        if tag in asked or "*" in asked:
            return Response(status_code=304, headers=headers)
        return Response(svg, media_type="image/svg+xml; charset=utf-8", headers=headers)

    routes = [Route("/", home, methods=["GET"]), Route("/api/onboardings", api, methods=["GET"]),
              Route("/badge/{owner}/{repo}.svg", badge, methods=["GET"])]
    if signin is not None:
        routes += [Route(CALLBACK, signin.callback, methods=["GET"]), Route("/auth/logout", signin.logout, methods=["POST"])]
    return routes


def _tags(header: str) -> set[str]:
    """If-None-Match's entity tags; a weak tag matches too (RFC 9110's weak comparison)."""
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}


def _now(clock: Callable[[], float] = time.time) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock()))
