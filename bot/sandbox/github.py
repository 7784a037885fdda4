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

from bot.sandbox.app import StateHolder, create_app
from bot.sandbox.gql import schema as graphql_schema
from bot.sandbox.serving import serve_in_thread
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


class GitHubStandin:
    """A stand-in server on a background thread. `state` may be replaced while it runs,
    so a test session can keep one server and give each test a fresh world."""

    def __init__(self, state: GitHubState, host: str = "127.0.0.1", port: int = 0):
        self._holder = StateHolder(state)
        self.host, self.port = host, port
        self._serving = None

    @property
    def state(self) -> GitHubState:
        return self._holder.state

    @state.setter
    def state(self, state: GitHubState) -> None:
        self._holder.state = state

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, warm_graphql: bool = False) -> str:
        """Start serving on `port` (0 = a free port) and return the base url."""
        if warm_graphql:
            graphql_schema()
        self._serving = serve_in_thread(create_app(self._holder), host=self.host, port=self.port)
        url = self._serving.__enter__()
        self.port = int(url.rsplit(":", 1)[1])
        return url

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.__exit__(None, None, None)
            self._serving = None

    def __enter__(self) -> GitHubStandin:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


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
