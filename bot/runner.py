"""Processes journaled deliveries in the background.

Serialised per queue key (one repository: in order, one at a time), concurrent across
keys. What happens to a delivery that fails depends on the kind of failure:

- PermanentError (a 404, a 422, a malformed payload): dead-lettered at once.
- TransientError / RateLimited / the job timing out (GitHub down, 5xx, timeouts, rate
  limits): retried with exponential backoff capped at `backoff_cap` (10 min), however
  many attempts that takes, until the delivery is `retry_for` old (RETRY_FOR, 48 h);
  an outage never dead-letters a delivery by attempt count.
- anything else (a bug in the bot): retried up to `max_attempts` (MAX_ATTEMPTS), then
  dead-lettered: a bug does not go away by waiting.

A crash loses nothing: what was running is pending again at the next start.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Awaitable, Callable

from bot.errors import PermanentError, TransientError
from bot.log import get_logger
from bot.store import Delivery, Store

Process = Callable[[Delivery], Awaitable[None]]


class Runner:
    CLAIM_INTERVAL = 0.01
    def __init__(self, store: Store, process: Process, *, workers: int = 4, max_attempts: int = 8,
                 retry_for: float = 48 * 3600.0, backoff_base: float = 1.0, backoff_cap: float = 600.0,
                 job_timeout: float = 300.0, coalesce: frozenset[str] = frozenset()):
        self.store = store
        self.coalesce = coalesce         # events whose runs per repository are one reconcile (Store.claim)
        self.process = process
        self.workers = workers
        self.max_attempts = max_attempts
        self.retry_for = retry_for
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.job_timeout = job_timeout
        self._wake = asyncio.Event()
        self._inflight: dict[asyncio.Task, Delivery] = {}
        self._stopping = False
        self._loop_task: asyncio.Task | None = None
        self._finished = False
        self.log = get_logger(component="runner")

    # ---- lifecycle ------------------------------------------------------------
    async def start(self) -> None:
        recovered = await asyncio.to_thread(self.store.recover)
        if recovered:
            self.log.warning("deliveries_recovered", count=recovered)
        self._loop_task = asyncio.create_task(self._loop(), name="os2bot-runner")

    def notify(self) -> None:
        """A delivery was journaled: look for work now."""
        self._wake.set()

    async def stop(self, timeout: float) -> None:
        """Stop taking work; let work in flight finish within `timeout`, then put the rest back."""
        self._stopping = True
        self._wake.set()
        if self._loop_task:
            await self._loop_task
        if self._inflight:
            self.log.info("draining", in_flight=len(self._inflight), timeout=timeout)
            done, pending = await asyncio.wait(list(self._inflight), timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)
                self.log.warning("drain_timeout_released", count=len(pending))

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    # ---- the loop ---------------------------------------------------------------
    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            free = self.workers - len(self._inflight)
            if free > 0:
                try:
                    claimed = await self.store.claim(now=time.time(), limit=free, coalesce=self.coalesce)
                except Exception:
                    self.log.exception("claim_failed")
                    claimed = []
                for delivery in claimed:
                    task = asyncio.create_task(self._run_one(delivery), name=f"delivery-{delivery.id}")
                    self._inflight[task] = delivery
                    task.add_done_callback(self._done)
            await self._sleep_until_work()

    def _done(self, task: asyncio.Task) -> None:
        self._inflight.pop(task, None)
        self._finished = True
        self._wake.set()

    async def _sleep_until_work(self) -> None:
        try:
            due = await self.store.next_due()
        except Exception:
            due = None
        timeout = 5.0 if due is None else min(5.0, max(0.0, due - time.time()) + 0.01)
        try:
            await asyncio.wait_for(self._wake.wait(), timeout=timeout)
        except asyncio.TimeoutError:
            return
        if not self._finished and not self._stopping:
            # woken by intake: let a burst of deliveries gather before looking for work again
            await asyncio.sleep(self.CLAIM_INTERVAL)
        self._finished = False

    def _backoff(self, attempts: int, retry_after: float | None) -> float:
        delay = min(self.backoff_cap, self.backoff_base * 2 ** min(attempts - 1, 40))
        delay *= random.uniform(0.75, 1.25)
        if retry_after is not None:
            delay = max(delay, retry_after)
        return delay

    async def _run_one(self, delivery: Delivery) -> None:
        log = self.log.bind(delivery=delivery.id, event=delivery.event, action=delivery.action,
                            queue=delivery.queue_key, attempt=delivery.attempts)
        if delivery.group_size > 1:
            log = log.bind(coalesced=delivery.group_size)
        whole = {"queue": delivery.queue_key, "last": delivery.group_last}   # a coalesced run, all of it
        started = time.monotonic()
        try:
            await asyncio.wait_for(self.process(delivery), timeout=self.job_timeout)
        except asyncio.CancelledError:
            await asyncio.shield(self.store.release(delivery.seq, **whole))
            log.warning("delivery_released", reason="shutdown")
            raise
        except PermanentError as exc:
            await self.store.dead_letter(delivery.seq, now=time.time(), error=str(exc), **whole)
            log.error("delivery_dead", reason="permanent", error=str(exc))
        except Exception as exc:
            transient = isinstance(exc, (TransientError, asyncio.TimeoutError))
            error = f"{type(exc).__name__}: {exc}"
            now = time.time()
            give_up_at = delivery.retry_window_start + self.retry_for
            if transient and now >= give_up_at:
                await self.store.dead_letter(delivery.seq, now=now, error=error, **whole)
                log.error("delivery_dead", reason="retry_window_exhausted", error=error,
                          retry_for=self.retry_for)
                return
            if not transient and delivery.attempts >= self.max_attempts:
                await self.store.dead_letter(delivery.seq, now=now, error=error, **whole)
                log.error("delivery_dead", reason="attempts_exhausted", error=error)
                return
            delay = self._backoff(delivery.attempts, getattr(exc, "retry_after", None))
            if transient:
                delay = min(delay, max(0.0, give_up_at - now))   # the last try at the window's end
            await self.store.retry_later(delivery.seq, at=now + delay, error=error, **whole)
            if transient:
                log.warning("delivery_retry", error=error, retry_in=round(delay, 2))
            else:
                log.exception("delivery_failed", error=error, retry_in=round(delay, 2))
        else:
            await self.store.finish(delivery.seq, now=time.time(), **whole)
            log.info("delivery_done", ms=round((time.monotonic() - started) * 1000, 1))
