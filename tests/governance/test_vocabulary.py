"""The mark vocabulary is data, loaded from config/governance_marks.yaml."""

import pytest
import yaml

from bot.governance import Mark, load_vocabulary, parse_report
from bot.governance.vocabulary import DEFAULT_PATH, vocabulary_from_data


def test_the_config_names_every_mark_a_report_can_state():
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    stated = {Mark(name) for name in data["marks"]}
    assert stated == set(Mark) - {Mark.UNREADABLE}


def test_the_official_marks_are_in_the_config():
    vocab = load_vocabulary()
    for raw, mark in [("✅", Mark.MET), ("❌", Mark.NOT_MET), ("➖", Mark.NOT_RELEVANT), ("❓", Mark.IN_DOUBT),
                      ("Ja", Mark.MET), ("Nej", Mark.NOT_MET), ("Ikke relevant", Mark.NOT_RELEVANT),
                      ("Ved ikke", Mark.IN_DOUBT), ("Planlagt", Mark.PLANNED)]:
        assert vocab.classify_mark(raw) is mark


def test_a_new_word_is_taught_by_config_not_code(tmp_path):
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    data["marks"]["met"].append("👍")
    custom = tmp_path / "marks.yaml"
    custom.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = "| # | Krav | Produktniveau | Efterlevet? |\n|---|---|---|---|\n| R1 | Værdi | sandkasse | 👍 |\n"
    assert parse_report(text).criterion("R1").mark is Mark.UNREADABLE
    assert parse_report(text, vocabulary=load_vocabulary(custom)).criterion("R1").mark is Mark.MET


def test_a_broken_config_fails_loudly():
    with pytest.raises(ValueError, match="unknown mark category"):
        vocabulary_from_data({"marks": {"sort_of": ["x"]}})
    with pytest.raises(ValueError, match="two categories"):
        vocabulary_from_data({"marks": {"met": ["ja"], "not_met": ["JA"]}})
    with pytest.raises(ValueError, match="unknown column role"):
        vocabulary_from_data({"columns": {"colour": ["farve"]}})


def test_a_comment_after_a_mark_keeps_the_mark_unless_it_states_another():
    vocab = load_vocabulary()
    assert vocab.classify_mark("Ja - se README") is Mark.MET
    assert vocab.classify_mark("✅ (se link)") is Mark.MET
    assert vocab.classify_mark("Nej, planlagt til 2027") is None
    assert vocab.classify_mark("Ja?") is None
    assert vocab.classify_mark("Januar") is None
    assert vocab.classify_mark("x" * 1000) is None
