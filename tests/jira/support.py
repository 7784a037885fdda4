"""What the Jira tests share: a world as OS2's Jira would be, fixtures, settings for a client."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from bot.jira import JiraClient
from bot.sandbox.jira_state import JiraState, JiraUser
from bot.settings import load_settings

FIXTURES = Path(__file__).parent.parent / "fixtures" / "jira"
BOT_EMAIL = "os2bot@os2.eu"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def run(coro):
    return asyncio.run(coro)


class World:
    """A Jira site as OS2 would have it: the bot (a Jira administrator), a secretariat group,
    two people, a category and a permission scheme for OS2's products."""

    def __init__(self, flavour: str):
        self.flavour = flavour
        self.state = JiraState(flavour)
        if flavour == "datacenter":
            self.state.key_pattern = r"[A-Z][A-Z0-9]+"     # OS2's site allows digits (the default does not)
        state = self.state
        self.bot = state.add_user("OS2 bot", BOT_EMAIL, name="os2bot", admin=True)
        self.mette = state.add_user("Mette Eksempel", "mette@eksempel.dk", groups=("os2-sekretariatet",))
        self.lars = state.add_user("Lars Leverandør", "lars@leverandoer.dk")
        self.outsider = state.add_user("Ole Udenfor", "ole@udenfor.dk", name="ole")
        self.token = state.issue_token(self.bot)
        self.category = state.add_category("OS2-produkter", "Produkter i OS2-fællesskabet")
        self.scheme = state.add_permission_scheme("OS2 Permission Scheme")

    def auth(self, user: JiraUser | None = None) -> dict[str, Any]:
        """The `jira` library's auth arguments for `user` (default: the bot)."""
        user = user or self.bot
        token = self.token if user is self.bot else self.state.issue_token(user)
        return {"basic_auth": (user.email, token)} if self.flavour == "cloud" else {"token_auth": token}

    def env(self, url: str, **extra: str) -> dict[str, str]:
        env = {"JIRA_URL": url, "JIRA_TOKEN": self.token, "JIRA_TIMEOUT": "5"}
        if self.flavour == "cloud":
            env["JIRA_USER"] = BOT_EMAIL
        env.update(extra)
        return env


def make_client(world: World, url: str, **env: str) -> JiraClient:
    settings = load_settings(world.env(url, **env), dotenv=False)
    return JiraClient(settings, max_retry_delay=0.05)
