"""Render one indstilling as GitHub shows it, for docs/onboarding.md: the sandbox's example
product (its report meets level 1) proposed on level 2, with one coordinator.

    .venv/bin/python docs/screenshots/indstilling.py /tmp/indstilling.html
    chromium --headless --no-sandbox --hide-scrollbars --window-size=920,1950 \
        --screenshot=docs/screenshots/indstilling.da.png file:///tmp/indstilling.html
"""
import sys
from dataclasses import replace
from markdown_it import MarkdownIt
from bot.checks import run_checks
from bot.checks.config import for_organisation, load_config
from bot.onboarding import board_paper
from bot.onboarding.config import load_process
from bot.onboarding.desired import compute_view
from bot.onboarding.model import Decision, RepoFacts, State, Tick, record_decision, set_coordinators
from bot.sandbox.world import example_files
from bot.snapshot import Snapshot

process = load_process()
files = {k: v.decode() for k, v in example_files(1).items()}
snap = Snapshot(name="os2eksempel", owner="OS2offdig", paths=tuple(sorted(files)), files=files, has_issues=True)
config = for_organisation(load_config(), organisations=["OS2offdig"], suppliers=[{"name": "Eksempel Leverandør A/S"}])
checks_at = lambda level: run_checks(snap, level=level, config=config)
facts = RepoFacts("OS2offdig", "os2eksempel", "Eksempelprodukt til OS2-bottens sandkasse",
                  "https://github.com/OS2offdig/os2eksempel", "main")
url = "https://github.com/OS2offdig/os2eksempel/issues/1#issuecomment-"
state = record_decision(State(), Decision("level", 2, "sekretariat-sofie", "2026-11-29T09:10:00Z", url + "1"))
state = set_coordinators(state, ("koordinator-kim",))
state = replace(state, ticks={"match-judged": Tick(True, "sekretariat-sofie", "2026-11-29T09:11:00Z")})
state = record_decision(state, Decision("board_review", "requested", "koordinator-kim", "2026-11-29T09:14:00Z", url + "2"))
run = checks_at(2)
view = compute_view(process, facts, run.by_id, state, "da", target=2)
state = replace(state, board_paper=board_paper.take(process, state, facts, view, run, checks_at(None),
                                                    by="koordinator-kim", at="2026-11-29T09:14:00Z"))
text = board_paper.render(process, state, facts, "da")
html = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
css = """body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2328;
max-width:860px;margin:16px auto;padding:16px 24px;border:1px solid #d0d7de;border-radius:6px}
h2{border-bottom:1px solid #d8dee4;padding-bottom:.3em;font-size:1.5em}h3{font-size:1.25em}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:6px 13px}
code{background:#eff1f3;padding:.2em .4em;border-radius:6px;font-size:85%}
blockquote{color:#59636e;border-left:.25em solid #d0d7de;margin:0;padding:0 1em}a{color:#0969da}
sub{color:#59636e}"""
open(sys.argv[1] if len(sys.argv) > 1 else "indstilling.html", "w", encoding="utf-8").write(f"<!doctype html><meta charset=utf-8><style>{css}</style>{html}")
