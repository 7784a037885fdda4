"""`os2bot`: one console script, one subcommand per job."""

from __future__ import annotations

import argparse
import sys

from bot.errors import SettingsError


def _serve(args: argparse.Namespace) -> int:
    from bot.app import create_app
    from bot.log import configure_logging
    from bot.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    app = create_app(settings)
    run_server(app, host=args.host or settings.host, port=args.port if args.port is not None else settings.port,
               drain_seconds=settings.drain_seconds)
    return 0


# the event loop and the HTTP parser in C (uvloop, httptools): `os2bot serve`, and the servers in tests
SERVER_STACK = {"loop": "uvloop", "http": "httptools"}


def run_server(app, *, host: str, port: int, drain_seconds: float) -> None:
    """uvicorn on uvloop and httptools (see SERVER_STACK); the line `serving` names the loop and
    the HTTP protocol the running server really uses."""
    import asyncio

    import uvicorn

    from bot.log import get_logger

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            get_logger(component="server").info(
                "serving", host=host, port=port, loop=type(asyncio.get_running_loop()).__module__.split(".")[0],
                http=_protocol_name(self.config.http_protocol_class))

    config = uvicorn.Config(app, host=host, port=port, **SERVER_STACK, log_level="warning", access_log=False,
                            timeout_graceful_shutdown=int(drain_seconds) + 5, lifespan="on")
    Server(config).run()


def _protocol_name(protocol_class) -> str:
    """"httptools" for uvicorn's HttpToolsProtocol, "h11" for H11Protocol."""
    return protocol_class.__name__.removesuffix("Protocol").lower()


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
            return await sweep(github, store, settings.github_orgs, everything=args.all)
        finally:
            await github.aclose()

    try:
        count = asyncio.run(run())
    finally:
        store.close()
    print(f"{count} repositories queued for a reconcile")
    return 0


def _redeliver(args: argparse.Namespace) -> int:
    """Read the App's webhook delivery log and ask GitHub to redeliver what the bot never got."""
    import asyncio

    from bot.dispatch import default_routes
    from bot.errors import PermanentError
    from bot.github import GitHubApp
    from bot.redeliver import redeliver_missed
    from bot.settings import load_settings
    from bot.store import Store

    settings = load_settings()
    settings.require_app()
    store = Store(settings.database_path, journal_sync=settings.journal_sync)
    try:
        report = asyncio.run(redeliver_missed(GitHubApp(settings), store, window=args.since, max_requests=args.max,
                                              routes=default_routes(), dry_run=args.dry_run))
    except PermanentError as exc:
        print(f"os2bot redeliver: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    verb = "would ask" if args.dry_run else "asked"
    for m in report.asked:
        print(f"{verb}: {m.kind} {m.guid} (delivery {m.delivery_id}, first sent {m.delivered_at}, "
              f"{m.attempts} attempt(s), last answer {m.status_code})")
    for m, reason in report.refused:
        print(f"refused: {m.kind} {m.guid} (delivery {m.delivery_id}): {reason}")
    c = report.counts()
    print(f"{len(report.asked)} redelivery request(s) {'to make' if args.dry_run else 'made'}; "
          f"{c['events']} event(s) in the last {c['window_hours']:g} h: {c['succeeded']} answered, "
          f"{c['journaled']} journaled, {c['asked_before']} asked for before, {c['unhandled']} without a handler, "
          f"{c['refused']} refused, {c['over_cap']} left for the next run")
    if report.truncated:
        print("the log was not read to the window's start (too many deliveries); run again", file=sys.stderr)
    if report.error:
        print(f"os2bot redeliver: stopped early: {report.error}", file=sys.stderr)
    return 1 if report.error or report.refused else 0


def _duration(text: str) -> float:
    from bot.redeliver import parse_since

    try:
        return parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="os2bot", description="The OS2 onboarding bot (GitHub App).")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the GitHub App server (webhooks, runner, health)")
    serve.add_argument("--host", default=None, help="address to bind (default: HOST or 0.0.0.0)")
    serve.add_argument("--port", type=int, default=None, help="port (default: PORT or 3000)")
    serve.set_defaults(func=_serve)

    sweep = sub.add_parser("sweep", help="queue a reconcile of every repository the App can see that changed since its last one")
    sweep.add_argument("--all", action="store_true",
                       help="every repository, not only those changed since their last reconcile")
    sweep.set_defaults(func=_sweep)

    redeliver = sub.add_parser("redeliver", help="have GitHub redeliver webhook deliveries the bot never got")
    redeliver.add_argument("--since", type=_duration, default="24h",
                           help="how far back to read the App's delivery log: 24h (default), 90m, 2d; GitHub keeps 3 days")
    redeliver.add_argument("--max", type=_positive, default=100, help="redelivery requests at most (default 100)")
    redeliver.add_argument("--dry-run", action="store_true", help="show what would be asked for; ask for nothing")
    redeliver.set_defaults(func=_redeliver)

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
