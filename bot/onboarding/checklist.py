"""Render the onboarding issue body from an IssueView with the Jinja2 templates.

Autoescape is off (the output is Markdown, not HTML); instead every value that
people control goes through the `md`, `login` or `url` filter in the templates.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context

from bot.onboarding.config import ROOT, Process, load_process
from bot.onboarding.escape import register_filters
from bot.onboarding.model import IssueView
from bot.onboarding.times import local_time

TEMPLATES_DIR = ROOT / "templates"


@pass_context
def when(context, value: object) -> str:
    """The `when` filter: a recorded time in Danish local time, in the template's language.

    "29. nov." at the start of a list item would be read as an ordered list numbered 29, so
    the day's full stop is escaped: Markdown shows "29. nov." wherever the time stands."""
    process = context.get("process") or _default_process()
    return _DAY.sub(r"\1\\.", local_time(value, process, context.get("lang") or process.default_language), count=1)


_DAY = re.compile(r"^(\d{1,9})\.")


@lru_cache(maxsize=1)
def _default_process() -> Process:
    return load_process()


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
