"""Render the onboarding issue body from an IssueView with the Jinja2 templates.

Autoescape is off (the output is Markdown, not HTML); instead every value that
people control goes through the `md`, `login` or `url` filter in the templates.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.onboarding.config import ROOT, Process
from bot.onboarding.escape import escape_inline, register_filters
from bot.onboarding.model import IssueView

TEMPLATES_DIR = ROOT / "templates"


def when(value: object) -> str:
    """ISO time as '2024-05-01 10:00 UTC'; anything else shown escaped, as written."""
    try:
        dt = datetime.fromisoformat(str(value))
    except ValueError:
        return escape_inline(value)
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%d %H:%M UTC")


@lru_cache(maxsize=4)
def environment(templates_dir: Path = TEMPLATES_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        autoescape=False,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    register_filters(env)
    env.filters["when"] = when
    return env


def render_body(process: Process, view: IssueView, lang: str, templates_dir: Path = TEMPLATES_DIR) -> str:
    template = environment(Path(templates_dir)).get_template(f"issue.{lang}.md.j2")
    return template.render(view=view, process=process, lang=lang)
