"""One served Jira stand-in for the session, a fresh world per test in the flavour the test
asks for (`cloud` or `datacenter`), and the real `jira` library / the bot's JiraClient
authenticated as the bot's account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jira import JIRA

from bot.jira import JiraClient
from bot.sandbox.jira import JiraStandin
from bot.sandbox.jira_state import JiraState
from tests.jira.support import World, make_client


@pytest.fixture(scope="session")
def jira_server() -> Iterator[JiraStandin]:
    with JiraStandin(JiraState()) as server:
        yield server


@pytest.fixture(params=["cloud", "datacenter"])
def flavour(request) -> str:
    return request.param


@pytest.fixture
def world(flavour: str, jira_server: JiraStandin) -> World:
    made = World(flavour)
    jira_server.state = made.state
    return made


@pytest.fixture
def state(world: World) -> JiraState:
    return world.state


@pytest.fixture
def library(world: World, jira_server: JiraStandin) -> JIRA:
    """The `jira` library as shipped, except a short wait between its retries (tests stay fast)."""
    jira = JIRA(jira_server.url, **world.auth(), get_server_info=False, max_retries=1, timeout=5)
    jira._session.max_retry_delay = 0.05
    return jira


@pytest.fixture
def client(world: World, jira_server: JiraStandin) -> Iterator[JiraClient]:
    made = make_client(world, jira_server.url)
    yield made
    made.close()
