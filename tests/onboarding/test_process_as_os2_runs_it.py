"""The issue follows OS2's process as the seeds write it, in the secretariat's Danish.

Steps are finished in order; what the seed says "måske" about is recommended, not required;
a line applies from the same level as its check in `os2bot check`; times are Danish time;
Danish texts name the Danish commands.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.checks.config import load_config
from bot.checks.model import CheckResult, Status
from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, State, Tick, record_decision
from bot.onboarding.ticks import read_ticks
from bot.onboarding.times import local_time
from tests.gfm import render

NOW = "2026-11-29T06:14:00Z"


def placed_on(level: int, **ticks: bool) -> State:
    state = record_decision(State(), Decision("level", level, "sekretariat-sofie", NOW))
    return replace(state, ticks={k: Tick(v, "sekretariat-sofie", NOW) for k, v in ticks.items()})


def heading(body: str, number: int) -> str:
    return next(line for line in body.splitlines() if line.startswith("### ") and f"Trin {number}:" in line)


# ---- steps read in order ------------------------------------------------------------------
def test_step_2_is_not_shown_as_done_while_step_1_is_under_way(process, settings, repo, all_checks_pass):
    # level 1, every check passes, but the secretariat has not judged the match (step 1)
    issue = compute_desired(process, settings, repo, all_checks_pass(), placed_on(1))
    step1, step2 = issue.view.steps[0], issue.view.steps[1]
    assert step1.current and not step1.done
    assert step2.met and not step2.done and not step2.current
    assert heading(issue.body, 1).startswith("### 👉") and heading(issue.body, 2).startswith("### ⬜")
    assert "✅" not in "".join(heading(issue.body, n) for n in range(1, 6))
    assert read_ticks(issue.body)["contact-person"] is True          # its line is shown as met
    assert "Trinnet er færdigt, når de foregående trin er." in issue.body


def test_a_step_with_no_lines_at_the_level_says_so_and_nothing_else(process, settings, repo):
    body = compute_desired(process, settings, repo, {}, placed_on(0)).body    # sandkasse: step 2 has no lines
    step2 = body.split(heading(body, 2), 1)[1].split("### ", 1)[0]
    assert step2.strip() == "*Ingen punkter på dette niveau.*"


def test_once_step_1_is_done_the_met_step_2_is_done_too(process, settings, repo, all_checks_pass):
    issue = compute_desired(process, settings, repo, all_checks_pass(), placed_on(1, **{"match-judged": True}))
    assert [s.done for s in issue.view.steps[:2]] == [True, True] and issue.view.current_step == 3
    assert heading(issue.body, 2).startswith("### ✅")
    assert "Trinnet er færdigt, når de foregående trin er." not in issue.body


def test_a_regression_in_step_1_takes_the_done_mark_off_every_later_step(process, settings, repo,
                                                                        all_checks_pass, everything_done):
    licence_gone = all_checks_pass(licence=CheckResult("licence", Status.FAIL, "Der er ingen licensfil."))
    issue = compute_desired(process, settings, repo, licence_gone, everything_done(1))
    assert issue.view.current_step == 1
    assert not any(s.done for s in issue.view.steps)
    assert all(s.met for s in issue.view.steps[1:])


# ---- only what the process asks, as it asks it -----------------------------------------------
def test_the_plan_for_information_material_is_recommended_and_the_members_being_aware_is_required(
        process, settings, repo, all_checks_pass, everything_done):
    plan, aware = process.item("information-plan"), process.item("members-informed")
    assert plan.recommended and not aware.recommended
    assert "informationsmateriale" in plan.text.da and "informationsmateriale" not in aware.text.da
    without_plan = replace(everything_done(1), ticks={k: t for k, t in everything_done(1).ticks.items()
                                                      if k != "information-plan"})
    assert compute_desired(process, settings, repo, all_checks_pass(), without_plan).view.done
    unaware = replace(without_plan, ticks={k: t for k, t in without_plan.ticks.items() if k != "members-informed"})
    assert compute_desired(process, settings, repo, all_checks_pass(), unaware).view.current_step == 4


def test_publiccode_is_only_a_recommendation_said_plainly(process):
    item = process.item("publiccode")
    assert item.recommended and item.requirements == ()              # no step of OS2's process asks for it
    assert item.text.da.startswith("Ikke et krav fra OS2")
    assert item.text.en.startswith("Not required by OS2")


def test_every_checked_line_applies_from_the_level_its_check_applies_from_in_os2bot_check(process):
    checks = load_config()
    for item in process.items:
        if item.kind == "check" and item.check in checks.checks:
            assert min(item.levels) == checks.spec(item.check).level, item.key


@pytest.mark.parametrize("level, shown", [(1, False), (2, True), (3, True)])
def test_the_container_line_is_shown_from_level_2_as_the_check_applies(process, settings, repo, level, shown):
    body = compute_desired(process, settings, repo, {}, placed_on(level)).body
    assert ("<!-- item:container -->" in body) is shown


# ---- Danish as the secretariat writes it -------------------------------------------------------
def test_times_are_shown_in_danish_time_and_danish_format(process):
    assert local_time("2026-11-29T06:14:00Z", process, "da") == "29. nov. 2026 kl. 07.14"     # winter: UTC+1
    assert local_time("2026-07-01T22:30:00Z", process, "da") == "2. jul. 2026 kl. 00.30"      # summer: UTC+2
    assert local_time("2026-05-02T12:00:00+00:00", process, "da") == "2. maj 2026 kl. 14.00"
    assert local_time("2026-11-29T06:14:00Z", process, "en") == "29 Nov 2026, 07:14 CET"
    assert local_time("2026-11-29T06:14:00", process, "da") == "29. nov. 2026 kl. 07.14"     # no zone: UTC


def test_a_time_someone_forged_in_the_state_is_shown_escaped_not_trusted(process):
    assert local_time("i går @alle <b>", process, "da") == "i går @\u200balle &lt;b&gt;"


def test_the_decisions_list_shows_danish_time_as_a_list_item_not_a_numbered_list(process, settings, repo):
    body = compute_desired(process, settings, repo, {}, placed_on(2)).body
    shown = render(body)
    assert "29. nov. 2026 kl. 07.14: Produktet placeret på niveau 2 – i brug i flere kommuner – @sekretariat-sofie" \
        in shown.items
    assert "UTC" not in body and "2026-11-29" not in body


def test_the_level_row_says_the_level_once(process, settings, repo):
    body = compute_desired(process, settings, repo, {}, placed_on(1)).body
    assert "| Niveau | 1 – »tag det som det er« |" in body
    assert "| Niveau | sandkasse |" in compute_desired(process, settings, repo, {}, placed_on(0)).body


def test_the_danish_issue_names_the_danish_commands_and_the_english_one_the_english(process, settings, repo):
    da = compute_desired(process, settings, repo, {}, placed_on(2)).body
    en = compute_desired(process, settings, repo, {}, placed_on(2), lang="en").body
    assert "Afgøres af bestyrelsen med `/godkend`." in da and "`/approve`" not in da
    assert "To be decided by the board with `/approve`." in en and "`/godkend`" not in en
    assert "`/adgang tilføj`" in da and "`/hjælp`" in da


def test_the_legend_and_footer_say_it_as_a_danish_civil_servant_would(process, settings, repo):
    body = compute_desired(process, settings, repo, {}, State()).body
    assert "Punkter mærket 🤖 krydser botten selv af" in body
    assert "et flueben, der sættes manuelt, bliver fjernet igen" in body
    assert "er ikke et krav for at gå videre" in body
    assert "Redigér ikke teksten – sæt kun flueben" in body
    for calque in ("Punkter med robot", "sat tilbage", "i hånden", "blokerer ikke", "ajour"):
        assert calque not in body


def test_no_danish_text_anywhere_uses_the_calques_the_secretariat_pointed_out():
    from pathlib import Path

    root = Path(__file__).parents[2]
    texts = [*root.glob("templates/*.da.md.j2"), *root.glob("config/*.yaml")]
    for path in texts:
        text = path.read_text(encoding="utf-8")
        for calque in ("Punkter med robot", "sat tilbage", "i hånden", "blokerer ikke", "ajour",
                       "oprettet i de platforme", "vurdering er allerede anmodet"):
            assert calque not in text, f"{path.name}: {calque!r}"


def test_the_communication_line_says_on_the_platforms(process):
    assert "på de platforme" in process.item("communication-channels").text.da
