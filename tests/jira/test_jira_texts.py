"""The Jira line's texts are data (config/jira_texts.yaml): every text the code asks for is there
and fills without a stray placeholder."""

from __future__ import annotations

import re
from pathlib import Path

from bot.onboarding import jira_step

VALUES = {"key": "OS2EKSEMPE", "people": "1 person", "groups": "ingen grupper", "logins": "`@karin`",
          "role": "Users", "email": "karin@kommune.dk", "said": "Jira sagde nej", "who": "abc",
          "status": 400, "many": "grupper"}


def test_every_text_the_code_asks_for_is_in_the_config():
    source = Path(jira_step.__file__).read_text(encoding="utf-8")
    asked = set(re.findall(r'texts\(\)\["([a-z_0-9]+)"\]', source))
    asked |= {f"refused_{status}" for status in (401, 403)} | {f"refused_{status}_hint" for status in (401, 403)}
    assert asked <= set(jira_step.texts()), asked - set(jira_step.texts())


def test_every_text_fills_without_a_stray_placeholder():
    for key, text in jira_step.texts().items():
        if isinstance(text, str):
            filled = text.format(**VALUES)
            assert "{" not in filled and "}" not in filled, key


def test_counts_read_as_danish():
    assert [jira_step._count(n, "person") for n in (0, 1, 2)] == ["ingen personer", "1 person", "2 personer"]
    assert jira_step._count(1, "group") == "1 gruppe"
