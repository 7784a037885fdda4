"""Markdown to safe HTML for the sandbox page, as GitHub shows an issue.

CommonMark with GFM's tables, strikethrough and task lists (markdown-it-py, mdit-py-plugins), and
line breaks kept as GitHub keeps them in issues and comments.
Raw HTML is sanitised as GitHub does it, only more strictly: comments are dropped (GitHub
hides them: the bot's `<!-- item:… -->` markers and its state block), a few bare tags
without attributes are kept (`<sub>`, `<details>` …), everything else is shown as text.
Links keep only http(s), mailto and relative targets (markdown-it's own validation).
Each task list item's checkbox becomes a button carrying the item's source line, so a
form around the body can tick the line the way GitHub's page edits the body.
"""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

KEPT_TAGS = ("sub", "sup", "b", "i", "em", "strong", "br", "details", "summary", "kbd", "code", "del", "s", "p")
_COMMENT = re.compile(r"<!--.*?(-->|\Z)", re.S)
_KEPT = re.compile(r"&lt;(/?)(" + "|".join(KEPT_TAGS) + r")\s*(/?)&gt;", re.I)
_TASK = re.compile(r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+\[)([ xX])(\])")


def sanitise_html(raw: str) -> str:
    """Raw HTML from a Markdown text: comments dropped, kept bare tags kept, the rest escaped."""
    text = html.escape(_COMMENT.sub("", raw), quote=True)
    return _KEPT.sub(lambda m: f"<{m.group(1)}{m.group(2).lower()}{m.group(3)}>", text)


def _parser() -> MarkdownIt:
    # GitHub renders a line break in an issue or a comment as a line break (`breaks`)
    md = MarkdownIt("commonmark", {"html": True, "breaks": True}).enable(["table", "strikethrough"]).use(
        tasklists_plugin)

    def html_any(self, tokens, idx, options, env):
        return sanitise_html(tokens[idx].content)

    def task_box(self, tokens, idx, options, env):
        meta = tokens[idx].meta
        mark = "☑" if meta["checked"] else "☐"
        label = "Fjern flueben · untick" if meta["checked"] else "Sæt flueben · tick"
        form = env.get("tick_form")
        if form is None:
            return f'<span class="box" role="img" aria-label="{label}">{mark}</span> '
        return (f'<button class="box" type="submit" form="{html.escape(form)}" name="line" '
                f'value="{meta["line"]}" aria-label="{label}" title="{label}">{mark}</button> ')

    md.add_render_rule("html_block", html_any)
    md.add_render_rule("html_inline", html_any)
    md.add_render_rule("task_box", task_box)
    return md


_MD = _parser()


def render(markdown: str | None, *, tick_form: str | None = None) -> str:
    """HTML for `markdown`. With `tick_form` (a form's id) each task item's checkbox is a submit
    button of that form with `name="line"` and the item's line in the text as its value."""
    tokens = _MD.parse(markdown or "")
    for token in tokens:
        if token.type != "inline" or not token.children or token.map is None:
            continue
        for child in token.children:
            if child.type == "html_inline" and "task-list-item-checkbox" in child.content:
                checked = 'checked="checked"' in child.content
                child.type = "task_box"
                child.meta = {"line": token.map[0], "checked": checked}

    return _MD.renderer.render(tokens, _MD.options, {"tick_form": tick_form})


def toggle_line(markdown: str, line: int) -> str | None:
    """The text with the task box on `line` (0-based) flipped, or None if that line holds none."""
    lines = markdown.splitlines(keepends=True)
    if not 0 <= line < len(lines):
        return None
    found = _TASK.match(lines[line])
    if found is None:
        return None
    mark = " " if found.group(2) in "xX" else "x"
    lines[line] = f"{found.group(1)}{mark}{found.group(3)}" + lines[line][found.end():]
    return "".join(lines)
