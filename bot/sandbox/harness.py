"""The bot as it runs: a real server on loopback, talking to the GitHub stand-in over HTTP.

Used by `os2bot sandbox`, the end-to-end tests and the benchmarks, so all three drive
the bot the way GitHub and people do: signed deliveries in, GitHub's API out.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.app import create_app
from bot.onboarding.state_block import MARKER, decode, state_key
from bot.sandbox.deliveries import post_delivery
from bot.sandbox.serving import serve_in_thread
from bot.webhooks import WEBHOOK_PATH
from bot.sandbox.world import World
from bot.settings import load_settings

SECRET = "sandbox-webhook-secret"
STATE_KEY = state_key(SECRET)


@dataclass
class Bot:
    world: World
    github_url: str
    database: Path
    url: str = ""
    app: object = None
    env: dict = field(default_factory=dict)
    backoff_cap: float = 600.0          # the longest wait between retries (tests of long outages shorten it)
    _stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)

    def environment(self) -> dict[str, str]:
        return {
            "APP_ID": str(self.world.state.app.id), "PRIVATE_KEY": self.world.state.private_key_pem,
            "WEBHOOK_SECRET": SECRET, "GITHUB_API_URL": self.github_url, "GITHUB_ORGS": self.world.org,
            "DATABASE_URL": f"sqlite:///{self.database}", "LOG_LEVEL": "warning", "LOG_FORMAT": "json",
            "SWEEP_INTERVAL": "0", "REDELIVER_INTERVAL": "0", **self.env,
        }

    def start(self) -> "Bot":
        settings = load_settings(self.environment(), dotenv=False)
        self.app = create_app(settings, backoff_base=0.05, backoff_cap=self.backoff_cap)
        self.url = self._stack.enter_context(serve_in_thread(self.app))
        # the App's webhook points at this server: the stand-in's redeliveries come here
        self.world.state.app.webhook_url = self.url + WEBHOOK_PATH
        self.world.state.app.webhook_secret = SECRET
        return self

    def stop(self) -> None:
        self._stack.close()
        self._stack = contextlib.ExitStack()

    def restart(self, *, database: Path | None = None) -> None:
        self.stop()
        if database is not None:
            self.database = database
        self.start()

    # ---- GitHub's side ------------------------------------------------------------------
    def deliver(self, event: str, body: bytes, delivery_id: str | None = None) -> httpx.Response:
        """GitHub delivers an event: posted to the bot, and logged in the App's delivery log."""
        guid = delivery_id or str(uuid.uuid4())
        response = post_delivery(self.url, SECRET, event, body, delivery_id=guid)
        self.world.state.record_delivery(event, body, response.status_code, guid=guid, delivered=False)
        return response

    def transfer(self, full_name: str, delivery_id: str | None = None) -> httpx.Response:
        return self.deliver("repository", self.world.transfer_payload(full_name), delivery_id)

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until every journaled delivery is done (or dead) and, when the stand-in sends
        webhooks for changes, until the events the bot's own writes caused are in and done too."""
        store = self.app.state.bot["store"]
        state = self.world.state
        deadline = time.monotonic() + timeout
        while True:
            stats = store.stats()
            if stats.pending + stats.running == 0:
                if not state.webhooks_in_flight():
                    return
                state.wait_for_hooks(max(0.1, deadline - time.monotonic()))
                continue    # what those webhooks journaled is the next round
            if time.monotonic() > deadline:
                raise AssertionError(f"deliveries still open after {timeout}s: {store.deliveries()}")
            time.sleep(0.02)

    def dead_letters(self) -> list[dict]:
        return self.app.state.bot["store"].deliveries("dead")

    # ---- what people see ----------------------------------------------------------------
    def onboarding_issues(self, full_name: str):
        bot = self.world.state.app.bot_login
        return [i for i in self.world.state.issues(full_name) if i.user == bot and MARKER in (i.body or "")]

    def the_issue(self, full_name: str):
        issues = self.onboarding_issues(full_name)
        assert len(issues) == 1, f"expected one onboarding issue, found {[i.number for i in issues]}"
        return issues[0]

    def state_of(self, full_name: str):
        state, problems = decode(self.the_issue(full_name).body, STATE_KEY)
        assert state is not None, problems
        return state

    def person_edits(self, full_name: str, number: int, body: str, who: str) -> httpx.Response:
        """A person saves the issue body in the browser; GitHub sends issues.edited."""
        self.world.state.edit_issue_body(full_name, number, body, who)
        return self.deliver("issues", self.world.issue_payload(full_name, number, who))


    def person_comments(self, full_name: str, body: str, who: str, *, deliver: bool = True):
        """A person comments on the onboarding issue; GitHub sends issue_comment.created."""
        number = self.the_issue(full_name).number
        comment = self.world.state.add_comment(full_name, number, body, user=who)
        if deliver:
            self.deliver("issue_comment", self.world.comment_payload(full_name, number, comment.id, who))
        return comment

    def replies(self, full_name: str) -> list[str]:
        """What the bot answered in the issue, oldest first."""
        bot = self.world.state.app.bot_login
        return [c.body for c in self.the_issue(full_name).comments if c.user == bot]

    def reactions(self, full_name: str, comment_id: int) -> list[str]:
        comment = next(c for c in self.the_issue(full_name).comments if c.id == comment_id)
        return [r.content for r in comment.reactions]


def tick(body: str, key: str, value: bool = True) -> str:
    """The body with the checkbox of item `key` set as a person would in the browser."""
    lines = body.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if f"<!-- item:{key} -->" in line:
            lines[i] = line.replace("[ ]", "[x]", 1) if value else line.replace("[x]", "[ ]", 1)
            return "".join(lines)
    raise AssertionError(f"no item {key} in the issue")
