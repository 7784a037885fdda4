"""Readiness checks: pure functions of a repository snapshot, configured in config/checks.yaml."""

from bot.checks.config import ChecksConfig, CheckSpec, ConfigError, Supplier, load_config, parse_config
from bot.checks.engine import CheckRun, run_checks
from bot.checks.files import wanted_files
from bot.checks.model import CheckResult, Status

__all__ = [
    "CheckResult",
    "CheckRun",
    "CheckSpec",
    "ChecksConfig",
    "ConfigError",
    "Status",
    "Supplier",
    "load_config",
    "parse_config",
    "run_checks",
    "wanted_files",
]
