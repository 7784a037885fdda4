"""The edit history of issue and comment bodies (GraphQL `userContentEdits`), as GitHub keeps it."""

from __future__ import annotations

import base64

import pytest
from githubkit import GitHub

from bot.sandbox.github import GitHubState
from tests.sandbox.conftest import FULL, ORG, REPO

pytestmark = pytest.mark.anyio

EDITS = """
fragment history on Comment {
  body createdAt lastEditedAt includesCreatedEdit
  author { __typename login }
  editor { __typename login }
  userContentEdits(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id } }
    nodes {
      __typename id createdAt editedAt updatedAt deletedAt diff
      editor { __typename login }
      deletedBy { __typename login }
    }
  }
}
query($number: Int!, $first: Int, $after: String, $last: Int, $before: String) {
  repository(owner: "OS2offdig", name: "os2forms") {
    issue(number: $number) {
      ...history
      comments(first: 10) { nodes { databaseId ...history } }
    }
  }
}"""


async def read(github: GitHub, number: int, **page) -> dict:
    variables = {"number": number, "first": None, "after": None, "last": None, "before": None}
    variables.update(page or {"first": 100})
    data = await github.async_graphql(EDITS, variables)
    return data["repository"]["issue"]


def history(node: dict) -> list[tuple[str, str, str | None]]:
    """(editor typename, editor login, diff) of each revision, as served: newest first."""
    return [(e["editor"]["__typename"], e["editor"]["login"], e["diff"]) for e in node["userContentEdits"]["nodes"]]


async def test_a_body_never_edited_has_no_history(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="tjekliste", user="koordinator")
    state.add_comment(FULL, issue.number, "hej", user="borger")
    node = await read(github, issue.number)
    for item in (node, node["comments"]["nodes"][0]):
        assert item["userContentEdits"]["totalCount"] == 0
        assert item["userContentEdits"]["nodes"] == [] and item["userContentEdits"]["edges"] == []
        assert item["userContentEdits"]["pageInfo"] == {"hasNextPage": False, "hasPreviousPage": False,
                                                        "startCursor": None, "endCursor": None}
        assert (item["includesCreatedEdit"], item["lastEditedAt"], item["editor"]) == (False, None, None)


async def test_a_persons_edit_records_the_created_version_too_newest_first(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="- [ ] licens", user=state.app.bot_login)
    state.advance(minutes=5)
    state.edit_issue_body(FULL, issue.number, "- [x] licens", "koordinator")
    node = await read(github, issue.number)
    assert history(node) == [("User", "koordinator", "- [x] licens"), ("Bot", "os2bot", "- [ ] licens")]
    edited, created = node["userContentEdits"]["nodes"]
    assert created["editedAt"] == node["createdAt"]
    assert edited["editedAt"] == node["lastEditedAt"] != node["createdAt"]
    assert node["includesCreatedEdit"] is True
    assert node["editor"] == {"__typename": "User", "login": "koordinator"}
    assert node["author"] == {"__typename": "Bot", "login": "os2bot"}
    assert node["body"] == "- [x] licens"
    assert all(e["__typename"] == "UserContentEdit" and e["deletedAt"] is None and e["deletedBy"] is None
               for e in (edited, created))
    assert [e.id for e in reversed(issue.edits)] == [
        int(base64.b64decode(e["id"]).decode().split("UserContentEdit")[1]) for e in (edited, created)]


async def test_the_bots_patch_is_an_edit_by_the_bot(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Fejl", body="Det virker ikke.", user="borger")
    state.advance(minutes=1)
    await github.rest.issues.async_update(ORG, REPO, issue.number, body="Det virker ikke.\n\n<!-- os2bot -->")
    state.advance(minutes=1)
    await github.rest.issues.async_update(ORG, REPO, issue.number, title="Fejl i formular")  # no body: no edit
    node = await read(github, issue.number)
    assert history(node) == [("Bot", "os2bot", "Det virker ikke.\n\n<!-- os2bot -->"),
                             ("User", "borger", "Det virker ikke.")]
    assert node["editor"] == {"__typename": "Bot", "login": "os2bot"}
    assert issue.last_editor == "os2bot[bot]"


async def test_saving_the_same_text_records_nothing(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="tekst", user=state.app.bot_login)
    await github.rest.issues.async_update(ORG, REPO, issue.number, body="tekst")
    state.edit_issue_body(FULL, issue.number, "tekst", "koordinator")
    node = await read(github, issue.number)
    assert (node["userContentEdits"]["totalCount"], node["includesCreatedEdit"], node["editor"]) == (0, False, None)


async def test_a_revision_deleted_from_the_history_keeps_editor_and_time_but_not_text(
        github: GitHub, state: GitHubState):
    state.add_collaborator(FULL, "vedligeholder", "maintain")
    state.add_collaborator(FULL, "koordinator", "write")  # editing the bot's issue takes write access
    issue = state.add_issue(FULL, "Onboarding", body="tjekliste", user=state.app.bot_login)
    state.advance(minutes=1)
    state.edit_issue_body(FULL, issue.number, "tjekliste med hemmelig nøgle", "koordinator")
    state.advance(minutes=1)
    state.edit_issue_body(FULL, issue.number, "tjekliste", "koordinator")
    state.advance(minutes=1)
    deleted = state.delete_edit(issue, 1, by="vedligeholder")
    node = await read(github, issue.number)
    newest, middle, created = node["userContentEdits"]["nodes"]
    assert middle["diff"] is None
    assert middle["deletedBy"] == {"__typename": "User", "login": "vedligeholder"}
    assert middle["deletedAt"] is not None and middle["deletedAt"] == middle["updatedAt"] > middle["editedAt"]
    assert middle["editor"] == {"__typename": "User", "login": "koordinator"}
    assert (newest["diff"], created["diff"]) == ("tjekliste", "tjekliste")
    assert node["userContentEdits"]["totalCount"] == 3 and node["body"] == "tjekliste"
    assert deleted.body == "tjekliste med hemmelig nøgle" and deleted.diff is None

    state.delete_edit(issue, newest["id"], by="koordinator")  # a node id works too
    assert issue.edits[-1].deleted_by == "koordinator"
    with pytest.raises(ValueError):
        state.delete_edit(issue, 1, by="vedligeholder")
    with pytest.raises(PermissionError):
        state.delete_edit(issue, 0, by="forbipasserende")  # no write access; only the author or a writer may
    with pytest.raises(KeyError):
        state.delete_edit(issue, "MDE1OlVzZXJDb250ZW50RWRpdDE=", by="vedligeholder")


async def test_the_history_pages_like_any_connection(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="v0", user=state.app.bot_login)
    for n in range(1, 5):
        state.advance(minutes=1)
        state.edit_issue_body(FULL, issue.number, f"v{n}", "koordinator")
    first = await read(github, issue.number, first=2)
    edits = first["userContentEdits"]
    assert [e["diff"] for e in edits["nodes"]] == ["v4", "v3"]
    assert edits["totalCount"] == 5
    assert (edits["pageInfo"]["hasNextPage"], edits["pageInfo"]["hasPreviousPage"]) == (True, False)
    assert [e["cursor"] for e in edits["edges"]] == [edits["pageInfo"]["startCursor"], edits["pageInfo"]["endCursor"]]
    seen, after = [e["diff"] for e in edits["nodes"]], edits["pageInfo"]["endCursor"]
    while True:
        page = (await read(github, issue.number, first=2, after=after))["userContentEdits"]
        seen += [e["diff"] for e in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["v4", "v3", "v2", "v1", "v0"]
    oldest = (await read(github, issue.number, last=1))["userContentEdits"]
    assert [(e["diff"], e["editor"]["login"]) for e in oldest["nodes"]] == [("v0", "os2bot")]
    assert oldest["pageInfo"]["hasPreviousPage"] is True
    before = (await read(github, issue.number, last=2, before=oldest["pageInfo"]["startCursor"]))["userContentEdits"]
    assert [e["diff"] for e in before["nodes"]] == ["v2", "v1"]


async def test_comments_keep_their_history_too(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="tjekliste", user=state.app.bot_login)
    person = state.add_comment(FULL, issue.number, "/godkend", user="koordinator")
    mine = (await github.rest.issues.async_create_comment(ORG, REPO, issue.number, body="Modtaget.")).parsed_data
    untouched = state.add_comment(FULL, issue.number, "tak", user="borger")
    state.advance(minutes=2)
    state.edit_comment_body(FULL, person.id, "/godkend licens", "koordinator")
    await github.rest.issues.async_update_comment(ORG, REPO, mine.id, body="Modtaget og godkendt.")
    node = await read(github, issue.number)
    by_id = {c["databaseId"]: c for c in node["comments"]["nodes"]}
    assert history(by_id[person.id]) == [("User", "koordinator", "/godkend licens"),
                                         ("User", "koordinator", "/godkend")]
    assert history(by_id[mine.id]) == [("Bot", "os2bot", "Modtaget og godkendt."), ("Bot", "os2bot", "Modtaget.")]
    assert by_id[mine.id]["author"] == by_id[mine.id]["editor"] == {"__typename": "Bot", "login": "os2bot"}
    assert by_id[person.id]["includesCreatedEdit"] is True and by_id[person.id]["lastEditedAt"] is not None
    assert (by_id[untouched.id]["includesCreatedEdit"], by_id[untouched.id]["lastEditedAt"]) == (False, None)
    assert node["userContentEdits"]["totalCount"] == 0  # the issue's own body was not edited
    state.delete_edit(person, 0, by="koordinator")  # a comment's author may clean their own history
    assert [e.deleted_by for e in person.edits] == ["koordinator", None]


async def test_a_reaction_by_the_apps_bot_names_the_bot_as_a_user(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="tjekliste", user=state.app.bot_login)
    comment = state.add_comment(FULL, issue.number, "/godkend", user="koordinator")
    await github.rest.reactions.async_create_for_issue_comment(ORG, REPO, comment.id, content="eyes")
    query = """query($n: Int!) { repository(owner: "OS2offdig", name: "os2forms") { issue(number: $n) {
      comments(first: 1) { nodes { reactions(first: 5) { nodes { content user { __typename login id } } } } } } } }"""
    data = await github.async_graphql(query, {"n": issue.number})
    [reaction] = data["repository"]["issue"]["comments"]["nodes"][0]["reactions"]["nodes"]
    assert reaction["content"] == "EYES"
    assert (reaction["user"]["__typename"], reaction["user"]["login"]) == ("User", "os2bot[bot]")
    assert base64.b64decode(reaction["user"]["id"]).decode() == f"03:Bot{state.bot.id}"
