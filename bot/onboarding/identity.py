"""Who the bot is, as GitHub names it in REST payloads and in GraphQL.

A person can register a user account named like the App's slug ("os2bot"); only the
App's bot is the `Bot` actor with that login (GraphQL) or `slug[bot]` of type `Bot` (REST).
So identity is the full login *and* the actor type, never a login with a suffix stripped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BotIdentity:
    rest_login: str                      # "os2bot[bot]", as REST and webhooks name it

    @property
    def slug(self) -> str:
        return self.rest_login[:-5] if self.rest_login.lower().endswith("[bot]") else self.rest_login

    def is_graphql_actor(self, login: str | None, typename: str | None) -> bool:
        """GraphQL: `{__typename: "Bot", login: "os2bot"}` (no `[bot]`)."""
        return typename == "Bot" and (login or "").lower() == self.slug.lower()

    def is_rest_user(self, user: dict | None) -> bool:
        """REST / webhook payloads: `{"login": "os2bot[bot]", "type": "Bot"}`."""
        if not isinstance(user, dict):
            return False
        return user.get("type") == "Bot" and str(user.get("login") or "").lower() == self.rest_login.lower()
