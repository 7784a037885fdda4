"""The level a product aims at is read where real reports state it, and nowhere else
(real reports: tests/fixtures/governance/SOURCES.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.checks import load_config, run_checks
from bot.checks.target_level import phrased_level, stated_target

from .support import REPORT, config_with_suppliers, fill_report, product_files, snapshot

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "governance" / "real"
CONFIG = load_config()
OS2LOOP_AIM = "OS2loop har en målsætning om at efterleve: **Niveau 2.** "


def real(name: str) -> str:
    return (REAL / name).read_text(encoding="utf-8")


def target_of(report_text: str):
    files = product_files(2)
    files[REPORT] = report_text
    result = run_checks(snapshot(files), config=config_with_suppliers("Eksempel Leverandør"), today=dt.date(2025, 6, 1))
    return result.target_level, result.target_source, result


def aim(text: str):
    return stated_target(text, None, CONFIG.target_level_keys, CONFIG.target_level_phrases)


def test_os2loops_report_aims_at_level_2_and_is_judged_there():
    text = real("OS2loop_governancerapport.md")
    assert OS2LOOP_AIM in text.splitlines()[4]  # line 5, as written in the real report
    level, source, result = target_of(text)
    assert (level, source) == (2, "report")
    level_check = result["governance_level"]
    assert level_check.details["target_level"] == 2 and "niveau 2" in level_check.message


@pytest.mark.parametrize("name", ["OS2rollekatalog_2021-11-30.md", "ai-heatcontrol_2026-08-14_Selvevaluering.md",
                                  "OS2faktor_2026-07-01_selvevaluering.md"])
def test_reports_that_state_no_aim_fall_back_to_the_default(name):
    assert target_of(real(name))[:2] == (1, "default")


def test_a_2021_classification_is_not_an_aim():
    text = real("OS2iot_GOVERNANCE_REPORT.md")
    assert "klassificeret som et niveau 3 produkt" in text
    assert target_of(text)[:2] == (1, "default")


@pytest.mark.parametrize("line", [
    "OS2loop har opnået niveau 1.",                                     # what it reached, not what it aims at
    "Målsætningen er nået: opnået niveau 1.",
    "Vores målsætning er beskrevet i bilaget. Opnået niveau: sandkasse.",  # the level is in another sentence
    "Information om OS2's produktniveauer og baggrunden herfor kan der [læses mere om her](https://os2.eu).",
    "OS2loop har en målsætning om at efterleve: **Niveau 7.**",        # no such level
    "OS2loop har en målsætning om at efterleve: **Niveau x.**",        # the template's unfilled x
])
def test_other_lines_that_mention_a_level_are_not_the_aim(line):
    text = real("OS2loop_governancerapport.md").replace(OS2LOOP_AIM, line + " ")
    assert aim(text) is None


@pytest.mark.parametrize("hidden", [
    "```\nOS2loop har en målsætning om at efterleve: Niveau 3.\n```",
    "<!--\nEksempel: OS2loop har en målsætning om at efterleve: Niveau 3.\n-->",
    "| R1 | Målsætning om niveau 3 | x | 0 |",
])
def test_an_aim_in_code_comments_or_a_table_row_is_not_read(hidden):
    assert phrased_level(hidden, ["målsætning"]) is None
    text = real("OS2loop_governancerapport.md").replace(OS2LOOP_AIM, hidden + "\n")
    assert aim(text) is None


def test_a_keyed_line_wins_over_a_sentence_and_front_matter_over_both():
    text = real("OS2loop_governancerapport.md").replace(OS2LOOP_AIM, OS2LOOP_AIM + "\n\nØnsket niveau: 3\n")
    assert aim(text) == 3
    assert stated_target(text, {"niveau": "sandkasse"}, CONFIG.target_level_keys, CONFIG.target_level_phrases) == 0


@pytest.mark.parametrize(("sentence", "level"), [
    ("Produktet har som mål at nå [niveau 3](https://os2.eu/side/governance) i 2027.", 3),
    ("Målsætning: sandkasse", 0),
    ("The product aims at level 1.", 1),
])
def test_other_ways_of_stating_the_aim(sentence, level):
    assert target_of(fill_report(2, preamble=sentence))[:2] == (level, "report")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.lists(st.sampled_from(["målsætning", "niveau 2", "opnået", "\n", "|", "**", "."]),
                                       max_size=8))
def test_any_text_gives_a_level_or_none(text, pieces):
    found = aim(text + " ".join(pieces))
    assert found is None or found in (0, 1, 2, 3)
