"""A GitHub stand-in for tests, benchmarks and `os2bot sandbox`: GitHub's REST and
GraphQL APIs for one GitHub App, served on loopback from an in-memory world.

    state = GitHubState()
    state.add_installation("OS2offdig")
    state.add_repo("OS2offdig", "os2forms", files={"README.md": "# OS2forms"})
    with serve_github_standin(state) as base_url:
        github = GitHub(AppAuthStrategy(state.app.id, state.private_key_pem), base_url=base_url)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.sandbox import oauth  # noqa: F401  (registers GitHub's OAuth web flow: the portfolio's sign-in)
from bot.sandbox.app import create_app
from bot.sandbox.gql import schema as graphql_schema
from bot.sandbox.serving import StandinServer, StateHolder
from bot.sandbox.state import (
    App,
    Comment,
    ContentEdit,
    GitHubState,
    HookDelivery,
    Installation,
    Issue,
    Label,
    LoggedRequest,
    Reaction,
    Repository,
    StandinError,
    Team,
    User,
)

__all__ = [
    "App", "Comment", "ContentEdit", "GitHubStandin", "GitHubState", "HookDelivery", "Installation", "Issue", "Label",
    "LoggedRequest", "Reaction", "Repository", "StandinError", "Team", "User", "create_app", "graphql_schema",
    "serve_github_standin",
]


class GitHubStandin(StandinServer):
    """GitHub's stand-in on a background thread (see StandinServer)."""

    state: GitHubState

    def app(self, holder: StateHolder):
        return create_app(holder)

    def start(self, warm_graphql: bool = False) -> str:
        """Start serving; `warm_graphql` builds GitHub's schema first (about 1.5 s)."""
        if warm_graphql:
            graphql_schema()
        return super().start()


@contextmanager
def serve_github_standin(state: GitHubState, host: str = "127.0.0.1", port: int = 0,
                         warm_graphql: bool = False) -> Iterator[str]:
    """Serve `state` from a background thread; yields the base url (http://127.0.0.1:PORT).

    `warm_graphql` builds GitHub's schema before yielding, so the first GraphQL
    request is not the slow one."""
    server = GitHubStandin(state, host, port)
    url = server.start(warm_graphql=warm_graphql)
    try:
        yield url
    finally:
        server.stop()
