"""GitHub down, slow to answer or rate limiting: nothing is lost, nothing is done twice."""

from __future__ import annotations

from bot.sandbox.world import PRODUCT

REPO = f"OS2offdig/{PRODUCT}"


def test_github_failing_for_a_while_delays_the_onboarding_but_loses_nothing(bot, world):
    world.state.fail_next(5, status=502, match=r"/graphql$")     # more than the client's own retries
    bot.transfer(REPO)
    bot.settle(timeout=30)
    bot.the_issue(REPO)
    assert bot.dead_letters() == []
    [delivery] = [d for d in bot.app.state.bot["store"].deliveries() if d["event"] == "repository"]
    assert delivery["attempts"] > 1 and delivery["status"] == "done"


def test_a_secondary_rate_limit_is_waited_out(bot, world):
    world.state.rate_limit_next(1, kind="secondary", retry_after=1, match=r"/graphql$")
    bot.transfer(REPO)
    bot.settle(timeout=30)
    bot.the_issue(REPO)


def test_a_write_that_fails_is_not_repeated_blindly_but_after_re_reading(bot, world):
    world.state.fail_next(1, status=502, match=r"/issues$")       # the create is refused, not done
    bot.transfer(REPO)
    bot.settle(timeout=30)
    bot.the_issue(REPO)
    assert world.state.count(method="POST", path=r".*/issues") == 2


def test_an_unreachable_github_is_retried_and_the_delivery_stays_in_the_journal(bot, world, github, tmp_path):
    from tests.e2e.harness import Bot

    down = Bot(world=world, github_url="http://127.0.0.1:9", database=tmp_path / "down.db").start()
    try:
        down.transfer(REPO, delivery_id="while-down")
        import time

        time.sleep(1.0)
        status = down.app.state.bot["store"].delivery_status("while-down")
        assert status["status"] in ("pending", "running") and "unreachable" in (status["last_error"] or "")
    finally:
        down.stop()
    up = Bot(world=world, github_url=github.url, database=tmp_path / "down.db").start()   # GitHub is back
    try:
        up.settle(timeout=60)
        up.the_issue(REPO)
    finally:
        up.stop()


def test_a_long_outage_delays_the_transfer_but_never_dead_letters_it(world, github, tmp_path):
    from tests.conftest import wait_for
    from tests.e2e.harness import Bot

    # every request fails, the token's included; short waits between tries stand in for minutes
    world.state.fail_next(10**6, status=502)
    running = Bot(world=world, github_url=github.url, database=tmp_path / "outage.db", backoff_cap=0.1).start()
    try:
        running.transfer(REPO, delivery_id="during-outage")
        store = running.app.state.bot["store"]
        wait_for(lambda: store.delivery_status("during-outage")["attempts"] > 10, timeout=30)  # MAX_ATTEMPTS (8) ended it
        status = store.delivery_status("during-outage")
        assert status["status"] in ("pending", "running") and "502" in status["last_error"]
        assert running.onboarding_issues(REPO) == []
        world.state.clear_faults()                                     # GitHub is back
        running.settle(timeout=30)
        running.the_issue(REPO)                                        # exactly one
        assert world.state.count(method="POST", path=r".*/issues", status=201) == 1
        assert running.dead_letters() == []
    finally:
        running.stop()


def test_a_transfer_that_died_stays_visible_and_the_next_sweep_onboards_the_repository(world, github, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    import httpx

    from tests.conftest import wait_for
    from tests.e2e.harness import Bot

    root = Path(__file__).resolve().parents[2]

    def cli(*args):
        result = subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=root, capture_output=True, text=True,
                                env={**os.environ, **running.environment(), "PYTHONPATH": str(root)}, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    world.state.fail_next(10**6, status=502)
    running = Bot(world=world, github_url=github.url, database=tmp_path / "dead.db", backoff_cap=0.1,
                  env={"RETRY_FOR": "1"}).start()
    try:
        running.transfer(REPO, delivery_id="died")
        store = running.app.state.bot["store"]
        wait_for(lambda: store.delivery_status("died")["status"] == "dead", timeout=30)
        assert httpx.get(f"{running.url}/readyz").json()["dead_letters"] == 1
        assert '"id": "died"' in cli("journal", "list", "--status", "dead")
        world.state.clear_faults()
        assert "1 repositories queued" in cli("sweep")   # the one repository, revived as a transfer
        running.settle(timeout=30)
        running.the_issue(REPO)
        cli("sweep")                                       # a later sweep does not revive it again
        running.settle(timeout=30)
        running.the_issue(REPO)
        assert world.state.count(method="POST", path=r".*/issues", status=201) == 1
        assert [d["id"] for d in store.deliveries() if d["id"].startswith("revive:")] == ["revive:1"]
        assert [d["id"] for d in running.dead_letters()] == ["died"]   # still there for an operator to see
    finally:
        running.stop()
