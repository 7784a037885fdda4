"""The SQLite journal: every acknowledged delivery, its processing state, and small caches.

One thread owns the write connection. Deliveries that arrive together are committed
together (group commit): each request still waits for its own commit before the 202,
but 32 concurrent requests cost one fsync, not 32. The journal and cache are never the
only copy of a decision (that lives in the onboarding issue); they are how the bot
remembers what it was asked to do and has not done yet.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import queue
import sqlite3
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,           -- X-GitHub-Delivery
    event           TEXT NOT NULL,
    action          TEXT,
    queue_key       TEXT NOT NULL,                  -- deliveries with one key run one at a time, in order
    installation_id INTEGER,
    payload         BLOB NOT NULL,                  -- the raw body, exactly as signed
    received_at     REAL NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',  -- pending | running | done | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error      TEXT,
    finished_at     REAL
);
CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (status, queue_key, seq);
CREATE TABLE IF NOT EXISTS kv (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (namespace, key)
);
"""

OPEN_STATUSES = ("pending", "running")


@dataclass(frozen=True)
class Delivery:
    id: str
    event: str
    action: str | None
    queue_key: str
    installation_id: int | None
    payload: bytes
    received_at: float = 0.0
    attempts: int = 0
    seq: int = 0

    def json(self) -> dict[str, Any]:
        return json.loads(self.payload)


@dataclass(frozen=True)
class JournalStats:
    pending: int
    running: int
    dead: int
    done: int
    oldest_pending_age: float | None


_COLUMNS = "id, event, action, queue_key, installation_id, payload, received_at, attempts, seq"


def _row_to_delivery(row: tuple) -> Delivery:
    return Delivery(*row)


class _Append:
    __slots__ = ("delivery",)

    def __init__(self, delivery: Delivery):
        self.delivery = delivery


class Store:
    """Thread-owned SQLite connection; every method is safe to call from any thread or coroutine."""

    def __init__(self, path: Path | str, *, synchronous: str = "FULL"):
        self.path = Path(path)
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._synchronous = synchronous
        self._thread = threading.Thread(target=self._run, name="os2bot-store", daemon=True)
        self._closed = False
        self._thread.start()
        self._ready.wait()
        if self._error:
            raise self._error

    # ---- the writer thread -------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.executescript(SCHEMA)
        return conn

    def _run(self) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:  # reported to the constructor
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        while True:
            item = self._queue.get()
            if item is None:
                break
            batch = [item]
            while len(batch) < 256:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    self._queue.put(None)
                    break
                batch.append(nxt)
            self._execute_batch(conn, batch)
        conn.close()

    def _execute_batch(self, conn: sqlite3.Connection, batch: list) -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
            results = [self._apply(conn, op) for op, _ in batch]
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if len(batch) > 1:  # find the one that failed; the others still go through
                for one in batch:
                    self._execute_batch(conn, [one])
                return
            op, fut = batch[0]
            try:
                conn.execute("BEGIN IMMEDIATE")
                result = self._apply(conn, op)
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                fut.set_exception(exc)
            else:
                fut.set_result(result)
            return
        for (_, fut), result in zip(batch, results):
            fut.set_result(result)

    @staticmethod
    def _apply(conn: sqlite3.Connection, op: Any) -> Any:
        if isinstance(op, _Append):
            d = op.delivery
            cur = conn.execute(
                "INSERT OR IGNORE INTO deliveries (id, event, action, queue_key, installation_id, payload,"
                " received_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (d.id, d.event, d.action, d.queue_key, d.installation_id, d.payload, d.received_at, d.received_at),
            )
            return cur.rowcount == 1
        return op(conn)

    def _submit(self, op: Any) -> Future:
        if self._closed:
            raise RuntimeError("store is closed")
        fut: Future = Future()
        self._queue.put((op, fut))
        return fut

    def call(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run `fn(conn)` in one transaction on the store's thread and return its result."""
        return self._submit(fn).result()

    async def acall(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        return await asyncio.wrap_future(self._submit(fn))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(None)
            self._thread.join(timeout=10)

    # ---- journal -----------------------------------------------------------
    async def append(self, delivery: Delivery) -> bool:
        """Commit a delivery; False when its id is already journaled (a redelivery)."""
        return await asyncio.wrap_future(self._submit(_Append(delivery)))

    def append_sync(self, delivery: Delivery) -> bool:
        return self._submit(_Append(delivery)).result()

    async def claim(self, *, now: float, limit: int, busy: frozenset[str]) -> list[Delivery]:
        """Take the oldest due delivery of each idle queue and mark it running."""

        def op(conn: sqlite3.Connection) -> list[Delivery]:
            rows = conn.execute(
                f"SELECT {_COLUMNS} FROM deliveries d WHERE d.status = 'pending' AND d.next_attempt_at <= ?"
                " AND d.seq = (SELECT MIN(seq) FROM deliveries o WHERE o.queue_key = d.queue_key"
                "              AND o.status IN ('pending', 'running'))"
                " ORDER BY d.seq LIMIT ?",
                (now, limit + len(busy)),
            ).fetchall()
            taken = [_row_to_delivery(r) for r in rows if r[3] not in busy][:limit]
            for d in taken:
                conn.execute("UPDATE deliveries SET status = 'running', attempts = attempts + 1 WHERE seq = ?", (d.seq,))
            return [dataclasses.replace(d, attempts=d.attempts + 1) for d in taken]

        return await self.acall(op)

    async def next_due(self) -> float | None:
        def op(conn: sqlite3.Connection) -> float | None:
            row = conn.execute("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'").fetchone()
            return row[0]

        return await self.acall(op)

    async def finish(self, seq: int, *, now: float) -> None:
        await self.acall(lambda c: c.execute(
            "UPDATE deliveries SET status = 'done', finished_at = ?, last_error = NULL WHERE seq = ?", (now, seq)))

    async def retry_later(self, seq: int, *, at: float, error: str) -> None:
        await self.acall(lambda c: c.execute(
            "UPDATE deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE seq = ?",
            (at, error[:2000], seq)))

    async def release(self, seq: int) -> None:
        """Put a delivery interrupted by shutdown back, without counting the attempt."""
        await self.acall(lambda c: c.execute(
            "UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0) WHERE seq = ?", (seq,)))

    async def dead_letter(self, seq: int, *, now: float, error: str) -> None:
        await self.acall(lambda c: c.execute(
            "UPDATE deliveries SET status = 'dead', finished_at = ?, last_error = ? WHERE seq = ?",
            (now, error[:2000], seq)))

    def recover(self) -> int:
        """After a crash, deliveries left 'running' were not finished: make them pending again."""
        return self.call(lambda c: c.execute(
            "UPDATE deliveries SET status = 'pending' WHERE status = 'running'").rowcount)

    def requeue_dead(self, delivery_id: str | None = None) -> int:
        """Give dead letters another round (an operator's decision, from the CLI)."""
        def op(c: sqlite3.Connection) -> int:
            where, args = ("status = 'dead'", ()) if delivery_id is None else ("status = 'dead' AND id = ?", (delivery_id,))
            return c.execute(f"UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE {where}",
                             (time.time(), *args)).rowcount
        return self.call(op)

    @staticmethod
    def _stats_op(now: float) -> Callable[[sqlite3.Connection], JournalStats]:
        def op(c: sqlite3.Connection) -> JournalStats:
            counts = dict(c.execute("SELECT status, COUNT(*) FROM deliveries GROUP BY status").fetchall())
            oldest = c.execute("SELECT MIN(received_at) FROM deliveries WHERE status IN ('pending', 'running')").fetchone()[0]
            return JournalStats(pending=counts.get("pending", 0), running=counts.get("running", 0),
                                dead=counts.get("dead", 0), done=counts.get("done", 0),
                                oldest_pending_age=None if oldest is None else max(0.0, now - oldest))
        return op

    def stats(self) -> JournalStats:
        return self.call(self._stats_op(time.time()))

    async def astats(self) -> JournalStats:
        return await self.acall(self._stats_op(time.time()))

    def delivery_status(self, delivery_id: str) -> dict[str, Any] | None:
        def op(c: sqlite3.Connection):
            row = c.execute("SELECT status, attempts, last_error FROM deliveries WHERE id = ?", (delivery_id,)).fetchone()
            return None if row is None else {"status": row[0], "attempts": row[1], "last_error": row[2]}
        return self.call(op)

    def deliveries(self, status: str | None = None) -> list[dict[str, Any]]:
        def op(c: sqlite3.Connection):
            sql = "SELECT id, event, action, queue_key, status, attempts, last_error, received_at FROM deliveries"
            rows = c.execute(sql + (" WHERE status = ?" if status else "") + " ORDER BY seq", (status,) if status else ()).fetchall()
            keys = ("id", "event", "action", "queue_key", "status", "attempts", "last_error", "received_at")
            return [dict(zip(keys, r)) for r in rows]
        return self.call(op)

    # ---- small key-value cache and records (installations, memberships, ...) ----
    @staticmethod
    def _put_op(namespace: str, key: str, value: Any) -> Callable[[sqlite3.Connection], Any]:
        return lambda c: c.execute(
            "INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (namespace, key, json.dumps(value), time.time()))

    @staticmethod
    def _get_op(namespace: str, key: str, default: Any, max_age: float | None) -> Callable[[sqlite3.Connection], Any]:
        def op(c: sqlite3.Connection) -> Any:
            row = c.execute("SELECT value, updated_at FROM kv WHERE namespace = ? AND key = ?", (namespace, key)).fetchone()
            if row is None or (max_age is not None and time.time() - row[1] > max_age):
                return default
            return json.loads(row[0])
        return op

    def put(self, namespace: str, key: str, value: Any) -> None:
        self.call(self._put_op(namespace, key, value))

    async def aput(self, namespace: str, key: str, value: Any) -> None:
        await self.acall(self._put_op(namespace, key, value))

    def get(self, namespace: str, key: str, default: Any = None, *, max_age: float | None = None) -> Any:
        return self.call(self._get_op(namespace, key, default, max_age))

    async def aget(self, namespace: str, key: str, default: Any = None, *, max_age: float | None = None) -> Any:
        return await self.acall(self._get_op(namespace, key, default, max_age))

    def items(self, namespace: str) -> dict[str, Any]:
        return self.call(lambda c: {k: json.loads(v) for k, v in c.execute(
            "SELECT key, value FROM kv WHERE namespace = ? ORDER BY key", (namespace,)).fetchall()})
