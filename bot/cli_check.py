"""`os2bot check PATH|OWNER/REPO`: the readiness checks from the command line.

Exit codes: 0 ready for the target level, 1 not ready, 2 usage or access error
(one line on stderr). A GitHub repository is fetched as the App, with a token or without
login (`bot.github_snapshot.fetch_snapshot`); one line on stderr says which.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TextIO

from bot.checks import ConfigError, load_config, run_checks
from bot.checks.render import to_github, to_json, to_markdown, to_rich
from bot.github_access import RemoteUnavailable
from bot.github_snapshot import Fetched
from bot.governance import parse_level
from bot.snapshot import Snapshot

FORMATS = ("text", "json", "markdown", "github")
EXIT_READY, EXIT_NOT_READY, EXIT_ERROR = 0, 1, 2
_REMOTE = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})$")


class UsageError(Exception):
    """A problem with what the user asked for; shown as one line, exit 2."""


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "check",
        help="check whether a product is ready for OS2 (governance report, licence, documentation, supplier)",
        description="Check a local folder or a GitHub repository (OWNER/REPO) against OS2's requirements for a "
                    "level. What it reports about the product is in Danish, as OS2's process is "
                    "(texts from config/checks.yaml).",
    )
    parser.add_argument("target", metavar="PATH|OWNER/REPO", help="a local folder or a GitHub repository")
    parser.add_argument(
        "--level", metavar="sandkasse|0|1|2|3",
        help="the level to check against (default: the level the governance report aims at, else 1)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output: text, json, markdown or github")
    parser.add_argument("--suppliers", metavar="FILE", help="the suppliers with a supplier partner agreement (YAML)")
    parser.add_argument("--config", metavar="FILE", help=argparse.SUPPRESS)
    parser.set_defaults(func=run)
    return parser


def _level(value: str | None) -> int | None:
    if value is None:
        return None
    level = parse_level(value)
    if level is None:
        raise UsageError(f"ukendt niveau '{value}': brug sandkasse, 0, 1, 2 eller 3")
    return level


def load_snapshot(target: str) -> Snapshot | Fetched:
    """A local folder when the path exists, else OWNER/REPO on GitHub (a Fetched: the
    snapshot and how GitHub was asked)."""
    from bot.local_snapshot import SnapshotError, snapshot_from_folder

    path = Path(target)
    if path.exists():
        try:
            return snapshot_from_folder(path)
        except SnapshotError as exc:
            raise UsageError(str(exc)) from exc
    match = _REMOTE.match(target)
    if match and not target.startswith("."):
        from bot.github_snapshot import fetch_snapshot

        return fetch_snapshot(match.group(1), match.group(2))
    raise UsageError(f"{target}: findes ikke (angiv en mappe eller OWNER/REPO)")


def remote_text(texts: dict, reason: str, values: dict, *, now: datetime | None = None) -> str:
    """A texts.remote line filled in; a reset time is given in Danish local time."""
    remote = texts["remote"]
    filled = dict(values)
    if isinstance(filled.get("reset"), datetime):
        filled["reset"] = danish_moment(remote, filled["reset"], now or datetime.now(timezone.utc))
    template = remote.get(reason) or remote["github_error"]
    filled.setdefault("status", reason)
    return template.format_map(_Blank(filled))


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def danish_moment(remote: dict, moment: datetime, now: datetime) -> str:
    """'kl. 14.05', 'i morgen kl. 00.15' or 'den 3.12.2026 kl. 9.30' in Danish time (Europe/Copenhagen)."""
    try:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo("Europe/Copenhagen")
    except Exception:  # no time zone database on this machine: UTC, and say so
        zone, suffix = timezone.utc, " UTC"
    else:
        suffix = ""
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    clock = f"{local:%H.%M}{suffix}"
    if local.date() == today:
        return remote["reset_today"].format(time=clock)
    if local.date() == today + timedelta(days=1):
        return remote["reset_tomorrow"].format(time=clock)
    return remote["reset_later"].format(time=clock, date=f"{local.day}.{local.month}.{local.year}")


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        level = _level(args.level)
        config = load_config(getattr(args, "config", None), getattr(args, "suppliers", None))
        loaded = load_snapshot(args.target)
    except (UsageError, ConfigError) as exc:
        print(f"os2bot check: {exc}", file=err)
        return EXIT_ERROR
    except RemoteUnavailable as exc:
        print(f"os2bot check: {remote_text(config.texts, exc.reason, exc.values)}", file=err)
        return EXIT_ERROR
    if isinstance(loaded, Fetched):
        lines = [remote_text(config.texts, key, loaded.values) for key in (*loaded.notes, loaded.way)]
        print(" ".join(lines), file=err)
        snapshot = loaded.snapshot
    else:
        snapshot = loaded
    result = run_checks(snapshot, level=level, config=config)
    if args.format == "json":
        out.write(to_json(result, config))
    elif args.format == "markdown":
        out.write(to_markdown(result, config))
    elif args.format == "github":
        out.write(to_github(result, config))
    else:
        from rich.console import Console

        interactive = hasattr(out, "isatty") and out.isatty()
        Console(file=out, width=None if interactive else 120, highlight=False).print(to_rich(result, config))
    return EXIT_READY if result.ready else EXIT_NOT_READY
