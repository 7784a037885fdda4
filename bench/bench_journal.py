"""Journal benchmark: `journal stats` (what /readyz answers from) and claim() at 1k and 100k rows.

Each journal is filled the way a busy bot fills it: 1 KB payloads, 500 repositories, most
deliveries done. Claim is timed with 1k and with 100k deliveries pending (the backlog), 4
queue heads at a time as the runner asks, each claim put back before the next (median of
many). Targets: stats under 1 ms and claim under 2 ms at 100k rows, and neither more than 3x
its time at 1k (constant time: they do not read the backlog).

    python bench/bench_journal.py
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import Delivery, Store  # noqa: E402

REPOSITORIES = 500
ROUNDS = 200


def fill(store: Store, rows: int, *, pending: int) -> None:
    """`rows` deliveries over REPOSITORIES queues; the last `pending` of them still pending."""
    now = time.time()
    body = json.dumps({"repository": {"full_name": "OS2offdig/x"}, "pad": "x" * 960}).encode()

    def op(conn):
        for n in range(rows):
            repo = f"OS2offdig/repo-{n % REPOSITORIES}"
            Store._insert(conn, Delivery(id=f"bench-{n}", event="push", action=None, queue_key=f"repo:{repo.lower()}",
                                         installation_id=1, payload=body, received_at=now - rows + n))
        conn.execute("UPDATE deliveries SET status = 'done', finished_at = received_at WHERE seq <= ?",
                     (rows - pending,))
    store.call(op)


def _median_ms(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def time_journal(rows: int, pending: int) -> dict[str, float]:
    """Median ms of stats() and of claim(limit=4) on a journal of `rows` with `pending` open."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "journal.db")
        try:
            fill(store, rows, pending=pending)
            stats = _median_ms(store.stats)
            loop = asyncio.new_event_loop()

            def claim_and_put_back():
                started = time.perf_counter()
                claimed = loop.run_until_complete(store.claim(now=time.time(), limit=4))
                took = time.perf_counter() - started
                for d in claimed:
                    loop.run_until_complete(store.release(d.seq))
                assert len(claimed) == 4
                return took

            try:
                claim = statistics.median(claim_and_put_back() for _ in range(ROUNDS)) * 1000
            finally:
                loop.close()
        finally:
            store.close()
        size = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 2**20
    return {"stats_ms": stats, "claim_ms": claim, "size_mb": size}


def measure_journal() -> dict[str, float]:
    """stats at 1k and 100k rows (5% pending); claim with 1k and 100k deliveries pending."""
    small = time_journal(1_000, pending=1_000)
    big_stats = time_journal(100_000, pending=5_000)
    big_claim = time_journal(100_000, pending=100_000)
    return {"stats_ms_1k": small["stats_ms"], "stats_ms_100k": big_stats["stats_ms"],
            "claim_ms_1k": small["claim_ms"], "claim_ms_100k": big_claim["claim_ms"],
            "size_mb_100k": big_stats["size_mb"]}


def targets(m: dict[str, float]) -> list[tuple[str, str, str, bool]]:
    """(figure, value, target, met) rows."""
    return [
        ("journal stats, 100k rows", f"{m['stats_ms_100k']:.3f} ms", "< 1 ms", m["stats_ms_100k"] < 1),
        ("  vs 1k rows", f"{m['stats_ms_100k'] / m['stats_ms_1k']:.2f}x", "<= 3x",
         m["stats_ms_100k"] <= 3 * m["stats_ms_1k"]),
        ("claim, 100k pending", f"{m['claim_ms_100k']:.3f} ms", "< 2 ms", m["claim_ms_100k"] < 2),
        ("  vs 1k pending", f"{m['claim_ms_100k'] / m['claim_ms_1k']:.2f}x", "<= 3x",
         m["claim_ms_100k"] <= 3 * m["claim_ms_1k"]),
    ]


def main() -> int:
    m = measure_journal()
    rows = targets(m)
    for name, value, target, ok in rows:
        print(f"{name:<28}{value:>12}  {target:<8}{'ok' if ok else 'MISSED'}")
    print(f"journal of 100k deliveries (1 KB payloads): {m['size_mb_100k']:.0f} MB on disk")
    return 0 if all(ok for *_, ok in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
