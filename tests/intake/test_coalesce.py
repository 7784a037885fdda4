"""Coalescing: what is queued for one repository is one reconcile, and nothing is lost.

Level-triggered: a reconcile that starts after a run of deliveries arrived sees everything
each of them would have seen, so a run of them is one reconcile. Commands need no delivery
of their own (the reconcile finds every unanswered command in the issue).
"""

from __future__ import annotations

import asyncio
import json
import time

from bot.errors import PermanentError, TransientError
from bot.runner import Runner
from bot.store import Delivery, Store, reconcile_job
from handlers import LEVEL_TRIGGERED

REPO = "OS2offdig/os2forms"


def delivery(n: int, event: str = "issue_comment", action: str | None = "created", repo: str = REPO) -> Delivery:
    body = {"repository": {"full_name": repo}, "installation": {"id": 7}, "n": n}
    return Delivery(id=f"{event}-{n}-{repo}", event=event, action=action, queue_key=f"repo:{repo.lower()}",
                    installation_id=7, payload=json.dumps(body).encode(), received_at=time.time())


def journal(store: Store, deliveries: list[Delivery]) -> None:
    """Queued while no runner runs (the bot was down, or busy elsewhere)."""
    store.call(lambda c: [store._insert(c, d) for d in deliveries])


class Reconciles:
    """The processor: records each job it is handed (what one reconcile would be asked)."""

    def __init__(self, fail: list[Exception] | None = None):
        self.jobs: list[Delivery] = []
        self.fail = list(fail or [])
        self.during = None        # async callable run inside the first job

    async def __call__(self, job: Delivery) -> None:
        self.jobs.append(job)
        if self.during is not None:
            during, self.during = self.during, None
            await during()
        if self.fail:
            raise self.fail.pop(0)


async def run_until_idle(store: Store, process, timeout: float = 60.0, **kwargs) -> None:
    runner = Runner(store, process, workers=4, backoff_base=0.01, backoff_cap=0.05, coalesce=LEVEL_TRIGGERED,
                    **kwargs)
    await runner.start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            stats = store.stats()
            if stats.pending + stats.running == 0:
                return
            assert time.monotonic() < deadline, f"still open: {stats}"
            await asyncio.sleep(0.02)
    finally:
        await runner.stop(5)


def test_20000_deliveries_for_one_repository_are_a_handful_of_reconciles_and_all_done(tmp_path):
    store = Store(tmp_path / "j.db")
    journal(store, [delivery(i) for i in range(20_000)] + [delivery(0, repo="OS2offdig/andet")])
    process = Reconciles()
    asyncio.run(run_until_idle(store, process))
    mine = [j for j in process.jobs if j.queue_key == f"repo:{REPO.lower()}"]
    assert 1 <= len(mine) <= 5                                   # runs of at most MAX_RUN (5,000)
    assert sum(j.group_size for j in mine) == 20_000 and max(j.group_size for j in mine) <= 5000
    assert all((j.event, j.action) == ("os2bot", "reconcile") for j in mine if j.group_size > 1)
    assert {j.json()["repository"]["full_name"] for j in mine} == {REPO}
    assert store.stats().done == 20_001 and store.stats().pending == 0
    store.close()


def test_a_delivery_arriving_during_the_reconcile_causes_another_one_after_it(tmp_path):
    store = Store(tmp_path / "j.db")
    journal(store, [delivery(i) for i in range(50)])
    process = Reconciles()

    async def a_comment_arrives_meanwhile():
        assert await store.append(delivery(99))
        await asyncio.sleep(0.1)
        assert store.delivery_status(delivery(99).id)["status"] == "pending"   # not swallowed by this run

    process.during = a_comment_arrives_meanwhile
    asyncio.run(run_until_idle(store, process))
    assert [j.group_size for j in process.jobs] == [50, 1]
    assert process.jobs[1].id == delivery(99).id
    assert store.delivery_status(delivery(99).id)["status"] == "done"
    store.close()


def test_the_run_keeps_the_create_policy_a_transfer_asked_for_and_stops_at_a_different_one(tmp_path):
    store = Store(tmp_path / "j.db")
    journal(store, [
        delivery(1, "push", None), delivery(2, "repository", "transferred"), delivery(3, "issues", "edited"),
        reconcile_job("install-a", REPO, 7, create="existing", cause="installation"),
        reconcile_job("install-b", REPO, 7, create="existing", cause="installation"),
        reconcile_job("created", REPO, 7, create="created", cause="creation"),
        delivery(4, "pull_request", "opened"),    # not level-triggered: runs on its own, in order
        delivery(5, "push", None),
    ])
    process = Reconciles()
    asyncio.run(run_until_idle(store, process))
    shapes = [(j.event, j.group_size, j.json().get("create")) for j in process.jobs]
    assert shapes == [("os2bot", 3, True), ("os2bot", 2, "existing"), ("os2bot", 1, "created"),
                      ("pull_request", 1, None), ("push", 1, None)]
    store.close()


def test_a_failed_run_is_retried_whole_and_a_dead_one_keeps_every_delivery_as_a_dead_letter(tmp_path):
    store = Store(tmp_path / "j.db")
    journal(store, [delivery(i) for i in range(10)])
    process = Reconciles(fail=[TransientError("GitHub answered 502")])
    asyncio.run(run_until_idle(store, process))
    assert [j.group_size for j in process.jobs] == [10, 10]
    assert store.stats().done == 10

    journal(store, [delivery(i, "repository", "transferred", repo="OS2offdig/tabt") for i in range(3)])
    process = Reconciles(fail=[PermanentError("GitHub answered 404")])
    asyncio.run(run_until_idle(store, process))
    dead = store.deliveries("dead")
    assert len(dead) == 3 and all("404" in d["last_error"] for d in dead)   # the sweep revives a transfer
    store.close()


def test_a_coalesced_run_interrupted_by_shutdown_is_put_back_whole(tmp_path):
    store = Store(tmp_path / "j.db")
    journal(store, [delivery(i) for i in range(5)])

    async def go():
        started = asyncio.Event()

        async def slow(job):
            started.set()
            await asyncio.sleep(30)

        runner = Runner(store, slow, coalesce=LEVEL_TRIGGERED)
        await runner.start()
        await asyncio.wait_for(started.wait(), 10)
        await runner.stop(0.1)

    asyncio.run(go())
    assert store.stats().pending == 5 and store.stats().running == 0
    assert {d["attempts"] for d in store.deliveries()} == {0}
    store.close()
