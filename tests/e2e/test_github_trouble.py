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
