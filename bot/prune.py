"""Keeps the journal small: done deliveries are forgotten once JOURNAL_RETENTION has passed.

In small batches, each its own short transaction with a pause after it, so intake (whose
commits wait for the journal's lock) never waits for more than one batch. Dead letters and
open deliveries stay (Store.prune). The retention is at least GitHub's three days of
redeliveries, so a redelivery of a done delivery is still recognised as one; one that comes
later anyway (or a replay) is journaled as new and causes one more reconcile, which is
harmless: handlers are level-triggered.
"""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.log import get_logger
from bot.store import Store

BATCH = 200            # deliveries per transaction
PAUSE = 0.05           # seconds between batches: intake goes first
INTERVAL = 600.0       # seconds between passes
FIRST_PASS_DELAY = 30.0


async def prune_journal(store: Store, retention: float, *, now: float | None = None, batch: int = BATCH,
                        pause: float = PAUSE) -> int:
    """One pass: every done delivery older than `retention`, a batch at a time; how many went."""
    before = (time.time() if now is None else now) - retention
    total = 0
    while True:
        gone = await asyncio.to_thread(store.prune, before=before, batch=batch)
        total += gone
        if gone < batch:
            return total
        await asyncio.sleep(pause)


async def prune_forever(store: Store, retention: float, *, interval: float = INTERVAL,
                        first_delay: float = FIRST_PASS_DELAY) -> None:
    """A pass shortly after start-up, then one every `interval` seconds; a pass that failed (a
    busy or broken journal) is logged, and the next one tries again."""
    log = get_logger(component="prune")
    for delay in itertools.chain([min(first_delay, interval)], itertools.repeat(interval)):
        await asyncio.sleep(delay)
        try:
            gone = await prune_journal(store, retention)
        except Exception as exc:     # CancelledError is not an Exception: shutdown goes through
            log.warning("prune_failed", error=f"{type(exc).__name__}: {exc}")
        else:
            if gone:
                log.info("journal_pruned", deliveries=gone, retention_hours=round(retention / 3600, 1))
