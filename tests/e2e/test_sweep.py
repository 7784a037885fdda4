"""The sweep repairs what no webhook told the bot: missed deliveries, changes made meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.onboarding.ticks import read_ticks
from bot.sandbox.world import PRODUCT, SECRETARIAT
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


def _sweep(bot, *extra: str) -> int:
    """`os2bot sweep` as an operator runs it; how many reconciles it queued."""
    result = subprocess.run([sys.executable, "-m", "bot.cli", "sweep", *extra], cwd=ROOT, capture_output=True,
                            text=True, env={**os.environ, **bot.environment(), "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    import re

    return int(re.search(r"(\d+) repositories queued", result.stdout)[1])


def _spent(world, since: int) -> tuple[int, int]:
    """(requests, GraphQL points) GitHub saw since log entry `since` (installation tokens excluded)."""
    seen = [r for r in world.state.log[since:] if not r.path.endswith("/access_tokens")]
    return len(seen), sum(n for key, n in world.state.rate_used.items() if key.startswith("graphql|"))


@pytest.mark.slow
def test_a_sweep_of_500_unchanged_repositories_is_a_few_requests_and_reconciles_only_what_changed(
        bot, world, monkeypatch):
    import time

    from bot.onboarding import changes

    monkeypatch.setattr(changes, "SETTLE_SECONDS", 0.0)   # the stand-in and the bot share one clock
    names = [world.add_product(f"produkt-{i:03d}") for i in range(499)]
    bot.transfer(REPO)
    bot.settle()
    assert _sweep(bot) == 500                     # never reconciled by a sweep's measure: every one, once
    bot.settle(timeout=600)
    assert bot.onboarding_issues(names[0]) == []  # not enrolled: looked at, not onboarded

    since, points_before = len(world.state.log), _spent(world, 0)[1]
    started = time.monotonic()
    assert _sweep(bot) == 0                       # nothing changed anywhere
    elapsed = time.monotonic() - started
    requests, points_after = _spent(world, since)
    assert requests <= 15, [f"{r.method} {r.path}" for r in world.state.log[since:]]
    assert points_after - points_before <= 100
    assert elapsed < 60

    # a push no webhook told about, and a command whose delivery was lost
    world.state.delete_file(names[7], "LICENSE")
    comment = bot.person_comments(REPO, "/recheck", SECRETARIAT, deliver=False)
    assert _sweep(bot) == 2
    bot.settle(timeout=60)
    assert bot.reactions(REPO, comment.id)        # the lost command was found and answered


def test_a_short_budget_slows_the_sweep_before_github_refuses_anything(world, github, tmp_path):
    """The server's sweep keeps a fifth of each hourly budget for webhooks and people: what it
    cannot afford now is journaled later, spread over the next window."""
    import asyncio

    from bot.github import GitHubApp
    from bot.settings import load_settings
    from bot.store import Store
    from bot.sweep import sweep

    for i in range(20):
        world.add_product(f"produkt-{i:02d}")
    world.state.rate_limit = 60                   # 60 points and 60 REST requests an hour
    settings = load_settings(Bot(world=world, github_url=github.url, database=tmp_path / "x.db").environment(),
                             dotenv=False)
    store = Store(tmp_path / "x.db")

    async def go():
        app = GitHubApp(settings)
        try:
            task = asyncio.create_task(sweep(app, store, settings.github_orgs, pace=True))
            await asyncio.sleep(3)
            assert not task.done()                # still spreading the rest out
            task.cancel()
            return app.installation(world.installation.id).budget
        finally:
            await app.aclose()

    budget = asyncio.run(go())
    journaled = len(store.deliveries())
    store.close()
    core = budget.get("core")
    assert core.limit == 60 and core.remaining is not None
    # all it may spend now is what lies above the reserve of 12, at about 6 requests a reconcile
    assert 0 < journaled <= (core.remaining - 12) // 6 + 1 < 21
    assert all(r.status < 400 for r in world.state.log)   # GitHub never had to refuse a request
