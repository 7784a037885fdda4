"""The bot as GitHub sees it: signed deliveries over HTTP to a real server on loopback."""

from __future__ import annotations

import contextlib
import time
import uuid

import httpx
import pytest

from bot.app import create_app
from bot.sandbox.deliveries import PAYLOADS, delivery_headers, load_payload, post_delivery
from bot.sandbox.serving import serve_in_thread
from bot.signature import sign
from tests.conftest import SECRET, wait_for
from tests.intake.recording import Recorder

ALL_PAYLOADS = sorted(p.stem for p in PAYLOADS.glob("*.json"))


@contextlib.contextmanager
def running_bot(settings, recorder: Recorder | None = None, routes=None, **kwargs):
    recorder = recorder or Recorder()
    app = create_app(settings, routes=recorder.routes() if routes is None else routes, backoff_base=0.05, **kwargs)
    with serve_in_thread(app) as url:
        yield url, app.state.bot, recorder


def journaled(state) -> list[dict]:
    return state["store"].deliveries()


@pytest.mark.parametrize("name", ALL_PAYLOADS)
def test_every_real_payload_is_accepted_and_dispatched(bot_settings, name):
    event = name.split(".")[0]
    with running_bot(bot_settings) as (url, state, recorder):
        delivery = str(uuid.uuid4())
        response = post_delivery(url, SECRET, event, load_payload(name), delivery_id=delivery)
        if event == "ping":
            assert response.status_code == 200 and response.json() == {"status": "pong"}
            assert journaled(state) == []
            return
        assert response.status_code == 202, response.text
        assert response.json() == {"status": "queued"}
        wait_for(lambda: recorder.runs[delivery] == 1)
        wait_for(lambda: state["store"].delivery_status(delivery)["status"] == "done")


def test_bad_missing_and_sha1_only_signatures_are_401_and_nothing_is_journaled(bot_settings):
    body = load_payload("repository.transferred.with-installation")
    with running_bot(bot_settings) as (url, state, recorder):
        good = delivery_headers(SECRET, "repository", body)
        bad = {**good, "X-Hub-Signature-256": sign("wrong secret", body)}
        missing = {k: v for k, v in good.items() if k != "X-Hub-Signature-256"}
        sha1_only = {**missing, "X-Hub-Signature": "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"}
        tampered_body = body.replace(b"transferred", b"transferrex")
        for headers, content in ((bad, body), (missing, body), (sha1_only, body), (good, tampered_body)):
            response = httpx.post(f"{url}/api/github/webhooks", content=content, headers=headers)
            assert response.status_code == 401
            assert "X-Hub-Signature-256" in response.json()["error"]
        assert journaled(state) == []
        assert sum(recorder.runs.values()) == 0


def test_broken_json_is_400(bot_settings):
    with running_bot(bot_settings) as (url, state, _):
        for body in (b'{"action": "transferred", ', b"[1, 2, 3]", b"\xff\xfe not utf-8", b""):
            response = httpx.post(f"{url}/api/github/webhooks", content=body,
                                  headers=delivery_headers(SECRET, "repository", body))
            assert response.status_code == 400, body
        assert journaled(state) == []


def test_missing_github_headers_are_400(bot_settings):
    body = load_payload("repository.transferred.with-installation")
    with running_bot(bot_settings) as (url, state, _):
        for header in ("X-GitHub-Event", "X-GitHub-Delivery"):
            headers = {k: v for k, v in delivery_headers(SECRET, "repository", body).items() if k != header}
            response = httpx.post(f"{url}/api/github/webhooks", content=body, headers=headers)
            assert response.status_code == 400
            assert "X-GitHub-Event" in response.json()["error"]
        assert journaled(state) == []


def test_declared_oversize_body_is_413_before_reading(bot_settings):
    import socket
    from urllib.parse import urlsplit

    with running_bot(bot_settings) as (url, state, _):
        parts = urlsplit(url)
        headers = delivery_headers(SECRET, "repository", b"{}")
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k != "Content-Type")
        request = (f"POST /api/github/webhooks HTTP/1.1\r\nHost: {parts.netloc}\r\n{head}"
                   f"Content-Type: application/json\r\nContent-Length: {26 * 1024 * 1024}\r\n\r\n{{}}").encode()
        # only 2 bytes of the 26 MB declared are ever sent: the answer must come from the header alone
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(request)
            answer = sock.recv(4096).decode()
        assert answer.startswith("HTTP/1.1 413"), answer[:100]
        assert journaled(state) == []


def test_streamed_oversize_body_is_413_without_reading_it_all(bot_settings):
    """Chunked upload, so no Content-Length to go by: the server stops at 25 MB and answers."""
    import select
    import socket
    from urllib.parse import urlsplit

    with running_bot(bot_settings) as (url, state, _):
        parts = urlsplit(url)
        headers = delivery_headers(SECRET, "repository", b"")
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        chunk = b" " * (1024 * 1024)
        framed = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
        sent = 0
        answer = b""
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(f"POST /api/github/webhooks HTTP/1.1\r\nHost: {parts.netloc}\r\n{head}"
                         "Transfer-Encoding: chunked\r\n\r\n".encode())
            for _ in range(64):  # offer up to 64 MB
                if select.select([sock], [], [], 0)[0]:
                    break
                try:
                    sock.sendall(framed)
                except OSError:
                    break
                sent += len(chunk)
            select.select([sock], [], [], 5)
            answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
        assert sent < 40 * 1024 * 1024, f"the server kept reading: {sent} bytes sent before it answered"
        assert journaled(state) == []


def test_the_same_delivery_twice_runs_once(bot_settings):
    body = load_payload("repository.transferred.with-installation")
    with running_bot(bot_settings) as (url, state, recorder):
        first = post_delivery(url, SECRET, "repository", body, delivery_id="d-1")
        second = post_delivery(url, SECRET, "repository", body, delivery_id="d-1")
        assert first.json() == {"status": "queued"}
        assert second.status_code == 202 and second.json() == {"status": "duplicate"}
        wait_for(lambda: state["store"].delivery_status("d-1")["status"] == "done")
        third = post_delivery(url, SECRET, "repository", body, delivery_id="d-1")  # replay after processing
        assert third.json() == {"status": "duplicate"}
        assert recorder.runs["d-1"] == 1
        assert len(journaled(state)) == 1


def test_unknown_event_is_acknowledged_and_ignored(bot_settings):
    with running_bot(bot_settings) as (url, state, recorder):
        response = post_delivery(url, SECRET, "workflow_job", {"action": "queued"})
        assert response.status_code == 202 and response.json() == {"status": "ignored"}
        assert journaled(state) == []


def test_health_and_readiness(bot_settings):
    recorder = Recorder()
    recorder.delay = 0.5
    with running_bot(bot_settings, recorder) as (url, state, _):
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
        post_delivery(url, SECRET, "repository", load_payload("repository.created.with-installation"))
        ready = httpx.get(f"{url}/readyz").json()
        assert ready["status"] == "ok"
        assert ready["queue_depth"] == 1
        assert ready["oldest_pending_age_seconds"] is not None
        assert ready["dead_letters"] == 0
        wait_for(lambda: httpx.get(f"{url}/readyz").json()["queue_depth"] == 0)


def test_form_encoded_delivery_is_accepted(bot_settings):
    from urllib.parse import quote

    body = b"payload=" + quote(load_payload("repository.created.with-installation")).encode()
    with running_bot(bot_settings) as (url, state, recorder):
        headers = {**delivery_headers(SECRET, "repository", body, "form-1"),
                   "Content-Type": "application/x-www-form-urlencoded"}
        response = httpx.post(f"{url}/api/github/webhooks", content=body, headers=headers)
        assert response.status_code == 202
        wait_for(lambda: recorder.runs["form-1"] == 1)


def _rejections(logs) -> list[tuple]:
    return [(e.get("reason"), e.get("status"), e.get("problem")) for e in logs if e["event"] == "webhook_rejected"]


def test_json_nested_100k_deep_is_400_with_a_log_line_not_a_500(bot_settings):
    from structlog.testing import capture_logs

    deep = b'{"action": "transferred", "repository": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with capture_logs() as logs, running_bot(bot_settings) as (url, state, _):
        for body in (deep, b"payload=" + deep.replace(b"[", b"%5B").replace(b"]", b"%5D")):
            headers = delivery_headers(SECRET, "repository", body)
            if body.startswith(b"payload="):
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            response = httpx.post(f"{url}/api/github/webhooks", content=body, headers=headers)
            assert response.status_code == 400, response.text
            assert "nested too deeply" in response.json()["error"]
        assert journaled(state) == []
    assert _rejections(logs) == [("too_deep", 400, None)] * 2


def transfer_with(**changes) -> dict:
    """GitHub's transfer payload with fields replaced (a value of ... removes the field)."""
    import json

    data = json.loads(load_payload("repository.transferred.with-installation"))
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = data
        for key in parents:
            target = target[key]
        if value is ...:
            del target[last]
        else:
            target[last] = value
    return data


MALFORMED = [
    ("repository", transfer_with(repository=...), "no repository"),
    ("repository", transfer_with(repository="Octocoders/Hello-World"), "repository is not an object"),
    ("repository", transfer_with(repository__full_name="Hello-World"), "repository.full_name is not owner/name"),
    ("repository", transfer_with(repository__full_name="a/b/c"), "repository.full_name is not owner/name"),
    ("repository", transfer_with(repository__full_name="OS2/.."), "repository.full_name is not owner/name"),
    ("repository", transfer_with(repository__full_name=42), "repository.full_name is not a string"),
    ("repository", transfer_with(repository__full_name=...), "repository.full_name is not a string"),
    ("repository", transfer_with(installation__id="7"), "installation.id is not a number"),
    ("repository", transfer_with(installation__id=2**63), "installation.id is out of range"),   # SQLite's INTEGER
    ("repository", transfer_with(installation=[7]), "installation is not an object"),
    ("repository", transfer_with(sender="octocat"), "sender is not an object"),
    ("push", {**transfer_with(), "ref": "refs/heads/main", "commits": {"added": []}}, "commits is not a list"),
    ("push", {**transfer_with(), "commits": [{"added": "README.md"}]}, "commits[0].added is not a list of paths"),
    ("issues", {**transfer_with(action="edited"), "issue": [1]}, "issue is not an object"),
    ("issues", {**transfer_with(action="edited"), "issue": {"user": "octocat"}}, "issue.user is not an object"),
    ("issue_comment", {**transfer_with(action="created"), "issue": {}}, "no comment"),
    ("installation", {"action": "created", "installation": {"id": 1}, "repositories": [{"full_name": 3}]},
     "repositories[0].full_name is not a string"),
    ("installation", {"action": "created"}, "no installation"),
    ("installation_repositories", {"action": "added", "installation": {"id": 1}, "repositories_added": "x"},
     "repositories_added is not a list"),
]


def test_a_payload_not_shaped_as_github_sends_it_is_400_and_never_journaled(bot_settings):
    from structlog.testing import capture_logs

    with capture_logs() as logs, running_bot(bot_settings) as (url, state, recorder):
        for event, payload, problem in MALFORMED:
            response = post_delivery(url, SECRET, event, payload)
            assert response.status_code == 400, (problem, response.text)
            assert problem in response.json()["error"]
        assert journaled(state) == []          # nothing queued to be retried, nothing blocks the repository's queue
    rejections = _rejections(logs)
    assert len(rejections) == len(MALFORMED)
    for (reason, status, logged), (_, _, problem) in zip(rejections, MALFORMED):
        assert (reason, status) == ("bad_shape", 400) and problem in logged


def test_a_malformed_payload_in_the_journal_is_dead_lettered_at_once_not_retried(bot_settings):
    """Intake refuses them; one journaled before (an older bot) or by the bot itself dies at its first run."""
    import json

    from bot.store import Delivery

    recorder = Recorder()
    with running_bot(bot_settings, recorder) as (url, state, _):
        for i, payload in enumerate([transfer_with(repository__full_name="no-slash"), transfer_with(repository=7)]):
            state["store"].append_sync(Delivery(id=f"m-{i}", event="repository", action="transferred",
                                                queue_key="repo:x/y", installation_id=1,
                                                payload=json.dumps(payload).encode(), received_at=time.time()))
        state["runner"].notify()
        for i in range(2):
            status = wait_for(lambda: (s := state["store"].delivery_status(f"m-{i}"))["status"] == "dead" and s)
            assert status["attempts"] == 1 and "malformed repository payload" in status["last_error"]
        assert sum(recorder.runs.values()) == 0          # no handler saw it


def test_the_handlers_never_read_a_malformed_payload_they_dead_letter_it(bot_settings):
    """The real route table: a malformed payload is a PermanentError, never a KeyError retried as a bug."""
    import asyncio
    import json

    from bot.context import Services
    from bot.dispatch import default_routes, make_processor
    from bot.errors import PermanentError
    from bot.store import Delivery

    process = make_processor(Services(settings=bot_settings, store=None), default_routes())
    for event, payload, problem in MALFORMED:
        action = payload.get("action")
        delivery = Delivery(id="h", event=event, action=action, queue_key="repo:x/y", installation_id=1,
                            payload=json.dumps(payload).encode())
        with pytest.raises(PermanentError, match="malformed"):
            asyncio.run(process(delivery))


def test_the_bots_own_job_event_cannot_arrive_through_the_webhook_route(bot_settings):
    """`os2bot.reconcile` (with a create policy) is routed to a handler for the runner; a signed
    delivery by that name must not reach it."""
    import json

    from structlog.testing import capture_logs

    from bot.store import RECONCILE_ACTION, RECONCILE_EVENT, reconcile_job

    recorder = Recorder()
    routes = {**recorder.routes(), f"{RECONCILE_EVENT}.{RECONCILE_ACTION}": [recorder.handle]}
    job = reconcile_job("job-1", "OS2/x", 1, create=True, cause="test")
    with capture_logs() as logs, running_bot(bot_settings, recorder, routes=routes) as (url, state, _):
        for event in (RECONCILE_EVENT, RECONCILE_EVENT.upper()):
            response = post_delivery(url, SECRET, event, job.payload, delivery_id=f"forged-{event}")
            assert response.status_code == 400 and "reserved" in response.json()["error"]
        assert journaled(state) == []
        # the runner still runs the jobs the bot journals for itself
        state["store"].append_sync(job)
        state["runner"].notify()
        wait_for(lambda: recorder.runs["job-1"] == 1)
    assert _rejections(logs) == [("internal_event", 400, None)] * 2


@pytest.mark.parametrize("level", ["info", "debug"])
def test_a_rejection_is_logged_with_its_github_event_an_accepted_delivery_only_at_debug(bot_settings, capsys, level):
    import json

    import structlog

    from bot.log import configure_logging

    body = load_payload("repository.transferred.with-installation")
    saved = structlog.get_config()
    configure_logging(level, "json")     # as `os2bot serve` sets it up, at LOG_LEVEL=level
    try:
        with running_bot(bot_settings) as (url, state, _):
            headers = {**delivery_headers(SECRET, "repository", body, "bad-sig-1"),
                       "X-Hub-Signature-256": sign("wrong secret", body)}
            assert httpx.post(f"{url}/api/github/webhooks", content=body, headers=headers).status_code == 401
            assert post_delivery(url, SECRET, "repository", body, delivery_id="ok-1").status_code == 202
    finally:
        structlog.configure(**saved)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    rejected = [(e["delivery"], e["github_event"], e["reason"]) for e in lines if e["event"] == "webhook_rejected"]
    assert rejected == [("bad-sig-1", "repository", "bad_signature")]
    queued = [e["delivery"] for e in lines if e["event"] == "webhook_queued"]
    assert queued == (["ok-1"] if level == "debug" else [])   # the journal is its record


def test_a_bug_in_intake_is_a_500_with_a_log_line_and_the_next_delivery_is_taken(bot_settings, monkeypatch):
    from structlog.testing import capture_logs

    import bot.webhooks

    real = bot.webhooks.payload_problem

    def broken(event, payload):
        if payload.get("repository", {}).get("full_name") == "OS2/boom":
            raise RuntimeError("a bug")
        return real(event, payload)

    monkeypatch.setattr(bot.webhooks, "payload_problem", broken)
    with capture_logs() as logs, running_bot(bot_settings) as (url, state, recorder):
        boom = post_delivery(url, SECRET, "repository", transfer_with(repository__full_name="OS2/boom"), delivery_id="b-1")
        assert boom.status_code == 500 and boom.json() == {"error": "internal error"}
        after = post_delivery(url, SECRET, "repository", transfer_with(), delivery_id="b-2")
        assert after.status_code == 202
        assert [d["id"] for d in journaled(state)] == ["b-2"]
    failed = [e for e in logs if e["event"] == "webhook_failed"]
    assert len(failed) == 1 and failed[0]["delivery"] == "b-1" and "RuntimeError: a bug" in failed[0]["error"]


def test_a_sender_gone_mid_body_leaves_nothing_journaled(bot_settings):
    import socket
    from urllib.parse import urlsplit

    body = load_payload("repository.transferred.with-installation")
    with running_bot(bot_settings) as (url, state, _):
        parts = urlsplit(url)
        head = "".join(f"{k}: {v}\r\n" for k, v in delivery_headers(SECRET, "repository", body, "gone-1").items())
        with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
            sock.sendall(f"POST /api/github/webhooks HTTP/1.1\r\nHost: {parts.netloc}\r\n{head}"
                         f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:1000])
        assert post_delivery(url, SECRET, "repository", body, delivery_id="after-1").status_code == 202
        assert [d["id"] for d in journaled(state)] == ["after-1"]


def test_the_webhook_path_answers_only_post(bot_settings):
    with running_bot(bot_settings) as (url, state, _):
        assert httpx.get(f"{url}/api/github/webhooks").status_code == 405
        assert httpx.put(f"{url}/api/github/webhooks", content=b"{}").status_code == 405
