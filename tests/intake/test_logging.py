"""Logging set up while one stream was stderr keeps working after that stream is gone."""

from __future__ import annotations

import io
import sys

import structlog

from bot.log import configure_logging


def test_logging_writes_to_the_stderr_of_the_moment_not_a_closed_one(monkeypatch):
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    configure_logging("info", "json")
    first.close()                                   # e.g. a test's captured stream, closed after the test
    second = io.StringIO()
    monkeypatch.setattr(sys, "stderr", second)
    structlog.get_logger("os2bot").info("still_logging")
    assert "still_logging" in second.getvalue()
