"""The end-to-end harness lives in the package (bot/sandbox/harness.py): the sandbox command
and the benchmarks drive the bot the same way the tests do."""

from bot.sandbox.harness import SECRET, STATE_KEY, Bot, tick  # noqa: F401
