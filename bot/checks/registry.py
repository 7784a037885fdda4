"""Every check the code knows, by id. config/checks.yaml chooses which run and in what order."""

from __future__ import annotations

from types import ModuleType

from bot.checks import (
    contact_person,
    container,
    docs_template,
    governance_claims,
    governance_level,
    governance_report,
    in_os2_org,
    issues_enabled,
    licence,
    publiccode,
    readme_purpose,
    roadmap,
    supplier_agreement,
)
from bot.checks.config import ChecksConfig, ConfigError

MODULES: tuple[ModuleType, ...] = (
    governance_report,
    governance_level,
    governance_claims,
    licence,
    readme_purpose,
    in_os2_org,
    docs_template,
    issues_enabled,
    container,
    publiccode,
    supplier_agreement,
    contact_person,
    roadmap,
)
CHECKS: dict[str, ModuleType] = {m.ID: m for m in MODULES}


def validate_against_code(config: ChecksConfig) -> None:
    """Every configured check exists in code and has a message for each outcome it can reach."""
    for check_id, spec in config.checks.items():
        module = CHECKS.get(check_id)
        if module is None:
            raise ConfigError(f"{config.source}: checks.{check_id}: no such check (known: {', '.join(CHECKS)})")
        for outcome in module.OUTCOMES:
            if outcome not in spec.messages:
                raise ConfigError(f"{config.source}: checks.{check_id}.messages.{outcome}: missing")
