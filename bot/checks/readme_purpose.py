"""F5: a README that says what the solution is and does.

Decided from the text, not from its length (documented in docs/checks.md): the
README is cut into paragraphs of prose — headings, badges, images, tables, HTML,
code, lists, link reference lines and one-line pseudo-headings are not prose —
and paragraphs under install, build, usage, licence or contribution headings, or
that are pointers ("See …", "Documentation is available at …") or steps ("Run …",
"Kør …"), are passed over, as are sentences of licence or contribution text. In the first `max_paragraphs` of what
is left (and the first paragraph under a heading like "Formål"/"About"), the
first sentence that describes the product wins: it uses a describing phrase
("bruges af", "helps", "designed to"), a kind of product followed by what it is
for ("platform til", "system for", "løsning der"), or "is a/er en … <kind>".
Under a purpose heading any sentence of `min_words` words counts: the author
has said it is the purpose. All vocabulary is in settings (config/checks.yaml).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from bot.checks.context import Context
from bot.checks.files import heading_matches, normalise_heading, outside_code
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "readme_purpose"
OUTCOMES = ("pass", "no_purpose", "no_readme")

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_IMAGE = re.compile(r"!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])")
_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_URL = re.compile(r"<?https?://\S+>?")
_TAG = re.compile(r"<[^>]{0,500}>")
_EMPHASIS = re.compile(r"[*_`]+")
_WORD = re.compile(r"[^\W_][\w'’-]*")
_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RST = re.compile(r"^([=\-~^\"'`*+#])\1{2,}\s*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)(?:</h\1>)?\s*$", re.IGNORECASE)
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+")
_REF_DEF = re.compile(r"^\s*\[[^\]]+\]:\s")
_BADGE_LINE = re.compile(r"^(?:\s*\[?!\[[^\]]*\]\([^)]*\)\]?(?:\([^)]*\))?\s*)+$")
_CALLOUT = re.compile(r"^>\s*\[!\w+\]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\s])")
_MAX_LINES = 3000
_MAX_LINE = 1000      # longer lines are cut: they are junk or data, and the regexes stay cheap
_MAX_PARAGRAPH = 4000


@dataclass(frozen=True)
class Paragraph:
    line: int                    # 1-based line of its first line
    text: str                    # plain text: links to their words, no URLs, markup or tags
    sections: tuple[str, ...]    # normalised headings above it, outermost first
    before_code: bool = False    # directly followed by a code block (an install step's lead-in)


def _phrase_pattern(phrases) -> re.Pattern | None:
    words = sorted({p.casefold().strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")(?![\w])")


def _plain(line: str) -> str:
    line = _IMAGE.sub(" ", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _URL.sub(" ", line)
    line = _TAG.sub(" ", line)
    line = _EMPHASIS.sub("", line)
    return re.sub(r"\s+", " ", line).strip(" >")


def paragraphs(text: str) -> Iterator[Paragraph]:
    """The README's prose paragraphs, each with the headings it sits under (lazily: a reader stops early)."""
    lines = [line[:_MAX_LINE] for line in text.splitlines()[:_MAX_LINES]]
    stack: list[tuple[int, str]] = []
    found: list[Paragraph] = []
    current: list[str] = []
    start = 0

    def close(before_code: bool = False) -> None:
        nonlocal current
        if current:
            found.append(Paragraph(start + 1, " ".join(current)[:_MAX_PARAGRAPH], tuple(h for _, h in stack),
                                   before_code))
        current = []

    def heading(level: int, title: str) -> None:
        close()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, normalise_heading(_plain(title))))

    callout = False
    for index, line in outside_code(lines):
        yield from found
        found.clear()
        stripped = line.strip()
        callout = callout and stripped.startswith(">")
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if not line and lines[index].strip().startswith(("```", "~~~")):
            close(before_code=True)       # outside_code yields a fence as ""
            continue
        atx = _ATX.match(line) if len(line) < 1000 else None
        html = _HTML_HEADING.match(line) if len(line) < 1000 else None
        if atx:
            heading(len(atx.group(1)), atx.group(2))
        elif html:
            heading(int(html.group(1)), html.group(2))
        elif stripped and (_SETEXT.match(following) or _RST.match(following)) and not stripped.startswith(("|", "-", "*")):
            heading(1 if following.startswith("=") else 2, stripped)
        elif not stripped or _SETEXT.match(line) or _RST.match(stripped):
            close()
        elif _CALLOUT.match(stripped) or (callout and stripped.startswith(">")):
            close()                       # a GitHub "> [!NOTE]" box: instructions, not a description
            callout = True
            continue
        elif stripped.startswith("|"):
            close()
            for cell in stripped.strip("|").split("|"):
                plain = _plain(cell)
                if _words(plain) >= 4 and not set(cell.strip()) <= set(":- "):
                    found.append(Paragraph(index + 1, plain, tuple(h for _, h in stack)))
        elif (_LIST.match(line) or _REF_DEF.match(line) or _BADGE_LINE.match(stripped)
              or line.startswith(("    ", "\t"))):
            close()
        else:
            plain = _plain(stripped)
            if not plain or _is_link_line(stripped):
                close()
                continue
            if not current:
                start = index
            current.append(plain)
    close()
    yield from found


def _is_link_line(line: str) -> bool:
    """'[How It Works](#a) | [Architecture](#b)': a line of links is navigation, not prose."""
    if not (_LINK.search(line) or _URL.search(line)):
        return False
    rest = _URL.sub(" ", _LINK.sub(" ", line))
    return _words(rest) < 3


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def _words(text: str) -> int:
    return len(_WORD.findall(text))


class Vocabulary:
    """The settings' word lists, compiled once per run."""

    def __init__(self, settings: dict) -> None:
        self.purpose_headings = settings.get("purpose_headings", ())
        self.skip_headings = settings.get("skip_headings", ())
        self.min_words = int(settings.get("min_words", 5))
        self.max_paragraphs = int(settings.get("max_paragraphs", 3))
        self.boilerplate = _phrase_pattern(settings.get("boilerplate", ()))
        self.openings = [o.casefold() for o in settings.get("skip_openings", ())]
        self.describing = _phrase_pattern(settings.get("describing_phrases", ()))
        kinds = sorted({k.casefold() for k in settings.get("product_kinds", ())}, key=len, reverse=True)
        connectors = sorted({c.casefold() for c in settings.get("purpose_connectors", ())}, key=len, reverse=True)
        copulas = sorted({c.casefold() for c in settings.get("copulas", ())}, key=len, reverse=True)
        kind = "(?:" + "|".join(map(re.escape, kinds)) + ")" if kinds else None
        self.kind_for = (re.compile(r"(?<![\w])[\w-]*" + kind + r"\s+(?:" + "|".join(map(re.escape, connectors)) + r")(?![\w])")
                         if kind and connectors else None)
        self.is_a_kind = (re.compile(r"(?<![\w])(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in copulas)
                                     + r")(?![\w])[^.!?]*?(?<![\w])[\w-]*" + kind + r"(?![\w])")
                          if kind and copulas else None)

    def passed_over(self, paragraph: Paragraph) -> bool:
        """Not a description of anything: install steps, licence text, pointers, pseudo-headings."""
        if any(heading_matches(h, self.skip_headings) for h in paragraph.sections):
            return True
        folded = paragraph.text.casefold()
        if paragraph.before_code and folded.rstrip().endswith(":"):
            return True
        return any(folded == o or folded.startswith(o + " ") or folded.startswith(o + ":") for o in self.openings)

    def is_pseudo_heading(self, paragraph: Paragraph) -> bool:
        """'Om OS2rollekatalog' or 'Dokumentation' on a line of its own: a heading without '#'."""
        return _words(paragraph.text) < 4 and not paragraph.text.rstrip().endswith((".", "!", "?", ":"))

    def is_boilerplate(self, sentence: str) -> bool:
        """Licence, copyright, contribution or maintainer text: not what the product does."""
        return bool(self.boilerplate and self.boilerplate.search(sentence.casefold()))

    def describes(self, sentence: str) -> bool:
        folded = sentence.casefold()
        if _words(folded) < self.min_words:
            return False
        return any(p is not None and p.search(folded) for p in (self.describing, self.kind_for, self.is_a_kind))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word; the closing full stop is left to the message."""
    text = text.rstrip().rstrip(".")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:-– ")
    return cut + " …"


def find_purpose(text: str, settings: dict) -> dict:
    """{"purpose": sentence or None, "line", "heading", "first_prose"}: what was taken as the purpose."""
    vocab = Vocabulary(settings)
    first_prose: Paragraph | None = None
    read = 0
    purpose_heading: str | None = None
    under_heading: set[str] = set()
    for paragraph in paragraphs(text):
        heading = next((h for h in paragraph.sections if heading_matches(h, vocab.purpose_headings)), None)
        if vocab.is_pseudo_heading(paragraph):
            if heading_matches(normalise_heading(paragraph.text), vocab.purpose_headings):
                purpose_heading = normalise_heading(paragraph.text)
            continue
        heading = heading or purpose_heading
        purpose_heading = None
        said = [t for t in sentences(paragraph.text) if not vocab.is_boilerplate(t)]
        if not said or vocab.passed_over(paragraph):
            continue
        first_under = heading is not None and heading not in under_heading
        if read >= vocab.max_paragraphs and not first_under:
            continue
        if heading is not None:
            under_heading.add(heading)
        read += 1
        first_prose = first_prose or Paragraph(paragraph.line, " ".join(said), paragraph.sections)
        for sentence in said:
            labelled = first_under and _words(sentence) >= vocab.min_words
            if labelled or vocab.describes(sentence):
                return {"purpose": sentence, "line": paragraph.line, "heading": heading,
                        "first_prose": first_prose.text}
    return {"purpose": None, "line": first_prose.line if first_prose else None, "heading": None,
            "first_prose": first_prose.text if first_prose else None}


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    evidence = context.evidence
    path = evidence.readme_path
    if path is None:
        return context.result(ID, Status.FAIL, "no_readme")
    settings = context.config.spec(ID).settings
    texts = settings.get("texts", {})
    limit = int(settings.get("quote_length", 120))
    found = find_purpose(evidence.readme_text or "", settings)
    details = dict(found)
    if found["purpose"]:
        how = texts.get("under_heading" if found["heading"] else "sentence", "»{quote}«")
        return context.result(ID, Status.PASS, "pass", path=path, details=details,
                              how=how.format(quote=shorten(found["purpose"], limit), heading=found["heading"]))
    if found["first_prose"]:
        why = texts.get("not_descriptive", "»{quote}«").format(quote=shorten(sentences(found["first_prose"])[0], limit))
    else:
        why = texts.get("no_prose", "")
    return context.result(ID, Status.FAIL, "no_purpose", path=path, details=details, why=why)
