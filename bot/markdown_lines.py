"""Which lines of a comment GitHub shows as plain Markdown text, in one linear pass.

A slash command must be visible where it is written, so a line in a quote, in code, in an
HTML block, inside an HTML element such as <details>, a comment, a tag's attribute or a
link definition is not plain. The model follows cmark-gfm, GitHub's renderer: block
structure (quotes, list items, fences, indented code, HTML blocks, tables), inline code
spans and raw HTML, its tag filter, and the HTML5 tokenizer that reads the result.
Where it cannot be sure what GitHub shows it says "not plain": a command that is not run
can be written again, one run from text nobody saw cannot be taken back. Once the HTML
is too odd to follow (the comment is "poisoned"), no later line is plain.

Each step is a scan forward with str.find or a regex without nested quantifiers, and no
stretch of text is scanned more than a few times, so time is linear in the comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_NESTING = 32   # quotes and list items inside each other; deeper poisons the comment

# cmark-gfm's block tag names (HTML block type 6)
_TYPE6 = frozenset(
    "address article aside base basefont blockquote body caption center col colgroup dd details "
    "dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 "
    "head header hr html iframe legend li link main menu menuitem nav noframes ol optgroup option "
    "p param section source title summary table tbody td tfoot th thead title tr track ul".split())
_TYPE1 = ("script", "pre", "style")
# Block starts that cmark-gfm and CommonMark 0.31 read differently: poisoned, not guessed.
_AMBIGUOUS_BLOCK = frozenset({"textarea", "search", "source"})
# GitHub's tag filter shows these tags as text ("&lt;script>")
_FILTERED = ("title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext")
_FILTERED_FIRST = frozenset(name[0] for name in _FILTERED) | frozenset(name[0].upper() for name in _FILTERED)
# Elements whose content is not plain text (folded, code, tables, quotes, layout); only
# ones whose end tag is required, so that a well-formed comment closes them again.
HIDING = frozenset(
    "details summary div table pre code kbd samp tt var blockquote ul ol dl section article aside "
    "figure fieldset form dialog nav header footer main center address template object applet "
    "marquee caption".split())
# Elements after which the HTML5 tokenizer reads text differently (foreign content, raw text)
_POISON = frozenset({"svg", "math", "noscript"})

_SPACECHAR = frozenset(" \t\v\f\r\n")      # cmark's spacechar
_SPACES = re.compile(r" *")
_RUN = re.compile(r"`+")
_TAGNAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_ATTRNAME = re.compile(r"[A-Za-z_:][A-Za-z0-9:._-]*")
_UNQUOTED = re.compile(r"[^ \t\r\n\v\f\"'=<>`\x00]+")
_SPACECHARS = re.compile(r"[ \t\v\f\r\n]*")
# A `<` only when an autolink or raw HTML could start there (the rest are text): in C, not Python
_INLINE_SPECIAL = re.compile(
    r"[`\\\]]|<(?=[/!?]|[A-Za-z][A-Za-z0-9-]*[\s/>]|[A-Za-z][A-Za-z0-9+.-]{1,31}:"
    r"|[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@)")
_BARE_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[ \t\n\v\f\r]*>")
_SIMPLE_LINK_TAIL = re.compile(r"\]\([^\s\"'()<>\\`]*\)")
_AUTOLINK_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{1,31}:")
_AUTOLINK_REST = re.compile(r"[^\x00-\x20<>]*>")
_EMAIL_LOCAL = re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@")
_EMAIL_DOMAIN = re.compile(r"[A-Za-z0-9.-]*>")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")   # one domain label, bounded
_EXT_AUTOLINK = re.compile(r"www\.|://")
_SPACE_OR_LT = re.compile(r"[\s<]")
_FENCE = re.compile(r"`{3,}|~{3,}")
_ATX = re.compile(r"#{1,6}(?: |$)")
_ORDERED = re.compile(r"([0-9]{1,9})[.)]")
_MARKER_CELL = re.compile(r"[ \t\v\f]*:?-+:?[ \t\v\f]*")
_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_CRUDE_LT = re.compile(r"<(?:[?!]|/?[A-Za-z])")

AMBIGUOUS = -2     # a construct cmark-gfm and CommonMark 0.31 read differently


def _ws(line: str, pos: int) -> int:
    """Spaces at pos (tabs are expanded before)."""
    return _SPACES.match(line, pos).end() - pos


def _filtered(text: str, at: int) -> bool:
    """cmark-gfm's tag filter: is the `<` at `at` written out as text?"""
    i = at + 2 if text.startswith("</", at) else at + 1
    if text[i:i + 1] not in _FILTERED_FIRST:
        return False
    for name in _FILTERED:
        end = i + len(name)
        if end < len(text) and text[i:end].lower() == name:
            if text[end] in _SPACECHAR or text[end] == ">" or text.startswith("/>", end):
                return True
    return False


class Html5:
    """The HTML5 tokenizer, as far as it decides where tags and comments end.

    Fed, in order, the raw HTML GitHub passes through. `hiding` holds the open elements that
    make text not plain; an end tag closes one only when it is the innermost, so odd nesting
    keeps text hidden rather than showing it.
    """

    (DATA, TAG_NAME, BEFORE_NAME, NAME, AFTER_NAME, BEFORE_VALUE, DQ, SQ, UNQ, AFTER_QUOTED,
     SELF_CLOSING, COMMENT, BOGUS) = range(13)
    _NAME_RUN = re.compile(r"[^\t\n\f />]*")
    _ATTR_RUN = re.compile(r"[^\t\n\f />=]*")
    _UNQ_RUN = re.compile(r"[^\t\n\f >]*")
    _WS_RUN = re.compile(r"[\t\n\f ]*")

    def __init__(self) -> None:
        self.state = self.DATA
        self.hiding: list[str] = []
        self.poisoned = False
        self._name = ""
        self._end_tag = False

    def _emit(self) -> None:
        name = self._name.lower()
        if self._end_tag:
            if self.hiding and self.hiding[-1] == name:
                self.hiding.pop()
        elif name in _POISON:
            self.poisoned = True
        elif name in HIDING:
            self.hiding.append(name)
        self.state = self.DATA

    @staticmethod
    def _comment_end(text: str, dashes_from: int, bang_from: int) -> int:
        """Where a comment ends: after `-->` or `--!>`; -1 when not in text."""
        ends = [e + 3 for e in (text.find("-->", dashes_from),) if e >= 0]
        ends += [e + 4 for e in (text.find("--!>", bang_from),) if e >= 0]
        return min(ends) if ends else -1

    def feed(self, text: str) -> None:
        i, n = 0, len(text)
        while i < n:
            state = self.state
            if state == self.DATA:
                i = text.find("<", i)
                if i < 0:
                    return
                if _filtered(text, i):
                    i += 1
                    continue
                nxt = text[i + 1:i + 2]
                if nxt.isascii() and nxt.isalpha():
                    self._end_tag, self._name, self.state, i = False, "", self.TAG_NAME, i + 1
                elif nxt == "/":
                    after = text[i + 2:i + 3]
                    if after.isascii() and after.isalpha():
                        self._end_tag, self._name, self.state, i = True, "", self.TAG_NAME, i + 2
                    elif after == ">":
                        i += 3
                    elif after:
                        self.state, i = self.BOGUS, i + 2
                    else:
                        i += 2
                elif nxt == "!":
                    if text.startswith("<!--", i):
                        # `<!-->` and `<!--->` end at once; `--!>` only after the opening
                        end = self._comment_end(text, i + 2, i + 4)
                        if end >= 0:
                            i = end
                        else:
                            self.state, i = self.COMMENT, n
                    else:
                        self.state, i = self.BOGUS, i + 2
                elif nxt == "?":
                    self.state, i = self.BOGUS, i + 2
                else:
                    i += 1
            elif state == self.COMMENT:
                end = self._comment_end(text, i, i)
                if end < 0:
                    return
                self.state, i = self.DATA, end
            elif state == self.BOGUS:
                end = text.find(">", i)
                if end < 0:
                    return
                self.state, i = self.DATA, end + 1
            elif state == self.DQ or state == self.SQ:
                end = text.find('"' if state == self.DQ else "'", i)
                if end < 0:
                    return
                self.state, i = self.AFTER_QUOTED, end + 1
            else:
                i = self._in_tag(text, i)

    def _in_tag(self, text: str, i: int) -> int:
        """One step inside a tag (WHATWG HTML 13.2.5.8 to .40); returns the new position."""
        state, n = self.state, len(text)
        if state == self.TAG_NAME:
            end = self._NAME_RUN.match(text, i).end()
            self._name += text[i:end]
            if end < n:
                self.state = self.AFTER_NAME if text[end] in "/>" else self.BEFORE_NAME
            return end
        if state == self.UNQ:
            end = self._UNQ_RUN.match(text, i).end()
            if end < n:
                if text[end] == ">":
                    self._emit()
                    return end + 1
                self.state = self.BEFORE_NAME
            return end
        if state == self.NAME:
            end = self._ATTR_RUN.match(text, i).end()
            if end < n:
                if text[end] == "=":
                    self.state = self.BEFORE_VALUE
                    return end + 1
                self.state = self.AFTER_NAME
            return end
        i = self._WS_RUN.match(text, i).end()
        if i >= n:
            return i
        c = text[i]
        if state == self.BEFORE_NAME:
            if c == "/" or c == ">":
                self.state = self.AFTER_NAME
                return i
            self.state = self.NAME
            return i + 1 if c == "=" else i      # a leading "=" belongs to the name
        if state == self.AFTER_NAME:
            if c == "/":
                self.state = self.SELF_CLOSING
                return i + 1
            if c == "=":
                self.state = self.BEFORE_VALUE
                return i + 1
            if c == ">":
                self._emit()
                return i + 1
            self.state = self.NAME
            return i
        if state == self.BEFORE_VALUE:
            if c == '"' or c == "'":
                self.state = self.DQ if c == '"' else self.SQ
                return i + 1
            if c == ">":
                self._emit()
                return i + 1
            self.state = self.UNQ
            return i
        # AFTER_QUOTED and SELF_CLOSING
        if c == ">":
            self._emit()
            return i + 1
        if c == "/" and state == self.AFTER_QUOTED:
            self.state = self.SELF_CLOSING
            return i + 1
        self.state = self.BEFORE_NAME
        return i


class _Finder:
    """str.find for searches that only move forward: each needle's answer is reused."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._last: dict[str, tuple[int, int]] = {}

    def find(self, needle: str, start: int) -> int:
        last = self._last.get(needle)
        if last is not None and last[0] <= start and (last[1] < 0 or last[1] >= start):
            return last[1]
        found = self.text.find(needle, start)
        self._last[needle] = (start, found)
        return found


@dataclass
class _Span:
    start: int
    end: int
    comment: bool


class _Inline:
    """Code spans and raw HTML of one paragraph (or heading, or table cell), left to right."""

    def __init__(self, text: str, html: Html5) -> None:
        self.text, self.html = text, html
        self.spans: list[_Span] = []       # code spans and raw HTML over a line end, and comments
        self.crude_from: int | None = None  # from here on the text is not followed exactly
        self.hiding_at: list[tuple[int, bool]] = []   # (position, an element hides from here)
        self._finder = _Finder(text)
        self._runs: dict[int, list[int]] | None = None
        self._run_at: dict[int, int] = {}
        self._budget = 8 * len(text) + 1000   # characters open-tag attempts may read

    # -- code spans ------------------------------------------------------------------

    def _closer(self, length: int, start: int) -> int:
        """Start of the first run of exactly `length` backticks at or after start, or -1."""
        if self._runs is None:
            self._runs = {}
            for m in _RUN.finditer(self.text):
                self._runs.setdefault(m.end() - m.start(), []).append(m.start())
        starts = self._runs.get(length, ())
        k = self._run_at.get(length, 0)
        while k < len(starts) and starts[k] < start:
            k += 1
        self._run_at[length] = k
        return starts[k] if k < len(starts) else -1

    def _risky_autolink(self) -> int:
        """Start of the line where a GFM autolink (www., http://) holds a backtick, or -1.

        cmark-gfm's link runs to the next space or "<" and swallows the backtick, which then
        opens no code span: too subtle to follow.
        """
        text, i = self.text, 0
        while True:
            m = _EXT_AUTOLINK.search(text, i)
            if not m:
                return -1
            end_m = _SPACE_OR_LT.search(text, m.end())
            end = end_m.start() if end_m else len(text)
            if text.find("`", m.start(), end) >= 0:
                return text.rfind("\n", 0, m.start()) + 1
            i = max(end, m.end())

    # -- raw HTML (cmark-gfm's scanners.re) ---------------------------------------------

    def _autolink_end(self, at: int) -> int:
        text = self.text
        scheme = _AUTOLINK_SCHEME.match(text, at + 1)
        if scheme:
            rest = _AUTOLINK_REST.match(text, scheme.end())
            return rest.end() if rest else -1
        local = _EMAIL_LOCAL.match(text, at + 1)
        if not local:
            return -1
        domain = _EMAIL_DOMAIN.match(text, local.end())
        if domain and all(_LABEL.fullmatch(label) for label in text[local.end():domain.end() - 1].split(".")):
            return domain.end()
        return -1

    def _html_end(self, at: int) -> tuple[int, str]:
        """(end, tag name or "") of the raw HTML cmark-gfm sees at `<`; end -1 for none."""
        text, finder = self.text, self._finder
        nxt = text[at + 1:at + 2]
        if nxt == "/":
            m = _TAGNAME.match(text, at + 2)
            if not m:
                return -1, ""
            end = _SPACECHARS.match(text, m.end()).end()
            return (end + 1, m.group(0)) if text.startswith(">", end) else (-1, "")
        if nxt == "!":
            if text.startswith("<!--", at):
                return self._comment_end(at), ""
            if text.startswith("<![CDATA[", at):
                end = finder.find("]]>", at + 9)
                return (end + 3 if end >= 0 else -1), ""
            letter = text[at + 2:at + 3]
            if not (letter.isascii() and letter.isalpha()):
                return -1, ""
            gt = finder.find(">", at + 2)
            if gt < 0:
                return -1, ""
            upper = at + 2
            while upper < gt and "A" <= text[upper] <= "Z":
                upper += 1
            old = upper > at + 2 and text[upper] in _SPACECHAR     # 0.29: <!UPPER space ...>
            return (gt + 1 if old else AMBIGUOUS), ""
        if nxt == "?":
            end = finder.find("?>", at + 2)
            return (end + 2 if end >= 0 else -1), ""
        m = _TAGNAME.match(text, at + 1)
        if not m:
            return -1, ""
        i = m.end()
        while True:
            space_end = _SPACECHARS.match(text, i).end()
            self._budget -= space_end - i + 1
            if self._budget < 0:
                return AMBIGUOUS, ""
            if text.startswith(">", space_end):
                return space_end + 1, m.group(0)
            if text.startswith("/>", space_end):
                return space_end + 2, m.group(0)
            if space_end == i:
                return -1, ""
            name = _ATTRNAME.match(text, space_end)
            if not name:
                return -1, ""
            i = name.end()
            eq = _SPACECHARS.match(text, i).end()
            if text.startswith("=", eq):
                v = _SPACECHARS.match(text, eq + 1).end()
                quote = text[v:v + 1]
                if quote == "'" or quote == '"':
                    close = text.find(quote, v + 1)
                    self._budget -= (close if close >= 0 else len(text)) - i
                    if close < 0 or text.find("\x00", v, close) >= 0:
                        return -1, ""
                    i = close + 1
                else:
                    value = _UNQUOTED.match(text, v)
                    if not value:
                        return -1, ""
                    i = value.end()
            self._budget -= i - space_end

    def _comment_end(self, at: int) -> int:
        """A cmark-gfm (CommonMark 0.29) comment; AMBIGUOUS where CommonMark 0.31 reads one."""
        text, finder = self.text, self._finder
        if text.startswith("<!---->", at):
            return at + 7
        newer = finder.find("-->", at + 2)
        dashes = finder.find("--", at + 4)
        if (dashes > at + 4 and text.startswith("-->", dashes) and text[at + 4] != ">"
                and not text.startswith("->", at + 4) and text.find("\x00", at, dashes) < 0):
            return dashes + 3           # where 0.31 ends it too
        return AMBIGUOUS if newer >= 0 else -1

    # -- the scan ------------------------------------------------------------------------

    def scan(self) -> None:
        text, html = self.text, self.html
        n = len(text)
        risky = self._risky_autolink() if "`" in text else -1
        i = 0
        while not html.poisoned:
            m = _INLINE_SPECIAL.search(text, i)
            if not m:
                return
            j = m.start()
            if 0 <= risky <= j:
                return self.crude(risky)
            c = text[j]
            if c == "\\":
                i = j + 2 if j + 1 < n and text[j + 1] in _ASCII_PUNCT else j + 1
            elif c == "`":
                k = _RUN.match(text, j).end()
                close = self._closer(k - j, k)
                if close >= 0:
                    i = close + (k - j)
                    if text.find("\n", j, i) >= 0:
                        self.spans.append(_Span(j, i, False))
                else:
                    i = k
            elif c == "]":
                if text.startswith("](", j) and not _SIMPLE_LINK_TAIL.match(text, j):
                    return self.crude(j)     # a link destination or title, which cmark reads
                i = j + 1
            else:
                bare = _BARE_TAG.match(text, j)     # <name> or </name>: neither autolink nor odd
                if bare:
                    self._raw(j, bare.end(), bare.group(2))
                    i = bare.end()
                    continue
                end = self._autolink_end(j)
                if end >= 0:
                    i = end
                    continue
                end, name = self._html_end(j)
                if end == AMBIGUOUS:
                    html.poisoned = True
                    return
                if end < 0:
                    i = j + 1
                    continue
                self._raw(j, end, name)
                i = end

    def _raw(self, start: int, end: int, name: str) -> None:
        """Raw HTML from start to end: only what can change GitHub's HTML is tokenized."""
        text, html = self.text, self.html
        lower = name.lower()
        if (not name or lower in HIDING or lower in _POISON or _filtered(text, start)) and \
                not text.startswith("<!--", start):
            before = len(html.hiding)
            html.feed(text[start:end])
            if html.state != html.DATA:
                html.poisoned = True   # the tag filter or a `<? >` left GitHub's HTML open
                return
            if len(html.hiding) != before:
                self.hiding_at.append((end, bool(html.hiding)))
        comment = text.startswith("<!--", start)
        if comment or text.find("\n", start, end) >= 0:
            self.spans.append(_Span(start, end, comment))

    def crude(self, start: int) -> None:
        """From `start` on, hide everything and take every element that may open as open.

        For text cmark reads in ways this scan does not follow (link titles, autolinks,
        link reference definitions): nothing closes, and anything that could leave GitHub's
        HTML open poisons.
        """
        self.crude_from = start
        html, text = self.html, self.text
        for m in _CRUDE_LT.finditer(text, start):
            j = m.start()
            c = text[j + 1]
            if c == "!" and text.startswith("<!--", j):
                continue
            if c == "?" or c == "!" or _filtered(text, j):
                html.poisoned = True
                return
            if c == "/":
                continue
            name = _TAGNAME.match(text, j + 1).group(0).lower()
            if name in _POISON:
                html.poisoned = True
                return
            if name in HIDING:
                html.hiding.append(name)
                self.hiding_at.append((j, True))


class _LineWalk:
    """Answers, for line starts in increasing order, whether an inline scan hides them."""

    def __init__(self, inline: _Inline, hidden: bool) -> None:
        self.inline, self.hidden = inline, hidden
        self._span = 0
        self._event = 0

    def hides(self, pos: int) -> bool:
        inline = self.inline
        if inline.crude_from is not None and pos >= inline.crude_from:
            return True
        events = inline.hiding_at
        while self._event < len(events) and events[self._event][0] <= pos:
            self.hidden = events[self._event][1]
            self._event += 1
        spans = inline.spans
        while self._span < len(spans) and spans[self._span].end <= pos:
            self._span += 1
        return self.hidden or (self._span < len(spans) and spans[self._span].start < pos)

    def comments(self, start: int, end: int) -> list[tuple[int, int]]:
        """The comments between start and end (after hides(start))."""
        found, k, spans = [], self._span, self.inline.spans
        while k < len(spans) and spans[k].start < end:
            if spans[k].comment:
                found.append((max(spans[k].start, start), min(spans[k].end, end)))
            k += 1
        return found


class _Quote:
    pass


@dataclass
class _Item:
    width: int              # columns the item's content is indented by
    blank_start: bool       # the item's first line held only its marker
    has_content: bool = False


@dataclass
class _Fence:
    char: str
    length: int


@dataclass
class _HtmlBlock:
    kind: int


@dataclass
class _ParaLine:
    number: int
    raw: str
    offset: int             # where the paragraph text starts in raw
    eligible: bool          # not in a quote, and the raw line starts with the text


@dataclass
class PlainLine:
    number: int             # 1-based
    raw: str                # the line as written
    text: str               # the line without the HTML comments GitHub hides


def _raw_offset(raw: str, column: int) -> int:
    """Index in raw of the character at `column` once tabs are expanded to 4 columns."""
    if "\t" not in raw:
        return column
    col = 0
    for index, char in enumerate(raw):
        if col >= column:
            return index
        col = (col // 4 + 1) * 4 if char == "\t" else col + 1
    return len(raw)


def _list_marker(line: str, p: int) -> tuple[int, bool] | None:
    """(width, ordered list not starting at 1) of a list item marker at p."""
    c = line[p:p + 1]
    if c and c in "-+*":
        width, late = 1, False
    else:
        m = _ORDERED.match(line, p)
        if not m:
            return None
        width, late = m.end() - p, int(m.group(1)) != 1
    after = line[p + width:p + width + 1]
    return (width, late) if after in ("", " ", "\v", "\f") else None


def _thematic_break(rest: str) -> bool:
    chars = rest.replace(" ", "")
    return len(chars) >= 3 and chars[0] in "*-_" and chars.count(chars[0]) == len(chars)


def _setext_underline(rest: str) -> bool:
    body = rest.rstrip(" ")
    return bool(body) and body.count(body[0]) == len(body) and body[0] in "=-"


def _cells(row: str) -> int:
    """How many cells cmark-gfm's table extension finds in a row."""
    row = row.strip(" \t\v\f")
    count, i, start = 0, 0, 0
    if row.startswith("|"):
        i = start = 1
    while i < len(row):
        if row[i] == "\\":
            i += 2
            continue
        if row[i] == "|":
            count += 1
            start = i + 1
        i += 1
    return count + (1 if row[start:].strip(" \t\v\f") else 0)


def _delimiter_cells(rest: str) -> int:
    """Cells of a table delimiter row such as `|---|:-:|`, 0 when it is none."""
    row = rest.rstrip(" \t\v\f")
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    cells = row.split("|")
    return len(cells) if all(_MARKER_CELL.fullmatch(cell) for cell in cells) else 0


def _html_start(line: str, p: int, after_paragraph: bool) -> int:
    """cmark-gfm's HTML block type starting at p (1 to 7), 0 for none, -1 when ambiguous."""
    if not line.startswith("<", p):
        return 0
    head = line[p:p + 12].lower()
    for name in _TYPE1:
        after = head[1 + len(name):2 + len(name)]
        if head.startswith(name, 1) and (after == "" or after in _SPACECHAR or after == ">"):
            return 1
    if head.startswith("<!--"):
        return 2
    if head.startswith("<?"):
        return 3
    if head.startswith("<![cdata["):
        return 5
    if head.startswith("<!") and head[2:3].isascii() and head[2:3].isalpha():
        return 4 if "A" <= line[p + 2] <= "Z" else -1
    m = _TAGNAME.match(line, p + (2 if head.startswith("</") else 1))
    if m:
        end = m.end()
        after = line[end:end + 1]
        if after == "" or after in _SPACECHAR or after == ">" or line.startswith("/>", end):
            name = m.group(0).lower()
            if name in _AMBIGUOUS_BLOCK:
                return -1
            if name in _TYPE6:
                return 6
    if not after_paragraph and line[p + 1:p + 2] not in ("!", "?"):
        end, _ = _Inline(line, Html5())._html_end(p)
        if end > 0 and not line[end:].strip(" \t\f"):
            return 7
    return 0


def _html_block_ends(kind: int, rest: str) -> bool:
    if kind == 1:
        lower = rest.lower()
        return any(f"</{name}>" in lower for name in _TYPE1)
    return kind in (2, 3, 4, 5) and ("", "", "-->", "?>", ">", "]]>")[kind] in rest


class _Scanner:
    def __init__(self) -> None:
        self.stack: list = []           # open containers: _Quote or _Item, outermost first
        self.leaf: object = None        # None, "para", "table", "icode", _Fence or _HtmlBlock
        self.para: list[_ParaLine] = []
        self.html = Html5()
        self.found: list[PlainLine] = []

    @property
    def poisoned(self) -> bool:
        return self.html.poisoned

    # -- paragraphs ------------------------------------------------------------------------

    def _flush(self) -> None:
        """A paragraph has ended: scan its inline HTML, then keep its plain lines."""
        lines, self.para = self.para, []
        if self.leaf == "para":
            self.leaf = None
        if not lines or self.poisoned:
            return
        contents = [line.raw[line.offset:] for line in lines]
        text = "\n".join(contents)
        inline = _Inline(text, self.html)
        walk = _LineWalk(inline, bool(self.html.hiding))
        if text.startswith("[") and self._may_be_definition(contents[0]):
            inline.crude(0)          # a link reference definition: its title is never shown
        elif "<" in text or ("`" in text and "\n" in text) or "](" in text:
            inline.scan()
        if self.poisoned:
            return
        start = 0
        for line, content in zip(lines, contents):
            end = start + len(content)
            if not walk.hides(start) and line.eligible:
                for a, b in reversed(walk.comments(start, end)):
                    content = content[:a - start] + content[b - start:]
                self.found.append(PlainLine(line.number, line.raw, line.raw[:line.offset] + content))
            start = end + 1

    @staticmethod
    def _may_be_definition(first: str) -> bool:
        """Could the paragraph open with `[label]: destination "title"`, which is never shown?"""
        i = 1
        while i < len(first):
            if first[i] == "\\":
                i += 2
            elif first[i] == "]":
                return first.startswith("]:", i)
            else:
                i += 1
        return True           # the label may go on on the next line

    def _paragraph_line(self, number: int, raw: str, column: int) -> None:
        if self.leaf != "para":
            self._close_leaf()
            self.leaf = "para"
        offset = _raw_offset(raw, column)
        eligible = offset <= 3 and not raw[:offset].strip(" ") and \
            not any(isinstance(c, _Quote) for c in self.stack)
        self.para.append(_ParaLine(number, raw, offset, eligible))

    def _inline_only(self, content: str) -> None:
        """A heading or table cell: its HTML counts; none of its lines is a command."""
        if not self.poisoned and "<" in content:
            _Inline(content, self.html).scan()

    def _table_row(self, content: str) -> None:
        start, i = 0, 0
        while i < len(content) and not self.poisoned:
            if content[i] == "\\":
                i += 2
                continue
            if content[i] == "|":
                self._inline_only(content[start:i])
                start = i + 1
            i += 1
        self._inline_only(content[start:])

    # -- blocks ----------------------------------------------------------------------------

    def _close_leaf(self) -> None:
        if self.leaf == "para":
            self._flush()
        elif isinstance(self.leaf, _HtmlBlock) and self.html.state != self.html.DATA:
            self.html.poisoned = True     # GitHub's HTML goes on inside a tag or comment
        self.leaf = None

    def _close_containers(self, keep: int) -> None:
        self._close_leaf()
        del self.stack[keep:]

    def line(self, number: int, raw: str) -> None:
        line = raw.expandtabs(4)
        end = len(line.rstrip(" "))
        pos, matched = 0, 0
        for container in self.stack:
            if isinstance(container, _Quote):
                p = pos + _ws(line, pos)
                if p - pos > 3 or not line.startswith(">", p):
                    break
                pos = p + 1 + (1 if line.startswith(" ", p + 1) else 0)
            elif pos < end and _ws(line, pos) >= container.width:
                pos += container.width
                container.has_content = True
            elif pos >= end and (container.has_content or not container.blank_start):
                pass
            else:
                break
            matched += 1
        leaf = self.leaf
        if matched == len(self.stack):
            if isinstance(leaf, _Fence):
                p = pos + _ws(line, pos)
                m = _FENCE.match(line, p)
                if (p - pos <= 3 and m and m.group(0)[0] == leaf.char and len(m.group(0)) >= leaf.length
                        and not line[m.end():].strip(" ")):
                    self.leaf = None
                return
            if isinstance(leaf, _HtmlBlock):
                if leaf.kind >= 6 and pos >= end:
                    self._close_leaf()
                    return
                text = raw[_raw_offset(raw, pos):]
                self.html.feed(text + "\n")
                if leaf.kind == 1 and "</textarea>" in text.lower():
                    self.html.poisoned = True   # ends the block in CommonMark 0.31, not in cmark-gfm
                if _html_block_ends(leaf.kind, text):
                    self._close_leaf()
                return
            if leaf == "icode":
                if pos >= end or _ws(line, pos) >= 4:
                    return
                self.leaf = None
        elif leaf != "para":
            self._close_containers(matched)
        lazy = matched < len(self.stack)       # only with an open paragraph

        opened = False
        while True:
            ind = _ws(line, pos)
            p = pos + ind
            if ind >= 4 or p >= end:
                break
            if line.startswith(">", p):
                new: object = _Quote()
                next_pos = p + 1 + (1 if line.startswith(" ", p + 1) else 0)
            else:
                marker = None if _thematic_break(line[p:]) else _list_marker(line, p)
                if marker is None:
                    break
                width, late = marker
                q = p + width
                blank = q >= end
                if self.leaf == "para" and not lazy and not opened and (blank or late):
                    break            # such an item cannot interrupt a paragraph
                spaces = _ws(line, q)
                if blank or spaces > 4:
                    spaces = 1
                new = _Item(width=p - pos + width + spaces, blank_start=blank)
                next_pos = end if blank else q + spaces
            if not opened:
                self._close_containers(matched)
                opened, lazy = True, False
            if len(self.stack) >= MAX_NESTING:
                self.html.poisoned = True
                return
            self.stack.append(new)
            pos = next_pos

        ind = _ws(line, pos)
        p = pos + ind
        rest = line[p:]
        if lazy:
            starts_block = p >= end or ind < 4 and (_FENCE.match(line, p) or _html_start(line, p, False)
                                                    or _ATX.match(line, p) or _thematic_break(rest))
            if not starts_block:
                self._paragraph_line(number, raw, p)     # a lazy continuation line
                return
            self._close_containers(matched)
        if p >= end:
            self._close_leaf()
            return
        in_paragraph = self.leaf == "para"
        if ind >= 4:
            if in_paragraph:
                self._paragraph_line(number, raw, p)
            else:
                self._close_leaf()
                self.leaf = "icode"
            return
        fence = _FENCE.match(line, p)
        if fence and not (fence.group(0)[0] == "`" and "`" in line[fence.end():]):
            self._close_leaf()
            self.leaf = _Fence(fence.group(0)[0], len(fence.group(0)))
            return
        kind = _html_start(line, p, in_paragraph)
        if kind < 0:
            self.html.poisoned = True
            return
        if kind:
            self._close_leaf()
            self.leaf = _HtmlBlock(kind)
            text = raw[_raw_offset(raw, pos):]
            self.html.feed(text + "\n")
            if _html_block_ends(kind, text):
                self._close_leaf()
            return
        if _ATX.match(line, p):
            self._close_leaf()
            self._inline_only(raw[_raw_offset(raw, p):])
            return
        if in_paragraph and _setext_underline(rest):
            self._flush()        # a setext heading: its lines were plain text all the same
            return
        if _thematic_break(rest):
            self._close_leaf()
            return
        if self.leaf == "table":
            self._table_row(raw[_raw_offset(raw, p):])
            return
        if in_paragraph:
            header = self.para[-1]
            cells = _delimiter_cells(rest)
            if cells and _cells(header.raw[header.offset:]) == cells:
                self.para.pop()
                self._flush()
                if "<" in header.raw[header.offset:]:
                    self.html.poisoned = True   # read as cells or as a paragraph line, its HTML may differ
                    return
                self._table_row(header.raw[header.offset:])
                self.leaf = "table"
                return
        self._paragraph_line(number, raw, p)

    def finish(self) -> list[PlainLine]:
        if not self.poisoned:
            self._close_leaf()
        return self.found


def plain_lines(lines) -> list[PlainLine]:
    """The lines GitHub shows as plain paragraph text from their own start, in order.

    `lines`: (number, text) pairs without line endings.
    """
    scanner = _Scanner()
    for number, raw in lines:
        if scanner.poisoned:
            break
        scanner.line(number, raw)
    return scanner.finish()
