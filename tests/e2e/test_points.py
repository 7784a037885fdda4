"""What the bot's GitHub work costs in GraphQL points, as GitHub (the stand-in) charges it."""

from __future__ import annotations

from bot.sandbox.harness import tick
from bot.sandbox.world import PRODUCT, SECRETARIAT

REPO = f"OS2offdig/{PRODUCT}"


def _points(world) -> int:
    return sum(n for key, n in world.state.rate_used.items() if key.startswith("graphql|installation:"))


def test_every_query_asks_its_price_and_the_bot_counts_what_github_charged(bot, world):
    counter = bot.app.state.bot["services"].github.counter
    bot.transfer(REPO)
    bot.settle()
    issue = bot.the_issue(REPO)
    bot.person_edits(REPO, issue.number, tick(issue.body, "match-judged"), SECRETARIAT)
    bot.person_comments(REPO, "/level 1", SECRETARIAT)
    bot.settle()
    queries = [r.query for r in world.state.log if r.kind == "graphql"]
    assert queries and all("rateLimit" in q and "cost" in q for q in queries)
    assert counter.points == _points(world) >= len(queries)


def test_a_reconcile_with_nothing_to_do_costs_at_most_3_points(bot, world):
    bot.transfer(REPO)
    bot.settle()
    before, log = _points(world), len(world.state.log)
    bot.transfer(REPO)                      # a redelivered transfer: nothing has changed
    bot.settle()
    assert _points(world) - before <= 3
    assert not any(r.write for r in world.state.log[log:])
