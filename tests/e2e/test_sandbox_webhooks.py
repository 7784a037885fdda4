"""The bot with GitHub's webhooks for every change, its own writes included: it answers each
person's action and settles; its own events come back and change nothing (no loop).

Counted per action: the events a person's action causes, and the bot's writes. A loop would
show as events or writes that keep coming after the bot has settled.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from bot.sandbox.world import BOARD_MEMBER, CONTRIBUTOR, ORG, PRODUCT, SECRETARIAT, build_world, transfer_files

FULL = f"{ORG}/{PRODUCT}"
BOT = "os2bot[bot]"


@pytest.fixture
def world(github):
    """The sandbox's world before anything is transferred."""
    w = build_world(product=False)
    github.state = w.state
    return w


@pytest.fixture
def delivering(world, bot):
    world.state.app.deliver_webhooks = True      # bot.start pointed the App's webhook at the bot
    return bot


def senders(state, since: int) -> Counter:
    return Counter("bot" if json.loads(d.payload)["sender"]["login"] == BOT else "person"
                   for d in state.hook_deliveries[since:])


def quiet_for(bot, seconds: float = 1.0) -> tuple[int, int]:
    """Settle, then check that nothing more comes: (deliveries, GitHub writes) after the wait."""
    state = bot.world.state
    bot.settle(30)
    before = (len(state.hook_deliveries), state.count(write=True))
    time.sleep(seconds)
    bot.settle(30)
    after = (len(state.hook_deliveries), state.count(write=True))
    assert after == before, f"the bot kept going after it settled: {before} -> {after}"
    return after


def test_each_action_reaches_the_bot_and_its_own_writes_do_not_make_it_loop(world, delivering):
    bot, state = delivering, world.state
    per_action = {}

    def action(name: str, do) -> None:
        since, writes = len(state.hook_deliveries), state.count(write=True)
        do()
        quiet_for(bot)
        per_action[name] = (senders(state, since), state.count(write=True) - writes)

    action("transfer", lambda: state.transfer_repo(ORG, PRODUCT, CONTRIBUTOR, from_owner=CONTRIBUTOR,
                                                   files=transfer_files("niveau-2"), has_issues=True))
    issue = bot.the_issue(FULL)
    action("level and match", lambda: state.add_comment(FULL, issue.number, "/niveau 2\n/match", SECRETARIAT))
    action("board review", lambda: state.add_comment(FULL, issue.number, "/bestyrelse", SECRETARIAT))
    action("approval", lambda: state.add_comment(FULL, issue.number, "/godkend", BOARD_MEMBER))
    action("push", lambda: state.push(FULL, {"README.md": "# os2eksempel\n\nMere tekst.\n"}, CONTRIBUTOR))

    assert bot.dead_letters() == []
    assert "Bestyrelsen har godkendt produktet." in " ".join(bot.replies(FULL))
    for name, (events, writes) in per_action.items():
        assert events["person"] == 1, (name, events)                 # the person's own change
        assert events["bot"] <= 10, (name, events)                   # the bot's writes coming back, bounded
    # each of the bot's own events, sent once more as a new delivery, makes it write nothing
    writes = state.count(write=True)
    own = [d for d in state.hook_log() if json.loads(d.payload)["sender"]["login"] == BOT]
    assert len(own) >= 5, "the bot's writes sent no webhooks"
    for delivery in own:
        assert bot.deliver(delivery.event, delivery.payload).status_code == 202
    quiet_for(bot)
    assert state.count(write=True) == writes
