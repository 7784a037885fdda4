"""The onboarding state kept in the issue, and the issue the bot wants to see.

State is versioned and JSON-serialisable because it lives in the issue body: the
issue, not a database, is where decisions are kept and seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal, Mapping

STATE_VERSION = 1

IssueState = Literal["open", "closed"]


@dataclass(frozen=True)
class Tick:
    """A person's tick on a manual item: who and when, so the issue can show it."""

    value: bool
    by: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class Decision:
    """One decision made by command; the list of these is the audit trail and only grows."""

    kind: str  # decision kind from config/process.yaml, e.g. "level", "board_approval"
    value: Any  # int for "level", a value key such as "approved"/"rework" otherwise
    by: str
    at: str
    comment_url: str | None = None
    note: str | None = None  # what the person wrote with it, e.g. the board's reason for a return


@dataclass(frozen=True)
class Access:
    """A person declared to get access to the product (`/adgang add`), with the access role."""

    login: str
    role: str                # a key of config/access.yaml
    email: str | None = None  # their Jira identity, when the GitHub login cannot give it
    by: str = ""
    at: str = ""


@dataclass(frozen=True)
class Owed:
    """Feedback the bot owes a command comment: kept in the journal from the moment the decision is
    safe in the issue until it is given, so a failure in between never loses the answer."""

    comment: int
    reactions: tuple[str, ...]
    reply: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"comment": self.comment, "reactions": list(self.reactions), "reply": self.reply}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Owed:
        return cls(comment=_int(data["comment"]), reactions=tuple(_str(r) for r in data.get("reactions") or ()),
                   reply=_opt_str(data.get("reply")))


@dataclass(frozen=True)
class IssueMeta:
    repo: str | None = None  # owner/name the issue is about
    language: str | None = None
    onboarded: bool = False  # all steps were done at the last render (regression detection)
    onboarded_at: str | None = None  # first time all steps were done, kept for the record


@dataclass(frozen=True)
class State:
    version: int = STATE_VERSION
    level: int | None = None  # set by a "level" decision; None = not placed yet
    ticks: Mapping[str, Tick] = field(default_factory=dict)
    decisions: tuple[Decision, ...] = ()
    coordinators: tuple[str, ...] = ()
    seen_through: int = 0  # every comment with an id up to this one has been read for commands
    access: tuple[Access, ...] = ()  # who gets access once the product is approved
    shown: Mapping[str, bool] = field(default_factory=dict)  # tick per item as last rendered
    meta: IssueMeta = field(default_factory=IssueMeta)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "level": self.level,
            "ticks": {k: {"value": t.value, "by": t.by, "at": t.at} for k, t in sorted(self.ticks.items())},
            "decisions": [
                {"kind": d.kind, "value": d.value, "by": d.by, "at": d.at, "comment_url": d.comment_url,
                 **({"note": d.note} if d.note else {})}
                for d in self.decisions
            ],
            "coordinators": list(self.coordinators),
            "seen_through": self.seen_through,
            **({"access": [{"login": a.login, "role": a.role, "email": a.email, "by": a.by, "at": a.at}
                           for a in self.access]} if self.access else {}),
            "shown": dict(sorted(self.shown.items())),
            "meta": {
                "repo": self.meta.repo,
                "language": self.meta.language,
                "onboarded": self.meta.onboarded,
                "onboarded_at": self.meta.onboarded_at,
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        """Strict: a wrong shape raises (TypeError/ValueError/KeyError), the caller reports it."""
        if not isinstance(data, Mapping):
            raise TypeError("state is not an object")
        version = data.get("version")
        if version != STATE_VERSION:
            raise ValueError(f"unsupported state version {version!r}")
        level = data.get("level")
        if level is not None and (not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 3):
            raise ValueError(f"bad level {level!r}")
        ticks = {}
        for key, t in dict(data.get("ticks") or {}).items():
            ticks[_str(key)] = Tick(value=_bool(t["value"]), by=_str(t["by"]), at=_str(t["at"]))
        decisions = tuple(
            Decision(
                kind=_str(d["kind"]),
                value=_json_scalar(d.get("value")),
                by=_str(d["by"]),
                at=_str(d["at"]),
                comment_url=_opt_str(d.get("comment_url")),
                note=_opt_str(d.get("note")),
            )
            for d in list(data.get("decisions") or [])
        )
        meta = dict(data.get("meta") or {})
        return cls(
            version=version,
            level=level,
            ticks=ticks,
            decisions=decisions,
            coordinators=tuple(_str(c) for c in data.get("coordinators") or []),
            # `answered_comments` (a list that grew with every command) became the watermark
            seen_through=_int(data["seen_through"]) if "seen_through" in data else max(
                [_int(c) for c in data.get("answered_comments") or []], default=0),
            shown={_str(k): _bool(v) for k, v in dict(data.get("shown") or {}).items()},
            access=tuple(Access(login=_str(a["login"]), role=_str(a["role"]), email=_opt_str(a.get("email")),
                                by=_str(a.get("by", "")), at=_str(a.get("at", "")))
                         for a in list(data.get("access") or [])),
            meta=IssueMeta(
                repo=_opt_str(meta.get("repo")),
                language=_opt_str(meta.get("language")),
                onboarded=_bool(meta.get("onboarded", False)),
                onboarded_at=_opt_str(meta.get("onboarded_at")),
            ),
        )


def record_decision(state: State, decision: Decision) -> State:
    """Append to the audit trail; a "level" decision also sets the level."""
    level = state.level
    if decision.kind == "level":
        value = decision.value
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3:
            raise ValueError(f"a level decision needs a level 0..3, got {value!r}")
        level = value
    return replace(state, level=level, decisions=state.decisions + (decision,))


def latest_decision(state: State, kind: str) -> Decision | None:
    return next((d for d in reversed(state.decisions) if d.kind == kind), None)


def mark_seen(state: State, comment_id: int) -> State:
    """Comments are read in order; the watermark only moves forward."""
    return state if comment_id <= state.seen_through else replace(state, seen_through=comment_id)


def set_coordinators(state: State, logins: tuple[str, ...]) -> State:
    return replace(state, coordinators=tuple(dict.fromkeys(logins)))


@dataclass(frozen=True)
class RepoFacts:
    """What the issue says about the repository; the lead builds it from the snapshot."""

    owner: str
    name: str
    description: str | None = None
    html_url: str | None = None
    default_branch: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


ItemStatus = Literal["done", "open", "pending"]


@dataclass(frozen=True)
class ItemView:
    """One checklist line as shown: its text, whether it is ticked, and why not."""

    key: str
    step: int
    kind: str
    name: str
    text: str
    recommended: bool
    done: bool
    status: ItemStatus  # "pending": a check item with no result yet
    reason: str | None = None  # check message when not met (or a warning or a summary when met)
    warn: bool = False  # met, with a warning
    hint: str | None = None
    link: str | None = None  # to the file the check result is about
    link_label: str | None = None
    ticked_by: str | None = None
    ticked_at: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    roles: tuple[str, ...] = ()  # role keys that may tick (manual) or decide (decision)
    who: str | None = None  # the same, as people read it: "OS2-sekretariatet eller bestyrelsen"
    command: str | None = None  # the command that sets a decision item


@dataclass(frozen=True)
class StepView:
    number: int
    key: str
    title: str
    items: tuple[ItemView, ...]
    done: bool          # met, and every earlier step is done: steps are finished in order
    current: bool
    met: bool = False   # every required line is met, whether or not it is the step's turn yet


@dataclass(frozen=True)
class DecisionView:
    text: str
    by: str
    at: str
    comment_url: str | None
    note: str | None = None


@dataclass(frozen=True)
class AccessView:
    """One row of "Hvem har adgang"."""

    login: str
    role: str                 # the access role's name, in the issue's language
    github: str               # the permission on the repository
    jira: str                 # the Jira project role
    email: str | None
    approved: bool            # provisioning is due (the product is approved)
    provisioned: bool | None = None   # Jira's step: True done, False failed, None not run (or no Jira)


@dataclass(frozen=True)
class IssueView:
    """Everything the template needs; also what tests assert against."""

    repo: RepoFacts
    lang: str
    title: str
    level: int | None
    level_name: str | None
    level_source: Literal["decision", "target"] | None
    steps: tuple[StepView, ...]
    current_step: int | None  # number of the first step not done; None when all done
    done: bool
    regression: bool  # was onboarded, no longer is
    decisions: tuple[DecisionView, ...]
    closing: str
    access: tuple[AccessView, ...] = ()
    marker: str = ""
    state_block: str = ""

    def item(self, key: str) -> ItemView | None:
        return next((i for s in self.steps for i in s.items if i.key == key), None)

    @property
    def item_keys(self) -> tuple[str, ...]:
        return tuple(i.key for s in self.steps for i in s.items)


@dataclass(frozen=True)
class DesiredIssue:
    """The onboarding issue as it should be; the lead applies only the difference."""

    title: str
    body: str
    labels: frozenset[str]
    state: IssueState
    state_reason: str | None  # "completed" when closed, "reopened" on regression, else None
    view: IssueView | None = None
    onboarding_state: State | None = None  # the State encoded in the body


def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError(f"expected a string, got {type(v).__name__}")
    return v


def _opt_str(v: Any) -> str | None:
    return None if v is None else _str(v)


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError(f"expected a boolean, got {type(v).__name__}")
    return v


def _int(v: Any) -> int:
    if not isinstance(v, int) or isinstance(v, bool):
        raise TypeError(f"expected an integer, got {type(v).__name__}")
    return v


def _json_scalar(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, bool, float)):
        return v
    raise TypeError(f"decision value must be a scalar, got {type(v).__name__}")
