"""When the sweep may start its reconciles, by what GitHub says an installation has left (pure).

The sweep is the one producer of work that can wait: webhooks and people come first. So
it spends only what lies above a reserve of each hourly budget (`RESERVE` of the limit)
and spreads the rest of its reconciles after the window resets, at the pace the hourly
limit sustains, instead of running into the limit and leaving people's commands waiting
for an hour.
"""

from __future__ import annotations

from typing import Mapping, Protocol

RESERVE = 0.2                                   # of each hourly limit, kept for webhooks and people
RECONCILE_COST = {"graphql": 2, "core": 6}      # what one reconcile of a changed repository takes, about


class BudgetLike(Protocol):
    limit: int | None
    remaining: int | None
    reset: float | None


def schedule(jobs: int, budgets: Mapping[str, BudgetLike], now: float, *,
             cost: Mapping[str, int] = RECONCILE_COST, reserve: float = RESERVE) -> list[float]:
    """When each of `jobs` reconciles may start: at once while every budget stays above its
    reserve; the others evenly from the latest reset of a short budget on. A budget GitHub
    has not reported yet does not hold anything back."""
    fit, start, pace = jobs, now, 0.0
    for resource, each in cost.items():
        budget = budgets.get(resource)
        if budget is None or budget.remaining is None or not budget.limit:
            continue
        spare = budget.remaining - reserve * budget.limit
        affordable = max(0, int(spare // each))
        if affordable < jobs:
            start = max(start, budget.reset if budget.reset is not None else now + 3600)
        fit = min(fit, affordable)
        pace = max(pace, 3600.0 * each / max(1.0, (1 - reserve) * budget.limit))
    return [now] * fit + [start + i * pace for i in range(jobs - fit)]


def wait_before_reading(budget: BudgetLike | None, points: int, now: float, reserve: float = RESERVE) -> float:
    """Seconds to wait before a sweep query of `points` points: none while the budget stays
    above its reserve, else until the window resets."""
    if budget is None or budget.remaining is None or not budget.limit:
        return 0.0
    if budget.remaining - points >= reserve * budget.limit:
        return 0.0
    return max(0.0, (budget.reset if budget.reset is not None else now + 3600) - now)
