"""Read an OS2 governance report (any generation) into a Report.

Tables are read by their header names, never by column position, and each
criterion's id, text and level come from the report's own table: ids changed
meaning between versions, so nothing here knows what "R2" means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.governance.generations import Catalogue, load_catalogue
from bot.governance.model import Criterion, Mark, Problem, Repair, Report
from bot.governance.tables import is_separator, split_cells, split_collapsed
from bot.governance.vocabulary import (
    Vocabulary,
    load_vocabulary,
    multiline_text,
    normalise,
    plain_text,
)

MAX_PROBLEMS = 200
_ID = re.compile(r"[A-ZÆØÅ]{1,4}-?\d{1,3}[A-Z]?")
_ID_TRIM = " .:)*_`"
_VERSION_STATED = "version for anvendt governancerapport"
_VERSION_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3}){1,2}")
_VERSION_LINE = re.compile(r"[>\s*_]*version\W{0,6}(\d{1,3}(?:\.\d{1,3}){1,2})\b")
_DOC_INFO = re.compile(r">\s*\*\*([^*\n]{1,80}?):?\*\*:?[ \t]*(.*)")
_FRONT_KEY = re.compile(r"([A-Za-z_][\w-]{0,40})\s*:\s*(.*)")
_HEADING = re.compile(r"(#{1,6})[ \t]+(.*)")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_CRITERION_LIKE = re.compile(r"\|\s*(?:\*\*)?[A-Za-z]{1,2}\d{1,2}\.?(?:\*\*)?\s*\|")
_BEGIN_MARKER = "<!-- begin report template -->"
_MAX_LINE_FOR_REGEX = 2000


def parse_report(
    text: str, path: str | None = None, *, vocabulary: Vocabulary | None = None, catalogue: Catalogue | None = None
) -> Report:
    """Never raises on any input: what cannot be read becomes a Problem."""
    vocab = vocabulary or load_vocabulary()  # outside the guard: a broken config is our bug
    generations = catalogue or load_catalogue()
    try:
        return _Reader(_clean(text), path, vocab, generations).read()
    except Exception as exc:  # pragma: no cover - a safety net, every known input is handled
        return Report(
            path=path,
            title=None,
            template_version=None,
            draft=False,
            problems=(Problem(0, f"the report could not be parsed ({type(exc).__name__})"),),
        )


def _clean(text: object) -> tuple[str, bool]:
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    elif not isinstance(text, str):
        text = "" if text is None else str(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    had_nul = "\x00" in text
    if had_nul:
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, had_nul


@dataclass
class _Table:
    """A criteria table being read: where each role's column is."""

    line: int
    section: str
    width: int
    id: int | None
    text: int | None
    level: int | None
    marks: list[tuple[str, int]]          # (header as written, column), precedence order
    documentation: list[int]
    rows: int = 0


@dataclass
class _Reader:
    cleaned: tuple[str, bool]
    path: str | None
    vocab: Vocabulary
    catalogue: Catalogue
    criteria: list[Criterion] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    broken: dict[str, int] = field(default_factory=dict)  # id -> line of rows whose level cell is missing
    problems: list[Problem] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)
    dropped_problems: int = 0

    def problem(self, line: int, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(line, message))
        else:
            self.dropped_problems += 1

    # -- the document -----------------------------------------------------------

    def read(self) -> Report:
        text, had_nul = self.cleaned
        if had_nul:
            self.problem(1, "the report contains NUL bytes (binary data?); they were removed")
        lines = text.split("\n")
        start, front = self._front_matter(lines)
        section = ""
        titles: list[str] = []
        title_before_table: str | None = None
        version: str | None = None
        fallback_version: str | None = None
        doc_info: dict[str, str] = {}
        in_fence = ""
        in_comment = False
        table: _Table | None = None
        foreign_table = False
        tables_seen = 0
        index = start
        count = len(lines)
        while index < count:
            line = lines[index]
            number = index + 1
            stripped = line.strip()
            index += 1

            if in_comment:
                if "-->" in stripped:
                    in_comment = False
                continue
            if in_fence:
                if stripped.startswith(in_fence):
                    in_fence = ""
                continue

            if table is not None or foreign_table:
                if "|" in stripped:
                    if table is not None:
                        self._row(table, split_cells(line), number)
                    continue
                if stripped and not _starts_block(stripped):
                    if table is not None:
                        self.problem(number, "a line without cells inside a criteria table was ignored")
                    continue
                if table is not None and table.rows == 0:
                    self.problem(table.line, "a criteria table has a header but no rows")
                table, foreign_table = None, False

            if not stripped:
                continue
            if stripped.startswith(("```", "~~~")):
                in_fence = stripped[:3]
                continue
            if stripped.startswith("<!--"):
                if stripped.casefold().startswith(_BEGIN_MARKER):
                    titles.clear()  # what comes before the marker is the guide, not the report
                if "-->" not in stripped:
                    in_comment = True
                continue

            heading = _HEADING.match(stripped) if stripped[0] == "#" else None
            if heading:
                heading_text = plain_text(_CLOSING_HASHES.sub("", heading.group(2)))
                section = heading_text
                if len(heading.group(1)) == 1:
                    titles.append(heading_text)
                continue
            if set(stripped) == {"="} and index >= 2 and lines[index - 2].strip():
                titles.append(plain_text(lines[index - 2]))  # setext heading
                continue

            if len(stripped) < _MAX_LINE_FOR_REGEX:
                folded = stripped.casefold()
                if version is None and _VERSION_STATED in folded:
                    found = _VERSION_NUMBER.search(folded, folded.index(_VERSION_STATED))
                    version = found.group(0) if found else None
                elif fallback_version is None and tables_seen == 0 and "version" in folded:
                    found = _VERSION_LINE.match(folded)
                    fallback_version = found.group(1) if found else None
                if stripped.startswith(">") and "**" in stripped:
                    info = _DOC_INFO.match(stripped)
                    if info:
                        doc_info.setdefault(plain_text(info.group(1)), plain_text(info.group(2)))

            if "|" not in stripped:
                continue
            cells = split_cells(line)
            collapsed = split_collapsed(cells)
            if collapsed is not None:
                header, rows = collapsed
                table = self._header(header, number, section)
                if table is None:
                    foreign_table = True
                    continue
                tables_seen += 1
                if title_before_table is None and titles:
                    title_before_table = titles[-1]
                self.problem(number, "a table is written on one line (line breaks lost); it was read as such")
                for row in rows:
                    self._row(table, row, number)
                continue
            following = split_cells(lines[index]) if index < count and "|" in lines[index] else None
            has_separator = following is not None and is_separator(following)
            candidate = self._header(cells, number, section)
            if candidate is not None:
                tables_seen += 1
                if title_before_table is None and titles:
                    title_before_table = titles[-1]
                table = candidate
                if has_separator:
                    index += 1
                else:
                    self.problem(number, "a criteria table header has no separator line (| --- |) under it")
            elif has_separator:
                foreign_table = True
                index += 1
            elif _CRITERION_LIKE.search(stripped[:200]):
                self.problem(number, "a line looks like a criterion row but is not inside a criteria table")

        if table is not None and table.rows == 0:
            self.problem(table.line, "a criteria table has a header but no rows")
        generation = self._generation()
        if tables_seen == 0:
            self.problem(1, "no criteria table found (a table with '#' and 'Krav' columns)")
        elif not self.criteria:
            self.problem(1, "criteria tables were found but no criterion could be read")

        title = title_before_table or (titles[0] if titles else None) or front.get("title") or None
        draft = bool(title and self.vocab.is_draft(title)) or bool(
            front.get("title") and self.vocab.is_draft(front["title"])
        )
        if self.dropped_problems:
            self.problems.append(Problem(0, f"{self.dropped_problems} further problems were not listed"))
        extra: dict = {}
        if front:
            extra["front_matter"] = front
        if doc_info:
            extra["document_info"] = doc_info
        return Report(
            path=self.path,
            title=title,
            template_version=version or fallback_version,
            draft=draft,
            criteria=tuple(self.criteria),
            problems=tuple(self.problems),
            extra=extra,
            generation=generation.key if generation else None,
            repairs=tuple(sorted(self.repairs, key=lambda r: r.line)),
        )

    def _front_matter(self, lines: list[str]) -> tuple[int, dict[str, str]]:
        """YAML front matter read as simple `key: value` lines (never fails)."""
        if not lines or lines[0].strip() != "---":
            return 0, {}
        for end in range(1, min(len(lines), 200)):
            if lines[end].strip() in ("---", "..."):
                front: dict[str, str] = {}
                for raw in lines[1:end]:
                    match = _FRONT_KEY.fullmatch(raw.strip()) if len(raw) < _MAX_LINE_FOR_REGEX else None
                    if match:
                        front.setdefault(match.group(1), match.group(2).strip().strip("'\""))
                return end + 1, front
        return 0, {}

    # -- tables -----------------------------------------------------------------

    def _header(self, cells: list[str], number: int, section: str) -> _Table | None:
        """A criteria table's column map, or None for any other table."""
        roles: dict[str, list[int]] = {}
        named_marks: dict[str, tuple[str, int]] = {}
        blank: list[int] = []
        for column, cell in enumerate(cells):
            key = normalise(cell) if len(cell) < 200 else "\x01"
            if not key:
                blank.append(column)
                continue
            role = self.vocab.columns.get(key)
            if role is None:
                continue
            roles.setdefault(role, []).append(column)
            if role == "mark":
                named_marks.setdefault(key, (plain_text(cell), column))
        if "id" not in roles and "text" not in roles:
            return None
        if "id" not in roles:
            self.problem(number, "a table has a 'Krav' column but no id ('#') column; its rows were not read")
            return None
        marks = [named_marks[key] for key in self.vocab.mark_columns if key in named_marks]
        if not marks and blank:
            marks = [("", blank[0])]  # older checklists head the mark column with nothing
        documentation = sorted(
            (column for column, cell in enumerate(cells) if normalise(cell) in self.vocab.documentation_columns),
            key=lambda column: self.vocab.documentation_columns.index(normalise(cells[column])),
        )
        if "level" not in roles:
            self.problem(number, "a criteria table has no level column ('Produktniveau' or 'Niveau')")
        return _Table(
            line=number,
            section=section,
            width=len(cells),
            id=roles["id"][0],
            text=roles.get("text", [None])[0],
            level=roles.get("level", [None])[0],
            marks=marks,
            documentation=documentation,
        )

    def _row(self, table: _Table, cells: list[str], number: int) -> None:
        if is_separator(cells):
            return
        table.rows += 1
        extra = len(cells) - table.width if len(cells) > table.width and any(cells[table.width:]) else 0
        realigned = self._realign(table, cells, extra) if extra else None
        if realigned is not None:
            cells, cell = realigned
            self.problem(
                number,
                f"a row has {len(cells) + extra} cells but its header has {table.width}; the level was read"
                f" from cell {cell} (an unescaped '|' in a cell?)",
            )
        elif extra:
            self.problem(
                number,
                f"a row has {len(cells)} cells but its header has {table.width}; the extra cells were ignored"
                " (an unescaped '|' in a cell?)",
            )

        def cell(column: int | None) -> str | None:
            if column is None:
                return ""
            return cells[column] if column < len(cells) else None

        id_raw = cell(table.id)
        if not id_raw:
            if any(cells):
                self.problem(number, "a table row has no criterion id; it was ignored")
            return
        criterion_id = _criterion_id(id_raw)
        if criterion_id is None:
            self.problem(number, f"could not read a criterion id from {_shorten(id_raw)!r}; the row was ignored")
            return
        if criterion_id in self.seen:
            self.problem(
                number,
                f"criterion {criterion_id} appears again (first on line {self.seen[criterion_id]});"
                " the first one is used",
            )
            return
        self.seen[criterion_id] = number

        missing = [
            name
            for name, column in (("Krav", table.text), ("level", table.level))
            if column is not None and column >= len(cells)
        ]
        if table.marks and table.marks[0][1] >= len(cells):
            missing.append("mark")
        if missing:
            self.problem(number, f"{criterion_id}: the row has too few cells (no {', '.join(missing)} cell)")

        text = plain_text(cell(table.text) or "")
        level_raw = cell(table.level) or ""
        level = self.vocab.parse_level(level_raw)
        if level is None and table.level is not None and table.level < len(cells):
            self.problem(number, f"{criterion_id}: could not read the level {_shorten(level_raw)!r}")
        if level is None and table.level is not None and (extra or len(cells) < table.width):
            self.broken[criterion_id] = number
        if realigned is not None:
            self.repairs.append(Repair(number, criterion_id, level, "cells", cell=realigned[1]))
        mark, mark_raw = self._mark(table, cells, criterion_id, number)
        documentation = ""
        for column in table.documentation:
            if column < len(cells) and cells[column]:
                documentation = multiline_text(cells[column])
                break
        self.criteria.append(
            Criterion(
                id=criterion_id,
                text=text,
                level=level,
                level_raw=level_raw.strip(),
                recommendation=self.vocab.is_recommendation(text),
                mark=mark,
                mark_raw=mark_raw,
                documentation=documentation,
                section=table.section,
                line=number,
            )
        )

    def _realign(self, table: _Table, cells: list[str], extra: int) -> tuple[list[str], int] | None:
        """A row with an unescaped '|' before its level: the cell before the level gets the spill.

        Only when the level cell is unreadable where the header puts it and readable
        `extra` cells later; returns the cells as the header expects them and the
        1-based cell the level came from.
        """
        level = table.level
        if level is None or level - 1 <= table.id or any(column == level - 1 for _, column in table.marks):
            return None
        if self.vocab.parse_level(cells[level]) is not None:
            return None
        if self.vocab.parse_level(cells[level + extra]) is None:
            return None
        joined = " | ".join(cell for cell in cells[level - 1 : level + extra] if cell)
        return cells[: level - 1] + [joined] + cells[level + extra :], level + extra + 1

    def _generation(self):
        """Recognise the report's generation, give each criterion its meaning, and place broken
        ticked rows at their template's level."""
        generation = self.catalogue.recognise((c.id, c.text) for c in self.criteria)
        for index, criterion in enumerate(self.criteria):
            row = self.catalogue.identify(criterion.id, criterion.text, generation)
            update: dict = {"meaning": row.meaning} if row else {}
            line = self.broken.get(criterion.id)
            if row and generation and line == criterion.line and criterion.level is None \
                    and criterion.mark in (Mark.MET, Mark.NOT_RELEVANT):
                level = self.catalogue.template_level(row)
                if level is not None:
                    update["level"] = level
                    self.repairs.append(Repair(line, criterion.id, level, "template", generation=generation.key))
            if update:
                self.criteria[index] = replace(criterion, **update)
        return generation

    def _mark(self, table: _Table, cells: list[str], criterion_id: str, number: int) -> tuple[Mark, str]:
        """The mark from the first mark column (by precedence) that says anything."""
        read: list[tuple[str, str, Mark | None]] = []
        for header, column in table.marks:
            raw = cells[column] if column < len(cells) else ""
            if raw:
                read.append((header, raw, self.vocab.classify_mark(raw)))
        if not read:
            return Mark.NOT_EVALUATED, ""
        header, raw, mark = read[0]
        if mark is None:
            self.problem(number, f"{criterion_id}: the mark {_shorten(raw)!r} is not one we know")
            mark = Mark.UNREADABLE
        for other_header, other_raw, other in read[1:]:
            if other is not None and other is not mark:
                self.problem(
                    number,
                    f"{criterion_id}: '{header}' says {_shorten(raw)!r} but '{other_header}' says"
                    f" {_shorten(other_raw)!r}; '{header}' is used",
                )
        return mark, raw


def _criterion_id(raw: str) -> str | None:
    key = plain_text(raw).strip(_ID_TRIM).upper()
    return key if _ID.fullmatch(key) else None


def _starts_block(stripped: str) -> bool:
    """Lines that end a table even without a blank line before them."""
    return stripped.startswith(("#", "```", "~~~", "<!--", ">"))


def _shorten(raw: str, limit: int = 60) -> str:
    return raw if len(raw) <= limit else raw[: limit - 1] + "…"
