"""A level 2 report cannot yet say the board has approved the product or that the steering
group exists: in the onboarding issue those criteria follow the approval and do not hold up
step 1; `os2bot check` on its own still names them as not met."""

from __future__ import annotations

from bot.checks import run_checks
from tests.checks.support import fill_report, product_files, snapshot

LATER = frozenset({"G5", "G6", "G7", "G11", "G12"})


def level_2_product_before_the_board(**marks: str):
    files = product_files(2)
    files["OS2eksempel_governance_report.md"] = fill_report(
        2, marks={"G5": "❌", "G6": "❌", **marks}, docs={"G3": "Jens Jensen, projektleder i Eksempel Kommune"},
        preamble="Ønsket niveau: 2")
    return snapshot(files)


def test_what_only_the_approval_brings_does_not_hold_up_the_level_line_in_the_onboarding():
    result = run_checks(level_2_product_before_the_board(), level=2, follows_approval=LATER).by_id["governance_level"]
    assert result.ok and result.details["outcome"] == "follows_approval"
    assert result.details["follows_approval"] == ["G5", "G6"] and result.details["blocking"] == []
    assert "først kommer på plads med bestyrelsens godkendelse" in result.message and "G5" in result.message


def test_the_check_on_its_own_still_says_the_board_has_not_approved():
    result = run_checks(level_2_product_before_the_board(), level=2).by_id["governance_level"]
    assert not result.ok and result.details["outcome"] == "blocking" and "G5" in result.message


def test_a_criterion_the_product_itself_must_meet_still_blocks():
    result = run_checks(level_2_product_before_the_board(F2="❌"), level=2, follows_approval=LATER)
    level = result.by_id["governance_level"]
    assert not level.ok and level.details["blocking"] == ["F2"] and level.details["follows_approval"] == ["G5", "G6"]
