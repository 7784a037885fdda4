"""The sweep repairs what no webhook told the bot: missed deliveries, changes made meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.onboarding.ticks import read_ticks
from bot.sandbox.world import PRODUCT
from tests.e2e.harness import Bot

REPO = f"OS2offdig/{PRODUCT}"
ROOT = Path(__file__).resolve().parents[2]


def test_os2bot_sweep_queues_work_that_the_running_server_does(bot, world):
    bot.transfer(REPO)
    bot.settle()
    other = world.add_product("ikke-onboardet")
    world.state.delete_file(REPO, "LICENSE")          # no push delivery arrives for this
    result = subprocess.run([sys.executable, "-m", "bot.cli", "sweep"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, **bot.environment(), "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "repositories queued" in result.stdout
    bot.settle(timeout=30)                             # the server finds the journaled work by itself
    issue = bot.the_issue(REPO)
    assert not read_ticks(issue.body)["licence"]
    assert bot.onboarding_issues(other) == []          # a sweep never opens new onboarding issues


def test_the_server_sweeps_on_its_own_schedule(world, github, tmp_path):
    running = Bot(world=world, github_url=github.url, database=tmp_path / "s.db").start()
    try:
        running.transfer(REPO)
        running.settle()
    finally:
        running.stop()
    world.state.delete_file(REPO, "LICENSE")
    sweeping = Bot(world=world, github_url=github.url, database=tmp_path / "s.db", env={"SWEEP_INTERVAL": "0.5"})
    sweeping.start()
    try:
        import time

        deadline = time.monotonic() + 20
        while read_ticks(sweeping.the_issue(REPO).body)["licence"]:
            assert time.monotonic() < deadline, "the scheduled sweep did not repair the issue"
            time.sleep(0.1)
    finally:
        sweeping.stop()


def test_the_create_policy_a_dead_delivery_carried():
    import json

    from bot.store import Delivery, reconcile_job
    from bot.sweep import create_policy

    def delivery(event, action, payload=b"{}"):
        return Delivery(id="d", event=event, action=action, queue_key="repo:os2/x", installation_id=1, payload=payload)

    assert create_policy(delivery("repository", "transferred")) is True
    assert create_policy(delivery("repository", "created")) == "created"
    assert create_policy(delivery("repository", "renamed")) is False
    assert create_policy(delivery("push", None)) is False
    for create in (True, "existing", "created", False):
        assert create_policy(reconcile_job("j", "OS2/x", 1, create=create, cause="c")) == create
    assert create_policy(delivery("os2bot", "reconcile", json.dumps({"create": "everything"}).encode())) is False
    assert create_policy(delivery("os2bot", "reconcile", b"[1]")) is False
