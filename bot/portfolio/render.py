"""The portfolio page as HTML: Jinja2 with autoescape on, so every text people control
(product names, descriptions, item names) is inert; links only ever http(s)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.onboarding.checklist import TEMPLATES_DIR, _default_process
from bot.onboarding.times import local_time
from bot.portfolio.view import LEVEL_NONE, STEP_DONE, Query, page, texts

COLUMNS = ("product", "level", "step", None, "waiting", None, None, "activity")   # sortable ones named
LABELS = ("col_product", "col_level", "col_step", "col_blocking", "col_waiting", "col_board", "col_jira", "col_activity")


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["j2", "html"],
                      default_for_string=True, default=True), trim_blocks=True, lstrip_blocks=True)
    return env


def safe_url(value: Any) -> str:
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) else "#"


def render_page(records: Iterable[Mapping[str, Any]], params: Mapping[str, str], lang: str) -> str:
    q = Query.parse(params)
    data = texts()
    t = data["texts"]
    process = _default_process()
    rows = page(records, q)
    rows = rows.__class__(**{**rows.__dict__, "rows": tuple(_linked(r) for r in rows.rows)})

    def link(**change) -> str:
        """This page's URL with `change` applied to its query (language kept unless changed)."""
        chosen = change.pop("lang", lang)
        values = {**q.params(**change), **({"lang": chosen} if chosen != "da" else {})}
        return "/" + ("?" + urlencode(values) if values else "")

    def step_name(step: str) -> str:
        if step == STEP_DONE:
            return t["onboarded"][lang]
        return t["step_of"][lang].format(n=step, total=len(rows.steps) - 1)

    def level_name(level: str) -> str:
        if level == LEVEL_NONE:
            return t["level_none"][lang]
        return data["levels"].get(int(level), {}).get(lang, level) if level.isdigit() else level

    def when(value: Any) -> str:
        return local_time(value, process, lang) if value else "–"

    return environment().get_template("portfolio.html.j2").render(
        page=rows, t=t, lang=lang, roles=data["roles"], link=link, step_name=step_name, level_name=level_name,
        when=when, reset="/" + ("?lang=en" if lang == "en" else ""),
        columns=tuple((c, t[label][lang]) for c, label in zip(COLUMNS, LABELS)))


def _linked(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """The record with every link it carries checked to be http(s)."""
    issue = dict(record.get("issue") or {})
    issue["url"] = safe_url(issue.get("url"))
    jira = record.get("jira")
    return {**record, "repository_url": safe_url(record.get("repository_url")), "issue": issue,
            "jira": {**jira, "url": safe_url(jira.get("url"))} if isinstance(jira, Mapping) else None}
