"""How fast the portfolio page renders: `python bench/bench_portfolio.py`.

500 products' records (built by the real `build_record` from desired issues at different
steps, levels and board rounds), then the server-side render of GET / over all of them,
of a filtered and sorted page, and of the JSON rows; a baseline in the same run:
`json.dumps` of the same records, the least any answer must do with them. Prints each as
a ratio to the baseline and whether the full page stays under the 20 ms target. Not a
test: timings vary by machine.
"""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import time  # noqa: E402
from bot.checks.model import CheckResult, Status  # noqa: E402
from bot.onboarding.config import load_org_defaults, load_process, org_settings  # noqa: E402
from bot.onboarding.desired import compute_desired  # noqa: E402
from bot.onboarding.model import Decision, RepoFacts, State, Tick, record_decision  # noqa: E402
from bot.portfolio.record import build_record  # noqa: E402
from bot.portfolio.render import render_page  # noqa: E402
from bot.portfolio.view import Query, page  # noqa: E402

TARGET_MS = 20.0
PRODUCTS = 500
AT = "2026-11-20T09:30:00Z"


def states(process) -> list[State]:
    """Onboardings at different points: new, placed and matched, at the board, returned, approved."""
    matched = record_decision(State(ticks={"match-judged": Tick(True, "sofie", AT)}), Decision("level", 2, "sofie", AT))
    asked = record_decision(matched, Decision("board_review", "requested", "sofie", AT))
    returned = record_decision(asked, Decision("board_approval", "rework", "bo", AT, note="Gentænk"))
    approved = record_decision(asked, Decision("board_approval", "approved", "bo", AT))
    everything = replace(approved, ticks={i.key: Tick(True, "sofie", AT) for i in process.items if i.kind == "manual"})
    level1 = record_decision(State(ticks={"match-judged": Tick(True, "sofie", AT)}), Decision("level", 1, "sofie", AT))
    return [State(), matched, asked, returned, approved, everything, level1]


def records(n: int = PRODUCTS) -> list[dict]:
    process, settings = load_process(), org_settings(load_org_defaults())
    checks = {i.check: CheckResult(i.check, Status.PASS, "OK") for i in process.items if i.kind == "check"}
    variants = states(process)
    out = []
    for k in range(n):
        name = f"os2produkt{k:03d}"
        repo = RepoFacts("OS2offdig", name, f"Produkt nummer {k} til kommunerne <&>", f"https://github.com/OS2offdig/{name}", "main")
        results = checks if k % 3 else {**checks, "licence": CheckResult("licence", Status.FAIL, "Ingen licens")}
        desired = compute_desired(process, settings, repo, results, variants[k % len(variants)], now=AT)
        out.append(build_record(desired, issue_number=k + 1, achieved_level=k % 4, target_level=2,
                                jira={"ok": True, "key": f"P{k}", "url": f"https://jira.example/browse/P{k}"} if k % 2 else None,
                                last_activity=f"2026-11-{1 + k % 28:02d}T10:00:00Z", recorded_at=AT))
    return out


def timed(fn, runs: int = 40) -> tuple[float, float]:
    """Median (wall, CPU of this thread) seconds per call; CPU time is what the render costs when
    other processes share the cores, wall time what a reader waits."""
    fn()
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.thread_time()
        fn()
        cpus.append(time.thread_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    rows = records()
    base_wall, base_cpu = timed(lambda: json.dumps(rows))
    size = len(render_page(rows, {}, "da").encode())
    print(f"{PRODUCTS} products, page {size / 1024:.0f} KB; median of 40 runs, wall / CPU")
    print(f"{'baseline: json.dumps of the records':40} {base_wall * 1000:6.2f} / {base_cpu * 1000:6.2f} ms")
    results = {}
    for label, fn in (("GET / (every row)", lambda: render_page(rows, {}, "da")),
                      ("GET /?step=1&sort=activity&lang=en", lambda: render_page(
                          rows, {"step": "1", "sort": "activity", "dir": "desc"}, "en")),
                      ("GET /api/onboardings?sort=level", lambda: json.dumps(
                          list(page(rows, Query.parse({"sort": "level"})).rows)))):
        wall, cpu = results[label] = timed(fn)
        print(f"{label:40} {wall * 1000:6.2f} / {cpu * 1000:6.2f} ms  ({cpu / base_cpu:4.1f} x baseline)")
    wall, cpu = results["GET / (every row)"]
    ok = cpu * 1000 < TARGET_MS
    print(f"full page under {TARGET_MS:.0f} ms of CPU: {'yes' if ok else 'NO'} (wall {wall * 1000:.1f} ms)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
