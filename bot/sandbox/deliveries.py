"""Build and send signed webhook deliveries the way GitHub does (tests, sandbox, bench)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from bot.signature import sign

PAYLOADS = Path(__file__).parent / "payloads"


def load_payload(name: str) -> bytes:
    """A real GitHub payload by file name, e.g. 'repository.transferred.with-installation'."""
    return (PAYLOADS / f"{name}.json").read_bytes()


def delivery_headers(secret: str, event: str, body: bytes, delivery_id: str | None = None) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/os2bot-sandbox",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery_id or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "1",
        "X-Hub-Signature-256": sign(secret, body),
    }


def post_delivery(base_url: str, secret: str, event: str, payload: bytes | dict[str, Any], *,
                  delivery_id: str | None = None, client: httpx.Client | None = None) -> httpx.Response:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = delivery_headers(secret, event, body, delivery_id)
    url = base_url.rstrip("/") + "/api/github/webhooks"
    if client is not None:
        return client.post(url, content=body, headers=headers)
    return httpx.post(url, content=body, headers=headers, timeout=10)
