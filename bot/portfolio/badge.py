"""A shields-style SVG badge for a product's README: "OS2 · niveau 2", "OS2 · onboarding trin 3/5".

Pure. Every text is XML-escaped; a repository the portfolio does not know gets the same
neutral badge whatever the reason, so badges tell no more than the public page.
"""

from __future__ import annotations

import hashlib
from typing import Any, Mapping
from xml.sax.saxutils import escape

from bot.portfolio.view import texts

COLOURS = {"level": "#2e7d32", "step": "#0b5cad", "unknown": "#595959"}   # white text on each: contrast > 4.5:1
LABEL_COLOUR = "#444444"


def badge_text(record: Mapping[str, Any] | None, lang: str) -> tuple[str, str]:
    """(message, kind) for a record; kind picks the colour."""
    words = texts()["badge"]
    if not record:
        return words["unknown"][lang], "unknown"
    placed = (record.get("level") or {}).get("placed")
    if record.get("onboarded") and placed is not None:
        if placed == 0:
            return words["sandbox"][lang], "level"
        return words["level"][lang].format(level=placed), "level"
    step = record.get("step") or {}
    return words["step"][lang].format(n=step.get("current") or step.get("total") or "?", total=step.get("total") or "?"), "step"


def _width(text: str) -> int:
    """Verdana 11px is about 7 px a character; 10 px padding each side."""
    return 7 * len(text) + 20


def render_badge(record: Mapping[str, Any] | None, lang: str = "da", name: str = "") -> str:
    """The SVG; `name` (the repository asked for) only in the title screen readers read."""
    label = str(texts()["badge"]["label"])
    message, kind = badge_text(record, lang)
    lw, mw = _width(label), _width(message)
    total = lw + mw
    title = escape(f"{label}: {message}" + (f" ({name})" if name else ""), {'"': "&quot;"})
    label_x, message_x = lw * 5, lw * 10 + mw * 5
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{total}" height="20" role="img" aria-label="{title}">'
        f"<title>{title}</title>"
        f'<clipPath id="r"><rect width="{total}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="{LABEL_COLOUR}"/>'
        f'<rect x="{lw}" width="{mw}" height="20" fill="{COLOURS[kind]}"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="110">'
        f'<text x="{label_x}" y="140" transform="scale(.1)">{escape(label)}</text>'
        f'<text x="{message_x}" y="140" transform="scale(.1)">{escape(message)}</text></g></svg>'
    )


def etag(svg: str) -> str:
    return '"' + hashlib.sha256(svg.encode()).hexdigest()[:20] + '"'
