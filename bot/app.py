"""The ASGI application: webhook intake, health, and the background runner, built by a factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.context import Services
from bot.dispatch import Routes, default_coalesced, default_routes, make_processor
from bot.log import get_logger
from bot.portfolio.routes import portfolio_routes
from bot.runner import Runner
from bot.settings import Settings
from bot.store import Store
from bot.webhooks import WEBHOOK_PATH, WebhookEndpoint


def create_app(settings: Settings, *, routes: Routes | None = None, services: Services | None = None,
               run_jobs: bool = True, backoff_base: float = 1.0, backoff_cap: float = 600.0) -> Starlette:
    """Build the app. `routes`, `services` and the backoff are for tests; by default they come from
    handlers/ and settings, and retries back off from 1 s up to 10 min between tries."""
    settings.require_app()
    # coalescing is a property of the handlers: only the bot's own routes are known to allow it
    coalesce = default_coalesced() if routes is None else frozenset()
    routes = default_routes() if routes is None else routes
    log = get_logger(component="app")
    state: dict = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        store = services.store if services else Store(settings.database_path, journal_sync=settings.journal_sync)
        svc = services or Services(settings=settings, store=store, github=_github_app(settings))
        runner = Runner(store, make_processor(svc, routes), workers=settings.workers,
                        max_attempts=settings.max_attempts, retry_for=settings.retry_for,
                        backoff_base=backoff_base, backoff_cap=backoff_cap, coalesce=coalesce)
        endpoint.store = store
        endpoint.on_journaled = runner.notify

        async def enqueue(delivery) -> bool:
            new = await store.append(delivery)
            runner.notify()
            return new

        svc.enqueue = enqueue
        state.update(store=store, runner=runner, services=svc)
        background: list[asyncio.Task] = []
        if run_jobs:
            await runner.start()
            from bot.prune import prune_forever

            background.append(asyncio.create_task(prune_forever(store, settings.journal_retention)))
            if settings.sweep_interval and svc.github is not None:
                from bot.sweep import sweep_forever

                background.append(asyncio.create_task(sweep_forever(
                    svc.github, store, settings.github_orgs, settings.sweep_interval, runner.notify)))
            if settings.redeliver_interval and svc.github is not None:
                from bot.redeliver import redeliver_forever

                background.append(asyncio.create_task(redeliver_forever(
                    svc.github, store, settings.redeliver_interval, routes)))
        # The import-time heap (githubkit's models alone are ~100k objects) never becomes
        # garbage; scanning it made full collections stall requests for ~40 ms.
        gc.collect()
        gc.freeze()
        log.info("started", database=str(settings.database_path), github=settings.github_api_url,
                 workers=settings.workers, run_jobs=run_jobs)
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            if run_jobs:
                await runner.stop(settings.drain_seconds)
            if not services:
                if svc.github is not None:
                    await svc.github.aclose()   # the App's one connection pool, closed once
                store.close()
            log.info("stopped")

    endpoint = WebhookEndpoint(secret=settings.webhook_secret.get(), store=None, routes=routes,
                               on_journaled=lambda: None)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        store: Store | None = state.get("store")
        try:
            stats = await store.astats()  # a round trip through the store's thread proves the journal answers
        except Exception as exc:
            return JSONResponse({"status": "unavailable", "error": type(exc).__name__}, status_code=503)
        return JSONResponse({
            "status": "ok",
            "queue_depth": stats.pending + stats.running,
            "pending": stats.pending,
            "running": stats.running,
            "dead_letters": stats.dead,
            "done": stats.done,
            "oldest_pending_age_seconds": None if stats.oldest_pending_age is None else round(stats.oldest_pending_age, 3),
            "time": time.time(),
        })

    app = _BotApp(routes=[
        Route(WEBHOOK_PATH, endpoint, methods=["POST"]),   # an ASGI app: no Request/Response objects
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        *portfolio_routes(state, settings),
    ], lifespan=lifespan)
    app.state.bot = state
    app.webhook = endpoint
    return app


class _BotApp(Starlette):
    """Starlette, with each webhook delivery handed to its endpoint before Starlette's
    middleware and router, which cost it a tenth of its time; the endpoint catches and logs
    its own errors. The route stays in the router for what is not a POST (405)."""

    webhook: WebhookEndpoint | None = None

    async def __call__(self, scope, receive, send) -> None:
        if self.webhook is not None and scope["type"] == "http" and scope["path"] == WEBHOOK_PATH \
                and scope["method"] == "POST":
            await self.webhook(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def _github_app(settings: Settings):
    from bot.github import GitHubApp

    return GitHubApp(settings)
