"""`os2bot`: one console script, one subcommand per job."""

from __future__ import annotations

import argparse
import sys

from bot.errors import SettingsError


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.log import configure_logging
    from bot.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    uvicorn.run(app, host=args.host or settings.host, port=args.port if args.port is not None else settings.port,
                log_level="warning", access_log=False, timeout_graceful_shutdown=int(settings.drain_seconds) + 5,
                lifespan="on")
    return 0


def _journal(args: argparse.Namespace) -> int:
    import json

    from bot.settings import load_settings
    from bot.store import Store

    settings = load_settings()
    store = Store(settings.database_path)
    try:
        if args.journal_command == "requeue":
            count = store.requeue_dead(args.delivery)
            print(f"{count} dead letter(s) queued again")
        elif args.journal_command == "stats":
            print(json.dumps(store.stats().__dict__, indent=2))
        else:
            for row in store.deliveries(args.status):
                print(json.dumps(row, ensure_ascii=False))
    finally:
        store.close()
    return 0


def _sweep(args: argparse.Namespace) -> int:
    """Journal a reconcile of every repository; a running server picks the work up."""
    import asyncio

    from bot.github import GitHubApp
    from bot.settings import load_settings
    from bot.store import Store
    from bot.sweep import sweep

    settings = load_settings()
    settings.require_app()
    store = Store(settings.database_path, journal_sync=settings.journal_sync)

    async def run() -> int:
        github = GitHubApp(settings)
        try:
            return await sweep(github, store, settings.github_orgs)
        finally:
            await github.aclose()

    try:
        count = asyncio.run(run())
    finally:
        store.close()
    print(f"{count} repositories queued for a reconcile")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="os2bot", description="The OS2 onboarding bot (GitHub App).")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the GitHub App server (webhooks, runner, health)")
    serve.add_argument("--host", default=None, help="address to bind (default: HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT or 3000)")
    serve.set_defaults(func=_serve)

    sweep = sub.add_parser("sweep", help="queue a reconcile of every repository the App can see")
    sweep.set_defaults(func=_sweep)

    journal = sub.add_parser("journal", help="inspect the delivery journal, requeue dead letters")
    jsub = journal.add_subparsers(dest="journal_command", required=True)
    jlist = jsub.add_parser("list", help="deliveries as JSON lines")
    jlist.add_argument("--status", choices=["pending", "running", "done", "dead"])
    jsub.add_parser("stats", help="counts per status")
    requeue = jsub.add_parser("requeue", help="give dead letters another round")
    requeue.add_argument("delivery", nargs="?", help="one delivery id (default: all dead letters)")
    journal.set_defaults(func=_journal)

    for extension in _extensions():
        extension(sub)
    return parser


def _extensions():
    """Subcommands that live in their own modules (check, sandbox)."""
    found = []
    for module_name in ("bot.cli_check", "bot.sandbox.cli"):
        try:
            module = __import__(module_name, fromlist=["add_parser"])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        found.append(module.add_parser)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except SettingsError as exc:
        print(f"os2bot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
