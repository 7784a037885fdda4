"""config/checks.yaml and config/suppliers.yaml, loaded and validated once.

The checks' ids, levels, requirement ids, Danish messages and settings are data
so that OS2 can change wording and thresholds without touching code. A broken
file fails loudly with the key that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jsonschema
import yaml

CONFIG_DIR = Path(__file__).resolve().parents[2] / "config"
CHECKS_PATH = CONFIG_DIR / "checks.yaml"
SUPPLIERS_PATH = CONFIG_DIR / "suppliers.yaml"

_STATUS_KEYS = ["pass", "warn", "fail", "not_configured", "not_applicable"]
_TEXTS = {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}}

CHECKS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema_version", "default_level", "statuses", "not_applicable", "texts", "checks"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": 1},
        "default_level": {"type": "integer", "minimum": 0, "maximum": 3},
        "statuses": {
            "type": "object",
            "required": _STATUS_KEYS,
            "additionalProperties": False,
            "properties": {k: {"type": "string", "minLength": 1} for k in _STATUS_KEYS},
        },
        "not_applicable": {"type": "string", "minLength": 1},
        "target_level_keys": {"type": "array", "items": {"type": "string", "minLength": 1}},
        "target_level_phrases": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "aims": {"type": "array", "items": {"type": "string", "minLength": 1}},
                "not_between": {"type": "array", "items": {"type": "string", "minLength": 1}},
            },
        },
        "texts": {
            "type": "object",
            "required": ["title", "summary", "ready", "not_ready", "no_level", "target_sources"],
            "properties": {
                "target_sources": {
                    "type": "object",
                    "required": ["argument", "report", "default"],
                    "additionalProperties": {"type": "string"},
                },
            },
            "additionalProperties": {"type": ["string", "object"]},
        },
        "checks": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^[a-z][a-z0-9_]*$"},
            "additionalProperties": {
                "type": "object",
                "required": ["title", "requirements", "level", "required", "messages"],
                "additionalProperties": False,
                "properties": {
                    "title": {"type": "string", "minLength": 1},
                    "requirements": {"type": "array", "items": {"type": "string", "pattern": r"^[A-Z][\w.-]*$"}},
                    "level": {"type": "integer", "minimum": 0, "maximum": 3},
                    "required": {"type": "boolean"},
                    "messages": {**_TEXTS, "minProperties": 1},
                    "hints": _TEXTS,
                    "settings": {"type": "object"},
                },
            },
        },
    },
}

SUPPLIERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["suppliers"],
    "additionalProperties": False,
    "properties": {
        "suppliers": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["name"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "aliases": {"type": "array", "items": {"type": "string", "minLength": 1}},
                    "signed": {"type": ["string", "null"]},
                },
            },
        }
    },
}


class ConfigError(ValueError):
    """The checks configuration is invalid; the message names the file and key."""


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    requirements: tuple[str, ...]
    level: int
    required: bool
    messages: dict[str, str]
    hints: dict[str, str]
    settings: dict[str, Any]


@dataclass(frozen=True)
class Supplier:
    name: str
    aliases: tuple[str, ...] = ()
    signed: str | None = None


@dataclass(frozen=True)
class ChecksConfig:
    default_level: int
    statuses: dict[str, str]
    not_applicable: str
    target_level_keys: tuple[str, ...]
    texts: dict[str, Any]
    checks: dict[str, CheckSpec]
    suppliers: tuple[Supplier, ...] = ()
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    target_level_phrases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def spec(self, check: str) -> CheckSpec:
        return self.checks[check]


def _key_path(error: jsonschema.ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    return ".".join(parts) or "(top level)"


def _validate(data: Any, schema: dict, source: str) -> None:
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise ConfigError(f"{source}: {_key_path(error)}: {error.message}")


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc


def parse_suppliers(data: Any, source: str = "suppliers.yaml") -> tuple[Supplier, ...]:
    if data is None:
        data = {"suppliers": []}
    _validate(data, SUPPLIERS_SCHEMA, source)
    return tuple(
        Supplier(
            name=s["name"].strip(),
            aliases=tuple(a.strip() for a in s.get("aliases") or ()),
            signed=str(s["signed"]) if s.get("signed") else None,
        )
        for s in data.get("suppliers") or ()
    )


def parse_config(data: Any, suppliers: tuple[Supplier, ...] = (), source: str = "checks.yaml") -> ChecksConfig:
    _validate(data, CHECKS_SCHEMA, source)
    checks = {}
    for check_id, raw in data["checks"].items():
        hints = raw.get("hints") or {}
        for outcome in hints:
            if outcome not in raw["messages"]:
                raise ConfigError(f"{source}: checks.{check_id}.hints.{outcome}: no message for this outcome")
        checks[check_id] = CheckSpec(
            id=check_id,
            title=raw["title"],
            requirements=tuple(raw["requirements"]),
            level=raw["level"],
            required=raw["required"],
            messages=dict(raw["messages"]),
            hints=dict(hints),
            settings=dict(raw.get("settings") or {}),
        )
    return ChecksConfig(
        default_level=data["default_level"],
        statuses=dict(data["statuses"]),
        not_applicable=data["not_applicable"],
        target_level_keys=tuple(data.get("target_level_keys") or ()),
        texts=dict(data["texts"]),
        checks=checks,
        suppliers=suppliers,
        source=source,
        target_level_phrases={k: tuple(v) for k, v in (data.get("target_level_phrases") or {}).items()},
    )


def load_suppliers(path: str | Path | None = None) -> tuple[Supplier, ...]:
    path = Path(path or SUPPLIERS_PATH)
    return parse_suppliers(_read_yaml(path), str(path))


@lru_cache(maxsize=8)
def _load_cached(checks_path: str, suppliers_path: str) -> ChecksConfig:
    suppliers = load_suppliers(suppliers_path)
    return parse_config(_read_yaml(Path(checks_path)), suppliers, checks_path)


def load_config(path: str | Path | None = None, suppliers_path: str | Path | None = None) -> ChecksConfig:
    """The checks configuration (default: config/checks.yaml + config/suppliers.yaml)."""
    return _load_cached(str(Path(path or CHECKS_PATH)), str(Path(suppliers_path or SUPPLIERS_PATH)))


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def for_organisation(config: ChecksConfig, *, organisations: Iterable[str] | None = None,
                     suppliers: Iterable[Any] | None = None) -> ChecksConfig:
    """The checks as one organisation's `.github/os2bot.yml` adjusts them (None: keep config's)."""
    if organisations is not None:
        spec = config.checks["in_os2_org"]
        checks = {**config.checks, "in_os2_org": replace(spec, settings={**spec.settings,
                                                                          "organisations": list(organisations)})}
        config = replace(config, checks=checks)
    if suppliers is not None:
        config = replace(config, suppliers=parse_suppliers({"suppliers": list(suppliers)}, ".github/os2bot.yml"))
    return config
