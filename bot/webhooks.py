"""Webhook intake: verify, parse, journal, answer — fast, because GitHub gives up after 10 s."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs

import orjson
import structlog

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
    """JSON bodies, and the form-encoded `payload=` bodies GitHub sends when configured so.

    Parsed once per delivery at intake and once per job by the runner, with orjson (a third
    of the standard library's time for a 9 KB payload). What orjson refuses goes through the
    standard library too, so the bodies accepted are those `json` accepts (NaN, lone
    surrogates), with two differences GitHub never meets: integers beyond 64 bits read as
    floats, and nesting up to orjson's 1,024 levels is read (json stopped short of 1,000).
    """
    if body.startswith(b"payload="):
        values = parse_qs(body.decode("utf-8"), max_num_fields=2).get("payload")
        if not values:
            raise ValueError("form body without a payload field")
        body = values[0].encode("utf-8")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        data = _parse_stdlib(body)
    if not isinstance(data, dict):
        raise ValueError("payload is not a JSON object")
    return data


def _parse_stdlib(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except RecursionError:
        # json's parser recurses once per level: `[[[[…` 100k deep fits easily in 25 MB
        raise NestedTooDeeply("JSON nested too deeply") from None


def queue_key(event: str, payload: dict[str, Any], delivery_id: str) -> str:
    """Deliveries about one repository are processed one at a time, in order."""
    repo = payload.get("repository")
    if isinstance(repo, dict) and isinstance(repo.get("full_name"), str):
        return "repo:" + repo["full_name"].lower()
    inst = payload.get("installation")
    if isinstance(inst, dict) and isinstance(inst.get("id"), int):
        return f"installation:{inst['id']}"
    return f"delivery:{delivery_id}"


class ClientGone(Exception):
    pass


def first_headers(scope: dict) -> dict[bytes, bytes]:
    """The request's headers by lower-case name, the first of repeated ones (as Starlette reads them)."""
    headers: dict[bytes, bytes] = {}
    for name, value in scope["headers"]:
        headers.setdefault(name, value)
    return headers


async def read_limited(headers: dict[bytes, bytes], receive, limit: int) -> bytes:
    """Read the body, refusing it as soon as it passes `limit` (never all of it in memory)."""
    declared = headers.get(b"content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise PayloadTooLarge
        except ValueError:
            raise PayloadTooLarge from None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


Answer = tuple[int, bytes]


def _error(status: int, message: str) -> Answer:
    return status, orjson.dumps({"error": message})


def _status(status: int, text: str) -> Answer:
    return status, orjson.dumps({"status": text})


_QUEUED = _status(202, "queued")
_DUPLICATE = _status(202, "duplicate")
_IGNORED = _status(202, "ignored")
_PONG = _status(200, "pong")
_JSON = (b"content-type", b"application/json")


class WebhookEndpoint:
    """The hot path, an ASGI app of its own: Starlette's request and response objects cost a
    request about as much as the HMAC does, so the route takes the ASGI messages directly.
    Nothing is done twice or for nothing: the body is read and parsed once, the log context
    is built only for a line that is written (an accepted delivery is a debug line: the
    journal is its record, and the runner logs what it did with it), and the 202 waits only
    for the journal's group commit, shared with the deliveries of the same turn of the loop."""

    def __init__(self, *, secret: str, store: Store, routes: Routes, on_journaled, max_body: int = GITHUB_MAX_PAYLOAD):
        self._secret = secret.encode("utf-8")
        self.store = store
        self.routes = routes
        self.on_journaled = on_journaled
        self.max_body = max_body
        self.log = structlog.get_logger("os2bot").bind(component="intake")

    async def __call__(self, scope, receive, send) -> None:
        headers = first_headers(scope)
        try:
            status, body = await self.take(headers, receive)
        except ClientGone:
            return
        except Exception as exc:   # a bug: answered 500 (GitHub shows it), logged, and the server goes on
            self.log.exception("webhook_failed", delivery=_text(headers, b"x-github-delivery")[:64] or None,
                               error=f"{type(exc).__name__}: {str(exc)[:200]}")
            status, body = _error(500, "internal error")
        await send({"type": "http.response.start", "status": status,
                    "headers": [_JSON, (b"content-length", b"%d" % len(body))]})
        await send({"type": "http.response.body", "body": body})

    def _reject(self, status: int, message: str, reason: str, delivery_id: str, event: str, **details) -> Answer:
        self.log.warning("webhook_rejected", reason=reason, status=status, delivery=delivery_id[:64] or None,
                         github_event=event[:64] or None, **details)
        return _error(status, message)

    async def take(self, headers: dict[bytes, bytes], receive) -> Answer:
        """Verify, parse, journal: the answer to one delivery, once it is durably journaled."""
        delivery_id = _text(headers, b"x-github-delivery")
        event = _text(headers, b"x-github-event")
        try:
            body = await read_limited(headers, receive, self.max_body)
        except PayloadTooLarge:
            return self._reject(413, f"payload larger than {self.max_body} bytes", "too_large", delivery_id, event)
        signature_256 = headers.get(b"x-hub-signature-256")
        if not signature.verify(self._secret, body, signature_256.decode("latin-1") if signature_256 else None):
            reason = "sha1_only" if headers.get(b"x-hub-signature") and not signature_256 else "bad_signature"
            return self._reject(401, "missing or invalid X-Hub-Signature-256", reason, delivery_id, event)
        if not delivery_id or not event:
            return self._reject(400, "missing X-GitHub-Event or X-GitHub-Delivery header", "missing_headers",
                                delivery_id, event)
        if len(delivery_id) > 200 or len(event) > 100:
            return _error(400, "malformed X-GitHub-Event or X-GitHub-Delivery header")
        if event.lower() in INTERNAL_EVENTS:
            # the name of the bot's own journaled jobs (a reconcile with a create policy): GitHub
            # never sends it, and a signed delivery must not be able to start one
            return self._reject(400, f"event {event!r} is reserved for the bot's own jobs", "internal_event",
                                delivery_id, event)
        try:
            payload = parse_body(body)
        except (ValueError, UnicodeDecodeError) as exc:
            reason = "too_deep" if isinstance(exc, NestedTooDeeply) else "bad_json"
            return self._reject(400, "body is not a JSON object" if reason == "bad_json" else str(exc), reason,
                                delivery_id, event, error=str(exc)[:200])
        action = payload.get("action") if isinstance(payload.get("action"), str) else None
        if event == "ping":
            self.log.info("webhook_ping", delivery=delivery_id, zen=str(payload.get("zen", ""))[:100])
            return _PONG
        if not handlers_for(self.routes, event, action):
            self.log.info("webhook_ignored", reason="no_handler", delivery=delivery_id, github_event=event, action=action)
            return _IGNORED
        problem = payload_problem(event, payload)
        if problem is not None:
            # 400, not 202: GitHub never redelivers on its own, so nothing repeats it, and a
            # failed delivery is what shows up in the App's "Recent Deliveries" for a person to
            # look at (202 would hide it). A manual redelivery is refused the same way.
            # Journaling it would only dead-letter it: retrying cannot give it another shape.
            return self._reject(400, f"payload not shaped as GitHub sends {event}: {problem}", "bad_shape",
                                delivery_id, event, action=action, problem=problem)
        installation = payload.get("installation")   # payload_problem: an object with an int id, or None
        installation_id = installation.get("id") if installation is not None else None
        delivery = Delivery(id=delivery_id, event=event, action=action,
                            queue_key=queue_key(event, payload, delivery_id),
                            installation_id=installation_id, payload=body, received_at=time.time())
        try:
            new = await self.store.append(delivery)   # returns once the delivery is committed
        except Exception as exc:
            self.log.error("journal_write_failed", delivery=delivery_id, github_event=event,
                           error=f"{type(exc).__name__}: {exc}")
            return _error(503, "journal unavailable; GitHub may redeliver")
        if not new:
            self.log.info("webhook_duplicate", delivery=delivery_id, github_event=event, action=action)
            return _DUPLICATE
        self.on_journaled()
        self.log.debug("webhook_queued", delivery=delivery_id, github_event=event, action=action,
                       queue=delivery.queue_key, installation=installation_id)
        return _QUEUED


def _text(headers: dict[bytes, bytes], name: bytes) -> str:
    return headers.get(name, b"").decode("latin-1")
