"""Inputs for the onboarding tests: the real process config, a real transferred repository."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from bot.checks.model import CheckResult, Status
from bot.onboarding.config import load_org_defaults, load_process, org_settings
from bot.onboarding.model import Decision, RepoFacts, State, Tick, record_decision

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2024-05-02T12:00:00Z"


@pytest.fixture(scope="session")
def process():
    return load_process()


@pytest.fixture(scope="session")
def settings():
    return org_settings(load_org_defaults())


@pytest.fixture(scope="session")
def repo() -> RepoFacts:
    """The repository of GitHub's own repository.transferred example payload."""
    payload = json.loads((FIXTURES / "repository.transferred.json").read_text(encoding="utf-8"))
    r = payload["repository"]
    return RepoFacts(owner=r["owner"]["login"], name=r["name"], description=r["description"],
                     html_url=r["html_url"], default_branch=r["default_branch"])


@pytest.fixture
def all_checks_pass(process):
    """Every check the process knows, passing: what a well-prepared repository gives."""
    def make(**overrides: CheckResult) -> dict[str, CheckResult]:
        results = {i.check: CheckResult(i.check, Status.PASS, "OK") for i in process.items if i.kind == "check"}
        results.update(overrides)
        return results
    return make


@pytest.fixture
def everything_done(process):
    """A state where people ticked every manual item and made every decision, at `level`."""
    def make(level: int) -> State:
        state = record_decision(State(), Decision("level", level, "rafr", "2024-05-01T10:00:00Z",
                                                  "https://github.com/OS2offdig/os2x/issues/1#issuecomment-1"))
        state = record_decision(state, Decision("board_approval", "approved", "formand", "2024-05-01T11:00:00Z"))
        ticks = {i.key: Tick(True, "sekretariat-person", "2024-05-01T12:00:00Z")
                 for i in process.items if i.kind == "manual"}
        return replace(state, ticks=ticks)
    return make
