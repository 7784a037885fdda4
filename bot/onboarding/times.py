"""Times as the people reading the issue read them: Danish local time, Danish format.

The bot records times in UTC (ISO 8601, in the state block); people in the secretariat,
the board and the municipalities read "29. nov. 2026 kl. 07.14", summer time included.
The words (month names, the pattern) are data in config/process.yaml (texts.time_format,
texts.months).
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from bot.onboarding.config import Process
from bot.onboarding.escape import escape_inline

DANISH_TIME = ZoneInfo("Europe/Copenhagen")   # OS2's readers are in Denmark (tzdata if the OS has none)


def local_time(value: object, process: Process, lang: str) -> str:
    """An ISO time as `texts.time_format` in Danish local time; anything else shown escaped, as written.

    A time without a zone is taken as UTC, as the bot writes them."""
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return escape_inline(value)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(DANISH_TIME)
    months = process.text("months", lang).split()
    return process.text("time_format", lang).format(
        day=dt.day, month=months[dt.month - 1], year=dt.year, hour=dt.hour, minute=dt.minute,
        zone=dt.tzname())
