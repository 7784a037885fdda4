"""Settings from the environment (and an optional .env), Probot's names where Probot has one.

A missing or malformed setting stops start-up with one line naming the variable.
Secrets are wrapped so that they never show up in a log line, a repr or an error.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from bot.errors import SettingsError

GITHUB_MAX_PAYLOAD = 25 * 1024 * 1024  # GitHub caps webhook payloads at 25 MB
# GitHub keeps an App's delivery log (and redelivers from it) this long: the journal must
# remember every delivery id at least as long, or a redelivery of a done one runs again.
GITHUB_KEEPS_DELIVERIES = 3 * 24 * 3600.0


class Secret:
    """A string that refuses to be printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class Settings:
    app_id: int | None = None
    private_key: Secret | None = None
    webhook_secret: Secret | None = None
    github_api_url: str = "https://api.github.com"
    github_orgs: tuple[str, ...] = ()
    database_path: Path = Path("os2bot.db")
    host: str = "0.0.0.0"
    port: int = 3000
    log_level: str = "info"
    log_format: str = "auto"          # json | console | auto (console on a terminal)
    workers: int = 4                  # deliveries processed at once (never two for one repository)
    max_attempts: int = 8             # a delivery failing with an unexpected error (a bug): then dead-lettered
    retry_for: float = 48 * 3600      # a delivery failing transiently (GitHub down, 5xx, rate limits): retried this long
    drain_seconds: float = 20.0       # how long SIGTERM waits for work in flight
    journal_sync: str = "normal"      # normal: survives a crash or kill -9; full: also a power cut (slower)
    github_timeout: float = 10.0
    sweep_interval: float = 6 * 3600  # seconds between sweeps of every repository; 0 turns them off
    redeliver_interval: float = 3600  # seconds between reads of the App's delivery log (redeliver what failed); 0: off
    journal_retention: float = 7 * 24 * 3600   # done deliveries are forgotten this long after they were done
    jira_url: str | None = None
    jira_user: str | None = None
    jira_token: Secret | None = None
    jira_flavour: str = "auto"        # auto (asks serverInfo) | cloud | datacenter
    jira_timeout: float = 10.0        # seconds per Jira request
    portfolio_access: str = "public"  # public | members: the portfolio page and JSON (docs/portfolio.md)
    github_client_id: str | None = None       # the App's OAuth client: members sign in to the portfolio
    github_client_secret: Secret | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def require_app(self) -> None:
        """The server cannot verify or act without these; the CLI's check command can."""
        missing = [name for name, value in (
            ("APP_ID", self.app_id),
            ("PRIVATE_KEY or PRIVATE_KEY_PATH", self.private_key),
            ("WEBHOOK_SECRET", self.webhook_secret),
        ) if not value]
        if missing:
            raise SettingsError(f"{missing[0]}: required to serve webhooks (see README, 'Configuration')")


def _int(env: Mapping[str, str], name: str, default: int | None, *, minimum: int = 0) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a whole number, got {raw[:20]!r}") from None
    if value < minimum:
        raise SettingsError(f"{name}: expected a number >= {minimum}, got {value}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a number of seconds, got {raw[:20]!r}") from None
    if value <= 0:
        raise SettingsError(f"{name}: expected a positive number of seconds, got {raw[:20]!r}")
    return value


def parse_duration(text: str) -> float:
    """`24h`, `90m`, `2d`, `3600s` or `3600` as seconds (ValueError for anything else)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if match is None:
        raise ValueError(f"expected a duration such as 24h, 90m, 2d or 3600s, got {text!r}")
    seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"expected a duration above zero, got {text!r}")
    return seconds


def _retention(env: Mapping[str, str]) -> float:
    raw = env.get("JOURNAL_RETENTION", "").strip()
    if not raw:
        return Settings.journal_retention
    try:
        seconds = parse_duration(raw)
    except ValueError as exc:
        raise SettingsError(f"JOURNAL_RETENTION: {exc}") from None
    if seconds < GITHUB_KEEPS_DELIVERIES:
        raise SettingsError(f"JOURNAL_RETENTION: at least 3d (GitHub redelivers for 3 days), got {raw[:20]!r}")
    return seconds


def _interval(env: Mapping[str, str], name: str, default: float) -> float:
    """Seconds between runs of a background job; `0` turns the job off."""
    if env.get(name, "").strip() in ("0", "0.0"):
        return 0.0
    return _float(env, name, default)


def _private_key(env: Mapping[str, str]) -> Secret | None:
    inline = env.get("PRIVATE_KEY", "").strip()
    path = env.get("PRIVATE_KEY_PATH", "").strip()
    if inline and path:
        raise SettingsError("PRIVATE_KEY_PATH: set either PRIVATE_KEY or PRIVATE_KEY_PATH, not both")
    if path:
        try:
            pem = Path(path).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise SettingsError(f"PRIVATE_KEY_PATH: cannot read the key file ({type(exc).__name__})") from None
        name = "PRIVATE_KEY_PATH"
    elif inline:
        pem = inline.replace("\\n", "\n")   # one-line form, as Probot accepts it
        name = "PRIVATE_KEY"
    else:
        return None
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        load_pem_private_key(pem.encode("ascii", "replace"), password=None)
    except (ValueError, TypeError):
        raise SettingsError(f"{name}: expected a PEM-encoded RSA private key (-----BEGIN RSA PRIVATE KEY-----)") from None
    return Secret(pem)


def _database_path(env: Mapping[str, str]) -> Path:
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return Path("os2bot.db")
    if raw.startswith("sqlite:///"):
        raw = raw[len("sqlite:///"):]
    elif "://" in raw:
        raise SettingsError("DATABASE_URL: expected sqlite:///path/to/file.db or a file path")
    if not raw:
        raise SettingsError("DATABASE_URL: expected sqlite:///path/to/file.db or a file path")
    return Path(raw)


def _url(env: Mapping[str, str], name: str, default: str | None) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{name}: expected an http(s) URL, got {raw[:40]!r}")
    return raw.rstrip("/")


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read settings; with `dotenv`, a .env file in the working directory fills what the environment lacks."""
    if env is None:
        if dotenv and Path(".env").is_file():
            from dotenv import dotenv_values

            env = {**{k: v for k, v in dotenv_values(".env").items() if v is not None}, **os.environ}
        else:
            env = dict(os.environ)

    log_level = env.get("LOG_LEVEL", "info").strip().lower() or "info"
    if log_level not in ("debug", "info", "warning", "error"):
        raise SettingsError(f"LOG_LEVEL: expected debug, info, warning or error, got {log_level[:20]!r}")
    log_format = env.get("LOG_FORMAT", "auto").strip().lower() or "auto"
    if log_format not in ("json", "console", "auto"):
        raise SettingsError(f"LOG_FORMAT: expected json, console or auto, got {log_format[:20]!r}")
    journal_sync = env.get("JOURNAL_SYNC", "normal").strip().lower() or "normal"
    if journal_sync not in ("normal", "full"):
        raise SettingsError(f"JOURNAL_SYNC: expected normal or full, got {journal_sync[:20]!r}")
    secret = env.get("WEBHOOK_SECRET", "")
    orgs = tuple(o.strip() for o in env.get("GITHUB_ORGS", "").split(",") if o.strip())
    jira_token = env.get("JIRA_TOKEN", "")
    jira_user = env.get("JIRA_USER", "").strip() or None
    jira_flavour = env.get("JIRA_FLAVOUR", "auto").strip().lower() or "auto"
    if jira_flavour not in ("auto", "cloud", "datacenter"):
        raise SettingsError(f"JIRA_FLAVOUR: expected auto, cloud or datacenter, got {jira_flavour[:20]!r}")
    if jira_flavour == "cloud" and not jira_user:
        raise SettingsError("JIRA_USER: Jira Cloud needs the account's e-mail address (with an API token in JIRA_TOKEN)")

    portfolio_access = env.get("PORTFOLIO_ACCESS", "public").strip().lower() or "public"
    if portfolio_access not in ("public", "members"):
        raise SettingsError(f"PORTFOLIO_ACCESS: expected public or members, got {portfolio_access[:20]!r}")
    client_id = env.get("GITHUB_CLIENT_ID", "").strip() or None
    client_secret = env.get("GITHUB_CLIENT_SECRET", "").strip()
    if portfolio_access == "members" and not (client_id and client_secret):
        raise SettingsError("GITHUB_CLIENT_ID: PORTFOLIO_ACCESS=members signs people in with the App's "
                            "client id and secret (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)")

    return Settings(
        app_id=_int(env, "APP_ID", None, minimum=1),
        private_key=_private_key(env),
        webhook_secret=Secret(secret) if secret else None,
        github_api_url=_url(env, "GITHUB_API_URL", "https://api.github.com"),
        github_orgs=orgs,
        database_path=_database_path(env),
        host=env.get("HOST", "0.0.0.0").strip() or "0.0.0.0",
        port=_int(env, "PORT", 3000, minimum=0),
        log_level=log_level,
        log_format=log_format,
        workers=_int(env, "WORKERS", 4, minimum=1),
        max_attempts=_int(env, "MAX_ATTEMPTS", 8, minimum=1),
        retry_for=_float(env, "RETRY_FOR", 48 * 3600.0),
        drain_seconds=_float(env, "DRAIN_SECONDS", 20.0),
        journal_sync=journal_sync,
        github_timeout=_float(env, "GITHUB_TIMEOUT", 10.0),
        sweep_interval=_interval(env, "SWEEP_INTERVAL", 6 * 3600.0),
        redeliver_interval=_interval(env, "REDELIVER_INTERVAL", 3600.0),
        journal_retention=_retention(env),
        jira_url=_url(env, "JIRA_URL", None),
        jira_user=jira_user,
        jira_token=Secret(jira_token) if jira_token else None,
        jira_flavour=jira_flavour,
        jira_timeout=_float(env, "JIRA_TIMEOUT", 10.0),
        portfolio_access=portfolio_access,
        github_client_id=client_id,
        github_client_secret=Secret(client_secret) if client_secret else None,
    )
