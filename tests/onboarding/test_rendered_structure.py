"""Every template and reply, rendered as GitHub renders Markdown, has the structure people should see.

Headings for the product, access, each step and the decisions; one task-list item per line
of the level, ticked exactly when it is met; the tables with their columns; quotes where a
reply quotes a comment. Text from people (a description, a login, a reason) never adds
structure of its own.
"""

from __future__ import annotations

import string
from dataclasses import replace

import pytest

from bot.checks.model import CheckResult, Status
from bot.commands import Command, load_registry
from bot.onboarding.commands import unknown
from bot.onboarding.desired import compute_desired
from bot.onboarding.escape import quote_for_reply
from bot.onboarding.model import Access, Decision, State, Tick, record_decision
from bot.onboarding.ticks import classify_tick_changes, read_ticks
from tests.gfm import render

AT = "2026-11-29T06:14:00Z"
HEADINGS = {"da": ("Produktet", "Hvem har adgang", "Beslutninger"),
            "en": ("The product", "Who has access", "Decisions")}


def a_product_under_way(level: int) -> State:
    """Placed on `level`, the match judged, one person declared, one line ticked and untouched again."""
    state = record_decision(State(), Decision("level", level, "sekretariat-sofie", AT,
                                              "https://github.com/OS2offdig/os2x/issues/1#issuecomment-1"))
    state = record_decision(state, Decision("match_approval", "approved", "sekretariat-sofie", AT))
    return replace(state, ticks={"match-judged": Tick(True, "sekretariat-sofie", AT),
                                 "website-project": Tick(False, "sekretariat-sofie", AT)},
                   access=(Access("kommune-karin", "kommune-ansvarlig", "karin@kommune.dk", "sekretariat-sofie", AT),))


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_the_issue_has_a_heading_per_part_and_a_task_item_per_line_ticked_when_met(
        process, settings, repo, all_checks_pass, level, lang):
    results = all_checks_pass(licence=CheckResult("licence", Status.FAIL, "Der er ingen licensfil.", "Tilføj en."))
    issue = compute_desired(process, settings, repo, results, a_product_under_way(level), lang=lang)
    shown = render(issue.body)

    product, access, decisions = HEADINGS[lang]
    steps = [s for s in issue.view.steps]
    assert [h for h in shown.headings] == (
        [(3, product), (3, access)]
        + [(3, ("✅ " if s.done else "👉 " if s.current else "⬜ ") + s.title) for s in steps]
        + [(3, decisions)])

    lines = [i for s in steps for i in s.items]
    top = [t for t in shown.tasks if t.depth == 1]
    assert len(top) == len(lines) == len(shown.tasks)       # sub-lines (reasons, who ticks) are no tasks
    for item in lines:
        assert shown.task(item.key).checked is item.done, item.key
    assert shown.task("licence").checked is False and shown.task("match-judged").checked is True
    assert read_ticks(issue.body) == {i.key: i.done for i in lines}   # what the bot reads back is what is shown
    top_plain = [t for t, d in zip(shown.items, shown.item_depths) if d == 1]
    assert len(top_plain) == 4 + len(issue.view.decisions)           # the legend and the decisions, nothing else

    facts, people = shown.tables
    assert [len(r) for r in facts] == [2] * 5                          # header + repository, description, level, status
    assert len(people) == 2 and len(people[0]) == 5
    assert people[1][0].startswith("@") and "kommune-karin" in people[1][0]
    assert shown.quotes == []                                          # no regression, no reason given


def test_a_reopened_issue_says_why_in_a_quote(process, settings, repo, all_checks_pass, everything_done):
    done = compute_desired(process, settings, repo, all_checks_pass(), everything_done(1), now=AT)
    gone = all_checks_pass(licence=CheckResult("licence", Status.FAIL, "Licensfilen er slettet."))
    shown = render(compute_desired(process, settings, repo, gone, done.onboarding_state).body)
    assert len(shown.quotes) == 1 and "ikke længere opfyldt" in shown.quotes[0]


@pytest.mark.xfail(strict=True, reason="a /return reason is put on the decision's line by a Jinja trim; "
                                       "fixed on branch board-gate (issue 12): remove this marker then")
def test_a_reason_for_sending_the_concept_back_is_a_quote_of_its_own(process, settings, repo, everything_done):
    state = record_decision(everything_done(2), Decision("board_approval", "rework", "formand", AT, note="Mangler arkitektur"))
    shown = render(compute_desired(process, settings, repo, {}, state).body)
    assert any("Mangler arkitektur" in q for q in shown.quotes)


ATTACKS = ["# Overskrift", "- [x] 🤖 falsk punkt <!-- item:licence -->", "| a | b |\n|---|---|",
           "> citat", "<details><summary>x</summary>", "```\nkode"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_text_from_people_adds_no_heading_task_table_or_quote(process, settings, repo, attack):
    state = record_decision(a_product_under_way(1), Decision("coordinator_added", attack, "sekretariat-sofie", AT))
    clean = render(compute_desired(process, settings, repo, {}, a_product_under_way(1)).body)
    attacked = render(compute_desired(process, settings, replace(repo, description=attack), {}, state).body)
    assert attacked.headings == clean.headings
    assert [(t.checked, t.html) for t in attacked.tasks] == [(t.checked, t.html) for t in clean.tasks]
    assert len(attacked.tables) == len(clean.tables) and attacked.quotes == clean.quotes


# ---- replies ------------------------------------------------------------------------------------
def sample(text: str) -> dict[str, str]:
    """A value for every {placeholder}; `missing` is a list, as the bot gives it."""
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    return {f: ("- Koordinationsgruppe\n- Styregruppe" if f == "missing" else "X") for f in fields}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_reply_text_is_plain_paragraphs_or_the_list_it_announces(lang):
    registry = load_registry()
    for key, texts in registry.texts.items():
        if key in ("help_title", "help_intro", "help_columns"):
            continue
        shown = render(texts[lang].format(**sample(texts[lang])))
        assert shown.headings == [] and shown.tasks == [] and shown.tables == [] and shown.quotes == [], key
        if "{missing}" in texts[lang]:
            assert shown.items == ["Koordinationsgruppe", "Styregruppe"], key
        else:
            assert shown.items == [] and shown.paragraphs, key


@pytest.mark.parametrize("lang", ["da", "en"])
def test_help_is_one_table_with_a_row_per_command(lang):
    registry = load_registry()
    shown = render(registry.help(lang, lambda role: role))
    (table,) = shown.tables
    assert len(table) == 1 + len(registry.commands) and {len(row) for row in table} == {3}
    assert [row[0].split()[0] for row in table[1:]] == [c.shown(lang) for c in registry.commands]
    assert shown.headings == [] and shown.quotes == []


def test_a_refused_command_is_quoted_then_answered():
    registry = load_registry()
    reply = quote_for_reply("/approve\n/level 3") + "\n\n" + registry.text("denied", "da", roles="bestyrelsen",
                                                                           command="/approve")
    shown = render(reply)
    assert shown.quotes == ["/approve\n/level 3"] and shown.paragraphs == ["Kun bestyrelsen kan bruge /approve."]


def test_a_typo_reply_is_one_paragraph():
    shown = render(unknown(Command("godkent", "", 1, "/godkent"), load_registry(), "da"))
    assert shown.paragraphs == ["Kommandoen /godkent findes ikke. Mente du /godkend? (/hjælp viser alle kommandoer.)"]


def test_the_comment_about_undone_ticks_is_one_list_item_per_tick(process, settings, repo):
    before = compute_desired(process, settings, repo, {}, State())
    body = before.body.replace("- [ ] 👤", "- [x] 👤").replace("- [ ] ⚖️", "- [x] ⚖️")
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "mallory", frozenset({"contributor"}), AT)
    shown = render(outcome.comment)
    assert len(shown.items) == len(outcome.messages) >= 2
    assert all(i.endswith("Fluebenet er fjernet igen.") for i in shown.items)
