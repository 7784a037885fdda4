"""What a Markdown text becomes on GitHub, as structure: headings, task items, tables, quotes.

The bot's issue and replies are read on GitHub (cmark-gfm); the tests render them with a
CommonMark parser plus GFM's tables and task lists (markdown-it-py, mdit-py-plugins) and
assert on what people see, not on the text the bot wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin


def parser() -> MarkdownIt:
    """CommonMark with raw HTML (GitHub keeps comments), GFM tables, strikethrough and task lists."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(tasklists_plugin)


@dataclass
class Task:
    checked: bool
    text: str         # the item's own line, without its sub-list
    html: str         # raw HTML in the line (the hidden `<!-- item:key -->`)
    depth: int        # 1 for a top-level list item


@dataclass
class Rendered:
    headings: list[tuple[int, str]] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    items: list[str] = field(default_factory=list)            # plain (non-task) list items
    item_depths: list[int] = field(default_factory=list)      # each plain item's depth, 1 = top level
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cells, header first
    quotes: list[str] = field(default_factory=list)           # each blockquote's text
    paragraphs: list[str] = field(default_factory=list)       # top-level paragraphs

    def task(self, key: str) -> Task:
        found = [t for t in self.tasks if f"<!-- item:{key} -->" in t.html]
        assert len(found) == 1, (key, found)
        return found[0]


def _text(inline) -> tuple[str, str]:
    text, html = [], []
    for child in inline.children or []:
        if child.type == "html_inline":
            if "task-list-item-checkbox" not in child.content:
                html.append(child.content)
        elif child.type in ("text", "code_inline"):
            text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            text.append("\n")
    return "".join(text).strip(), "".join(html)


def render(markdown: str) -> Rendered:
    out = Rendered()
    tokens = parser().parse(markdown)
    stack: list[str] = []          # open containers: "li-task", "li", "quote", "table", "heading"
    quote: list[str] = []
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        if token.type == "list_item_open":
            stack.append("li-task" if "task-list-item" in str(token.attrs.get("class", "")) else "li")
            stack.append("li-first")          # the first inline in the item is its own line
        elif token.type == "list_item_close":
            while stack and stack.pop() not in ("li", "li-task"):
                pass
        elif token.type == "blockquote_open":
            stack.append("quote")
            quote = []
        elif token.type == "blockquote_close":
            stack.pop()
            out.quotes.append("\n".join(quote))
        elif token.type == "table_open":
            out.tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            out.tables[-1].append(row or [])
            row = None
        elif token.type == "heading_open":
            out.headings.append((int(token.tag[1]), _text(tokens[i + 1])[0]))
        elif token.type == "inline" and tokens[i - 1].type in ("th_open", "td_open"):
            assert row is not None
            row.append(_text(token)[0])
        elif token.type == "inline" and tokens[i - 1].type == "paragraph_open":
            text, html = _text(token)
            if "quote" in stack:
                quote.append(text)
            elif stack and stack[-1] == "li-first":
                stack.pop()
                depth = sum(1 for s in stack if s in ("li", "li-task"))
                if stack[-1] == "li-task":
                    checkbox = token.children[0].content if token.children else ""
                    out.tasks.append(Task("checked" in checkbox, text, html, depth))
                else:
                    out.items.append(text)
                    out.item_depths.append(depth)
            elif not stack:
                out.paragraphs.append(text)
    return out
