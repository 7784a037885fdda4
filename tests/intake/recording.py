"""A route table that records what ran, for tests of intake and the runner."""

from __future__ import annotations

import asyncio
from collections import Counter

FIXTURE_EVENTS = ("installation", "installation_repositories", "issue_comment", "issues", "ping", "push", "repository")


class Recorder:
    def __init__(self):
        self.runs: Counter[str] = Counter()
        self.order: list[str] = []
        self.active: set[str] = set()
        self.max_parallel = 0
        self.delay = 0.0
        self.failures: dict[str, list[Exception]] = {}

    async def handle(self, ctx) -> None:
        key = ctx.delivery.queue_key
        assert key not in self.active, f"two deliveries of {key} ran at once"
        self.active.add(key)
        self.max_parallel = max(self.max_parallel, len(self.active))
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            planned = self.failures.get(ctx.delivery.id)
            if planned:
                raise planned.pop(0)
            self.runs[ctx.delivery.id] += 1
            self.order.append(ctx.delivery.id)
        finally:
            self.active.discard(key)

    def routes(self):
        return {event: [self.handle] for event in FIXTURE_EVENTS}
