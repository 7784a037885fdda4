"""`os2bot serve` as deployed: its server stack, and what a 202 promises when the process dies."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from bot.sandbox.deliveries import delivery_headers
from tests.conftest import SECRET
from tests.intake.test_process_restart import free_port, payload_for, start_process, start_server


def log_lines(stderr: bytes) -> list[dict]:
    lines = []
    for line in stderr.decode().splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pass   # uvicorn's own lines through the standard library
    return lines


@pytest.mark.slow
def test_os2bot_serve_runs_on_uvloop_and_httptools(bot_env):
    port = free_port()
    proc, url = start_process(["-m", "bot.cli", "serve", "--port", str(port)],
                              {**bot_env, "LOG_LEVEL": "info", "SWEEP_INTERVAL": "0", "REDELIVER_INTERVAL": "0"},
                              port=port)
    try:
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    serving = [line for line in log_lines(proc.stderr.read()) if line.get("event") == "serving"]
    assert len(serving) == 1, serving
    assert (serving[0]["loop"], serving[0]["http"], serving[0]["port"]) == ("uvloop", "httptools", port)


def journaled_ids(database_url: str) -> set[str]:
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:   # a fresh reader after the kill: what is on disk, WAL included
        return {row[0] for row in conn.execute("SELECT id FROM deliveries")}


@pytest.mark.slow
def test_every_delivery_answered_202_is_in_the_journal_after_kill_9(bot_env, tmp_path):
    """32 deliveries in flight at once (so they share group commits), the server killed with
    SIGKILL while they still come: each one that got its 202 before the kill is journaled."""
    proc, url = start_server(bot_env, "hang", tmp_path / "processed.txt")
    body = payload_for("OS2/kill-9")
    accepted: list[str] = []
    kill_after = 300

    async def send_all() -> None:
        ids = iter(f"k9-{i}" for i in range(2000))
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10) as client:
            async def worker() -> None:
                for delivery_id in ids:
                    try:
                        response = await client.post("/api/github/webhooks", content=body,
                                                     headers=delivery_headers(SECRET, "repository", body, delivery_id))
                    except httpx.HTTPError:
                        return      # the server is gone
                    if response.status_code == 202:
                        accepted.append(delivery_id)
                    if len(accepted) == kill_after and proc.poll() is None:
                        proc.send_signal(signal.SIGKILL)   # others are still on their way in

            await asyncio.gather(*(worker() for _ in range(32)))

    try:
        asyncio.run(send_all())
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL
    assert len(accepted) >= kill_after
    on_disk = journaled_ids(bot_env["DATABASE_URL"])
    missing = [d for d in accepted if d not in on_disk]
    assert not missing, f"{len(missing)} of {len(accepted)} deliveries answered 202 were lost: {missing[:5]}"
    assert on_disk <= {f"k9-{i}" for i in range(2000)}
    assert Path(bot_env["DATABASE_URL"].removeprefix("sqlite:///")).exists()
