"""A real bot server process for crash and shutdown tests.

Run as `python -m tests.intake.process_server PORT MODE RECORD_FILE` with the bot's
settings in the environment. MODE `hang`: every handler blocks (so deliveries stay in
flight until the process dies); `slow`: each takes 1 s; `record`: each appends its
delivery id to RECORD_FILE.
"""

from __future__ import annotations

import asyncio
import os
import sys

from bot.app import create_app
from bot.cli import run_server
from bot.log import configure_logging
from bot.settings import load_settings


def main() -> None:
    port, mode, record_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]

    async def handle(ctx) -> None:
        with open(record_file + ".started", "a") as f:
            f.write(ctx.delivery.id + "\n")
        if mode == "hang":
            await asyncio.sleep(3600)
        if mode == "slow":
            await asyncio.sleep(1.0)
        with open(record_file, "a") as f:
            f.write(ctx.delivery.id + "\n")
            f.flush()
            os.fsync(f.fileno())

    settings = load_settings(dotenv=False)
    configure_logging(settings.log_level, "json")
    app = create_app(settings, routes={"repository": [handle]})
    run_server(app, host="127.0.0.1", port=port, drain_seconds=settings.drain_seconds)   # as `os2bot serve` does


if __name__ == "__main__":
    main()
