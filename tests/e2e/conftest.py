"""A GitHub stand-in for the session (a fresh world per test) and a bot server per test."""

from __future__ import annotations

import pytest

from bot.sandbox.github import GitHubStandin, GitHubState
from bot.sandbox.world import build_world
from tests.e2e.harness import Bot


@pytest.fixture(scope="session")
def github():
    server = GitHubStandin(GitHubState())
    server.start(warm_graphql=True)
    yield server
    server.stop()


@pytest.fixture
def world(github):
    w = build_world()
    github.state = w.state
    return w


@pytest.fixture
def bot(world, github, tmp_path):
    running = Bot(world=world, github_url=github.url, database=tmp_path / "bot.db").start()
    yield running
    running.stop()
