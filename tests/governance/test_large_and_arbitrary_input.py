"""Huge and arbitrary input: the parser never raises and stays deterministic."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.governance import Mark, achieved_level, find_report_paths, level_gaps, parse_level, parse_report
from bot.governance.parser import MAX_PROBLEMS

from .filling import fill_form, marks_reaching

TEN_MB = 10 * 1024 * 1024


def test_a_10_mb_report_of_repeated_tables_parses():
    one = fill_form(marks_reaching(2, "Ja", "Nej"))
    text = one * (TEN_MB // len(one.encode()) + 1)
    report = parse_report(text)
    assert len(report.criteria) == 43  # every repeat is a duplicate of the first
    assert len(report.problems) == MAX_PROBLEMS + 1
    assert "further problems were not listed" in report.problems[-1].message
    assert achieved_level(report) == 2


def test_a_10_mb_single_line_table_row_parses():
    header = "| # | Krav | Produktniveau | Efterlevet? |\n| --- | --- | --- | --- |\n"
    text = header + "| R1 | " + ("ab|" * (TEN_MB // 3)) + "\n"
    report = parse_report(text)
    assert report.criterion("R1").level is None
    assert report.problems


def test_10_mb_of_pipes_and_junk_parses():
    chunk = "|" * 50 + " x | --- | ✅ | <ul><li> [x] " + "\\|" * 20 + "\n# H\n|#|Krav|\n|-|-|\n"
    text = chunk * (TEN_MB // len(chunk.encode()) + 1)
    report = parse_report(text)
    assert len(report.problems) <= MAX_PROBLEMS + 1


cells = st.text(alphabet=st.characters(blacklist_characters="|\n\r\x00\\"), max_size=30)
mark_cells = st.one_of(
    st.sampled_from(["✅", "❌", "➖", "❓", "[x]", "[ ]", "☑︎", "☐", "Ja", "Nej", "Ikke relevant",
                     "Ved ikke", "Planlagt", "", "?", "Delvist", "<ul><li> [x] </li></ul>"]),
    cells,
)
ids = st.from_regex(r"[RFSG][0-9]{1,2}", fullmatch=True)
levels = st.sampled_from(["sandkasse", "0", "1", "2", "3", "Niveau 2", "N3", "høj", ""])


@st.composite
def tables(draw):
    """Markdown-ish criteria tables: shuffled known headers, ragged rows, junk lines."""
    headers = draw(st.permutations(["#", "Krav", "Produktniveau", "Efterlevet?", "Dokumentation", "🔽"]))
    headers = headers[: draw(st.integers(1, len(headers)))]
    lines = ["# " + draw(cells), "| " + " | ".join(headers) + " |"]
    if draw(st.booleans()):
        lines.append("|" + "---|" * len(headers))
    for _ in range(draw(st.integers(0, 8))):
        row = []
        for header in headers:
            row.append({"#": draw(ids), "Produktniveau": draw(levels)}.get(header) or draw(
                mark_cells if header in ("Efterlevet?", "🔽") else cells))
        row += draw(st.lists(cells, max_size=2))
        closing = " |" if draw(st.booleans()) else ""
        lines.append("| " + " | ".join(row[: draw(st.integers(0, len(row)))]) + closing)
        if draw(st.booleans()):
            lines.append(draw(cells))
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def check(report):
    achieved = achieved_level(report)
    assert achieved is None or 0 <= achieved <= 3
    for level in range(4):
        gaps = level_gaps(report, level)
        assert set(gaps.blocking).isdisjoint(gaps.advised)
    for criterion in report.criteria:
        assert isinstance(criterion.mark, Mark)
        assert criterion.level is None or 0 <= criterion.level <= 3


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_arbitrary_text_never_raises(text):
    check(parse_report(text))


@settings(max_examples=100)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_decoded_never_raise(data):
    check(parse_report(data.decode("utf-8", errors="replace")))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_arbitrary_tables_never_raise_and_parse_deterministically(text):
    first, second = parse_report(text, "x.md"), parse_report(text, "x.md")
    assert first == second
    check(first)


@settings(max_examples=300)
@given(mark=st.text(alphabet=st.characters(blacklist_characters="|\n\r\x00\\", blacklist_categories=["Cs"]),
                    max_size=40))
def test_every_mark_round_trips_as_written(mark):
    text = (
        "| # | Krav | Produktniveau | Efterlevet? |\n| --- | --- | --- | --- |\n"
        f"| F2 | Open Source licenskriterier overholdes | sandkasse | {mark} |\n"
    )
    report = parse_report(text)
    criterion = report.criterion("F2")
    assert criterion.mark_raw == mark.strip()
    if not mark.strip():
        assert criterion.mark is Mark.NOT_EVALUATED
    assert (criterion.mark is Mark.UNREADABLE) == any("not one we know" in p.message for p in report.problems)


@settings(max_examples=200)
@given(st.one_of(st.text(max_size=50), st.integers(), st.none()))
def test_parse_level_never_raises(value):
    assert parse_level(value) in (None, 0, 1, 2, 3)


@settings(max_examples=200)
@given(st.lists(st.text(alphabet=string.ascii_letters + "_-./\\ ", max_size=40), max_size=20))
def test_find_report_paths_never_raises_and_only_returns_given_paths(paths):
    found = find_report_paths(paths)
    assert set(found) <= set(paths) and len(found) == len(set(found))
