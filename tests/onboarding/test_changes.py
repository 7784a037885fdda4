"""What makes the sweep reconcile a repository again (bot/onboarding/changes.py)."""

from __future__ import annotations

from bot.graphql_cost import query_cost
from bot.onboarding.changes import (
    SETTLE_SECONDS,
    batch_fingerprints,
    batch_query,
    batch_variables,
    fingerprint,
    needs_reconcile,
    settled,
)

REPO = {"isArchived": False, "description": "Formularer", "hasIssuesEnabled": True, "tree": {"oid": "a1"}}
NOW = 1_800_000_000.0


def test_every_fact_a_reconcile_reads_moves_the_fingerprint():
    base = fingerprint(REPO, (7, "2026-11-29T10:00:00Z"), "c1")
    changed = [
        fingerprint({**REPO, "tree": {"oid": "a2"}}, (7, "2026-11-29T10:00:00Z"), "c1"),      # a push
        fingerprint({**REPO, "isArchived": True}, (7, "2026-11-29T10:00:00Z"), "c1"),
        fingerprint({**REPO, "description": "Andet"}, (7, "2026-11-29T10:00:00Z"), "c1"),
        fingerprint(REPO, (7, "2026-11-29T10:00:01Z"), "c1"),                                   # a comment
        fingerprint(REPO, (8, "2026-11-29T10:00:00Z"), "c1"),
        fingerprint(REPO, None, "c1"),
        fingerprint(REPO, (7, "2026-11-29T10:00:00Z"), "c2"),                                   # the org's config
    ]
    assert base not in changed and len(set(changed)) == len(changed)
    assert fingerprint(dict(REPO), (7, "2026-11-29T10:00:00Z"), "c1") == base


def test_a_kept_fingerprint_is_trusted_only_when_settled():
    assert not needs_reconcile({"fingerprint": "f", "settled": True}, "f")
    assert needs_reconcile({"fingerprint": "f", "settled": False}, "f")
    assert needs_reconcile({"fingerprint": "f", "settled": True}, "g")
    for kept in (None, "f", [], {"fingerprint": "f"}, {"fingerprint": "f", "settled": "yes"}):
        assert needs_reconcile(kept, "f")           # never reconciled, or a record the bot did not write


def test_an_issue_changed_in_the_last_minute_or_owed_work_is_not_settled():
    from datetime import datetime, timezone

    def iso(t):
        return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    assert settled(iso(NOW - SETTLE_SECONDS - 1), NOW, owed_work=False)
    assert not settled(iso(NOW - 1), NOW, owed_work=False)      # a change in the same second would not show
    assert not settled(iso(NOW - 3600), NOW, owed_work=True)
    assert settled(None, NOW, owed_work=False)
    assert not settled("not a time", NOW, owed_work=False)


def test_the_batch_reads_a_hundred_repositories_for_one_point_and_names_only_variables():
    repos = [(f"OS2offdig/produkt-{i}", i if i % 2 else None) for i in range(100)]
    variables = batch_variables("OS2offdig", repos)
    assert query_cost(batch_query(100), variables).points == 1
    assert 'produkt-1"' not in batch_query(100)     # names travel as variables, never inside the query
    assert variables["h1"] and variables["i1"] == 1 and not variables["h0"]


def test_a_repository_github_did_not_return_is_not_fingerprinted_and_a_deleted_issue_differs():
    repos = [("OS2offdig/a", 7), ("OS2offdig/gone", None)]
    data = {"r0": {**REPO, "issue": None}, "r1": None, "orgConfig": {"object": {"oid": "c1"}}}
    found = batch_fingerprints(data, repos)
    assert found["os2offdig/gone"] is None
    assert found["os2offdig/a"] == fingerprint(REPO, (7, None), "c1")
    assert found["os2offdig/a"] != fingerprint(REPO, (7, "2026-11-29T10:00:00Z"), "c1")
