"""What a check returns: plain data, never side effects (as Allstar's policies do)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"                    # met, but not as OS2 advises (e.g. a non-MPL OSI licence)
    NOT_CONFIGURED = "not_configured"  # the bot cannot judge: "afventer sekretariatet" (people decide)
    NOT_APPLICABLE = "not_applicable"  # not relevant at the target level


@dataclass(frozen=True)
class CheckResult:
    check: str                       # check id from config/checks.yaml, e.g. "licence"
    status: Status
    message: str                     # Danish, for people
    hint: str = ""                   # Danish fix hint, empty when passing
    path: str | None = None          # the file the result is about, for a link
    line: int | None = None          # 1-based line in `path` the result points at, when the check knows it
    requirements: tuple[str, ...] = ()  # P-1.2, F2, ...
    details: dict = field(default_factory=dict)  # machine-readable extras (stable keys)

    @property
    def ok(self) -> bool:
        """Does not keep the product from being ready (what `os2bot check` exits on)."""
        return self.status in (Status.PASS, Status.WARN, Status.NOT_APPLICABLE, Status.NOT_CONFIGURED)

    @property
    def awaits_people(self) -> bool:
        """The bot cannot judge this; in the onboarding issue people with the line's roles tick it."""
        return self.status is Status.NOT_CONFIGURED
