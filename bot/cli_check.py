"""`os2bot check PATH|OWNER/REPO`: the readiness checks from the command line.

Exit codes: 0 ready for the target level, 1 not ready, 2 usage or access error
(one line on stderr).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TextIO

from bot.checks import ConfigError, load_config, run_checks
from bot.checks.render import to_github, to_json, to_markdown, to_rich
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
                    "level. The report is in Danish, as OS2's process is (texts from config/checks.yaml).",
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
        raise UsageError(f"unknown level '{value}': use sandkasse, 0, 1, 2 or 3")
    return level


def load_snapshot(target: str) -> Snapshot:
    """A local folder when the path exists, else OWNER/REPO on GitHub."""
    from bot.local_snapshot import SnapshotError, snapshot_from_folder

    path = Path(target)
    if path.exists():
        try:
            return snapshot_from_folder(path)
        except SnapshotError as exc:
            raise UsageError(str(exc)) from exc
    match = _REMOTE.match(target)
    if match and not target.startswith("."):
        from bot.github_snapshot import RemoteUnavailable, fetch_snapshot

        try:
            return fetch_snapshot(match.group(1), match.group(2))
        except RemoteUnavailable as exc:
            raise UsageError(str(exc)) from exc
    raise UsageError(f"{target}: does not exist (give a folder or OWNER/REPO)")


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        level = _level(args.level)
        config = load_config(getattr(args, "config", None), getattr(args, "suppliers", None))
        snapshot = load_snapshot(args.target)
    except (UsageError, ConfigError) as exc:
        print(f"os2bot check: {exc}", file=err)
        return EXIT_ERROR
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
