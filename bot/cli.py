"""The `os2bot` command line (minimal: the lead wires the other commands in)."""

from __future__ import annotations

import argparse
import sys

from bot import cli_check


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="os2bot", description="OS2's onboarding bot")
    subparsers = parser.add_subparsers(dest="command", required=True)
    cli_check.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
