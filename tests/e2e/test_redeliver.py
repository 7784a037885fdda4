"""Missed deliveries: what GitHub logged as failed and the journal never saw comes back,
once — by hand (`os2bot redeliver`) and on the server's own schedule."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

from bot.github import GitHubApp
from bot.redeliver import redeliver_missed
from bot.sandbox.world import PRODUCT
from bot.settings import load_settings
from bot.store import Store
from tests.e2e.harness import Bot

REPO = f"OS2offdig/{PRODUCT}"
ROOT = Path(__file__).resolve().parents[2]
ATTEMPTS = r"/app/hook/deliveries/\d+/attempts"


def os2bot(bot: Bot, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, **bot.environment(), "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    return result


def test_a_delivery_never_sent_is_found_in_the_delivery_log_and_processed(bot, world):
    # GitHub tried to deliver the transfer while the bot was unreachable: 502, nothing journaled
    missed = world.state.record_delivery("repository", world.transfer_payload(REPO), 502, delivered=False)
    assert bot.onboarding_issues(REPO) == []
    first = os2bot(bot, "redeliver")
    assert f"asked: repository.transferred {missed.guid}" in first.stdout
    assert "1 redelivery request(s) made" in first.stdout
    world.state.wait_for_hooks()                       # GitHub posts the redelivery, signed, to the bot
    bot.settle()
    issue = bot.the_issue(REPO)                        # exactly one onboarding issue
    assert issue.title.startswith("Onboarding af")
    assert bot.app.state.bot["store"].delivery_status(missed.guid)["status"] == "done"
    assert [(a.redelivery, a.status_code) for a in world.state.hook_attempts(missed.guid)] == \
        [(False, 502), (True, 202)]
    second = os2bot(bot, "redeliver", "--since", "2h")
    assert "0 redelivery request(s) made" in second.stdout and "1 answered" in second.stdout
    assert world.state.count(method="POST", path=ATTEMPTS) == 1
    world.state.wait_for_hooks()
    bot.settle()
    assert len(bot.onboarding_issues(REPO)) == 1


def test_a_delivery_the_journal_already_has_is_not_redelivered(bot, world):
    other = world.add_product("andet-produkt")
    bot.transfer(REPO)                                 # delivered and answered 202: the log says so
    # delivered and journaled, but GitHub gave up waiting for the answer and logged a 502
    lost_answer = world.state.record_delivery("repository", world.transfer_payload(other), 502)
    bot.settle()
    assert bot.app.state.bot["store"].delivery_status(lost_answer.guid)["status"] == "done"
    settings = load_settings(bot.environment(), dotenv=False)
    store = Store(bot.database)
    try:
        report = asyncio.run(redeliver_missed(GitHubApp(settings), store))
    finally:
        store.close()
    assert (report.events, report.succeeded, report.journaled, report.asked) == (2, 1, 1, [])
    assert world.state.count(method="POST", path=ATTEMPTS) == 0
    assert len(bot.onboarding_issues(REPO)) == 1 and len(bot.onboarding_issues(other)) == 1


def test_the_server_asks_for_missed_deliveries_after_start_up_and_on_its_schedule(world, github, tmp_path):
    missed = world.state.record_delivery("repository", world.transfer_payload(REPO), 502, delivered=False)
    running = Bot(world=world, github_url=github.url, database=tmp_path / "r.db",
                  env={"REDELIVER_INTERVAL": "0.5"}).start()
    try:
        deadline = time.monotonic() + 20
        while not running.onboarding_issues(REPO):
            assert time.monotonic() < deadline, "the start-up pass did not bring the transfer back"
            time.sleep(0.1)
        time.sleep(2)                                  # several more passes
        world.state.wait_for_hooks()
        running.settle()
        assert world.state.count(method="GET", path="/app/hook/deliveries") >= 3
        assert world.state.count(method="POST", path=ATTEMPTS) == 1
        assert len(running.onboarding_issues(REPO)) == 1
        assert running.app.state.bot["store"].delivery_status(missed.guid)["status"] == "done"
    finally:
        running.stop()
