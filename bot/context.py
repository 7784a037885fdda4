"""What a handler gets: the delivery, its payload, a bound logger and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.errors import PermanentError
from bot.settings import Settings
from bot.store import Delivery, Store


@dataclass
class Services:
    """The long-lived things a handler may use; tests pass their own."""

    settings: Settings
    store: Store
    github: Any = None          # bot.github.GitHubApp, None when the App is not configured
    extra: dict[str, Any] = field(default_factory=dict)
    enqueue: Any = None         # async (Delivery) -> bool: journal follow-up work (set by the app)
    _reconciler: Any = None

    async def reconciler(self):
        """The onboarding reconciler, built on first use (it needs the App's bot login)."""
        if self._reconciler is None:
            from bot.onboarding.reconcile import Reconciler
            from bot.onboarding.state_block import state_key

            key = state_key(self.settings.webhook_secret.get() if self.settings.webhook_secret else "")
            jira = None
            if self.settings.jira_url:
                from bot.jira import JiraClient
                jira = JiraClient(self.settings)
            self._reconciler = Reconciler(store=self.store, bot_login=await self.github.bot_login(), state_key=key,
                                          jira_configured=jira is not None, jira=jira,
                                          jira_url=self.settings.jira_url or "")
        return self._reconciler


@dataclass
class Context:
    delivery: Delivery
    payload: dict[str, Any]
    services: Services
    log: Any

    @property
    def event(self) -> str:
        return self.delivery.event

    @property
    def action(self) -> str | None:
        return self.delivery.action

    @property
    def installation_id(self) -> int | None:
        return self.delivery.installation_id

    @property
    def repository(self) -> dict[str, Any] | None:
        return self.payload.get("repository")

    def installation_client(self):
        if self.services.github is None:
            raise PermanentError("GitHub App not configured (APP_ID, PRIVATE_KEY)")
        if self.installation_id is None:
            raise PermanentError(f"{self.event} delivery has no installation: not sent to a GitHub App")
        return self.services.github.installation(self.installation_id)
