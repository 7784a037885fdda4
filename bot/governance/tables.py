"""GitHub-flavoured markdown table rows, read the forgiving way real reports need."""

from __future__ import annotations

import re

_SEPARATOR_CELL = re.compile(r":?-+:?")
_ESCAPED_PIPE = "\\|"
_PLACEHOLDER = "\x00"  # the parser removes NULs from its input, so this cannot clash


def split_cells(line: str) -> list[str]:
    """Cells of a table row; `\\|` is a pipe inside a cell, outer pipes are optional."""
    row = line.strip()
    escaped = _ESCAPED_PIPE in row
    if escaped:
        row = row.replace(_ESCAPED_PIPE, _PLACEHOLDER)
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|"):
        row = row[:-1]
    cells = row.split("|")
    if escaped:
        return [cell.replace(_PLACEHOLDER, "|").strip() for cell in cells]
    return [cell.strip() for cell in cells]


def is_separator_cell(cell: str) -> bool:
    return bool(_SEPARATOR_CELL.fullmatch(cell.replace(" ", "")))


def is_separator(cells: list[str]) -> bool:
    """The `| --- | :-: |` line under a header."""
    filled = [cell for cell in cells if cell]
    return bool(filled) and all(is_separator_cell(cell) for cell in filled)


def split_collapsed(cells: list[str]) -> tuple[list[str], list[list[str]]] | None:
    """A whole table written on one line (`| # | Krav | | --- | --- | | R1 | … |`).

    Seen in real reports whose line breaks were lost. Returns the header and the
    rows on that line, or None when the line is an ordinary row.
    """
    for index in range(1, len(cells) - 1):
        if cells[index] == "" and is_separator_cell(cells[index + 1]):
            break
    else:
        return None
    header = cells[:index]
    position = index + 1
    width = 0
    while position < len(cells) and cells[position] and is_separator_cell(cells[position]):
        width += 1
        position += 1
    rows: list[list[str]] = []
    rest = cells[position:]
    while rest:
        if rest[0] == "":
            rest = rest[1:]
        if not rest:
            break
        rows.append(rest[:width])
        rest = rest[width:]
    return header, rows
