"""Pending work survives kill -9 and SIGTERM: real server processes, real signals."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.sandbox.deliveries import load_payload, post_delivery
from tests.conftest import SECRET, wait_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_process(args: list[str], env: dict, *, port: int | None = None) -> tuple[subprocess.Popen, str]:
    """A real server process on loopback, started and waited for (its /healthz answers)."""
    port = port or free_port()
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT,
                            env={**os.environ, **env, "PORT": str(port), "HOST": "127.0.0.1", "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"

    def up():
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            return httpx.get(f"{url}/healthz", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, timeout=30)
    return proc, url


def start_server(env: dict, mode: str, record: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    return start_process(["-m", "tests.intake.process_server", str(port), mode, str(record)], env, port=port)


def lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def payload_for(repo: str) -> bytes:
    data = json.loads(load_payload("repository.transferred.with-installation"))
    data["repository"]["full_name"] = repo
    return json.dumps(data).encode()


@pytest.mark.slow
def test_a_server_killed_with_sigkill_processes_its_pending_deliveries_after_restart(bot_env, tmp_path):
    record = tmp_path / "processed.txt"
    proc, url = start_server(bot_env, "hang", record)
    ids = [f"k-{i}" for i in range(8)]
    try:
        for i, delivery_id in enumerate(ids):   # two repositories: some in flight, some queued behind them
            response = post_delivery(url, SECRET, "repository", payload_for(f"OS2/repo-{i % 2}"), delivery_id=delivery_id)
            assert response.status_code == 202
        wait_for(lambda: len(lines(Path(str(record) + ".started"))) >= 2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert lines(record) == []                       # nothing finished before the kill

    proc, url = start_server(bot_env, "record", record)
    try:
        wait_for(lambda: len(lines(record)) == len(ids), timeout=30)
        time.sleep(0.3)
        assert sorted(lines(record)) == sorted(ids)  # each exactly once
        ready = httpx.get(f"{url}/readyz").json()
        assert ready["queue_depth"] == 0 and ready["dead_letters"] == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_sigterm_drains_work_in_flight_and_loses_nothing(bot_env, tmp_path):
    record = tmp_path / "processed.txt"
    env = {**bot_env, "DRAIN_SECONDS": "5", "WORKERS": "2"}
    proc, url = start_server(env, "slow", record)
    ids = [f"s-{i}" for i in range(6)]
    for i, delivery_id in enumerate(ids):
        post_delivery(url, SECRET, "repository", payload_for(f"OS2/slow-{i % 3}"), delivery_id=delivery_id)
    wait_for(lambda: len(lines(Path(str(record) + ".started"))) >= 1)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    assert time.monotonic() - started < 15            # the drain is bounded
    assert proc.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM after its graceful shutdown
    assert lines(record), "work in flight was finished, not dropped"
    done_before = set(lines(record))

    proc, url = start_server(env, "record", record)
    try:
        wait_for(lambda: set(lines(record)) >= set(ids), timeout=30)
        assert len(lines(record)) == len(ids)         # nothing ran twice
        assert done_before <= set(ids)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.slow
def test_secrets_never_reach_the_log_of_a_running_server(bot_env, tmp_path, private_key_pem):
    record = tmp_path / "processed.txt"
    proc, url = start_server({**bot_env, "LOG_LEVEL": "debug", "JIRA_TOKEN": "jira-token-1234"}, "record", record)
    try:
        post_delivery(url, SECRET, "repository", payload_for("OS2/a"), delivery_id="log-1")
        post_delivery(url, "wrong secret", "repository", payload_for("OS2/a"), delivery_id="log-2")
        wait_for(lambda: lines(record) == ["log-1"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    log = proc.stderr.read().decode()
    assert "webhook_rejected" in log and "log-1" in log        # the log is there, with the delivery ids
    for secret in (SECRET, "jira-token-1234", private_key_pem.splitlines()[1]):
        assert secret not in log
