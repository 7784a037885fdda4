"""Whatever a repository holds, the checks answer and never raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.checks import run_checks

from .support import REPORT, product_files, snapshot

NAMES = st.sampled_from([REPORT, "README.md", "LICENSE", "publiccode.yml", "package.json", "pyproject.toml",
                         "MAINTAINERS.md", "docs/architecture.md", "pom.xml", "setup.cfg", "Web.csproj"])
TEXT = st.one_of(st.text(max_size=400), st.sampled_from(["{", "[project]\nlicense = 3", "maintenance: 3",
                                                         "- - -", "| ✅ | F2 |", "Leverandør:", "until: x"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(NAMES, TEXT, max_size=6), st.sampled_from([None, 0, 1, 2, 3]),
       st.sampled_from([None, "OS2offdig"]), st.sampled_from([None, True, False]))
def test_any_files_give_a_result_for_every_check(files, level, owner, has_issues):
    result = run_checks(snapshot(files, owner=owner, has_issues=has_issues), level=level)
    assert len(result.results) == 13
    assert all(r.message for r in result.results)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(list(product_files(2))), st.text(max_size=300))
def test_one_damaged_file_in_a_good_product_gives_a_result(path, text):
    files = product_files(2)
    files[path] = text
    assert len(run_checks(snapshot(files), level=2).results) == 13
