"""The runner: in order per repository, concurrent across them, retries, dead letters."""

from __future__ import annotations

import json
import time

from bot.errors import PermanentError, RateLimited, TransientError
from bot.sandbox.deliveries import load_payload, post_delivery
from tests.conftest import SECRET, wait_for
from tests.intake.recording import Recorder
from tests.intake.test_webhook_http import running_bot


def payload_for(repo: str) -> bytes:
    data = json.loads(load_payload("repository.created.with-installation"))
    data["repository"]["full_name"] = repo
    return json.dumps(data).encode()


def test_deliveries_for_one_repository_run_in_order_and_never_together(bot_settings):
    recorder = Recorder()
    recorder.delay = 0.05
    with running_bot(bot_settings, recorder) as (url, state, _):
        ids = [f"a-{i}" for i in range(6)]
        for delivery_id in ids:
            post_delivery(url, SECRET, "repository", payload_for("OS2/one"), delivery_id=delivery_id)
        wait_for(lambda: len(recorder.order) == 6)
        assert recorder.order == ids


def test_different_repositories_are_processed_concurrently(bot_settings):
    recorder = Recorder()
    recorder.delay = 0.3
    with running_bot(bot_settings, recorder) as (url, state, _):
        for i in range(4):
            post_delivery(url, SECRET, "repository", payload_for(f"OS2/repo-{i}"), delivery_id=f"c-{i}")
        wait_for(lambda: len(recorder.order) == 4)
        assert recorder.max_parallel >= 2


def test_a_transient_failure_is_retried_then_done(bot_settings):
    recorder = Recorder()
    recorder.failures["t-1"] = [TransientError("GitHub answered 502"), RateLimited("rate limit", retry_after=0.1)]
    with running_bot(bot_settings, recorder) as (url, state, _):
        post_delivery(url, SECRET, "repository", payload_for("OS2/flaky"), delivery_id="t-1")
        wait_for(lambda: state["store"].delivery_status("t-1")["status"] == "done")
        assert recorder.runs["t-1"] == 1
        assert state["store"].delivery_status("t-1")["attempts"] == 3


def test_a_permanent_failure_is_dead_lettered_at_once_with_its_reason(bot_settings):
    recorder = Recorder()
    recorder.failures["p-1"] = [PermanentError("GitHub answered 404 to GET /repos/OS2/gone")]
    with running_bot(bot_settings, recorder) as (url, state, _):
        post_delivery(url, SECRET, "repository", payload_for("OS2/gone"), delivery_id="p-1")
        status = wait_for(lambda: (s := state["store"].delivery_status("p-1"))["status"] == "dead" and s)
        assert status["attempts"] == 1
        assert "404" in status["last_error"]


def test_a_transient_failure_is_retried_past_max_attempts_while_its_retry_window_lasts(bot_env):
    from bot.settings import load_settings

    settings = load_settings({**bot_env, "MAX_ATTEMPTS": "3"}, dotenv=False)
    recorder = Recorder()
    recorder.failures["o-1"] = [TransientError("GitHub answered 502")] * 15 + [RateLimited("rate limit", retry_after=0.01)] * 5
    with running_bot(settings, recorder, backoff_cap=0.05) as (url, state, _):
        post_delivery(url, SECRET, "repository", payload_for("OS2/outage"), delivery_id="o-1")
        wait_for(lambda: state["store"].delivery_status("o-1")["status"] == "done", timeout=20)
        assert state["store"].delivery_status("o-1")["attempts"] == 21   # an outage is not a count of attempts
        assert recorder.runs["o-1"] == 1


def test_a_transient_failure_dies_when_its_retry_window_is_over_and_the_queue_moves_on(bot_env):
    from bot.settings import load_settings

    settings = load_settings({**bot_env, "MAX_ATTEMPTS": "3", "RETRY_FOR": "1"}, dotenv=False)
    recorder = Recorder()
    recorder.failures["x-1"] = [TransientError("GitHub answered 503")] * 1000
    with running_bot(settings, recorder, backoff_cap=0.1) as (url, state, _):
        post_delivery(url, SECRET, "repository", payload_for("OS2/down"), delivery_id="x-1")
        post_delivery(url, SECRET, "repository", payload_for("OS2/down"), delivery_id="x-2")
        status = wait_for(lambda: (s := state["store"].delivery_status("x-1"))["status"] == "dead" and s)
        assert status["attempts"] > 3 and "503" in status["last_error"]
        dead = state["store"].deliveries("dead")[0]
        assert dead["id"] == "x-1" and time.time() - dead["received_at"] >= 1.0
        wait_for(lambda: recorder.runs["x-2"] == 1)   # the repository's queue is not stuck behind a dead letter
        # requeued by an operator: a new retry window, not an instant death for the old delivery
        recorder.failures["x-1"] = [TransientError("GitHub answered 503")] * 3
        state["store"].requeue_dead("x-1")
        state["runner"].notify()
        wait_for(lambda: recorder.runs["x-1"] == 1)
        assert state["store"].delivery_status("x-1")["attempts"] == 4


def test_an_unexpected_exception_is_dead_lettered_after_max_attempts(bot_env):
    from bot.settings import load_settings

    settings = load_settings({**bot_env, "MAX_ATTEMPTS": "3"}, dotenv=False)
    recorder = Recorder()
    recorder.failures["b-1"] = [KeyError("bug")] * 10
    with running_bot(settings, recorder, backoff_cap=0.05) as (url, state, _):
        post_delivery(url, SECRET, "repository", payload_for("OS2/bug"), delivery_id="b-1")
        status = wait_for(lambda: (s := state["store"].delivery_status("b-1"))["status"] == "dead" and s)
        assert status["attempts"] == 3 and "KeyError" in status["last_error"]


def test_an_unexpected_exception_is_retried_not_lost(bot_settings):
    recorder = Recorder()
    recorder.failures["u-1"] = [KeyError("bug")]
    with running_bot(bot_settings, recorder) as (url, state, _):
        post_delivery(url, SECRET, "repository", payload_for("OS2/bug"), delivery_id="u-1")
        wait_for(lambda: recorder.runs["u-1"] == 1)
        assert "KeyError" not in (state["store"].delivery_status("u-1")["last_error"] or "")


def test_a_journal_from_before_the_retry_window_column_opens_and_keeps_its_deliveries(tmp_path):
    import asyncio
    import sqlite3

    from bot.store import Store

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE deliveries (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
                " event TEXT NOT NULL, action TEXT, queue_key TEXT NOT NULL, installation_id INTEGER,"
                " payload BLOB NOT NULL, received_at REAL NOT NULL, status TEXT NOT NULL DEFAULT 'pending',"
                " attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at REAL NOT NULL, last_error TEXT,"
                " finished_at REAL)")
    old.execute("INSERT INTO deliveries (id, event, queue_key, payload, received_at, next_attempt_at)"
                " VALUES ('old-1', 'push', 'repo:os2/x', '{}', 1.0, 1.0)")
    old.commit()
    old.close()
    store = Store(path)
    try:
        [delivery] = asyncio.run(store.claim(now=time.time(), limit=5))
        assert delivery.id == "old-1" and delivery.retry_window_start == 1.0
        asyncio.run(store.dead_letter(delivery.seq, now=time.time(), error="x"))
        assert store.requeue_dead("old-1") == 1
        [again] = asyncio.run(store.claim(now=time.time(), limit=5))
        assert again.retry_window_start > 1.0
    finally:
        store.close()
