"""The hidden, versioned state block at the end of the onboarding issue body.

    <!-- os2bot:onboarding -->
    <!-- os2bot:state v1 <base64 of the State as JSON> <sha256 hex> -->

Base64 has no "-", so nothing inside can close the comment; the digest (keyed with
HMAC when the lead passes a secret) makes an edited or broken block detectable: it is
then reported, never trusted and never a crash. User text elsewhere in the body is
escaped (no "<"), so it can neither fake the marker nor a second block.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re

from bot.onboarding.model import STATE_VERSION, State

MARKER = "<!-- os2bot:onboarding -->"
_BLOCK = re.compile(r"<!-- os2bot:state v(\d+) ([A-Za-z0-9+/=]*) ([0-9a-f]{64}) -->")
_ANY_BLOCK = re.compile(r"<!--\s*os2bot:state")  # a real comment; escaped text has "&lt;"


def _digest(payload: str, key: bytes | None) -> str:
    if key:
        return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def state_key(webhook_secret: str) -> bytes:
    """The key that signs state blocks, derived from the webhook secret: only the bot can write
    a block that decodes, and rotating the secret retires old blocks (the journal's copy serves)."""
    return hmac.new(webhook_secret.encode(), b"os2bot state block", hashlib.sha256).digest()


def encode(state: State, key: bytes | None = None) -> str:
    """The block for `state`; deterministic, so an unchanged state gives an unchanged body."""
    raw = json.dumps(state.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    payload = base64.b64encode(raw.encode("utf-8")).decode("ascii")
    return f"<!-- os2bot:state v{STATE_VERSION} {payload} {_digest(payload, key)} -->"


def decode(body: str | None, key: bytes | None = None) -> tuple[State | None, list[str]]:
    """The state in an issue body, or None and the problems found (English, for logs)."""
    text = body or ""
    blocks = list(_BLOCK.finditer(text))
    mentions = len(_ANY_BLOCK.findall(text))
    if not blocks:
        return None, (["state block is broken (unreadable)"] if mentions else ["no state block"])
    if len(blocks) > 1 or mentions > 1:
        return None, [f"{mentions} state blocks found; expected exactly one"]
    version, payload, digest = blocks[0].groups()
    if int(version) != STATE_VERSION:
        return None, [f"state block version v{version} is not supported (v{STATE_VERSION} is)"]
    if not hmac.compare_digest(digest, _digest(payload, key)):
        return None, ["state block digest does not match: the block was edited or damaged"]
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode("utf-8"))
        return State.from_dict(data), []
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError, KeyError) as e:
        return None, [f"state block content is invalid: {e}"]


def has_marker(body: str | None) -> bool:
    return MARKER in (body or "")


def is_onboarding_issue(body: str | None, author_login: str | None, bot_login: str) -> bool:
    """Only the bot's own issue counts: anyone can paste the marker into theirs."""
    return has_marker(body) and (author_login or "").lower() == bot_login.lower()
