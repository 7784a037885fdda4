"""The SQLite journal: every acknowledged delivery, its processing state, and small caches.

Deliveries that arrive together are committed together (group commit): each request
still waits for its own durable commit before the 202, but 32 concurrent requests cost
one fsync, not 32. The journal and cache are never the
only copy of a decision (that lives in the onboarding issue); they are how the bot
remembers what it was asked to do and has not done yet.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

SCHEMA_VERSION = 2   # PRAGMA user_version; 0: the first layout (the payload in `deliveries`)

# The status columns, small and scanned; each delivery's payload lives in `payloads` (one row
# per delivery, same seq), so claim, stats and prune never read payload pages.
DELIVERIES = """
CREATE TABLE IF NOT EXISTS deliveries (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,           -- X-GitHub-Delivery
    event           TEXT NOT NULL,
    action          TEXT,
    queue_key       TEXT NOT NULL,                  -- deliveries with one key run one at a time, in order
    installation_id INTEGER,
    received_at     REAL NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',  -- pending | running | done | dead
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error      TEXT,
    finished_at     REAL,
    retry_from      REAL                            -- start of the retry window when not received_at (a requeue)
)"""

# One statement per item (executescript would commit the migration's transaction half-way).
SCHEMA = (
    DELIVERIES,
    # each delivery's raw body, exactly as signed
    "CREATE TABLE IF NOT EXISTS payloads (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)",
    # each queue with open deliveries and its head (its oldest open delivery): what claim() reads
    "CREATE TABLE IF NOT EXISTS queue_heads (queue_key TEXT PRIMARY KEY, seq INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS queue_heads_seq ON queue_heads (seq)",
    # deliveries per status, kept by the triggers below in the same transaction as the change
    "CREATE TABLE IF NOT EXISTS journal_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS deliveries_open ON deliveries (queue_key, seq) WHERE status IN ('pending', 'running')",
    "CREATE INDEX IF NOT EXISTS deliveries_open_age ON deliveries (received_at) WHERE status IN ('pending', 'running')",
    "CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending'",
    "CREATE INDEX IF NOT EXISTS deliveries_dead ON deliveries (seq) WHERE status = 'dead'",
    "CREATE INDEX IF NOT EXISTS deliveries_done ON deliveries (finished_at) WHERE status = 'done'",
    """CREATE TRIGGER IF NOT EXISTS deliveries_inserted AFTER INSERT ON deliveries BEGIN
        INSERT INTO journal_counts (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = n + 1;
        INSERT INTO queue_heads (queue_key, seq) SELECT NEW.queue_key, NEW.seq
            WHERE NEW.status IN ('pending', 'running')
            ON CONFLICT (queue_key) DO UPDATE SET seq = MIN(seq, excluded.seq);
    END""",
    """CREATE TRIGGER IF NOT EXISTS deliveries_status AFTER UPDATE OF status ON deliveries
        WHEN OLD.status IS NOT NEW.status BEGIN
        UPDATE journal_counts SET n = n - 1 WHERE status = OLD.status;
        INSERT INTO journal_counts (status, n) VALUES (NEW.status, 1)
            ON CONFLICT (status) DO UPDATE SET n = n + 1;
    END""",
    # only when a delivery opens or closes (pending <-> running, the busy path, leaves heads be)
    """CREATE TRIGGER IF NOT EXISTS deliveries_opened_or_closed AFTER UPDATE OF status ON deliveries
        WHEN (OLD.status IN ('pending', 'running')) IS NOT (NEW.status IN ('pending', 'running')) BEGIN
        DELETE FROM queue_heads WHERE queue_key = NEW.queue_key;
        INSERT INTO queue_heads (queue_key, seq)
            SELECT NEW.queue_key, MIN(seq) FROM deliveries
            WHERE queue_key = NEW.queue_key AND status IN ('pending', 'running') HAVING MIN(seq) IS NOT NULL;
    END""",
    """CREATE TRIGGER IF NOT EXISTS deliveries_deleted AFTER DELETE ON deliveries BEGIN
        UPDATE journal_counts SET n = n - 1 WHERE status = OLD.status;
        DELETE FROM payloads WHERE seq = OLD.seq;
    END""",
    """CREATE TABLE IF NOT EXISTS kv (
    namespace  TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (namespace, key)
)""",
)

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
    retry_from: float | None = None   # set when an operator requeued it: its retry window starts again
    group_last: int | None = None     # coalesced: this claim stands for the queue's deliveries seq..group_last
    group_size: int = 1

    @property
    def retry_window_start(self) -> float:
        return self.received_at if self.retry_from is None else self.retry_from

    def json(self) -> dict[str, Any]:
        return json.loads(self.payload)


@dataclass(frozen=True)
class JournalStats:
    pending: int
    running: int
    dead: int
    done: int
    oldest_pending_age: float | None


RECONCILE_EVENT, RECONCILE_ACTION = "os2bot", "reconcile"   # deliveries the bot journals for itself
# Event names only the bot journals (its own jobs); the public webhook route refuses them.
INTERNAL_EVENTS = frozenset({RECONCILE_EVENT})


def create_policy_of(event: str, action: str | None, create: Any) -> str | bool:
    """The create policy a delivery asks its reconcile for (as handlers/ pass it): a transfer
    always onboards, a creation or an installation as the organisation's config says; a
    reconcile job carries its own (`create` from its payload); anything else never opens an issue."""
    if event == "repository":
        return {"transferred": True, "created": "created"}.get(action or "", False)
    if (event, action) == (RECONCILE_EVENT, RECONCILE_ACTION):
        if create is True or (create == 1 and not isinstance(create, str)):   # SQLite's json_extract says 1
            return True
        return create if create in ("created", "existing") else False
    return False


def reconcile_job(delivery_id: str, full_name: str, installation_id: int | None, *, create: str | bool,
                  cause: str) -> Delivery:
    """A reconcile of one repository, journaled on that repository's own queue so it runs in
    order with the repository's other deliveries (installation events, sweeps)."""
    payload = {"repository": {"full_name": full_name}, "installation": {"id": installation_id},
               "create": create, "cause": cause}
    return Delivery(id=delivery_id, event=RECONCILE_EVENT, action=RECONCILE_ACTION,
                    queue_key=f"repo:{full_name.lower()}", installation_id=installation_id,
                    payload=json.dumps(payload).encode(), received_at=time.time())


# a Delivery from `deliveries d JOIN payloads p ON p.seq = d.seq`
_COLUMNS = "d.id, d.event, d.action, d.queue_key, d.installation_id, p.body, d.received_at, d.attempts, d.seq, d.retry_from"
_WITH_PAYLOAD = "deliveries d JOIN payloads p ON p.seq = d.seq"


def _row_to_delivery(row: tuple) -> Delivery:
    return Delivery(*row)


# Claim walks the queue heads in journal order (queue_heads_seq) and stops after `limit`
# pending, due ones: it reads one row per queue that is busy or backing off, never the
# deliveries queued behind a head (test_journal_size.py holds the plan).
CLAIM_SQL = (f"SELECT {_COLUMNS} FROM queue_heads h CROSS JOIN deliveries d ON d.seq = h.seq"
             " JOIN payloads p ON p.seq = d.seq"
             " WHERE d.status = 'pending' AND d.next_attempt_at <= ? ORDER BY h.seq LIMIT ?")


def _split_payloads(conn: sqlite3.Connection, columns: set[str]) -> None:
    """The first layout kept the payload in `deliveries`: move it to `payloads` and rebuild
    `deliveries` without it (same seqs and ids, so redelivery and the duplicate check see
    the same journal; the AUTOINCREMENT counter carries over, so no seq is used twice)."""
    counter = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'deliveries'").fetchone()
    conn.execute("CREATE TABLE payloads (seq INTEGER PRIMARY KEY, body BLOB NOT NULL)")
    conn.execute("INSERT INTO payloads (seq, body) SELECT seq, payload FROM deliveries")
    for index in [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'deliveries' AND sql IS NOT NULL")]:
        conn.execute(f'DROP INDEX "{index}"')
    conn.execute("ALTER TABLE deliveries RENAME TO deliveries_v0")
    conn.execute(DELIVERIES)
    kept = ("seq, id, event, action, queue_key, installation_id, received_at, status, attempts, next_attempt_at,"
            " last_error, finished_at")
    retry_from = "retry_from" if "retry_from" in columns else "NULL"
    conn.execute(f"INSERT INTO deliveries ({kept}, retry_from) SELECT {kept}, {retry_from} FROM deliveries_v0")
    conn.execute("DROP TABLE deliveries_v0")
    if counter is not None:
        conn.execute("DELETE FROM sqlite_sequence WHERE name = 'deliveries'")
        conn.execute("INSERT INTO sqlite_sequence (name, seq) SELECT 'deliveries', MAX(?, IFNULL(MAX(seq), 0))"
                     " FROM deliveries", (counter[0],))


MAX_RUN = 5000      # deliveries coalesced into one reconcile job at most (see Store._coalesced)


class Store:
    """One SQLite connection, used inline under a lock: no thread hops on the hot path.

    Journal appends (what a 202 promises) are batched per turn of the event loop (group
    commit). In WAL mode every commit survives a crash or kill -9 of the bot; with
    `journal_sync="full"` appends also fsync, so they survive a power cut, at the price
    of blocking the event loop for the fsync (see bench/bench_intake.py for the cost).
    Bookkeeping after that (claim, done, retry) never fsyncs: a power cut may forget
    that a delivery was done, and the next reconcile repeats it harmlessly.
    """

    def __init__(self, path: Path | str, *, journal_sync: str = "normal"):
        self.path = Path(path)
        self._durable_appends = journal_sync == "full"
        if not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._closed = False
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        # checkpoints copy the WAL into the database file: tens of milliseconds that must
        # not stall request handling, so a background thread does them, not the commits
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self.call(self._migrate)
        self._appends: list[tuple[Delivery, asyncio.Future]] = []
        self._stop_checkpoints = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoint_loop, name="os2bot-checkpoint", daemon=True)
        self._checkpointer.start()

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        """Bring a journal of any earlier layout to this one, in place and in one transaction."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        columns = {row[1] for row in conn.execute("PRAGMA table_info(deliveries)")}
        if "payload" in columns:
            _split_payloads(conn, columns)
        for statement in SCHEMA:
            conn.execute(statement)
        # the counts and heads the triggers keep from now on, from what is there
        conn.execute("DELETE FROM journal_counts")
        conn.execute("INSERT INTO journal_counts (status, n) SELECT status, COUNT(*) FROM deliveries GROUP BY status")
        conn.execute("DELETE FROM queue_heads")
        conn.execute("INSERT INTO queue_heads (queue_key, seq) SELECT queue_key, MIN(seq) FROM deliveries"
                     " WHERE status IN ('pending', 'running') GROUP BY queue_key")
        conn.execute("UPDATE deliveries SET finished_at = received_at WHERE status = 'done' AND finished_at IS NULL")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _checkpoint_loop(self, interval: float = 0.1) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA busy_timeout=1000")
        try:
            while not self._stop_checkpoints.wait(interval):
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error:
                    pass   # busy or locked: the next round will do it
        finally:
            conn.close()

    def call(self, fn: Callable[[sqlite3.Connection], Any], *, durable: bool = False) -> Any:
        """Run `fn(conn)` in one transaction and return its result."""
        with self._lock:
            if self._closed:
                raise RuntimeError("store is closed")
            conn = self._conn
            if durable:
                conn.execute("PRAGMA synchronous=FULL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            finally:
                if durable:
                    conn.execute("PRAGMA synchronous=NORMAL")
            return result

    async def acall(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        return self.call(fn)

    def close(self) -> None:
        self._stop_checkpoints.set()
        self._checkpointer.join(timeout=10)
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._conn.close()

    # ---- journal -----------------------------------------------------------
    @staticmethod
    def _insert(conn: sqlite3.Connection, d: Delivery) -> bool:
        cur = conn.execute(
            "INSERT OR IGNORE INTO deliveries (id, event, action, queue_key, installation_id,"
            " received_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (d.id, d.event, d.action, d.queue_key, d.installation_id, d.received_at, d.received_at),
        )
        if cur.rowcount != 1:
            return False
        conn.execute("INSERT INTO payloads (seq, body) VALUES (?, ?)", (cur.lastrowid, d.payload))
        return True

    async def append(self, delivery: Delivery) -> bool:
        """Commit a delivery durably; False when its id is already journaled (a redelivery).

        Appends made in the same turn of the event loop share one transaction and one fsync.
        """
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._appends.append((delivery, fut))
        if len(self._appends) == 1:
            loop.call_soon(self._flush_appends)
        return await fut

    def _flush_appends(self) -> None:
        batch, self._appends = self._appends, []
        try:
            results = self.call(lambda c: [self._insert(c, d) for d, _ in batch], durable=self._durable_appends)
        except Exception as exc:
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        for (_, fut), result in zip(batch, results):
            if not fut.done():
                fut.set_result(result)

    def append_sync(self, delivery: Delivery) -> bool:
        return self.call(lambda c: self._insert(c, delivery), durable=self._durable_appends)

    async def claim(self, *, now: float, limit: int, coalesce: frozenset[str] = frozenset()) -> list[Delivery]:
        """Take the oldest due delivery of each idle queue and mark it running (a queue whose
        head is running is busy: its head is not pending, so the join skips it).

        Coalescing (`coalesce`: events whose handlers only reconcile the repository): when a
        repository queue's head is such an event, the run of such deliveries behind it is taken
        with it and handed out as ONE reconcile job of that repository (level-triggered: one
        reconcile after all of them arrived sees what each would have seen). The run stops at
        another kind of event or at a second, different create policy; deliveries journaled
        while the job runs are not in it, so they cause another reconcile after it."""

        def op(conn: sqlite3.Connection) -> list[Delivery]:
            # the head of each queue (its oldest open delivery), if it is pending and due
            rows = conn.execute(CLAIM_SQL, (now, limit)).fetchall()
            taken = [_row_to_delivery(r) for r in rows]
            out = []
            for d in taken:
                conn.execute("UPDATE deliveries SET status = 'running', attempts = attempts + 1 WHERE seq = ?", (d.seq,))
                d = dataclasses.replace(d, attempts=d.attempts + 1)
                if coalesce and d.event in coalesce and d.queue_key.startswith("repo:"):
                    d = self._coalesced(conn, d, now, coalesce)
                out.append(d)
            return out

        return await self.acall(op)

    @staticmethod
    def _coalesced(conn: sqlite3.Connection, head: Delivery, now: float, coalesce: frozenset[str]) -> Delivery:
        """`head` and the run of coalescable deliveries behind it, as one reconcile job. A run
        takes at most MAX_RUN rows: a retry re-claims its run, and marking a backlog of 40,000
        rows running and pending again on every retry would hold up intake on the loop."""
        try:
            head_create = head.json().get("create") if head.event == RECONCILE_EVENT else None
        except (ValueError, AttributeError):
            return head
        policy = create_policy_of(head.event, head.action, head_create)
        last, size, window = head.seq, 1, head.retry_window_start
        rows = conn.execute(
            "SELECT seq, event, action, next_attempt_at, received_at, retry_from,"
            " CASE WHEN event = ? THEN (SELECT json_extract(CAST(body AS TEXT), '$.create') FROM payloads p"
            "  WHERE p.seq = d.seq AND json_valid(CAST(body AS TEXT))) END"
            " FROM deliveries d WHERE queue_key = ? AND status = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
            (RECONCILE_EVENT, head.queue_key, head.seq, MAX_RUN - 1))
        for seq, event, action, due, received, retry_from, create in rows:
            if event not in coalesce or due > now:
                break
            wanted = create_policy_of(event, action, create)
            if wanted is not False and policy is not False and wanted != policy:
                break       # "created" and "existing" are different questions: not one reconcile
            policy = policy if wanted is False else wanted
            last, size = seq, size + 1
            window = max(window, retry_from if retry_from is not None else received)
        if size == 1:
            return head
        conn.execute("UPDATE deliveries SET status = 'running', attempts = attempts + 1"
                     " WHERE queue_key = ? AND seq > ? AND seq <= ? AND status = 'pending'",
                     (head.queue_key, head.seq, last))
        newest = conn.execute(f"SELECT p.body, d.installation_id FROM {_WITH_PAYLOAD} WHERE d.seq = ?",
                              (last,)).fetchone()
        try:
            full_name = json.loads(newest[0])["repository"]["full_name"]
        except (ValueError, KeyError, TypeError):
            full_name = head.queue_key[len("repo:"):]
        job = reconcile_job(head.id, full_name, newest[1] or head.installation_id, create=policy,
                            cause=f"{size} deliveries coalesced")
        return dataclasses.replace(head, event=job.event, action=job.action, payload=job.payload,
                                   installation_id=job.installation_id, retry_from=window,
                                   group_last=last, group_size=size)

    @staticmethod
    def _where(seq: int, queue: str | None, last: int | None) -> tuple[str, tuple]:
        """The delivery `seq`, or the coalesced run seq..last of `queue` that is running."""
        if last is None or queue is None:
            return "seq = ?", (seq,)
        return "queue_key = ? AND seq >= ? AND seq <= ? AND status = 'running'", (queue, seq, last)

    async def next_due(self) -> float | None:
        def op(conn: sqlite3.Connection) -> float | None:
            row = conn.execute("SELECT MIN(next_attempt_at) FROM deliveries WHERE status = 'pending'").fetchone()
            return row[0]

        return await self.acall(op)

    # `queue` and `last`: a coalesced claim (Delivery.group_last) is finished as a whole
    async def finish(self, seq: int, *, now: float, queue: str | None = None, last: int | None = None) -> None:
        where, args = self._where(seq, queue, last)
        await self.acall(lambda c: c.execute(
            f"UPDATE deliveries SET status = 'done', finished_at = ?, last_error = NULL WHERE {where}", (now, *args)))

    async def retry_later(self, seq: int, *, at: float, error: str, queue: str | None = None,
                          last: int | None = None) -> None:
        where, args = self._where(seq, queue, last)
        await self.acall(lambda c: c.execute(
            f"UPDATE deliveries SET status = 'pending', next_attempt_at = ?, last_error = ? WHERE {where}",
            (at, error[:2000], *args)))

    async def release(self, seq: int, *, queue: str | None = None, last: int | None = None) -> None:
        """Put a delivery interrupted by shutdown back, without counting the attempt."""
        where, args = self._where(seq, queue, last)
        await self.acall(lambda c: c.execute(
            f"UPDATE deliveries SET status = 'pending', attempts = MAX(attempts - 1, 0) WHERE {where}", args))

    async def dead_letter(self, seq: int, *, now: float, error: str, queue: str | None = None,
                          last: int | None = None) -> None:
        where, args = self._where(seq, queue, last)
        await self.acall(lambda c: c.execute(
            f"UPDATE deliveries SET status = 'dead', finished_at = ?, last_error = ? WHERE {where}",
            (now, error[:2000], *args)))

    def recover(self) -> int:
        """After a crash, deliveries left 'running' were not finished: make them pending again."""
        return self.call(lambda c: c.execute(
            "UPDATE deliveries SET status = 'pending' WHERE status = 'running'").rowcount)

    def requeue_dead(self, delivery_id: str | None = None) -> int:
        """Give dead letters another round (an operator's decision, from the CLI): attempts
        count from 0 and the retry window (RETRY_FOR) starts now."""
        def op(c: sqlite3.Connection) -> int:
            where, args = ("status = 'dead'", ()) if delivery_id is None else ("status = 'dead' AND id = ?", (delivery_id,))
            now = time.time()
            return c.execute(f"UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?, retry_from = ?"
                             f" WHERE {where}", (now, now, *args)).rowcount
        return self.call(op)

    def prune(self, *, before: float, batch: int = 500) -> int:
        """Forget up to `batch` deliveries done before `before` (an epoch), oldest first, with
        their payloads; how many went. Dead letters and open deliveries are never pruned. One
        small transaction: the caller loops, letting intake in between (prune_journal)."""
        return self.call(lambda c: c.execute(
            "DELETE FROM deliveries WHERE seq IN (SELECT seq FROM deliveries"
            " WHERE status = 'done' AND finished_at < ? ORDER BY finished_at LIMIT ?)", (before, batch)).rowcount)

    async def dead(self, events: tuple[str, ...]) -> list[Delivery]:
        """Dead letters of these events, oldest first (the sweep reads what they asked for)."""
        marks = ", ".join("?" * len(events))
        return await self.acall(lambda c: [_row_to_delivery(r) for r in c.execute(
            f"SELECT {_COLUMNS} FROM {_WITH_PAYLOAD} WHERE d.status = 'dead' AND d.event IN ({marks}) ORDER BY d.seq",
            events).fetchall()])

    @staticmethod
    def _stats_op(now: float) -> Callable[[sqlite3.Connection], JournalStats]:
        def op(c: sqlite3.Connection) -> JournalStats:
            counts = dict(c.execute("SELECT status, n FROM journal_counts").fetchall())   # kept by triggers
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

    def known_ids(self, delivery_ids: list[str]) -> set[str]:
        """Which of these delivery ids the journal has, whatever their status."""
        def op(c: sqlite3.Connection) -> set[str]:
            found: set[str] = set()
            for start in range(0, len(delivery_ids), 500):
                chunk = delivery_ids[start:start + 500]
                marks = ", ".join("?" * len(chunk))
                found.update(r[0] for r in c.execute(f"SELECT id FROM deliveries WHERE id IN ({marks})", chunk))
            return found
        return self.call(op)

    async def aknown_ids(self, delivery_ids: list[str]) -> set[str]:
        return self.known_ids(delivery_ids)

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

    def forget_older(self, namespace: str, before: float) -> int:
        """Drop a namespace's records last written before `before` (an epoch); how many went."""
        return self.call(lambda c: c.execute("DELETE FROM kv WHERE namespace = ? AND updated_at < ?",
                                             (namespace, before)).rowcount)

    def items(self, namespace: str) -> dict[str, Any]:
        return self.call(lambda c: {k: json.loads(v) for k, v in c.execute(
            "SELECT key, value FROM kv WHERE namespace = ? ORDER BY key", (namespace,)).fetchall()})
