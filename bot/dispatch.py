"""From `event.action` to handler functions, through the one table in handlers/."""

from __future__ import annotations

from typing import Awaitable, Callable, Mapping, Sequence

Handler = Callable[..., Awaitable[None]]
Routes = Mapping[str, Sequence[Handler]]


def handlers_for(routes: Routes, event: str, action: str | None) -> list[Handler]:
    """Handlers registered for `event.action` first, then those for every action of `event`."""
    found: list[Handler] = []
    if action:
        found.extend(routes.get(f"{event}.{action}", ()))
    found.extend(routes.get(event, ()))
    return found


def default_routes() -> Routes:
    from handlers import ROUTES

    return ROUTES


def default_coalesced() -> frozenset[str]:
    """The events the default routes only reconcile for (see handlers.LEVEL_TRIGGERED)."""
    from handlers import LEVEL_TRIGGERED

    return LEVEL_TRIGGERED


def make_processor(services, routes: Routes):
    """The runner's `process`: parse the journaled body once and run its handlers in order."""
    import structlog

    from bot.context import Context
    from bot.errors import PermanentError
    from bot.log import get_logger
    from bot.payloads import payload_problem
    from bot.webhooks import parse_body

    async def process(delivery) -> None:
        try:
            payload = parse_body(delivery.payload)
        except ValueError as exc:   # cannot happen for what intake accepted; kept for old journals
            raise PermanentError(f"journaled body is not JSON: {exc}") from None
        # intake refuses malformed payloads; this catches old journals and the bot's own jobs,
        # so a handler never meets a shape it cannot read (and retrying cannot fix a shape)
        problem = payload_problem(delivery.event, payload)
        if problem is not None:
            raise PermanentError(f"malformed {delivery.event} payload: {problem}")
        repo = (payload.get("repository") or {}).get("full_name")
        with structlog.contextvars.bound_contextvars(delivery=delivery.id, event=delivery.event,
                                                      action=delivery.action, repository=repo,
                                                      installation=delivery.installation_id):
            ctx = Context(delivery=delivery, payload=payload, services=services, log=get_logger())
            for handler in handlers_for(routes, delivery.event, delivery.action):
                await handler(ctx)

    return process
