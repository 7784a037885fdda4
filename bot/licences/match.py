"""Which licence a text is, by its whole wording against SPDX's licence texts.

askalono (`pyaskalono`, import name `askalono`) compares the text's word pairs
with the SPDX licence texts it embeds and names the closest one with a score
(Sørensen–Dice, 0–1). It works offline. A maintained matcher with SPDX's own
texts replaces the hand-kept phrase fingerprints licences.yaml used to hold, which
read a verbatim GPL-3.0 as "GPL-3.0 OR LGPL-3.0" because its last paragraph
names the LGPL.

Cost: pyaskalono 0.2.0 decompresses its SPDX store inside every `identify`
call (~0.1 s) and offers no way to keep it loaded, so each distinct text is
identified once per process and remembered by its digest (`_identify`).
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from collections import OrderedDict
from dataclasses import dataclass

_SUFFIX = re.compile(r"-(?:only|or-later)$|\+$")
_LONG_LINE = 200
# Where a second licence text may start, after a blank line: a rule, or a title
# (a short line naming a licence, maybe a Markdown heading, that is neither a
# numbered clause nor a sentence).
_RULE = re.compile(r"\s*(?:[-=*_~]\s*){3,}")
_TITLE = re.compile(r"\s*(?:#{1,6}\s+)?(?=(?-i:[A-Z]))(?=.{0,60}$).*\blicen[cs]e\b.*(?<![.,;:\"”'])\s*", re.IGNORECASE)
_MIN_SECTION_WORDS = 60
_MAX_SECTIONS = 4
_NEARLY_VERBATIM = 0.99


@dataclass(frozen=True)
class Match:
    spdx: str      # SPDX id as the bot reports it (see base_id)
    score: float   # askalono's similarity to SPDX's text, 0–1
    name: str      # askalono's own name for the text, e.g. "GPL-3.0-only"


def base_id(spdx: str) -> str:
    """'GPL-3.0-only', 'GPL-3.0-or-later', 'GPL-3.0+' -> 'GPL-3.0'.

    The GNU licence texts are the same whether a project allows later versions
    or not; that choice is written in its notices, not in the licence text, and
    askalono names every such text "-only". A text match therefore says the
    licence and its version only.
    """
    return _SUFFIX.sub("", spdx.strip())


def _prepared(text: str) -> str:
    """Long lines wrapped: askalono drops a text's first line as its title, so a
    licence written as one line per paragraph (common in LICENSE.md) or on a
    single line would lose its first paragraph, or everything."""
    if all(len(line) <= _LONG_LINE for line in text.splitlines()):
        return text
    return "\n".join(
        "\n".join(textwrap.wrap(line, 80)) if len(line) > _LONG_LINE else line for line in text.splitlines()
    )


_SEEN: OrderedDict[bytes, Match] = OrderedDict()  # text digest -> match, most recent last
_SEEN_MAX = 1024  # digests, not texts: a server fed many large files keeps little


def _identify(text: str) -> Match:
    """askalono's closest licence for the text, remembered by the text's digest."""
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = _SEEN.get(key)
    if found is None:
        import askalono  # loaded on first use: checks that hold no licence text never pay for it

        clean = text.encode("utf-8", "replace").decode("utf-8")  # askalono takes no lone surrogates
        raw = askalono.identify(_prepared(clean))
        found = Match(spdx=base_id(raw.name), score=round(float(raw.score), 4), name=raw.name)
        _SEEN[key] = found
        if len(_SEEN) > _SEEN_MAX:
            _SEEN.popitem(last=False)
    else:
        _SEEN.move_to_end(key)
    return found


def forget() -> None:
    """Drop what was identified (the bench measures a first identification with it)."""
    _SEEN.clear()


def identify(text: str, threshold: float) -> Match | None:
    """The one licence the whole text is, or None when nothing reaches `threshold`."""
    if not text.strip():
        return None
    found = _identify(text)
    return found if found.score >= threshold else None


def _sections(text: str) -> list[str]:
    """The text cut where a second licence text may start: after a blank line, a
    title (`_TITLE`) or a rule standing alone between blank lines (a rule right
    above text boxes a clause, as in MPL-2.0). Parts too short to be a licence
    text (a rule, a copyright line, a short preamble) are left out."""
    lines = text.splitlines(keepends=True)
    starts, offset = [0], 0
    for i, line in enumerate(lines):
        bare = line.rstrip("\r\n")
        blank_before = i == 0 or not lines[i - 1].strip()
        blank_after = i + 1 == len(lines) or not lines[i + 1].strip()
        if blank_before and (_TITLE.fullmatch(bare) or (blank_after and _RULE.fullmatch(bare))):
            starts.append(offset)
        offset += len(line)
    starts = sorted(set(starts))
    parts = (text[a:b] for a, b in zip(starts, starts[1:] + [len(text)]))
    return [part for part in parts if len(part.split()) >= _MIN_SECTION_WORDS]


def identify_all(text: str, threshold: float) -> tuple[Match, ...]:
    """Every licence the text holds: one for a licence text (with a copyright line or
    a short preamble), two or more for a file that carries several licence texts.

    The whole text is matched first. Only when it is not a near-verbatim licence
    (score under 0.99: something else is in the file) are its sections matched
    one by one, so a preamble that hides a short licence, or a second licence
    text after the first, is found. At most four sections are matched.
    """
    whole = identify(text, threshold)
    if whole is not None and whole.score >= _NEARLY_VERBATIM:
        return (whole,)
    sections = _sections(text)
    if len(sections) < 2 and whole is not None:
        return (whole,)
    found: dict[str, Match] = {}
    for section in sections[:_MAX_SECTIONS]:
        match = identify(section, threshold)
        if match is not None and (match.spdx not in found or found[match.spdx].score < match.score):
            found[match.spdx] = match
    if len(found) > 1 or (whole is None and found):
        return tuple(sorted(found.values(), key=lambda m: m.spdx))
    return (whole,) if whole is not None else ()


def completed_by(part: str, base: str, threshold: float) -> Match | None:
    """The licence `part` is when read with the licence text `base` it builds on.

    SPDX keeps the LGPL-3.0 as one text: the LGPL's additional permissions
    followed by the GPL-3.0. Projects ship them as two files (COPYING.LESSER
    and COPYING), and the LGPL part alone scores about 0.3. When the part's
    closest licence is the one the two texts together reach, that is the licence.
    """
    alone = _identify(part) if part.strip() else None
    together = identify(part + "\n\n" + base, threshold)
    if alone is None or together is None or together.spdx != alone.spdx:
        return None
    return together if together.spdx != _identify(base).spdx else None
