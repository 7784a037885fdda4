"""The sweep's pacing: spend what lies above the reserve now, spread the rest after reset."""

from __future__ import annotations

from bot.github import Budget
from bot.pacing import schedule, wait_before_reading

NOW = 1_000_000.0


def test_a_full_budget_starts_every_reconcile_at_once():
    budgets = {"graphql": Budget(5000, 5000, NOW + 3600), "core": Budget(5000, 4990, NOW + 3600)}
    assert schedule(100, budgets, NOW) == [NOW] * 100


def test_a_short_budget_starts_what_fits_above_the_reserve_and_spreads_the_rest_after_reset():
    budgets = {"graphql": Budget(5000, 4000, NOW + 600), "core": Budget(5000, 1060, NOW + 900)}
    due = schedule(100, budgets, NOW)
    # core: 1060 left, 1000 kept in reserve: 60 requests = 10 reconciles of 6 requests now
    assert due[:10] == [NOW] * 10
    assert due[10] == NOW + 900                      # the rest from core's reset on
    gaps = {round(b - a, 6) for a, b in zip(due[10:], due[11:])}
    assert gaps == {round(3600 * 6 / 4000, 6)}       # the pace 80 % of the hourly limit sustains
    assert due == sorted(due)


def test_a_spent_budget_starts_nothing_now_and_an_unknown_one_holds_nothing_back():
    assert schedule(3, {"graphql": Budget(5000, 900, NOW + 60)}, NOW)[0] == NOW + 60
    assert schedule(3, {}, NOW) == [NOW] * 3
    assert schedule(0, {"core": Budget(5000, 0, NOW + 60)}, NOW) == []


def test_the_sweep_reads_on_while_above_the_reserve_and_waits_for_the_reset_below_it():
    assert wait_before_reading(Budget(5000, 2000, NOW + 100), 1, NOW) == 0
    assert wait_before_reading(Budget(5000, 1000, NOW + 100), 1, NOW) == 100
    assert wait_before_reading(None, 1, NOW) == 0
