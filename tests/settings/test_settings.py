"""Settings: Probot's names, one clear line for each mistake, secrets never printed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import SettingsError
from bot.settings import load_settings


def test_probot_names_are_read(bot_env, private_key_pem):
    s = load_settings({**bot_env, "PORT": "8080", "HOST": "127.0.0.1", "GITHUB_ORGS": "OS2offdig, os2sandbox"}, dotenv=False)
    assert s.app_id == 4242 and s.port == 8080 and s.host == "127.0.0.1"
    assert s.private_key.get().strip() == private_key_pem.strip()
    assert s.github_orgs == ("OS2offdig", "os2sandbox")


def test_transient_failures_are_retried_for_48_hours_unless_set(bot_env):
    assert load_settings(bot_env, dotenv=False).retry_for == 48 * 3600
    assert load_settings({**bot_env, "RETRY_FOR": "600"}, dotenv=False).retry_for == 600


def test_private_key_from_a_file_and_in_one_line(bot_env, private_key_pem, tmp_path):
    key_file = tmp_path / "app.pem"
    key_file.write_text(private_key_pem)
    env = {k: v for k, v in bot_env.items() if k != "PRIVATE_KEY"}
    assert load_settings({**env, "PRIVATE_KEY_PATH": str(key_file)}, dotenv=False).private_key.get().strip() == private_key_pem.strip()
    one_line = private_key_pem.replace("\n", "\\n")
    assert load_settings({**env, "PRIVATE_KEY": one_line}, dotenv=False).private_key.get().strip() == private_key_pem.strip()


@pytest.mark.parametrize("name, value, expected", [
    ("APP_ID", "abc", "APP_ID: expected a whole number"),
    ("APP_ID", "0", "APP_ID: expected a number >= 1"),
    ("PORT", "http", "PORT: expected a whole number"),
    ("PRIVATE_KEY", "not a key", "PRIVATE_KEY: expected a PEM-encoded RSA private key"),
    ("GITHUB_API_URL", "api.github.com", "GITHUB_API_URL: expected an http(s) URL"),
    ("DATABASE_URL", "postgres://db/bot", "DATABASE_URL: expected sqlite:///"),
    ("LOG_LEVEL", "loud", "LOG_LEVEL: expected debug, info, warning or error"),
    ("LOG_FORMAT", "xml", "LOG_FORMAT: expected json, console or auto"),
    ("DRAIN_SECONDS", "-1", "DRAIN_SECONDS: expected a positive number"),
    ("RETRY_FOR", "2d", "RETRY_FOR: expected a number of seconds"),
    ("RETRY_FOR", "0", "RETRY_FOR: expected a positive number"),
])
def test_a_malformed_setting_is_named_with_what_is_expected(bot_env, name, value, expected):
    with pytest.raises(SettingsError) as err:
        load_settings({**bot_env, name: value}, dotenv=False)
    assert str(err.value).startswith(expected)


def test_missing_key_file_is_named(bot_env, tmp_path):
    env = {k: v for k, v in bot_env.items() if k != "PRIVATE_KEY"}
    with pytest.raises(SettingsError, match="^PRIVATE_KEY_PATH: cannot read the key file"):
        load_settings({**env, "PRIVATE_KEY_PATH": str(tmp_path / "missing.pem")}, dotenv=False)


def test_serving_requires_the_app_settings(bot_env):
    env = {k: v for k, v in bot_env.items() if k != "WEBHOOK_SECRET"}
    with pytest.raises(SettingsError, match="^WEBHOOK_SECRET: required"):
        load_settings(env, dotenv=False).require_app()


def test_secrets_never_appear_in_repr_or_errors(bot_env, private_key_pem):
    s = load_settings({**bot_env, "JIRA_TOKEN": "jira-secret-token"}, dotenv=False)
    text = repr(s) + str(s)
    for secret in ("test-webhook-secret", "jira-secret-token", private_key_pem.splitlines()[1]):
        assert secret not in text
    with pytest.raises(SettingsError) as err:
        load_settings({**bot_env, "PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0\n-----END RSA PRIVATE KEY-----"}, dotenv=False)
    assert "c2VjcmV0" not in str(err.value)


def test_dotenv_fills_what_the_environment_lacks(tmp_path, monkeypatch, bot_env):
    (tmp_path / ".env").write_text("APP_ID=77\nPORT=4000\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORT", "5000")
    s = load_settings()
    assert s.app_id == 77 and s.port == 5000


def test_serve_stops_with_one_line_naming_the_variable(tmp_path):
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main(['serve']))"],
        env={"PATH": "/usr/bin:/bin", "APP_ID": "x", "PYTHONPATH": str(root)},
        cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == "os2bot: APP_ID: expected a whole number, got 'x'"


def test_background_intervals_default_and_turn_off(bot_env):
    defaults = load_settings(bot_env, dotenv=False)
    assert (defaults.sweep_interval, defaults.redeliver_interval) == (6 * 3600, 3600)
    off = load_settings({**bot_env, "SWEEP_INTERVAL": "0", "REDELIVER_INTERVAL": "0"}, dotenv=False)
    assert (off.sweep_interval, off.redeliver_interval) == (0, 0)
    assert load_settings({**bot_env, "REDELIVER_INTERVAL": "600"}, dotenv=False).redeliver_interval == 600
    with pytest.raises(SettingsError, match="^REDELIVER_INTERVAL: expected a number of seconds"):
        load_settings({**bot_env, "REDELIVER_INTERVAL": "hourly"}, dotenv=False)


def test_jira_settings_default_to_auto_flavour_and_ten_seconds(bot_env):
    s = load_settings({**bot_env, "JIRA_URL": "https://os2.atlassian.net/", "JIRA_USER": "bot@os2.eu",
                       "JIRA_TOKEN": "t"}, dotenv=False)
    assert (s.jira_url, s.jira_user, s.jira_flavour, s.jira_timeout) == ("https://os2.atlassian.net", "bot@os2.eu", "auto", 10.0)
    s = load_settings({**bot_env, "JIRA_FLAVOUR": "DataCenter", "JIRA_TIMEOUT": "2.5"}, dotenv=False)
    assert (s.jira_flavour, s.jira_timeout) == ("datacenter", 2.5)


@pytest.mark.parametrize("env, expected", [
    ({"JIRA_FLAVOUR": "server"}, "JIRA_FLAVOUR: expected auto, cloud or datacenter"),
    ({"JIRA_TIMEOUT": "0"}, "JIRA_TIMEOUT: expected a positive number"),
    ({"JIRA_URL": "jira.os2.eu"}, "JIRA_URL: expected an http(s) URL"),
    ({"JIRA_FLAVOUR": "cloud", "JIRA_TOKEN": "t"}, "JIRA_USER: Jira Cloud needs the account's e-mail"),
])
def test_a_malformed_jira_setting_is_named(bot_env, env, expected):
    with pytest.raises(SettingsError) as err:
        load_settings({**bot_env, **env}, dotenv=False)
    assert str(err.value).startswith(expected)


def test_the_portfolio_is_public_unless_set_to_members(bot_env):
    assert load_settings(bot_env, dotenv=False).portfolio_access == "public"
    assert load_settings({**bot_env, "PORTFOLIO_ACCESS": " Members ", "GITHUB_CLIENT_ID": "i",
                          "GITHUB_CLIENT_SECRET": "s"}, dotenv=False).portfolio_access == "members"
    with pytest.raises(SettingsError, match="PORTFOLIO_ACCESS: expected public or members"):
        load_settings({**bot_env, "PORTFOLIO_ACCESS": "private"}, dotenv=False)


def test_members_only_needs_the_apps_oauth_client(bot_env):
    with pytest.raises(SettingsError, match="GITHUB_CLIENT_ID: PORTFOLIO_ACCESS=members"):
        load_settings({**bot_env, "PORTFOLIO_ACCESS": "members"}, dotenv=False)
    s = load_settings({**bot_env, "PORTFOLIO_ACCESS": "members", "GITHUB_CLIENT_ID": "Iv1.abc",
                       "GITHUB_CLIENT_SECRET": "shh"}, dotenv=False)
    assert s.github_client_id == "Iv1.abc" and "shh" not in repr(s)
