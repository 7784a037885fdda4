"""Make text from people safe to put in an issue or comment the bot writes.

Repository descriptions, check messages quoting files, logins and comment text are
user-controlled. In the bot's issue they must not ping anyone, inject HTML, close
or forge the hidden markers, break the Markdown around them, or smuggle in a
slash command that the bot (or another bot) would obey.
"""

from __future__ import annotations

import re
from typing import Any

ZWSP = "\u200b"  # zero-width space: breaks @mentions and #refs without changing the look

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_MENTION = re.compile(r"@(?=[A-Za-z0-9_])")  # @user, @org/team
_REF = re.compile(r"(#|\bGH-)(?=\d)", re.IGNORECASE)  # #12, GH-12: cross-references
_INLINE_PUNCT = re.compile(r"([\\`*_\[\]|~])")
_LEADING_BLOCK = re.compile(r"^(\s*)([#>+=\-]|\d+[.)])")
_LEADING_COMMAND = re.compile(r"^(\s*)/", re.MULTILINE)
_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")
# https anywhere; plain http only on this machine (the stand-ins, a Jira run locally)
_SAFE_URL = re.compile(r"^(?:https://[A-Za-z0-9.-]+|http://(?:127\.0\.0\.1|localhost))(?::\d+)?"
                       r"(?:/[A-Za-z0-9._~%!$&'*+,;=:@/?#-]*)?$")


def _html(text: str) -> str:
    # & first, then < and >: "<!--" and "-->" can no longer appear.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _no_pings(text: str) -> str:
    return _REF.sub(lambda m: m.group(1) + ZWSP, _MENTION.sub("@" + ZWSP, text))


def escape_inline(value: Any) -> str:
    """For a single-line context (a table cell, a list item, after a label)."""
    text = _CONTROL.sub("", "" if value is None else str(value))
    text = " ".join(text.split())  # newlines and tabs become single spaces
    text = _INLINE_PUNCT.sub(r"\\\1", text)
    text = _html(text)
    text = _no_pings(text)
    text = _LEADING_BLOCK.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _LEADING_COMMAND.sub(r"\1\\/", text)
    return text


def escape_block(value: Any) -> str:
    """For several lines of people's text: keeps the lines, keeps light Markdown."""
    text = _CONTROL.sub("", "" if value is None else str(value)).replace("\r\n", "\n").replace("\r", "\n")
    text = _html(text)
    text = _no_pings(text)
    text = _LEADING_COMMAND.sub(r"\1\\/", text)
    return text


QUOTE_MAX = 200   # characters of a person's text quoted in a reply: enough to recognise it


def quote_for_reply(value: Any, limit: int = QUOTE_MAX) -> str:
    """Quote a comment in a reply: every line "> ", no line can be read as a command, and long
    text shortened (a reply that quotes 65,000 characters would be refused by GitHub)."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    lines = escape_block(text).split("\n")
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def login(value: Any) -> str:
    """A GitHub login shown without pinging it."""
    text = "" if value is None else str(value)
    if _LOGIN.match(text):
        return f"`@{text}`"  # inside a code span: readable, never a mention
    return escape_inline(text)


def safe_url(value: Any) -> str | None:
    """A URL for a Markdown link, or None when it could break out of the link."""
    text = "" if value is None else str(value)
    if _SAFE_URL.match(text) and "(" not in text and ")" not in text:
        return text
    return None


def register_filters(env: Any) -> None:
    """Jinja filters: `md` (inline), `md_block`, `login`, `url`."""
    env.filters["md"] = escape_inline
    env.filters["md_block"] = escape_block
    env.filters["login"] = login
    env.filters["url"] = lambda v: safe_url(v) or ""
