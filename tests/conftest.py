"""Shared fixtures: a throwaway App key, settings for a test server, a running bot on loopback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.settings import load_settings

# Properties are judged by their examples, not by wall time: on a loaded 2-core CI machine
# Hypothesis's 200 ms per-example deadline fails tests that are right.
hypothesis_settings.register_profile("os2bot", deadline=None)
hypothesis_settings.load_profile("os2bot")

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "test-webhook-secret"


@pytest.fixture(scope="session")
def private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


@pytest.fixture
def bot_env(tmp_path, private_key_pem) -> dict[str, str]:
    """The environment a test server runs with; tests add GITHUB_API_URL etc. as needed."""
    return {
        "APP_ID": "4242",
        "PRIVATE_KEY": private_key_pem,
        "WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
        "GITHUB_API_URL": "http://127.0.0.1:9",   # nothing listens: tests that need GitHub start a stand-in
        "LOG_LEVEL": "warning",
        "LOG_FORMAT": "json",
    }


@pytest.fixture
def bot_settings(bot_env):
    return load_settings(bot_env, dotenv=False)


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll until `predicate()` is truthy; the value, or AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)
