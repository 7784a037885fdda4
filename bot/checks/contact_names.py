"""People's names in the places a product names its contact: MAINTAINERS files, the
governance report's project-lead cell, publiccode.yml contacts.

OS2's MAINTAINERS template is prose around tables; filled in, it keeps rows of
"TBD", placeholder rows ("[Emeritus 1]", "[email@example.com]") and paragraphs
with a functional mailbox. Only a person's name counts: two to four capitalised
words ("Jakob Noerby", "Anne-Mette K. Sørensen", "Hans van Dijk"), with role words in front dropped
("Produktkoordinator Mette Valbjørn") and organisations left out ("Favrskov
Kommune"). The words are data (config/checks.yaml, contact_person.settings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

_UPPER = "A-ZÆØÅÄÖÜÉÈÁÍÓÚ"
_LOWER = "a-zæøåäöüéèáíóúëïß'’"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}]?[{_LOWER}]+)*"
_INITIAL = rf"[{_UPPER}]\."
_PARTICLE = r"(?:van|von|der|den|de|la|le|du|da|di)"   # "Hans van Dijk", "Jens Ole la Cour"
# Two to four capitalised words (particles between them), the last a whole word;
# bounded, so it cannot backtrack far.
_NAME = re.compile(
    rf"(?<![\w@.])(?:{_WORD})(?:[ \t]+(?:{_INITIAL}|{_WORD}|{_PARTICLE})){{0,3}}[ \t]+(?:{_WORD})(?![\w@])"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,5}(?![\w-])")
_LINK = re.compile(r"\[([^\]\n]{0,300})\]\([^)\n]{0,500}\)")
_BRACKETED = re.compile(r"\[([^\]\n]{0,300})\](?!\()")
_MARKUP = re.compile(r"<[^<>\n]{0,300}>|[*_`]+")
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}")
_MAX_CELL = 300     # longer cells and list items are prose, not a name slot
_MAX_NAME = 60
_MAX_TEXT = 2000    # of a report cell: a name is near its start, and regexes stay cheap
_MAX_LINES = 5000


@dataclass(frozen=True)
class NameRules:
    """What is not a name: whole placeholders, words that make a bracket a template
    field, words dropped in front of a name, words that make it an organisation."""

    placeholders: frozenset[str]
    placeholder_words: frozenset[str]
    leading_words: frozenset[str]
    organisation_words: frozenset[str]
    skip_sections: tuple[str, ...] = ()
    name_headers: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: dict) -> "NameRules":
        def folded(key: str) -> frozenset[str]:
            return frozenset(str(w).casefold().strip() for w in settings.get(key) or ())

        return cls(
            placeholders=folded("placeholders"),
            placeholder_words=folded("placeholder_words"),
            leading_words=folded("leading_words"),
            organisation_words=folded("organisation_words"),
            skip_sections=tuple(folded("maintainers_skip_sections")),
            name_headers=tuple(str(h).casefold().strip() for h in settings.get("name_headers") or ()),
        )


def _plain(text: str) -> str:
    return " ".join(_MARKUP.sub(" ", _LINK.sub(r"\1", text)).split())


def _words(text: str) -> list[str]:
    return re.findall(rf"[\w'’.-]+", text.casefold())


def _without_placeholders(text: str, rules: NameRules) -> str:
    """Template fields left unfilled ('[Emeritus 1]', '[Navn]') are removed; '[Jens Jensen]' stays."""
    def field(match: re.Match) -> str:
        inner = match.group(1)
        words = set(_words(inner))
        if any(ch.isdigit() for ch in inner) or words & rules.placeholder_words or inner.strip().casefold() in rules.placeholders:
            return " "
        return inner
    return _BRACKETED.sub(field, text)


def person_names(text: str, rules: NameRules) -> list[str]:
    """The people named in a short text (a cell, a list item), in order, without repeats."""
    text = _plain(_without_placeholders(text[:_MAX_TEXT], rules))
    if not text or text.casefold() in rules.placeholders:
        return []
    names = []
    for match in _NAME.finditer(text):
        words = match.group(0).split()
        while words and words[0].casefold() in rules.leading_words:
            words = words[1:]
        if sum(w[:1].isupper() for w in words) < 2 or len(words) > 5 \
                or any(w.casefold() in rules.organisation_words for w in words):
            continue
        name = " ".join(words)
        if len(name) <= _MAX_NAME and name.casefold() not in rules.placeholders \
                and not set(_words(name)) & rules.placeholder_words:
            names.append(name)
    return list(dict.fromkeys(names))


def contact_emails(text: str, rules: NameRules) -> list[str]:
    """E-mail addresses in a name slot that are not a template's example ('email@example.com')."""
    found = []
    for address in _EMAIL.findall(_without_placeholders(text[:_MAX_TEXT], rules)):
        local, _, domain = address.casefold().partition("@")
        if {local, domain.split(".")[0]} & rules.placeholder_words:
            continue
        found.append(address)
    return list(dict.fromkeys(found))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _name_column(header: list[str], rules: NameRules) -> int:
    folded = [_plain(c).casefold() for c in header]
    for wanted in rules.name_headers:
        if wanted in folded:
            return folded.index(wanted)
    return 0


def maintainers_contacts(text: str, rules: NameRules) -> list[tuple[str, int]]:
    """(name, 1-based line) of the people a MAINTAINERS file names as current maintainers.

    Read are the name column of tables and short list items; paragraphs, headings and
    sections about former maintainers (`skip_sections`) are not. An item without a
    name counts by its e-mail address.
    """
    found: list[tuple[str, int]] = []
    for number, content in _slots(text, rules):
        names = person_names(content, rules) or contact_emails(content, rules)
        found += [(name, number) for name in names]
    return list(dict.fromkeys(found))


def _slots(text: str, rules: NameRules) -> Iterator[tuple[int, str]]:
    """(line, text) for every place a MAINTAINERS file may name a person."""
    lines = text.splitlines()[:_MAX_LINES]
    skipping = fence = False
    column: int | None = None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            continue
        if stripped.startswith("#"):
            heading = stripped.lstrip("#").strip().casefold()
            skipping = any(word in heading for word in rules.skip_sections)
            column = None
            continue
        if not stripped:
            column = None   # a blank line ends a table
            continue
        if skipping or len(stripped) > _MAX_CELL * 4:
            continue
        if stripped.startswith("|"):
            following = lines[index + 1].strip() if index + 1 < len(lines) else ""
            if column is None and _SEPARATOR.match(following):
                column = _name_column(_cells(stripped), rules)   # a header row
            elif not _SEPARATOR.match(stripped):
                cells = _cells(stripped)
                cell = cells[column or 0] if len(cells) > (column or 0) else ""
                if cell and len(cell) <= _MAX_CELL:
                    yield index + 1, cell
            continue
        column = None
        item = re.match(r"^(?:[-*+]|\d{1,3}[.)])\s+(.*)$", stripped)
        if item and len(item.group(1)) <= _MAX_CELL:
            yield index + 1, item.group(1)


def clean_name(value: str, rules: NameRules) -> str | None:
    """A name from a field that holds one (publiccode.yml contacts): None for a placeholder."""
    name = _plain(_without_placeholders(value, rules))
    if not name or len(name) > _MAX_NAME or name.casefold() in rules.placeholders \
            or set(_words(name)) & rules.placeholder_words:
        return None
    return name
