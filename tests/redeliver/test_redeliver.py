"""One redelivery pass against the stand-in's delivery log: what is asked for, and what never twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.github import GitHubApp
from bot.redeliver import REDELIVERIES, parse_since, redeliver_forever, redeliver_missed
from bot.sandbox.github import GitHubStandin, GitHubState
from bot.settings import load_settings
from bot.store import Delivery, Store

ATTEMPTS = r"/app/hook/deliveries/\d+/attempts"


@pytest.fixture(scope="session")
def server():
    with GitHubStandin(GitHubState()) as running:
        yield running


@pytest.fixture
def state(server) -> GitHubState:
    server.state = GitHubState(private_key_pem=server.state.private_key_pem)
    return server.state


@pytest.fixture
def store(tmp_path):
    opened = Store(tmp_path / "bot.db")
    yield opened
    opened.close()


@pytest.fixture
def run(server, state, bot_env):
    settings = load_settings({**bot_env, "APP_ID": str(state.app.id), "PRIVATE_KEY": state.private_key_pem,
                              "GITHUB_API_URL": server.url}, dotenv=False)
    apps: list[GitHubApp] = []

    def go(store: Store, **kwargs):
        async def once():
            app = GitHubApp(settings)
            apps.append(app)
            return await redeliver_missed(app, store, **kwargs)
        return asyncio.run(once())

    go.apps = apps
    return go


def transferred(n: int = 1) -> dict:
    return {"action": "transferred", "repository": {"id": 500 + n, "full_name": f"OS2offdig/p{n}"},
            "installation": {"id": 77}}


def journal(store: Store, guid: str, status: str = "done") -> None:
    store.append_sync(Delivery(id=guid, event="repository", action="transferred", queue_key="repo:x",
                               installation_id=77, payload=b"{}", received_at=0.0))
    if status == "dead":
        store.call(lambda c: c.execute("UPDATE deliveries SET status = 'dead' WHERE id = ?", (guid,)))


def test_a_failed_delivery_the_journal_never_saw_is_asked_for_once(run, state, store, tmp_path):
    missed = state.record_delivery("repository", transferred(), 502, delivered=False)
    report = run(store)
    assert [(m.guid, m.delivery_id, m.kind, m.status_code) for m in report.asked] == \
        [(missed.guid, missed.id, "repository.transferred", 502)]
    assert state.count(method="POST", path=ATTEMPTS) == 1
    assert [a.redelivery for a in state.hook_attempts(missed.guid)] == [False, True]
    assert store.get(REDELIVERIES, missed.guid)["delivery_id"] == missed.id
    # the redelivery failed too (no webhook here): still not asked again, not even after a restart
    store.close()
    reopened = Store(tmp_path / "bot.db")
    try:
        again = run(reopened)
    finally:
        reopened.close()
    assert (again.asked, again.asked_before, again.attempts, again.events) == ([], 1, 2, 1)
    assert state.count(method="POST", path=ATTEMPTS) == 1


def test_answered_journaled_or_later_answered_events_are_not_asked_for(run, state, store):
    state.record_delivery("repository", transferred(1), 202, delivered=False)           # the bot answered
    journaled = state.record_delivery("repository", transferred(2), 502, delivered=False)
    journal(store, journaled.guid)                      # GitHub gave up, but the bot had it
    dead = state.record_delivery("repository", transferred(3), 504, delivered=False)
    journal(store, dead.guid, status="dead")            # a dead letter is the journal's business
    later = state.record_delivery("repository", transferred(4), 500, delivered=False)
    state.record_delivery("repository", transferred(4), 202, guid=later.guid, delivered=False, redelivery=True)
    report = run(store)
    assert report.asked == []
    assert (report.events, report.succeeded, report.journaled) == (4, 2, 2)
    assert state.count(method="POST") == 0


def test_only_events_the_bot_handles_are_asked_for(run, state, store):
    state.record_delivery("ping", {"zen": "Keep it simple."}, 500, delivered=False)
    handled = state.record_delivery("repository", transferred(), 500, delivered=False)
    report = run(store, routes={"repository.transferred": [object()]})
    assert [m.guid for m in report.asked] == [handled.guid] and report.unhandled == 1


def test_only_the_window_is_read(run, state, store):
    old = state.record_delivery("repository", transferred(1), 502, delivered=False,
                                at=state.now() - timedelta(hours=30))
    recent = [state.record_delivery("repository", transferred(n), 502, delivered=False,
                                    at=state.now() - timedelta(hours=5 - n)) for n in range(2, 5)]
    report = run(store, per_page=2)
    assert [m.guid for m in report.asked] == [d.guid for d in recent]      # oldest first
    assert report.pages == 2                       # the second page reached past the window: no third
    wider = run(store, window=parse_since("2d"))
    assert [m.guid for m in wider.asked] == [old.guid] and wider.asked_before == 3


def test_the_log_is_read_page_by_page_along_the_cursor(run, state, store):
    made = [state.record_delivery("repository", transferred(n), 500, delivered=False) for n in range(7)]
    report = run(store, per_page=3)
    assert report.pages == 3 and report.attempts == 7
    assert sorted(m.guid for m in report.asked) == sorted(d.guid for d in made)
    assert state.count(method="GET", path="/app/hook/deliveries", auth="app") == 3


def test_requests_per_run_are_capped_and_the_rest_wait(run, state, store):
    made = [state.record_delivery("repository", transferred(n), 502, delivered=False,
                                  at=state.now() - timedelta(minutes=10 - n)) for n in range(5)]
    first = run(store, max_requests=2)
    assert [m.guid for m in first.asked] == [d.guid for d in made[:2]] and first.over_cap == 3
    second = run(store, max_requests=2)
    assert [m.guid for m in second.asked] == [d.guid for d in made[2:4]] and second.asked_before == 2
    assert state.count(method="POST", path=ATTEMPTS) == 4


def test_a_refusal_is_not_asked_again_but_github_trouble_is(run, state, store):
    refused = state.record_delivery("repository", transferred(1), 502, delivered=False,
                                    at=state.now() - timedelta(minutes=2))
    troubled = state.record_delivery("repository", transferred(2), 502, delivered=False,
                                     at=state.now() - timedelta(minutes=1))
    state.fail_next(1, status=422, match="attempts")
    state.fail_next(1, status=502, match="attempts")
    report = run(store)
    assert [m.guid for m, _ in report.refused] == [refused.guid] and "422" in report.refused[0][1]
    assert report.asked == [] and report.error and "502" in report.error
    assert store.get(REDELIVERIES, troubled.guid) is None        # not recorded: the next run asks
    again = run(store)
    assert [m.guid for m in again.asked] == [troubled.guid] and again.asked_before == 1


def test_github_down_while_reading_is_an_error_not_a_crash(run, state, store):
    state.record_delivery("repository", transferred(), 502, delivered=False)
    state.fail_next(3, status=503, match="deliveries")              # a read: retried twice, then given up
    report = run(store)
    assert report.error and "503" in report.error and report.asked == []


def test_a_dry_run_asks_for_nothing_and_records_nothing(run, state, store):
    missed = state.record_delivery("repository", transferred(), 502, delivered=False)
    report = run(store, dry_run=True)
    assert [m.guid for m in report.asked] == [missed.guid]
    assert state.count(method="POST") == 0 and store.items(REDELIVERIES) == {}


def test_the_calls_go_through_the_bots_client_and_are_counted(run, state, store):
    state.record_delivery("repository", transferred(), 502, delivered=False)
    run(store)
    assert run.apps[0].counter.snapshot() == {"read": 1, "write": 1}


def test_the_schedule_runs_at_once_and_survives_a_failing_pass(store):
    calls: list[str] = []

    class Flaky:
        async def app_page(self, path, params=None):
            calls.append(path)
            if len(calls) == 1:
                raise RuntimeError("boom")
            return [], None

    async def go():
        task = asyncio.create_task(redeliver_forever(Flaky(), store, 0.05, None, first_delay=0))
        while len(calls) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

    asyncio.run(asyncio.wait_for(go(), 10))
    assert calls[:3] == ["/app/hook/deliveries"] * 3


@pytest.mark.parametrize("text, seconds", [("24h", 86400), ("90m", 5400), ("2d", 172800), ("3600", 3600),
                                           ("45s", 45), ("1.5h", 5400)])
def test_durations(text, seconds):
    assert parse_since(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-1h", "1w", "h", "24 hours"])
def test_bad_durations(text):
    with pytest.raises(ValueError):
        parse_since(text)
