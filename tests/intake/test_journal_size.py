"""A journal that stays small and fast: done deliveries pruned after JOURNAL_RETENTION,
payloads apart from the status columns, stats kept in step, claim served by an index.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time

import pytest

from bot.errors import SettingsError
from bot.prune import prune_journal
from bot.settings import load_settings
from bot.store import CLAIM_SQL, Delivery, Store, reconcile_job
from handlers import LEVEL_TRIGGERED

DAY = 24 * 3600.0


def delivery(n: int, repo: str = "OS2offdig/os2forms", event: str = "push", at: float | None = None) -> Delivery:
    body = {"repository": {"full_name": repo}, "installation": {"id": 7}, "n": n}
    return Delivery(id=f"d-{n}", event=event, action=None, queue_key=f"repo:{repo.lower()}", installation_id=7,
                    payload=json.dumps(body).encode(), received_at=time.time() if at is None else at)


def truth(store: Store) -> tuple[dict, dict]:
    """Counts per status and each queue's head, counted the slow way."""
    def op(c):
        counts = dict(c.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status"))
        heads = dict(c.execute("SELECT queue_key, MIN(seq) FROM deliveries WHERE status IN ('pending', 'running')"
                               " GROUP BY queue_key"))
        return counts, heads
    return store.call(op)


def assert_bookkeeping(store: Store) -> None:
    counts, heads = truth(store)
    stats = store.stats()
    assert {k: v for k, v in {"pending": stats.pending, "running": stats.running, "done": stats.done,
                              "dead": stats.dead}.items() if v} == counts
    assert dict(store.call(lambda c: c.execute("SELECT queue_key, seq FROM queue_heads").fetchall())) == heads


def journal(store: Store, deliveries: list[Delivery]) -> None:
    for d in deliveries:
        assert store.append_sync(d)


def set_status(store: Store, ids: list[str], status: str, finished_at: float | None = None) -> None:
    marks = ", ".join("?" * len(ids))
    store.call(lambda c: c.execute(f"UPDATE deliveries SET status = ?, finished_at = ? WHERE id IN ({marks})",
                                   (status, finished_at, *ids)))


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "journal.db")
    yield s
    s.close()


# ---- pruning -------------------------------------------------------------------------------

def test_done_deliveries_older_than_the_retention_go_with_their_payloads_and_nothing_else(store):
    now = time.time()
    journal(store, [delivery(n, repo=f"OS2/r{n}", at=now - 10 * DAY) for n in range(8)])
    set_status(store, ["d-0", "d-1"], "done", finished_at=now - 8 * DAY)    # past a 7-day retention
    set_status(store, ["d-2"], "done", finished_at=now - 6 * DAY)           # within it
    set_status(store, ["d-3"], "dead", finished_at=now - 9 * DAY)           # a dead letter: an operator's
    set_status(store, ["d-4"], "running")                                   # d-5..d-7 pending, 10 days old
    gone = asyncio.run(prune_journal(store, 7 * DAY, now=now))
    assert gone == 2
    assert store.known_ids([f"d-{n}" for n in range(8)]) == {f"d-{n}" for n in range(2, 8)}
    payloads = store.call(lambda c: c.execute("SELECT COUNT(*) FROM payloads").fetchone()[0])
    assert payloads == 6
    assert_bookkeeping(store)
    assert (store.stats().done, store.stats().dead, store.stats().pending, store.stats().running) == (1, 1, 3, 1)


def test_one_prune_takes_at_most_a_batch_and_a_pass_takes_them_all(store):
    now = time.time()
    journal(store, [delivery(n, repo=f"OS2/r{n}", at=now - 10 * DAY) for n in range(25)])
    set_status(store, [f"d-{n}" for n in range(25)], "done", finished_at=now - 8 * DAY)
    assert store.prune(before=now - 7 * DAY, batch=10) == 10
    assert store.stats().done == 15
    assert asyncio.run(prune_journal(store, 7 * DAY, now=now, batch=4, pause=0)) == 15
    assert store.stats().done == 0
    assert_bookkeeping(store)


def test_the_oldest_done_go_first(store):
    now = time.time()
    journal(store, [delivery(n, repo=f"OS2/r{n}") for n in range(3)])
    for n, age in ((0, 8), (1, 20), (2, 9)):
        set_status(store, [f"d-{n}"], "done", finished_at=now - age * DAY)
    assert store.prune(before=now - 7 * DAY, batch=1) == 1
    assert store.known_ids(["d-0", "d-1", "d-2"]) == {"d-0", "d-2"}


def test_a_redelivery_within_the_retention_is_a_duplicate_and_after_it_a_new_delivery(store):
    """GitHub redelivers for three days, the retention is at least that: a redelivery of a
    done delivery is recognised. One arriving after its delivery was pruned (a replay, an
    operator's click much later) is journaled as new; its reconcile repeats what was done."""
    now = time.time()
    first = delivery(1)

    async def go():
        assert await store.append(first)
        [claimed] = await store.claim(now=time.time(), limit=4)
        await store.finish(claimed.seq, now=now - 8 * DAY)
        assert not await store.append(first)              # a redelivery: already journaled
        assert await prune_journal(store, 7 * DAY, now=now) == 1
        assert await store.append(first)                  # pruned: new again, and run again
        [again] = await store.claim(now=time.time(), limit=4)
        return again

    again = asyncio.run(go())
    assert again.id == first.id and again.payload == first.payload and again.attempts == 1


def test_the_retention_setting_is_at_least_githubs_three_days(bot_env):
    assert load_settings(bot_env, dotenv=False).journal_retention == 7 * DAY
    assert load_settings({**bot_env, "JOURNAL_RETENTION": "30d"}, dotenv=False).journal_retention == 30 * DAY
    assert load_settings({**bot_env, "JOURNAL_RETENTION": "72h"}, dotenv=False).journal_retention == 3 * DAY
    for bad in ("2d", "0", "-7d", "a week", "7 dage"):
        with pytest.raises(SettingsError, match="JOURNAL_RETENTION"):
            load_settings({**bot_env, "JOURNAL_RETENTION": bad}, dotenv=False)


# ---- counts and heads stay true ---------------------------------------------------------------

def test_stats_stay_true_through_claim_coalesce_retry_dead_letter_requeue_and_prune(store):
    now = time.time()
    repo = "OS2offdig/os2forms"
    journal(store, [delivery(n, repo=repo, event="issue_comment") for n in range(6)]
            + [delivery(10 + n, repo=f"OS2/andet-{n}") for n in range(3)])
    assert_bookkeeping(store)

    async def go():
        claimed = await store.claim(now=time.time(), limit=10, coalesce=LEVEL_TRIGGERED)
        assert_bookkeeping(store)
        job = next(d for d in claimed if d.queue_key == f"repo:{repo.lower()}")
        assert job.group_size == 6
        others = [d for d in claimed if d is not job]
        await store.retry_later(job.seq, at=time.time(), error="502", queue=job.queue_key, last=job.group_last)
        assert_bookkeeping(store)
        await store.dead_letter(others[0].seq, now=time.time(), error="404")
        await store.finish(others[1].seq, now=now - 8 * DAY)
        await store.release(others[2].seq)
        assert_bookkeeping(store)
        [again] = [d for d in await store.claim(now=time.time(), limit=10, coalesce=LEVEL_TRIGGERED)
                   if d.queue_key == job.queue_key]
        await store.finish(again.seq, now=time.time(), queue=again.queue_key, last=again.group_last)
        assert_bookkeeping(store)

    asyncio.run(go())
    assert store.requeue_dead() == 1
    assert_bookkeeping(store)
    assert store.prune(before=now - 7 * DAY) == 1
    assert_bookkeeping(store)
    stats = store.stats()
    # the requeued dead letter pends; the released one was claimed again; the six coalesced are done
    assert (stats.pending, stats.running, stats.done, stats.dead) == (1, 1, 6, 0)


def test_a_requeued_dead_letter_becomes_its_queues_head_again(store):
    """An old dead letter requeued sits before what its repository got since: it goes first."""
    journal(store, [delivery(1), delivery(2)])

    async def go():
        [first] = await store.claim(now=time.time(), limit=4)
        await store.dead_letter(first.seq, now=time.time(), error="bug")
        assert store.requeue_dead("d-1") == 1
        assert_bookkeeping(store)
        return await store.claim(now=time.time(), limit=4)

    [head] = asyncio.run(go())
    assert head.id == "d-1"


# ---- claim does not read the backlog -----------------------------------------------------------

def test_claim_reads_queue_heads_by_index_not_the_deliveries(store):
    plan = [row[3] for row in store.call(lambda c: c.execute("EXPLAIN QUERY PLAN " + CLAIM_SQL, (time.time(), 4)))]
    assert plan[0] == "SCAN h USING COVERING INDEX queue_heads_seq"
    assert all(step.startswith("SEARCH") for step in plan[1:]), plan   # each a lookup by seq, no scan
    stats = [row[3] for row in store.call(lambda c: c.execute(
        "EXPLAIN QUERY PLAN SELECT MIN(received_at) FROM deliveries WHERE status IN ('pending', 'running')"))]
    assert stats == ["SEARCH deliveries USING INDEX deliveries_open_age"]


def test_a_long_queue_behind_a_busy_head_does_not_hide_another_repositorys_delivery(store):
    journal(store, [delivery(n) for n in range(500)] + [delivery(1000, repo="OS2/andet")])

    async def go():
        [busy] = await store.claim(now=time.time(), limit=1)
        return busy, await store.claim(now=time.time(), limit=4)

    busy, [other] = asyncio.run(go())
    assert (busy.id, other.id) == ("d-0", "d-1000")


# ---- migration of a journal made by the first layout -------------------------------------------

FIRST_LAYOUT = """
CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, event TEXT NOT NULL, action TEXT,
    queue_key TEXT NOT NULL, installation_id INTEGER, payload BLOB NOT NULL, received_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL,
    last_error TEXT, finished_at REAL, retry_from REAL);
CREATE INDEX deliveries_open ON deliveries (queue_key, seq) WHERE status IN ('pending', 'running');
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_dead ON deliveries (seq) WHERE status = 'dead';
CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, updated_at REAL NOT NULL,
    PRIMARY KEY (namespace, key));
"""


def test_a_journal_of_the_first_layout_is_migrated_in_place(tmp_path):
    path = tmp_path / "first.db"
    old = sqlite3.connect(path)
    old.executescript(FIRST_LAYOUT)
    rows = [("p-1", "push", "repo:os2/a", b'{"repository": {"full_name": "OS2/a"}, "n": 1}', "pending", None),
            ("p-2", "push", "repo:os2/a", b'{"repository": {"full_name": "OS2/a"}, "n": 2}', "pending", None),
            ("x-1", "push", "repo:os2/b", b'{"n": 3}', "done", None),          # done before finished_at was kept
            ("x-2", "push", "repo:os2/b", b'{"n": 4}', "dead", 5.0),
            ("x-3", "push", "repo:os2/c", b'{"n": 5}', "done", 6.0)]
    for i, (id_, event, queue, payload, status, finished) in enumerate(rows):
        old.execute("INSERT INTO deliveries (id, event, queue_key, installation_id, payload, received_at, status,"
                    " next_attempt_at, finished_at) VALUES (?, ?, ?, 7, ?, ?, ?, 1.0, ?)",
                    (id_, event, queue, payload, 1.0 + i, status, finished))
    old.execute("INSERT INTO deliveries (id, event, queue_key, payload, received_at, next_attempt_at)"
                " VALUES ('gone', 'push', 'repo:os2/z', x'00', 9.0, 9.0)")
    old.execute("DELETE FROM deliveries WHERE id = 'gone'")       # the highest seq was used, then deleted
    old.execute("INSERT INTO kv VALUES ('redelivery', 'g-1', '{}', 1.0)")
    old.commit()
    highest = old.execute("SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'").fetchone()[0]
    old.close()

    store = Store(path)
    try:
        columns = {r[1] for r in store.call(lambda c: c.execute("PRAGMA table_info(deliveries)").fetchall())}
        assert "payload" not in columns
        assert store.call(lambda c: c.execute("PRAGMA user_version").fetchone()[0]) == 2
        assert store.known_ids(["p-1", "p-2", "x-1", "x-2", "x-3"]) == {"p-1", "p-2", "x-1", "x-2", "x-3"}
        assert store.items("redelivery") == {"g-1": {}}
        assert_bookkeeping(store)
        stats = store.stats()
        assert (stats.pending, stats.done, stats.dead) == (2, 2, 1)
        [dead] = asyncio.run(store.dead(("push",)))
        assert (dead.id, dead.payload) == ("x-2", b'{"n": 4}')
        [head] = asyncio.run(store.claim(now=time.time(), limit=4))
        assert (head.id, head.payload) == ("p-1", rows[0][3])
        assert store.append_sync(delivery(99))
        new_seq = store.call(lambda c: c.execute("SELECT seq FROM deliveries WHERE id = 'd-99'").fetchone()[0])
        assert new_seq > highest                                   # no seq is used twice
        assert store.prune(before=time.time()) == 2                # x-1 (done, no finish time) and x-3
        assert store.known_ids(["x-1", "x-2", "x-3"]) == {"x-2"}
        assert_bookkeeping(store)
    finally:
        store.close()
    again = Store(path)                                            # opening it again changes nothing
    try:
        assert again.stats().pending == 2 and again.known_ids(["p-2"]) == {"p-2"}
        assert_bookkeeping(again)
    finally:
        again.close()


def test_a_reconcile_job_keeps_its_create_policy_through_the_payload_table(store):
    """Coalescing reads a journaled job's `create` from its payload (now in its own table)."""
    jobs = [reconcile_job(f"r-{n}", "OS2offdig/os2forms", 7, create=create, cause="test")
            for n, create in enumerate(("created", False, "existing"))]
    journal(store, jobs)
    claimed = asyncio.run(store.claim(now=time.time(), limit=4, coalesce=LEVEL_TRIGGERED))
    [job] = claimed
    assert job.group_size == 2 and job.json()["create"] == "created"   # "existing" is another question


def test_the_background_pass_prunes_and_outlives_a_failed_pass(store, monkeypatch):
    from bot.prune import prune_forever

    now = time.time()
    journal(store, [delivery(n, repo=f"OS2/r{n}") for n in range(5)])
    set_status(store, [f"d-{n}" for n in range(5)], "done", finished_at=now - 8 * DAY)
    real, calls = store.prune, []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise sqlite3.OperationalError("database is locked")
        return real(**kwargs)

    monkeypatch.setattr(store, "prune", flaky)

    async def go():
        task = asyncio.create_task(prune_forever(store, 7 * DAY, interval=0.01, first_delay=0))
        deadline = time.monotonic() + 10
        while store.stats().done and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return task

    task = asyncio.run(go())
    assert task.cancelled() and len(calls) >= 2
    assert store.stats().done == 0
