"""Webhook signature check: HMAC-SHA256 over the raw body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def _key(secret: str | bytes) -> bytes:
    return secret if isinstance(secret, bytes) else secret.encode("utf-8")


def sign(secret: str | bytes, body: bytes) -> str:
    return "sha256=" + hmac.digest(_key(secret), body, hashlib.sha256).hex()


def verify(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """True only for a valid `X-Hub-Signature-256`; sha1-only or missing signatures are refused.

    `secret` may be given as bytes, encoded once, as intake does for every delivery."""
    if not header or not header.startswith("sha256="):
        return False
    expected = sign(secret, body)
    return hmac.compare_digest(expected.encode("ascii"), header.strip().encode("ascii", "replace"))
