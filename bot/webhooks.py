"""Webhook intake: verify, parse, journal, answer — fast, because GitHub gives up after 10 s."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

import structlog
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from bot import signature
from bot.dispatch import Routes, handlers_for
from bot.payloads import payload_problem
from bot.settings import GITHUB_MAX_PAYLOAD
from bot.store import INTERNAL_EVENTS, Delivery, Store

WEBHOOK_PATH = "/api/github/webhooks"


class PayloadTooLarge(Exception):
    pass


class NestedTooDeeply(ValueError):
    pass


def parse_body(body: bytes) -> dict[str, Any]:
    """JSON bodies, and the form-encoded `payload=` bodies GitHub sends when configured so."""
    text = body.decode("utf-8")
    if text.startswith("payload="):
        values = parse_qs(text, max_num_fields=2).get("payload")
        if not values:
            raise ValueError("form body without a payload field")
        text = values[0]
    try:
        data = json.loads(text)
    except RecursionError:
        # json's parser recurses once per level: `[[[[…` 100k deep fits easily in 25 MB
        raise NestedTooDeeply("JSON nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("payload is not a JSON object")
    return data


def queue_key(event: str, payload: dict[str, Any], delivery_id: str) -> str:
    """Deliveries about one repository are processed one at a time, in order."""
    repo = payload.get("repository")
    if isinstance(repo, dict) and isinstance(repo.get("full_name"), str):
        return "repo:" + repo["full_name"].lower()
    inst = payload.get("installation")
    if isinstance(inst, dict) and isinstance(inst.get("id"), int):
        return f"installation:{inst['id']}"
    return f"delivery:{delivery_id}"


async def read_limited(request: Request, limit: int) -> bytes:
    """Read the body, refusing it as soon as it passes `limit` (never all of it in memory)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLarge
        except ValueError:
            raise PayloadTooLarge from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class WebhookEndpoint:
    def __init__(self, *, secret: str, store: Store, routes: Routes, on_journaled, max_body: int = GITHUB_MAX_PAYLOAD):
        self._secret = secret
        self.store = store
        self.routes = routes
        self.on_journaled = on_journaled
        self.max_body = max_body
        self.log = structlog.get_logger("os2bot").bind(component="intake")

    async def handle(self, request: Request) -> Response:
        delivery_id = request.headers.get("x-github-delivery", "")
        event = request.headers.get("x-github-event", "")
        log = self.log.bind(delivery=delivery_id[:64] or None, event=event[:64] or None)
        try:
            body = await read_limited(request, self.max_body)
        except PayloadTooLarge:
            log.warning("webhook_rejected", reason="too_large", status=413)
            return _error(413, f"payload larger than {self.max_body} bytes")
        except ClientDisconnect:
            return Response(status_code=400)
        if not signature.verify(self._secret, body, request.headers.get("x-hub-signature-256")):
            reason = "sha1_only" if request.headers.get("x-hub-signature") and not request.headers.get("x-hub-signature-256") else "bad_signature"
            log.warning("webhook_rejected", reason=reason, status=401)
            return _error(401, "missing or invalid X-Hub-Signature-256")
        if not delivery_id or not event:
            log.warning("webhook_rejected", reason="missing_headers", status=400)
            return _error(400, "missing X-GitHub-Event or X-GitHub-Delivery header")
        if len(delivery_id) > 200 or len(event) > 100:
            return _error(400, "malformed X-GitHub-Event or X-GitHub-Delivery header")
        if event.lower() in INTERNAL_EVENTS:
            # the name of the bot's own journaled jobs (a reconcile with a create policy): GitHub
            # never sends it, and a signed delivery must not be able to start one
            log.warning("webhook_rejected", reason="internal_event", status=400)
            return _error(400, f"event {event!r} is reserved for the bot's own jobs")
        try:
            payload = parse_body(body)
        except (ValueError, UnicodeDecodeError) as exc:
            reason = "too_deep" if isinstance(exc, NestedTooDeeply) else "bad_json"
            log.warning("webhook_rejected", reason=reason, status=400, error=str(exc)[:200])
            return _error(400, "body is not a JSON object" if reason == "bad_json" else str(exc))
        action = payload.get("action") if isinstance(payload.get("action"), str) else None
        installation = payload.get("installation")
        installation_id = installation.get("id") if isinstance(installation, dict) and isinstance(installation.get("id"), int) else None
        repo = (payload.get("repository") or {}).get("full_name") if isinstance(payload.get("repository"), dict) else None
        log = log.bind(action=action, repository=repo, installation=installation_id)

        if event == "ping":
            log.info("webhook_ping", zen=str(payload.get("zen", ""))[:100])
            return JSONResponse({"status": "pong"}, status_code=200)
        if not handlers_for(self.routes, event, action):
            log.info("webhook_ignored", reason="no_handler")
            return JSONResponse({"status": "ignored"}, status_code=202)
        problem = payload_problem(event, payload)
        if problem is not None:
            # 400, not 202: GitHub never redelivers on its own, so nothing repeats it, and a
            # failed delivery is what shows up in the App's "Recent Deliveries" for a person to
            # look at (202 would hide it). A manual redelivery is refused the same way.
            # Journaling it would only dead-letter it: retrying cannot give it another shape.
            log.warning("webhook_rejected", reason="bad_shape", status=400, problem=problem)
            return _error(400, f"payload not shaped as GitHub sends {event}: {problem}")

        delivery = Delivery(id=delivery_id, event=event, action=action,
                            queue_key=queue_key(event, payload, delivery_id),
                            installation_id=installation_id, payload=body, received_at=time.time())
        try:
            new = await self.store.append(delivery)
        except Exception as exc:
            log.error("journal_write_failed", error=f"{type(exc).__name__}: {exc}")
            return _error(503, "journal unavailable; GitHub may redeliver")
        if not new:
            log.info("webhook_duplicate")
            return JSONResponse({"status": "duplicate"}, status_code=202)
        self.on_journaled()
        log.info("webhook_queued")
        return JSONResponse({"status": "queued"}, status_code=202)
