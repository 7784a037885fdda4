"""Load and validate the process (config/process.yaml) and an organisation's settings.

The process is data so OS2 can change it without changing code; validation names
every problem with its path so whoever edits the YAML can find it.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import yaml
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "config"
PROCESS_PATH = CONFIG_DIR / "process.yaml"
SCHEMA_PATH = CONFIG_DIR / "process.schema.json"
ORG_DEFAULTS_PATH = CONFIG_DIR / "org-defaults.yaml"

# Where an organisation overrides the defaults (in its `.github` repository).
ORG_CONFIG_REPO = ".github"
ORG_CONFIG_PATH = ".github/os2bot.yml"

# Check ids the checks produce, plus the bot's own Jira step (ticked once it is done).
KNOWN_CHECKS = frozenset({
    "governance_report", "governance_level", "governance_claims", "licence",
    "readme_purpose", "in_os2_org", "docs_template", "issues_enabled", "container",
    "publiccode", "supplier_agreement", "contact_person", "roadmap", "jira_project",
})
KINDS = ("check", "manual", "decision")
LANGUAGES = ("da", "en")
FORBIDDEN_IN_TEXT = ("<!--", "-->")  # config texts must not be able to break hidden markers


class ConfigError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("invalid configuration:\n" + "\n".join(f"- {p}" for p in self.problems))


@dataclass(frozen=True)
class Text:
    da: str
    en: str

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.da


@dataclass(frozen=True)
class Role:
    key: str
    name: Text
    team_setting: str | None  # org setting holding the team slug (secretariat_team, ...)


@dataclass(frozen=True)
class Item:
    key: str
    step: int
    kind: str  # check | manual | decision
    levels: frozenset[int]
    text: Text
    name: Text
    check: str | None = None
    roles: tuple[str, ...] = ()
    decision: str | None = None
    requirements: tuple[str, ...] = ()
    recommended: bool = False
    pending: Text | None = None

    def applies_to(self, level: int | None) -> bool:
        """With no level yet, only items every level shares are shown."""
        return len(self.levels) == 4 if level is None else level in self.levels


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    title: Text
    items: tuple[Item, ...]


@dataclass(frozen=True)
class DecisionKind:
    key: str
    roles: tuple[str, ...]
    command: str
    text: Text
    done_values: tuple[str, ...] | None  # None: any recorded value satisfies it
    values: Mapping[str, Text]


@dataclass(frozen=True)
class Label:
    name: str
    color: str | None
    description: Text | None


@dataclass(frozen=True)
class Labels:
    onboarding: Label
    step: Label  # name has {n}
    level: Label  # name has {level}
    level_names: Mapping[int, str]
    onboarded: Label
    board_review: Label   # a review by the board is requested and not yet answered
    returned: Label       # the board sent the concept back for rework (tilbageløb)

    def step_name(self, n: int) -> str:
        return self.step.name.format(n=n)

    def level_name(self, level: int) -> str:
        return self.level.name.format(level=self.level_names[level])

    def spec(self, name: str) -> Label | None:
        """The configured label a concrete name comes from ("trin-3" -> the step label)."""
        fixed = (self.onboarding, self.onboarded, self.board_review, self.returned)
        for label in fixed:
            if label.name == name:
                return label
        for template, key in ((self.step, "n"), (self.level, "level")):
            pattern = re.escape(template.name).replace(re.escape("{" + key + "}"), r"([\w-]+)")
            if re.fullmatch(pattern, name):
                return template
        return None

    def all_names(self, step_numbers: Iterable[int]) -> frozenset[str]:
        """Every label the bot manages, so the lead can remove stale ones."""
        names = {self.onboarding.name, self.onboarded.name, self.board_review.name, self.returned.name}
        names |= {self.step_name(n) for n in step_numbers}
        names |= {self.level_name(lv) for lv in self.level_names}
        return frozenset(names)


@dataclass(frozen=True)
class Process:
    version: int
    default_language: str
    roles: Mapping[str, Role]
    levels: Mapping[int, Text]
    decisions: Mapping[str, DecisionKind]
    labels: Labels
    texts: Mapping[str, Text]
    steps: tuple[Step, ...]
    level_values: Mapping[int, Text] | None = None   # the level after the word "Niveau" ("1 – …")

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for s in self.steps for i in s.items)

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def text(self, key: str, lang: str) -> str:
        return self.texts[key].get(lang)

    def role_names(self, roles: Iterable[str], lang: str) -> str:
        """'OS2-sekretariatet eller bestyrelsen'."""
        names = [self.roles[r].name.get(lang) for r in roles if r in self.roles]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + f" {self.text('or', lang)} " + names[-1]

    def level_label(self, level: int, lang: str) -> str:
        return self.levels[level].get(lang)

    def level_value(self, level: int, lang: str) -> str:
        """The level in a cell headed "Niveau": "1 – »tag det som det er«", not "niveau 1 – …"."""
        return (self.level_values or self.levels)[level].get(lang)


# --------------------------------------------------------------------------- process

def load_process(path: str | Path | None = None, *, known_checks: Iterable[str] = KNOWN_CHECKS) -> Process:
    """Read, validate and type the process; raises ConfigError listing every problem."""
    with open(path or PROCESS_PATH, encoding="utf-8") as f:
        data = yaml.safe_load(f)
    return parse_process(data, known_checks=known_checks)


def parse_process(data: Any, *, known_checks: Iterable[str] = KNOWN_CHECKS) -> Process:
    data = _jsonable(data)
    validate(data, known_checks=known_checks)
    return _build(data)


def validate(data: Any, *, known_checks: Iterable[str] = KNOWN_CHECKS) -> None:
    """Schema (draft 2020-12) plus the rules a schema cannot say; raises ConfigError."""
    problems = problems_in(data, known_checks=known_checks)
    if problems:
        raise ConfigError(problems)


def problems_in(data: Any, *, known_checks: Iterable[str] = KNOWN_CHECKS) -> list[str]:
    data = _jsonable(data)
    problems = [
        f"{_path(e.absolute_path)}: {e.message}"
        for e in sorted(_schema_validator().iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    ]
    if problems or not isinstance(data, dict):
        return problems
    return _semantic_problems(data, frozenset(known_checks))


def _semantic_problems(data: dict, known_checks: frozenset[str]) -> list[str]:
    problems: list[str] = []
    roles = set(data["roles"])
    decisions = data["decisions"]
    for name, d in decisions.items():
        for r, role in enumerate(d["roles"]):
            if role not in roles:
                problems.append(f"decisions.{name}.roles[{r}]: unknown role {role!r}")
        for v, value in enumerate(d.get("done_values") or []):
            if d.get("values") is not None and value not in d["values"]:
                problems.append(f"decisions.{name}.done_values[{v}]: {value!r} is not one of its values")
    seen_keys: dict[str, str] = {}
    seen_numbers: set[int] = set()
    for s, step in enumerate(data["steps"]):
        here = f"steps[{s}]"
        if step["number"] in seen_numbers:
            problems.append(f"{here}.number: step {step['number']} appears twice")
        seen_numbers.add(step["number"])
        if step["number"] != s + 1:
            problems.append(f"{here}.number: expected {s + 1} (steps are numbered in order)")
        for i, item in enumerate(step["items"]):
            at = f"{here}.items[{i}]"
            key = item["key"]
            if key in seen_keys:
                problems.append(f"{at}.key: duplicate item key {key!r} (first at {seen_keys[key]})")
            else:
                seen_keys[key] = at
            if "step" in item and item["step"] != step["number"]:
                problems.append(f"{at}.step: {item['step']} but the item is listed under step {step['number']}")
            if item["kind"] == "check" and item["check"] not in known_checks:
                problems.append(f"{at}.check: unknown check id {item['check']!r}")
            for r, role in enumerate(item.get("roles") or []):
                if role not in roles:
                    problems.append(f"{at}.roles[{r}]: unknown role {role!r}")
            if item["kind"] == "decision" and item["decision"] not in decisions:
                problems.append(f"{at}.decision: unknown decision {item['decision']!r}")
    for path, text in _texts(data):
        for bad in FORBIDDEN_IN_TEXT:
            if bad in text:
                problems.append(f"{path}: must not contain {bad!r} (it would break the hidden markers)")
    return problems


def _texts(node: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _texts(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for n, v in enumerate(node):
            yield from _texts(v, f"{path}[{n}]")
    elif isinstance(node, str):
        yield path, node


def _build(data: dict) -> Process:
    def text(d: Mapping[str, str]) -> Text:
        return Text(da=d["da"], en=d["en"])

    steps = []
    for step in data["steps"]:
        items = tuple(
            Item(
                key=i["key"],
                step=step["number"],
                kind=i["kind"],
                levels=frozenset(i["levels"]),
                text=text(i["text"]),
                name=text(i.get("name") or i["text"]),
                check=i.get("check"),
                roles=tuple(i.get("roles") or ()),
                decision=i.get("decision"),
                requirements=tuple(i.get("requirements") or ()),
                recommended=bool(i.get("recommended", False)),
                pending=text(i["pending"]) if "pending" in i else None,
            )
            for i in step["items"]
        )
        steps.append(Step(number=step["number"], key=step["key"], title=text(step["title"]), items=items))

    def label(d: Mapping[str, Any]) -> Label:
        desc = d.get("description")
        return Label(name=d["name"], color=d.get("color"), description=text(desc) if desc else None)

    lab = data["labels"]
    return Process(
        version=data["version"],
        default_language=data["default_language"],
        roles={k: Role(key=k, name=text(v["name"]), team_setting=v.get("team_setting")) for k, v in data["roles"].items()},
        levels={int(k): text(v) for k, v in data["levels"].items()},
        level_values={int(k): text(v) for k, v in data["level_values"].items()} if "level_values" in data else None,
        decisions={
            k: DecisionKind(
                key=k,
                roles=tuple(v["roles"]),
                command=v["command"],
                text=text(v["text"]),
                done_values=tuple(v["done_values"]) if "done_values" in v else None,
                values={vk: text(vv) for vk, vv in (v.get("values") or {}).items()},
            )
            for k, v in data["decisions"].items()
        },
        labels=Labels(
            onboarding=label(lab["onboarding"]),
            step=label(lab["step"]),
            level=label(lab["level"]),
            level_names={int(k): v for k, v in lab["level_names"].items()},
            onboarded=label(lab["onboarded"]),
            board_review=label(lab["board_review"]),
            returned=label(lab["returned"]),
        ),
        texts={k: text(v) for k, v in data["texts"].items()},
        steps=tuple(steps),
    )


_VALIDATOR: Draft202012Validator | None = None


def _schema_validator() -> Draft202012Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        _VALIDATOR = Draft202012Validator(schema)
    return _VALIDATOR


def _jsonable(data: Any) -> Any:
    """YAML allows int keys (levels: {0: ...}); JSON Schema sees strings."""
    return json.loads(json.dumps(data, default=str))


def _path(parts: Iterable[Any]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top)"


# --------------------------------------------------------------------------- org settings

@dataclass(frozen=True)
class OrgSettings:
    language: str = "da"
    onboard_on_repository_created: bool = False
    onboard_existing_on_install: bool | str | tuple[str, ...] = False  # False | "all" | repo names
    secretariat_team: str = ""
    board_team: str = ""
    os2_orgs: tuple[str, ...] | None = None      # None: config/checks.yaml's list
    suppliers: tuple[Any, ...] | None = None  # None: the bot's own list
    jira: Mapping[str, Any] | None = None     # step 3: project type, template, lead, category, scheme, groups
    github: Mapping[str, Any] | None = None   # step 3: teams and their permission, the coordinators' team
    people: Mapping[str, str] | None = None   # GitHub login -> e-mail (their Jira identity)

    def team_for(self, role: Role) -> str | None:
        return getattr(self, role.team_setting, None) if role.team_setting else None

    def onboards_existing(self, repo_name: str) -> bool:
        v = self.onboard_existing_on_install
        return v == "all" or (isinstance(v, tuple) and repo_name in v)


def merge_org_config(defaults: Mapping[str, Any], override: Mapping[str, Any] | None) -> dict[str, Any]:
    """Probot's convention: dictionaries merge deeply, lists and scalars replace."""
    merged = copy.deepcopy(dict(defaults))
    for key, value in (override or {}).items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge_org_config(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def load_org_defaults(path: str | Path | None = None) -> dict[str, Any]:
    with open(path or ORG_DEFAULTS_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


ORG_CONFIG_MAX_BYTES = 64 * 1024   # a settings file is a few hundred bytes; past this it is refused unread


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without anchors and aliases: a settings file needs none, and a few hundred bytes of
    nested aliases expand to gigabytes ("billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise ConfigError([f"{ORG_CONFIG_PATH}: line {event.start_mark.line + 1}: YAML aliases (*name) "
                               "are not allowed in the settings"])
        return super().compose_node(parent, index)


def load_settings_yaml(text: str) -> Any:
    """An organisation's settings file as data; bounded in size and shape, never slow."""
    if len(text.encode("utf-8", "replace")) > ORG_CONFIG_MAX_BYTES:
        raise ConfigError([f"{ORG_CONFIG_PATH}: the file is larger than {ORG_CONFIG_MAX_BYTES // 1024} KB"])
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as e:
        raise ConfigError([f"{ORG_CONFIG_PATH}: not valid YAML: {e}"]) from e


def _normalise_suppliers(value: Any) -> Any:
    """`suppliers: ["Firma A/S"]` is the common way to write it: a plain name means {name: …}."""
    if isinstance(value, list):
        return [{"name": v} if isinstance(v, str) else v for v in value]
    return value


def org_settings(defaults: Mapping[str, Any], override: Mapping[str, Any] | str | None = None) -> OrgSettings:
    """Merge an organisation's `.github/os2bot.yml` (dict or its YAML text) over the defaults."""
    if isinstance(override, str):
        override = load_settings_yaml(override)
    if override is not None and not isinstance(override, Mapping):
        raise ConfigError([f"{ORG_CONFIG_PATH}: must be a mapping of settings"])
    merged = merge_org_config(defaults, override)
    problems = org_settings_problems(merged)
    if problems:
        raise ConfigError(problems)
    existing = merged["onboard_existing_on_install"]
    suppliers = _normalise_suppliers(merged.get("suppliers"))
    return OrgSettings(
        language=merged["language"],
        onboard_on_repository_created=merged["onboard_on_repository_created"],
        onboard_existing_on_install=tuple(existing) if isinstance(existing, list) else existing,
        secretariat_team=merged["secretariat_team"],
        board_team=merged["board_team"],
        os2_orgs=tuple(merged["os2_orgs"]) if merged.get("os2_orgs") is not None else None,
        suppliers=tuple(suppliers) if suppliers is not None else None,
        jira=dict(merged.get("jira") or {}),
        github=dict(merged.get("github") or {}),
        people={str(k).lower(): str(v) for k, v in (merged.get("people") or {}).items()},
    )


def _step3_problems(s: Mapping[str, Any]) -> list[str]:
    """The Jira and GitHub access settings (step 3): shapes a person can get wrong."""
    problems = []
    jira = s.get("jira") or {}
    if not isinstance(jira, Mapping):
        return ["jira: must be a mapping"]
    for key in jira:
        if key not in ("project_type", "template", "lead", "category", "permission_scheme", "groups"):
            problems.append(f"jira.{key}: unknown setting")
    groups = jira.get("groups") or {}
    if not isinstance(groups, Mapping) or not all(
            isinstance(v, list) and all(isinstance(g, str) and g for g in v) for v in groups.values()):
        problems.append("jira.groups: a mapping of Jira project role -> list of group names")
    github = s.get("github") or {}
    if not isinstance(github, Mapping):
        return problems + ["github: must be a mapping"]
    for key in github:
        if key not in ("teams", "coordinator_team"):
            problems.append(f"github.{key}: unknown setting")
    teams = github.get("teams") or {}
    if not isinstance(teams, Mapping) or not all(
            v in ("pull", "triage", "push", "maintain", "admin") for v in teams.values()):
        problems.append("github.teams: a mapping of team slug -> pull, triage, push, maintain or admin")
    ct = github.get("coordinator_team")
    if ct is not None and (not isinstance(ct, str) or "{repo}" not in ct):
        problems.append("github.coordinator_team: a team name with {repo}, or null")
    people = s.get("people") or {}
    if not isinstance(people, Mapping) or not all(isinstance(v, str) and "@" in v for v in people.values()):
        problems.append("people: a mapping of GitHub login -> e-mail")
    return problems


def org_settings_problems(s: Mapping[str, Any]) -> list[str]:
    problems = []
    known = {"language", "onboard_on_repository_created", "onboard_existing_on_install",
             "secretariat_team", "board_team", "os2_orgs", "suppliers", "jira", "github", "people"}
    for key in s:
        if key not in known:
            problems.append(f"{key}: unknown setting")
    if s.get("language") not in LANGUAGES:
        problems.append(f"language: must be one of {', '.join(LANGUAGES)}, got {s.get('language')!r}")
    if not isinstance(s.get("onboard_on_repository_created"), bool):
        problems.append("onboard_on_repository_created: must be true or false")
    existing = s.get("onboard_existing_on_install")
    if not (existing is False or existing == "all" or
            (isinstance(existing, list) and all(isinstance(n, str) and n for n in existing))):
        problems.append('onboard_existing_on_install: must be false, "all" or a list of repository names')
    for key in ("secretariat_team", "board_team"):
        if not isinstance(s.get(key), str) or not s.get(key):
            problems.append(f"{key}: must be a team slug")
    orgs = s.get("os2_orgs")
    if orgs is not None and (not isinstance(orgs, list) or not all(isinstance(o, str) and o for o in orgs)):
        problems.append("os2_orgs: must be a list of organisation names or null")
    problems += _step3_problems(s)
    if s.get("suppliers") is not None and not isinstance(s.get("suppliers"), list):
        problems.append("suppliers: must be a list or null")
    elif s.get("suppliers") is not None:
        from bot.checks.config import ConfigError as ChecksConfigError
        from bot.checks.config import parse_suppliers
        try:
            parse_suppliers({"suppliers": _normalise_suppliers(s["suppliers"])}, "suppliers")
        except ChecksConfigError as e:
            problems.append(str(e))
    return problems


def actor_roles(login: str, team_slugs: Iterable[str], process: Process, settings: OrgSettings,
                coordinators: Iterable[str] = ()) -> frozenset[str]:
    """Roles of a person: from the teams they are in (the lead looks those up) and the state."""
    teams = set(team_slugs)
    roles = {"contributor"} if "contributor" in process.roles else set()
    for role in process.roles.values():
        team = settings.team_for(role)
        if team and team in teams:
            roles.add(role.key)
    if "coordinator" in process.roles and login.lower() in {c.lower() for c in coordinators}:
        roles.add("coordinator")
    return frozenset(roles)
