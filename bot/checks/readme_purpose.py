"""F5: a README that states the solution's purpose.

Heuristic (documented in docs/checks.md): the README has a heading like
"Formål", "Om projektet", "About" or "Introduction" (settings.purpose_headings),
or at least `min_words` words of prose before its second heading — the opening
paragraph most READMEs use to say what the thing is. Badges, images, links
alone, tables, HTML and code do not count as prose.
"""

from __future__ import annotations

import re

from bot.checks.context import Context
from bot.checks.files import heading_matches, outside_code
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "readme_purpose"
OUTCOMES = ("pass", "no_purpose", "no_readme")

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"https?://\S+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def intro_words(text: str) -> int:
    """Words of prose before the README's second heading (its first, if prose came first)."""
    words = 0
    seen_heading = False
    lines = text.splitlines()
    for index, line in outside_code(lines):
        stripped = line.strip()
        following = lines[index + 1] if index + 1 < len(lines) else ""
        is_heading = bool(_HEADING.match(line)) or (stripped and _SETEXT.match(following) and not stripped.startswith("|"))
        if is_heading:
            if seen_heading or words:
                break
            seen_heading = True
            continue
        if _SETEXT.match(line) or not stripped or stripped.startswith(("|", "<", "[!", "![", "[![")):
            continue
        plain = _URL.sub(" ", _LINK.sub(r"\1", stripped))
        words += len(_WORD.findall(plain))
    return words


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    evidence = context.evidence
    path = evidence.readme_path
    if path is None:
        return context.result(ID, Status.FAIL, "no_readme")
    settings = context.config.spec(ID).settings
    text = evidence.readme_text or ""
    matched = next(
        (h for _, h in evidence.readme_headings if heading_matches(h, settings.get("purpose_headings", ()))), None
    )
    words = intro_words(text)
    details = {"heading": matched, "intro_words": words}
    if matched:
        return context.result(ID, Status.PASS, "pass", path=path, details=details, how=f"afsnittet '{matched}'")
    if words >= int(settings.get("min_words", 25)):
        return context.result(ID, Status.PASS, "pass", path=path, details=details, how=f"indledning på {words} ord")
    return context.result(ID, Status.FAIL, "no_purpose", path=path, details=details, words=words)
