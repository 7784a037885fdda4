"""Issues, comments, labels and reactions behave as on GitHub, seen through githubkit."""

from __future__ import annotations

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from bot.sandbox.github import GitHubState
from tests.sandbox.conftest import FULL, ORG, REPO, fixture

pytestmark = pytest.mark.anyio


async def test_the_bot_opens_an_onboarding_issue_as_its_bot_user(github: GitHub, state: GitHubState):
    created = await github.rest.issues.async_create(ORG, REPO, title="Onboarding af OS2forms",
                                                     body="- [ ] Governance-rapport", labels=["onboarding"])
    assert created.status_code == 201
    issue = created.parsed_data
    assert (issue.number, issue.state, issue.user.login, issue.user.type) == (1, "open", "os2bot[bot]", "Bot")
    assert [label.name for label in issue.labels] == ["onboarding"]
    assert issue.performed_via_github_app.slug == "os2bot"
    stored = state.issues(FULL)
    assert [(i.title, i.user, i.labels) for i in stored] == [("Onboarding af OS2forms", "os2bot[bot]", ["onboarding"])]


async def test_an_issue_carries_the_fields_of_githubs_example(github: GitHub, base_url: str):
    created = await github.rest.issues.async_create(ORG, REPO, title="x")
    raw = created.json()
    missing = set(fixture("issue.json")) - set(raw) - {"pull_request"}  # only pull requests have it
    assert missing == set()
    assert raw["url"] == f"{base_url}/repos/{FULL}/issues/1"
    assert raw["html_url"] == f"{base_url}/{FULL}/issues/1"


async def test_an_issue_without_a_title_is_refused(raw: httpx.Client, state: GitHubState):
    response = raw.post(f"/repos/{FULL}/issues", json={"body": "no title"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "title"
    assert state.issues(FULL) == []


async def test_listing_filters_by_state_creator_and_labels(github: GitHub, state: GitHubState):
    state.add_issue(FULL, "Fra en borger", user="borger")
    state.add_issue(FULL, "Onboarding", user=state.app.bot_login, labels=["onboarding", "os2"])
    closed = state.add_issue(FULL, "Gammel onboarding", user=state.app.bot_login, labels=["onboarding"])
    await github.rest.issues.async_update(ORG, REPO, closed.number, state="closed", state_reason="not_planned")

    async def titles(**filters: str) -> list[str]:
        found = await github.rest.issues.async_list_for_repo(ORG, REPO, **filters)
        return [i.title for i in found.parsed_data]

    assert await titles() == ["Onboarding", "Fra en borger"]  # open, newest first
    assert await titles(state="all", creator="os2bot[bot]") == ["Gammel onboarding", "Onboarding"]
    assert await titles(state="all", labels="onboarding,os2") == ["Onboarding"]
    assert await titles(state="closed") == ["Gammel onboarding"]
    assert await titles(state="all", direction="asc") == ["Fra en borger", "Onboarding", "Gammel onboarding"]


async def test_listing_pages_with_a_link_header_that_githubkit_follows(github: GitHub, state: GitHubState):
    for n in range(7):
        state.add_issue(FULL, f"Issue {n}")
    first = await github.rest.issues.async_list_for_repo(ORG, REPO, per_page=3)
    assert len(first.parsed_data) == 3
    assert 'rel="next"' in first.headers["link"] and 'rel="last"' in first.headers["link"]
    every = [i.number async for i in github.rest.paginate(github.rest.issues.async_list_for_repo, owner=ORG,
                                                             repo=REPO, per_page=3)]
    assert every == [7, 6, 5, 4, 3, 2, 1]


async def test_since_keeps_issues_updated_from_then(github: GitHub, state: GitHubState):
    state.add_issue(FULL, "Gammel")
    state.advance(days=2)
    fresh = state.add_issue(FULL, "Ny")
    since = fresh.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    found = await github.rest.issues.async_list_for_repo(ORG, REPO, since=since)
    assert [i.title for i in found.parsed_data] == ["Ny"]


async def test_closing_and_reopening_sets_state_reason_and_closed_at(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    closed = (await github.rest.issues.async_update(ORG, REPO, number, state="closed")).parsed_data
    assert (closed.state, closed.state_reason, closed.closed_by.login) == ("closed", "completed", "os2bot[bot]")
    assert closed.closed_at is not None
    reopened = (await github.rest.issues.async_update(ORG, REPO, number, state="open")).parsed_data
    assert (reopened.state, reopened.state_reason, reopened.closed_at) == ("open", "reopened", None)


async def test_editing_the_checklist_body_and_title(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding", body="- [ ] a").number
    await github.rest.issues.async_update(ORG, REPO, number, body="- [x] a", title="Onboarding (trin 1)")
    issue = (await github.rest.issues.async_get(ORG, REPO, number)).parsed_data
    assert (issue.title, issue.body) == ("Onboarding (trin 1)", "- [x] a")


async def test_comments_by_people_and_by_the_bot(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding", user=state.app.bot_login).number
    state.add_comment(FULL, number, "/godkend", user="koordinator")
    posted = await github.rest.issues.async_create_comment(ORG, REPO, number, body="Tak!")
    assert posted.status_code == 201
    listed = (await github.rest.issues.async_list_comments(ORG, REPO, number)).parsed_data
    assert [(c.body, c.user.login, c.user.type) for c in listed] == [
        ("/godkend", "koordinator", "User"), ("Tak!", "os2bot[bot]", "Bot")]
    assert set(fixture("issue-comment.json")) <= set(posted.json())
    issue = (await github.rest.issues.async_get(ORG, REPO, number)).parsed_data
    assert issue.comments == 2


async def test_a_comment_is_read_edited_and_deleted(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    comment = state.add_comment(FULL, number, "status: 1/5")
    state.advance(minutes=5)
    edited = (await github.rest.issues.async_update_comment(ORG, REPO, comment.id, body="status: 2/5")).parsed_data
    assert edited.body == "status: 2/5" and edited.updated_at > edited.created_at
    fetched = (await github.rest.issues.async_get_comment(ORG, REPO, comment.id)).parsed_data
    assert fetched.body == "status: 2/5"
    deleted = await github.rest.issues.async_delete_comment(ORG, REPO, comment.id)
    assert deleted.status_code == 204
    assert state.comments(FULL, number) == []
    with pytest.raises(RequestFailed) as failed:
        await github.rest.issues.async_get_comment(ORG, REPO, comment.id)
    assert failed.value.response.status_code == 404


async def test_comments_page_in_order(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    for n in range(5):
        state.add_comment(FULL, number, f"c{n}")
    second = await github.rest.issues.async_list_comments(ORG, REPO, number, per_page=2, page=2)
    assert [c.body for c in second.parsed_data] == ["c2", "c3"]
    assert 'rel="prev"' in second.headers["link"]


async def test_labels_are_added_replaced_and_removed(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    added = await github.rest.issues.async_add_labels(ORG, REPO, number, data={"labels": ["onboarding", "trin-1"]})
    assert [label.name for label in added.parsed_data] == ["onboarding", "trin-1"]
    replaced = await github.rest.issues.async_set_labels(ORG, REPO, number, data={"labels": ["onboarding", "trin-2"]})
    assert [label.name for label in replaced.parsed_data] == ["onboarding", "trin-2"]
    left = await github.rest.issues.async_remove_label(ORG, REPO, number, "trin-2")
    assert [label.name for label in left.parsed_data] == ["onboarding"]
    with pytest.raises(RequestFailed) as failed:
        await github.rest.issues.async_remove_label(ORG, REPO, number, "trin-2")
    assert failed.value.response.status_code == 404
    assert state.issue(FULL, number).labels == ["onboarding"]


async def test_repository_labels_are_created_once_with_a_valid_colour(github: GitHub):
    created = await github.rest.issues.async_create_label(ORG, REPO, name="onboarding", color="0e8a16",
                                                          description="OS2 onboarding")
    assert created.status_code == 201
    for kwargs in ({"name": "onboarding", "color": "0e8a16"}, {"name": "andet", "color": "invalid"}):
        with pytest.raises(RequestFailed) as failed:
            await github.rest.issues.async_create_label(ORG, REPO, **kwargs)
        assert failed.value.response.status_code == 422
    example = fixture("errors.normalized-fixture.json")[0]["response"]
    assert failed.value.response.json()["errors"] == example["errors"]
    listed = (await github.rest.issues.async_list_labels_for_repo(ORG, REPO)).parsed_data
    assert [(label.name, label.color) for label in listed] == [("onboarding", "0e8a16")]


async def test_a_second_identical_reaction_answers_200(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    comment = state.add_comment(FULL, number, "/tjek", user="koordinator")
    first = await github.rest.reactions.async_create_for_issue_comment(ORG, REPO, comment.id, content="eyes")
    again = await github.rest.reactions.async_create_for_issue_comment(ORG, REPO, comment.id, content="eyes")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.parsed_data.id == again.parsed_data.id
    listed = (await github.rest.reactions.async_list_for_issue_comment(ORG, REPO, comment.id)).parsed_data
    assert [(r.content, r.user.login) for r in listed] == [("eyes", "os2bot[bot]")]
    on_issue = await github.rest.reactions.async_create_for_issue(ORG, REPO, number, content="rocket")
    assert on_issue.status_code == 201
    issue = (await github.rest.issues.async_get(ORG, REPO, number)).json()
    assert issue["reactions"]["rocket"] == 1 and issue["reactions"]["total_count"] == 1


async def test_an_unknown_reaction_is_refused(raw: httpx.Client, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    response = raw.post(f"/repos/{FULL}/issues/{number}/reactions", json={"content": "thumbsup"})
    assert response.status_code == 422
    assert state.issue(FULL, number).reactions == []


async def test_an_archived_repository_is_read_only(github: GitHub, state: GitHubState):
    state.repo(FULL).archived = True
    with pytest.raises(RequestFailed) as failed:
        await github.rest.issues.async_create(ORG, REPO, title="x")
    assert failed.value.response.status_code == 403
    assert "archived" in failed.value.response.json()["message"]


async def test_a_repository_with_issues_disabled_answers_410(github: GitHub, state: GitHubState):
    state.repo(FULL).has_issues = False
    with pytest.raises(RequestFailed) as failed:
        await github.rest.issues.async_list_for_repo(ORG, REPO)
    assert failed.value.response.status_code == 410


async def test_a_missing_issue_is_404(github: GitHub, base_url: str):
    with pytest.raises(RequestFailed) as failed:
        await github.rest.issues.async_get(ORG, REPO, 99)
    assert failed.value.response.status_code == 404
    assert set(failed.value.response.json()) >= {"message", "documentation_url"}
    assert httpx.get(f"{base_url}/repos/{FULL}/issues/abc").status_code == 404
