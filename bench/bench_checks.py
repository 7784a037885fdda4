"""How fast the readiness checks are: `python bench/bench_checks.py`.

Measures, on one example product (the official governance template filled in to
level 2, with README, licence, publiccode.yml, ...):
  - full check runs per second (`run_checks`, warm: config loaded, schemas compiled)
  - governance report parses per second (`parse_report`)
  - licence identification of a real 35 KB GPL-3.0 LICENSE (OS2borgerPC), the first
    time a text is seen (askalono decompresses its SPDX store on every call) and
    again (each distinct text is identified once per process)
  - a baseline measured in the same run: splitting the same report text into
    lines and cells with str.split, the least any reader of the text must do
and prints each as a ratio to the baseline, then whether a full check stays
under the 50 ms target. Not a test: timings vary by machine.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.checks import run_checks  # noqa: E402
from bot.governance import parse_report  # noqa: E402
from bot.licences import match_text  # noqa: E402
from bot.licences.match import forget  # noqa: E402
from tests.checks.support import REPORT, SUPPLIER, config_with_suppliers, product_files, snapshot  # noqa: E402

TARGET_MS = 50.0
GPL_TEXT = ROOT / "tests" / "fixtures" / "licences" / "os2" / "os2borgerpc-admin-site-LICENSE"


def per_call(fn, *, min_seconds: float = 0.5, rounds: int = 5) -> list[float]:
    """Seconds per call for `rounds` rounds, each long enough to time reliably."""
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds / rounds:
            break
        calls *= 2
    samples = [elapsed / calls]
    for _ in range(rounds - 1):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return samples


def main() -> int:
    files = product_files(2)
    snap = snapshot(files)
    text = files[REPORT]

    start = time.perf_counter()
    config = config_with_suppliers(SUPPLIER)
    first = run_checks(snap, level=2, config=config)
    cold_ms = (time.perf_counter() - start) * 1000

    def baseline() -> int:
        cells = 0
        for line in text.split("\n"):
            cells += len(line.split("|"))
        return cells

    base = statistics.median(per_call(baseline))
    check = per_call(lambda: run_checks(snap, level=2, config=config))
    parse = statistics.median(per_call(lambda: parse_report(text, REPORT)))
    gpl = GPL_TEXT.read_text(encoding="utf-8")

    def identify_unseen() -> str | None:
        forget()
        return match_text(gpl)

    licence_first = statistics.median(per_call(identify_unseen, min_seconds=1.0, rounds=3))
    licence_again = statistics.median(per_call(lambda: match_text(gpl)))
    check_median = statistics.median(check)
    worst = max(check)

    print(f"example product: {len(snap.paths)} files, report {len(text):,} characters, "
          f"{len(first.results)} checks, ready={first.ready}")
    print(f"baseline (str.split of the report) : {1 / base:12,.0f} /s   {base * 1e6:9.1f} µs")
    print(f"governance report parse            : {1 / parse:12,.0f} /s   {parse * 1e6:9.1f} µs"
          f"   {parse / base:6.1f}× baseline")
    print(f"full check run (warm)              : {1 / check_median:12,.0f} /s   {check_median * 1e6:9.1f} µs"
          f"   {check_median / base:6.1f}× baseline")
    print(f"licence text, 35 KB, first time     : {licence_first * 1000:9.1f} ms   (askalono loads its store per call)")
    print(f"licence text, 35 KB, seen before    : {licence_again * 1e6:9.1f} µs")
    print(f"first run incl. config + schema load + licence: {cold_ms:.1f} ms")
    holds = worst * 1000 < TARGET_MS
    print(f"target: full check under {TARGET_MS:.0f} ms — {'holds' if holds else 'MISSED'} "
          f"(median {check_median * 1000:.2f} ms, slowest round {worst * 1000:.2f} ms)")
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
