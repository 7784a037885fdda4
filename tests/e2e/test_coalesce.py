"""A backlog for one repository is one reconcile: the bot was down while people talked."""

from __future__ import annotations

import json
import time

from bot.sandbox.world import PRODUCT, SECRETARIAT
from bot.store import Delivery, Store
from bot.webhooks import queue_key
from tests.e2e.harness import Bot

REPO = f"OS2offdig/{PRODUCT}"


def test_2000_comments_queued_while_the_bot_was_down_are_a_few_reconciles_and_the_command_is_run(
        world, github, tmp_path):
    bot = Bot(world=world, github_url=github.url, database=tmp_path / "bot.db").start()
    bot.transfer(REPO)
    bot.settle()
    number = bot.the_issue(REPO).number
    bot.stop()

    # meanwhile: a command among 2,000 comments, each delivery journaled but not yet run
    store = Store(tmp_path / "bot.db")
    deliveries = []
    command = None
    for i in range(2000):
        comment = world.state.add_comment(REPO, number, "/level 1" if i == 1234 else f"Kommentar {i}",
                                          user=SECRETARIAT)
        command = comment if i == 1234 else command
        payload = world.comment_payload(REPO, number, comment.id, SECRETARIAT)
        deliveries.append(Delivery(id=f"backlog-{i}", event="issue_comment", action="created",
                                   queue_key=queue_key("issue_comment", json.loads(payload), f"backlog-{i}"),
                                   installation_id=world.installation.id, payload=payload, received_at=time.time()))
    store.call(lambda c: [store._insert(c, d) for d in deliveries])
    store.close()

    since = len(world.state.log)
    bot.start()
    try:
        bot.settle(timeout=120)
        worlds_read = [r for r in world.state.log[since:] if r.query and "OnboardingWorld" in r.query]
        assert 1 <= len(worlds_read) <= 6           # a handful of reconciles (a few rounds each), not 2,000
        assert {d["status"] for d in bot.app.state.bot["store"].deliveries()} == {"done"}
        assert "+1" in bot.reactions(REPO, command.id)   # the command in the backlog was run, once
        assert bot.state_of(REPO).level == 1
    finally:
        bot.stop()
