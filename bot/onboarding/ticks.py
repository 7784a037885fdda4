"""Read ticks back from the issue body and judge each change a person made.

Ticks are read by the hidden key at the end of each line (`<!-- item:KEY -->`),
never by position or wording, so people may edit text around them. Who may tick
what is in config/process.yaml; everything else is set back with a reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Mapping

from bot.commands import load_registry
from bot.onboarding.config import Item, Process
from bot.onboarding.model import State, Tick

_TASK = re.compile(r"^\s{0,8}(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\](?:\s+(.*))?$")
_KEY = re.compile(r"<!--\s*item:([a-z0-9]+(?:-[a-z0-9]+)*)\s*-->")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")


def read_ticks(body: str | None) -> dict[str, bool]:
    """{item key: ticked} for every task line that carries a key; the first line of a key wins."""
    ticks: dict[str, bool] = {}
    fence: str | None = None
    for line in (body or "").splitlines():
        f = _FENCE.match(line)
        if f:
            fence = None if fence == f.group(1) else (fence or f.group(1))
            continue
        if fence:
            continue
        m = _TASK.match(line)
        if not m:
            continue
        k = _KEY.search(m.group(2) or "")
        if k and k.group(1) not in ticks:
            ticks[k.group(1)] = m.group(1) in "xX"
    return ticks


@dataclass(frozen=True)
class TickChange:
    key: str
    value: bool  # what the person set
    reason: str | None = None  # Danish (or English) text for the comment; None when accepted


@dataclass(frozen=True)
class TickOutcome:
    state: State  # with accepted ticks recorded (who, when)
    accepted: tuple[TickChange, ...]
    reverted: tuple[TickChange, ...]  # manual item, the person lacks the role
    reset: tuple[TickChange, ...]  # check or decision item: the check/decision decides

    @property
    def messages(self) -> tuple[str, ...]:
        return tuple(c.reason for c in self.reverted + self.reset if c.reason)

    @property
    def comment(self) -> str | None:
        """One comment for everything set back, or None when nothing was."""
        return "\n".join(f"- {m}" for m in self.messages) if self.messages else None

    @property
    def changed(self) -> bool:
        return bool(self.accepted or self.reverted or self.reset)


def classify_tick_changes(
    process: Process,
    state: State,
    old_ticks: Mapping[str, bool],
    new_ticks: Mapping[str, bool],
    actor: str,
    actor_roles: frozenset[str],
    now: datetime | str,
    lang: str = "da",
    answered_checks: frozenset[str] | None = None,
) -> TickOutcome:
    """Pure. `old_ticks` is what the bot last rendered (state.shown); `new_ticks` read_ticks(body).

    Lines a person deleted or keys the bot never showed are not changes: the next
    render restores the list as it should be. `answered_checks`: the checks that gave a
    result; a check item with roles whose check gave none is ticked by those roles.
    """
    at = now if isinstance(now, str) else now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ticks = dict(state.ticks)
    accepted: list[TickChange] = []
    reverted: list[TickChange] = []
    reset: list[TickChange] = []
    for key in sorted(set(old_ticks) & set(new_ticks)):
        if old_ticks[key] == new_ticks[key]:
            continue
        item = process.item(key)
        if item is None:
            continue
        value = new_ticks[key]
        by_hand = item.kind == "check" and item.roles and answered_checks is not None \
            and item.check not in answered_checks   # a check nothing answers here: people tick it
        if item.kind == "manual" or by_hand:
            if actor_roles & set(item.roles):
                ticks[key] = Tick(value=value, by=actor, at=at)
                accepted.append(TickChange(key, value))
            else:
                reverted.append(TickChange(key, value, _not_allowed(process, item, lang, value)))
        elif item.kind == "check":
            reset.append(TickChange(key, value, process.text("tick_is_check", lang).format(
                item=item.name.get(lang), undone=_undone(process, lang, value))))
        else:
            kind = process.decisions[item.decision or ""]
            reset.append(TickChange(key, value, process.text("tick_is_decision", lang).format(
                item=item.name.get(lang), command=load_registry().shown(kind.command, lang),
                roles=process.role_names(kind.roles, lang), undone=_undone(process, lang, value))))
    return TickOutcome(
        state=replace(state, ticks=ticks) if accepted else state,
        accepted=tuple(accepted),
        reverted=tuple(reverted),
        reset=tuple(reset),
    )


def _not_allowed(process: Process, item: Item, lang: str, value: bool) -> str:
    roles = process.role_names(item.roles, lang)
    return process.text("tick_not_allowed", lang).format(roles=roles, item=item.name.get(lang),
                                                         undone=_undone(process, lang, value))


def _undone(process: Process, lang: str, value: bool) -> str:
    """What the bot did about the change: a tick set is removed again, a tick removed is put back."""
    return process.text("tick_removed" if value else "tick_restored", lang)
