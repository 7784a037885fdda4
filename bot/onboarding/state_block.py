"""The hidden, versioned, sealed state block at the end of the onboarding issue body.

    <!-- os2bot:onboarding -->
    <!-- os2bot:state v2 <base64 of {"seal": …, "state": …} as JSON> <HMAC-SHA256 hex> -->

Base64 has no "-", so nothing inside can close the comment. The HMAC (key derived from
the webhook secret) means only the bot can write a block that decodes. The seal binds
what is signed to one repository (its node id, stable across transfers), one issue and a
serial that grows with every body the bot writes, so a block pasted from another product's
issue, or an older block of the same issue, is recognised and never believed (defence in
depth: the bot's trust starts from its own last write in the edit history, see
`bot/onboarding/history.py`). User text elsewhere in the body is escaped (no "<"), so it
can neither fake the marker nor a second block.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from dataclasses import dataclass

from bot.onboarding.model import State

BLOCK_VERSION = 2
MARKER = "<!-- os2bot:onboarding -->"
_BLOCK = re.compile(r"<!-- os2bot:state v(\d+) ([A-Za-z0-9+/=]*) ([0-9a-f]{64}) -->")
_ANY_BLOCK = re.compile(r"<!--\s*os2bot:state")  # a real comment; escaped text has "&lt;"


@dataclass(frozen=True)
class Seal:
    """What a block is bound to. `issue` is None only in the body the issue is created with
    (its number is not known yet), which is serial 1."""

    repo_id: str | None = None
    issue: int | None = None
    serial: int = 0

    def to_dict(self) -> dict:
        return {"repo_id": self.repo_id, "issue": self.issue, "serial": self.serial}

    def binds(self, repo_id: str | None, issue: int | None) -> bool:
        """True when this seal was made for that repository and issue."""
        if not repo_id or self.repo_id != repo_id:
            return False
        return self.issue == issue or (self.issue is None and self.serial == 1)


@dataclass(frozen=True)
class Sealed:
    state: State
    seal: Seal


def _digest(payload: str, key: bytes | None) -> str:
    if key:
        return hmac.new(key, payload.encode("ascii"), hashlib.sha256).hexdigest()
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def state_key(webhook_secret: str) -> bytes:
    """The key that signs state blocks, derived from the webhook secret: only the bot can write
    a block that decodes, and rotating the secret retires old blocks (the journal's copy serves)."""
    return hmac.new(webhook_secret.encode(), b"os2bot state block", hashlib.sha256).digest()


def encode(state: State, key: bytes | None = None, seal: Seal | None = None) -> str:
    """The block for `state`; deterministic, so an unchanged state gives an unchanged body."""
    data = {"seal": (seal or Seal()).to_dict(), "state": state.to_dict()}
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    payload = base64.b64encode(raw.encode("utf-8")).decode("ascii")
    return f"<!-- os2bot:state v{BLOCK_VERSION} {payload} {_digest(payload, key)} -->"


def decode_sealed(body: str | None, key: bytes | None = None) -> tuple[Sealed | None, list[str]]:
    """The sealed state in an issue body, or None and the problems found (English, for logs).
    Never raises: a missing, broken, edited, doubled or unknown-version block is a problem."""
    text = body or ""
    blocks = list(_BLOCK.finditer(text))
    mentions = len(_ANY_BLOCK.findall(text))
    if not blocks:
        return None, (["state block is broken (unreadable)"] if mentions else ["no state block"])
    if len(blocks) > 1 or mentions > 1:
        return None, [f"{mentions} state blocks found; expected exactly one"]
    version, payload, digest = blocks[0].groups()
    if int(version) != BLOCK_VERSION:
        return None, [f"state block version v{version} is not supported (v{BLOCK_VERSION} is)"]
    if not hmac.compare_digest(digest, _digest(payload, key)):
        return None, ["state block digest does not match: the block was edited or damaged"]
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode("utf-8"))
        seal = data["seal"]
        serial, issue, repo_id = seal["serial"], seal.get("issue"), seal.get("repo_id")
        if not isinstance(serial, int) or isinstance(serial, bool) or serial < 0:
            raise ValueError(f"bad serial {serial!r}")
        if issue is not None and (not isinstance(issue, int) or isinstance(issue, bool)):
            raise ValueError(f"bad issue {issue!r}")
        if repo_id is not None and not isinstance(repo_id, str):
            raise ValueError(f"bad repo_id {repo_id!r}")
        return Sealed(State.from_dict(data["state"]), Seal(repo_id, issue, serial)), []
    except (binascii.Error, UnicodeDecodeError, json.JSONDecodeError, TypeError, ValueError, KeyError) as e:
        return None, [f"state block content is invalid: {e}"]


def decode(body: str | None, key: bytes | None = None) -> tuple[State | None, list[str]]:
    """The state alone (tests and tools); reconcile uses `decode_sealed` and checks the seal."""
    sealed, problems = decode_sealed(body, key)
    return (sealed.state if sealed else None), problems


def has_marker(body: str | None) -> bool:
    return MARKER in (body or "")
