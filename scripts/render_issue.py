"""Show the onboarding issue as GitHub shows it: GFM -> HTML with GitHub-like CSS -> PNG.

    python scripts/render_issue.py [--out docs/img] [--no-screenshots]

Runs the sandbox's story with the real bot against the GitHub and Jira stand-ins (as
`os2bot sandbox` does): a level 1 product (the sandbox's example) and a level 2 product
placed by the secretariat, with a few comments and the bot's replies. For each it writes
the issue body and the comment thread as Markdown, as HTML (rendered by markdown-it-py with
GFM's tables and task lists, styled like github.com) and, when Debian's `chromium` is on
PATH, as a PNG screenshot taken by headless Chromium. No accounts, no network.

The CSS is a small approximation of GitHub's (system fonts, borders, task lists, tables,
quotes); GitHub's own renderer (cmark-gfm) and sanitiser decide the real page.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

WIDTH = 1012   # GitHub's issue column is about 900 px wide inside a 1012 px page

CSS = """
/* colour emoji for emoji only: Noto Color Emoji also has digits and spaces */
@font-face { font-family: "Emoji"; src: local("Noto Color Emoji"), local("Apple Color Emoji"), local("Segoe UI Emoji");
  unicode-range: U+2190-21FF, U+2300-23FF, U+2460-24FF, U+25A0-27BF, U+2900-297F, U+2B00-2BFF, U+FE0F,
                 U+1F000-1FAFF; }
body { margin: 0; background: #fff; color: #1f2328; width: %(width)dpx;
  font: 14px/1.5 "Emoji", -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, "DejaVu Sans", sans-serif; }
.page { padding: 24px 32px; }
h1.title { font-size: 32px; font-weight: 400; margin: 0 0 8px; }
h1.title .number { color: #59636e; font-weight: 300; }
.state { display: inline-block; padding: 5px 12px; border-radius: 2em; color: #fff;
  background: #1f883d; font-weight: 500; margin-right: 8px; }
.state.closed { background: #8250df; }
.meta { color: #59636e; margin-bottom: 16px; border-bottom: 1px solid #d1d9e0; padding-bottom: 16px; }
.label { display: inline-block; padding: 0 7px; border-radius: 2em; font-size: 12px; font-weight: 500;
  line-height: 18px; border: 1px solid #d1d9e0; margin-left: 4px; }
.comment { border: 1px solid #d1d9e0; border-radius: 6px; margin: 0 0 16px; }
.comment .head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px;
  border-radius: 6px 6px 0 0; color: #59636e; }
.comment .head b { color: #1f2328; }
.comment .head .bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 6px; font-size: 12px; }
.markdown-body { padding: 16px; word-wrap: break-word; }
.markdown-body > :first-child { margin-top: 0; }
.markdown-body h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; line-height: 1.25; }
.markdown-body p, .markdown-body ul, .markdown-body ol, .markdown-body table, .markdown-body blockquote
  { margin: 0 0 16px; }
.markdown-body ul { padding-left: 2em; }
.markdown-body li + li { margin-top: .25em; }
.markdown-body li > p { margin: 0; }
.markdown-body ul ul { margin: 0; }
.markdown-body ul.contains-task-list { padding-left: 0; list-style: none; }
.markdown-body ul.contains-task-list ul { padding-left: 2em; list-style: disc; }
.markdown-body .task-list-item-checkbox { margin: 0 .2em .25em -1.4em; vertical-align: middle; }
.markdown-body li.task-list-item { padding-left: 1.6em; }
.markdown-body table { border-collapse: collapse; display: block; width: max-content; max-width: 100%%; }
.markdown-body th, .markdown-body td { border: 1px solid #d1d9e0; padding: 6px 13px; }
.markdown-body th { font-weight: 600; }
.markdown-body tr:nth-child(2n) { background: #f6f8fa; }
.markdown-body blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
.markdown-body code { padding: .2em .4em; font-size: 85%%; background: #818b981f; border-radius: 6px;
  font-family: ui-monospace, SFMono-Regular, "DejaVu Sans Mono", Menlo, monospace; }
.markdown-body hr { height: .25em; padding: 0; margin: 24px 0; background: #d1d9e0; border: 0; }
.markdown-body sub { color: #59636e; }
.markdown-body a { color: #0969da; text-decoration: none; }
""" % {"width": WIDTH}


def gfm() -> MarkdownIt:
    """CommonMark with GFM's tables, strikethrough and task lists; raw HTML kept (GitHub
    keeps comments and <sub>, and hides the comments); a line break in an issue or a comment
    is a line break on GitHub, so `breaks` is on."""
    return (MarkdownIt("commonmark", {"html": True, "breaks": True})
            .enable(["table", "strikethrough"]).use(tasklists_plugin))


def comment_html(author: str, markdown: str) -> str:
    bot = author.endswith("[bot]")
    name = author.removesuffix("[bot]")
    badge = ' <span class="bot">bot</span>' if bot else ""
    return (f'<div class="comment"><div class="head"><b>{html.escape(name)}</b>{badge} kommenterede</div>'
            f'<div class="markdown-body">{gfm().render(markdown)}</div></div>')


def page(issue, comments: list[tuple[str, str]] | None = None) -> str:
    """The issue page: title, state, labels, the body as the bot's first comment, then `comments`."""
    labels = "".join(f'<span class="label">{html.escape(name)}</span>' for name in sorted(issue.labels))
    state = "Open" if issue.state == "open" else "Closed"
    parts = [f'<h1 class="title">{html.escape(issue.title)} <span class="number">#{issue.number}</span></h1>',
             f'<div class="meta"><span class="state {issue.state}">{state}</span>'
             f'os2bot åbnede dette issue · {labels}</div>']
    if comments is None:
        parts.append(comment_html("os2bot[bot]", issue.body or ""))
    else:
        parts.extend(comment_html(author, body) for author, body in comments)
    return (f'<!doctype html><html lang="da"><head><meta charset="utf-8"><style>{CSS}</style></head>'
            f'<body><div class="page">{"".join(parts)}</div>'
            '<script>document.title = "height:" + document.documentElement.scrollHeight;</script></body></html>')


def screenshot(html_path: Path, png_path: Path, chromium: str) -> None:
    """Two runs of headless Chromium: one to read the page's height, one to take it whole."""
    common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
              "--force-device-scale-factor=1", f"--window-size={WIDTH},800"]
    dom = subprocess.run([*common, "--dump-dom", html_path.as_uri()], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    match = re.search(r"<title>height:(\d+)</title>", dom)
    height = int(match.group(1)) if match else 3000
    common[-1] = f"--window-size={WIDTH},{height}"
    subprocess.run([*common, f"--screenshot={png_path}", html_path.as_uri()], capture_output=True,
                   timeout=120, check=True)


def sandbox_story():
    """The bot's issues after the secretariat's comments, from the real bot on the stand-ins."""
    from bot.log import configure_logging
    from bot.sandbox.cli import jira_environment
    from bot.sandbox.github import serve_github_standin
    from bot.sandbox.harness import Bot
    from bot.sandbox.world import BOARD_MEMBER, CONTRIBUTOR, ORG, PRODUCT, SECRETARIAT, build_jira, build_world

    configure_logging("warning", "console")
    world = build_world()
    level2 = world.add_product("os2kommune", level=2, description="Eksempel på et produkt på niveau 2")
    level1 = f"{ORG}/{PRODUCT}"
    jira = build_jira()
    with tempfile.TemporaryDirectory(prefix="os2bot-render-") as tmp, serve_github_standin(world.state) as url:
        jira.start()
        bot = Bot(world=world, github_url=url, database=Path(tmp) / "render.db", env=jira_environment(jira)).start()
        try:
            for full_name in (level1, level2):
                bot.transfer(full_name)
                bot.settle()
            for full_name, who, text in (
                    (level1, SECRETARIAT, f"/adgang tilføj @{CONTRIBUTOR} kommune-ansvarlig karin@kommune.dk\n"
                                          f"/koordinator tilføj @{CONTRIBUTOR}"),
                    (level1, SECRETARIAT, "/niveau 1\n/match"),
                    (level2, SECRETARIAT, "/niveau 2\n/match"),
                    (level2, CONTRIBUTOR, "/godkend"),
                    (level2, BOARD_MEMBER, "/niveu 3")):
                bot.person_comments(full_name, text, who)
                bot.settle()
            issues = {name: bot.the_issue(name) for name in (level1, level2)}
            threads = {name: [(c.user, c.body) for c in issues[name].comments] for name in issues}
        finally:
            bot.stop()
            jira.stop()
    return [("issue-niveau-1", issues[level1], None), ("issue-niveau-2", issues[level2], None),
            ("kommentarer-niveau-2", issues[level2], threads[level2])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"), help="folder for .md, .html and .png")
    parser.add_argument("--no-screenshots", action="store_true", help="write Markdown and HTML only")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    chromium = None if args.no_screenshots else (shutil.which("chromium") or shutil.which("chromium-browser"))
    if not args.no_screenshots and chromium is None:
        print("render_issue: no chromium on PATH (Debian: apt-get install chromium); writing HTML only",
              file=sys.stderr)
    for name, issue, comments in sandbox_story():
        markdown = issue.body if comments is None else "\n\n---\n\n".join(f"**{a}**:\n\n{b}" for a, b in comments)
        (args.out / f"{name}.md").write_text(markdown or "", encoding="utf-8")
        html_path = args.out / f"{name}.html"
        html_path.write_text(page(issue, comments), encoding="utf-8")
        if chromium:
            screenshot(html_path.resolve(), (args.out / f"{name}.png").resolve(), chromium)
        print(f"{name}: {html_path}" + (f", {args.out / (name + '.png')}" if chromium else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
