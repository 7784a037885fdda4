"""The bot's intake alone, for bench/bench_intake.py: `create_app` with the runner off, served
by `run_server` as `os2bot serve` serves it (uvloop, httptools, the durable journal).

The runner is off so the benchmark measures what a delivery costs to take in and journal,
not what it costs to process (its reconciles would run against no GitHub). Settings come
from the environment, as for `os2bot serve`.

    python bench/intake_server.py PORT
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.app import create_app  # noqa: E402
from bot.cli import run_server  # noqa: E402
from bot.log import configure_logging  # noqa: E402
from bot.settings import load_settings  # noqa: E402

if __name__ == "__main__":
    settings = load_settings(dotenv=False)
    configure_logging(settings.log_level, settings.log_format)
    run_server(create_app(settings, run_jobs=False), host="127.0.0.1", port=int(sys.argv[1]),
               drain_seconds=settings.drain_seconds)
