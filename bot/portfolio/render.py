"""The portfolio page as HTML: Jinja2 with autoescape on, so every text people control
(product names, descriptions, item names) is inert; links only ever http(s).

Each record becomes a `Row` of ready texts here, so the template only prints: 500 rows
render well under the 20 ms the page may cost (bench/bench_portfolio.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
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
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(
        ["j2", "html"], default_for_string=True, default=True), trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    return env


@dataclass(frozen=True, slots=True)
class Row:
    """One product as the table shows it, every text in the page's language."""

    product: str
    description: str
    repository_url: str
    issue_url: str
    issue_label: str
    level: str            # "Placeret: niveau 2"
    level_sought: str     # "Ønsket: niveau 2 · Opfyldt: niveau 1"
    onboarded: bool
    step: str
    progress: str
    progress_done: int
    progress_total: int
    blocking: tuple[str, ...]
    waiting: tuple[str, ...]
    board: tuple[str, ...]
    jira_key: str
    jira_url: str
    activity: str


def safe_url(value: Any) -> str:
    text = str(value or "")
    return text if text.startswith(("https://", "http://")) else "#"


@lru_cache(maxsize=2)
def _words(lang: str) -> SimpleNamespace:
    return SimpleNamespace(**{k: v[lang] for k, v in texts()["texts"].items()})


def level_name(level: Any, lang: str) -> str:
    if level is None or level == LEVEL_NONE:
        return texts()["texts"]["level_none"][lang]
    names = texts()["levels"]
    return names[int(level)][lang] if str(level).isdigit() and int(level) in names else str(level)


def _known_level(level: Any, lang: str) -> str:
    return "–" if level is None else level_name(level, lang)


def css_string(text: Any) -> str:
    """Text inside a CSS string in a <style> element: only letters, digits, spaces and a few marks pass."""
    return "".join(c if c.isalnum() or c in " .-–" else f"\\{ord(c):x} " for c in str(text))


def to_row(r: Mapping[str, Any], lang: str, when) -> Row:
    t, roles = _words(lang), texts()["roles"]
    level, step, progress = r.get("level") or {}, r.get("step") or {}, r.get("progress") or {}
    issue, jira, board = r.get("issue") or {}, r.get("jira") or {}, r.get("board") or {}
    done, total = int(progress.get("done") or 0), int(progress.get("total") or 0)
    dated = ((t.board_requested, board.get("requested_at")), (t.board_returned, board.get("returned_at")),
             (t.board_approved, board.get("approved_at")))
    return Row(
        product=str(r.get("product") or r.get("name") or ""), description=str(r.get("description") or ""),
        repository_url=safe_url(r.get("repository_url")), issue_url=safe_url(issue.get("url")),
        issue_label=t.issue_link.format(number=issue.get("number")),
        level=f"{t.level_placed}: {level_name(level.get('placed'), lang)}",
        level_sought=f"{t.level_target}: {_known_level(level.get('target'), lang)} · "
                     f"{t.level_achieved}: {_known_level(level.get('achieved'), lang)}",
        onboarded=bool(r.get("onboarded")),
        step=t.onboarded if r.get("onboarded") else t.step_of.format(n=step.get("current"), total=step.get("total")),
        progress=t.progress.format(done=done, total=total), progress_done=done, progress_total=total,
        blocking=tuple(str(b.get("name", "")) for b in r.get("blocking") or () if isinstance(b, Mapping)),
        waiting=tuple(roles[w][lang] if w in roles else str(w) for w in r.get("waiting_for") or ()),
        board=tuple(text.format(at=when(at)) for text, at in dated if at),
        jira_key=str(jira.get("key") or ""), jira_url=safe_url(jira.get("url")),
        activity=when(r.get("last_activity")))


def render_page(records: Iterable[Mapping[str, Any]], params: Mapping[str, str], lang: str,
                person: str | None = None) -> str:
    """The page; `person`: who is signed in (PORTFOLIO_ACCESS=members), shown with a sign-out button."""
    q = Query.parse(params)
    t = _words(lang)
    process = _default_process()
    chosen = page(records, q)

    @lru_cache(maxsize=None)
    def when(value: Any) -> str:      # many rows share a time: each formatted once
        return local_time(value, process, lang) if value else "–"

    def link(**change) -> str:
        """This page's URL with `change` applied to its query (language kept unless changed)."""
        wanted = change.pop("lang", lang)
        values = {**q.params(**change), **({"lang": wanted} if wanted != "da" else {})}
        return "/" + ("?" + urlencode(values) if values else "")

    def step_name(step: str) -> str:
        return t.onboarded if step == STEP_DONE else t.step_of.format(n=step, total=len(chosen.steps) - 1)

    return environment().get_template("portfolio.html.j2").render(
        page=chosen, person=person, rows=[to_row(r, lang, when) for r in chosen.rows], t=t, lang=lang,
        roles={k: v[lang] for k, v in texts()["roles"].items()}, link=link, step_name=step_name,
        level_name=lambda level: level_name(level, lang), reset="/" + ("?lang=en" if lang == "en" else ""),
        columns=tuple((c, getattr(t, label)) for c, label in zip(COLUMNS, LABELS)))
