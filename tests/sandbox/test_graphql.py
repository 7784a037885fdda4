"""GraphQL against GitHub's real schema: what the bot reads, and what GitHub refuses."""

from __future__ import annotations

import pytest
from githubkit import GitHub
from githubkit.exception import GraphQLFailed

from bot.sandbox.github import GitHubState
from tests.sandbox.conftest import FULL, ORG, REPO

pytestmark = pytest.mark.anyio

REPOSITORY = """
query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    id databaseId name nameWithOwner owner { login } description url isArchived isPrivate
    hasIssuesEnabled defaultBranchRef { name } licenseInfo { spdxId key name }
  }
}"""

FILES = """
query($owner: String!, $name: String!, $expression: String!) {
  repository(owner: $owner, name: $name) {
    object(expression: $expression) {
      __typename
      ... on Tree { entries { name path type object { __typename ... on Blob { byteSize } } } }
      ... on Blob { text byteSize isBinary isTruncated }
    }
  }
}"""

ISSUES = """
query($owner: String!, $name: String!, $first: Int, $after: String, $filterBy: IssueFilters) {
  repository(owner: $owner, name: $name) {
    issues(first: $first, after: $after, filterBy: $filterBy, orderBy: {field: CREATED_AT, direction: ASC}) {
      totalCount
      nodes {
        id number title body state stateReason url createdAt updatedAt author { login }
        labels(first: 10) { nodes { name } }
        comments(first: 2) {
          totalCount
          nodes { id databaseId body url author { __typename login } viewerCanUpdate
                  reactions(first: 10) { nodes { content user { login } } } }
          pageInfo { hasNextPage endCursor }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


async def test_repository_metadata(github: GitHub, state: GitHubState, base_url: str):
    data = await github.async_graphql(REPOSITORY, {"owner": ORG, "name": REPO})
    repo = state.repo(FULL)
    assert data["repository"] == {
        "id": "MDEwOlJlcG9zaXRvcnk" + data["repository"]["id"][19:], "databaseId": repo.id, "name": REPO,
        "nameWithOwner": FULL, "owner": {"login": ORG}, "description": "Formularer til kommuner",
        "url": f"{base_url}/{FULL}", "isArchived": False, "isPrivate": False, "hasIssuesEnabled": True,
        "defaultBranchRef": {"name": "main"},
        "licenseInfo": {"spdxId": "MPL-2.0", "key": "mpl-2.0", "name": "Mozilla Public License 2.0"},
    }
    rest = (await github.rest.repos.async_get(ORG, REPO)).parsed_data
    assert data["repository"]["id"] == rest.node_id


async def test_the_root_tree_lists_files_and_directories_in_git_order(github: GitHub):
    data = await github.async_graphql(FILES, {"owner": ORG, "name": REPO, "expression": "HEAD:"})
    entries = data["repository"]["object"]["entries"]
    assert [(e["name"], e["type"], e["object"]["__typename"]) for e in entries] == [
        ("LICENSE", "blob", "Blob"), ("README.md", "blob", "Blob"), ("docs", "tree", "Tree")]


async def test_a_sub_directory_and_a_file_by_expression(github: GitHub):
    docs = await github.async_graphql(FILES, {"owner": ORG, "name": REPO, "expression": "main:docs"})
    assert [e["path"] for e in docs["repository"]["object"]["entries"]] == ["docs/img", "docs/index.md"]
    readme = await github.async_graphql(FILES, {"owner": ORG, "name": REPO, "expression": "HEAD:README.md"})
    assert readme["repository"]["object"] == {
        "__typename": "Blob", "text": "# OS2forms\n\nSelvbetjening for kommuner.\n", "byteSize": 40,
        "isBinary": False, "isTruncated": False}
    logo = await github.async_graphql(FILES, {"owner": ORG, "name": REPO, "expression": "HEAD:docs/img/logo.png"})
    assert (logo["repository"]["object"]["isBinary"], logo["repository"]["object"]["text"]) == (True, None)
    missing = await github.async_graphql(FILES, {"owner": ORG, "name": REPO, "expression": "HEAD:publiccode.yml"})
    assert missing["repository"]["object"] is None


async def test_issues_with_comments_authors_and_reactions(github: GitHub, state: GitHubState):
    issue = state.add_issue(FULL, "Onboarding", body="tjekliste", user=state.app.bot_login, labels=["onboarding"])
    comment = state.add_comment(FULL, issue.number, "/godkend", user="koordinator")
    await github.rest.reactions.async_create_for_issue_comment(ORG, REPO, comment.id, content="+1")
    await github.rest.issues.async_create_comment(ORG, REPO, issue.number, body="Godkendt.")
    data = await github.async_graphql(ISSUES, {"owner": ORG, "name": REPO, "first": 10})
    issues = data["repository"]["issues"]
    assert issues["totalCount"] == 1
    node = issues["nodes"][0]
    assert (node["number"], node["state"], node["stateReason"], node["author"]) == (1, "OPEN", None,
                                                                                   {"login": "os2bot"})
    assert node["labels"]["nodes"] == [{"name": "onboarding"}]
    comments = node["comments"]["nodes"]
    assert [(c["author"]["__typename"], c["author"]["login"], c["body"]) for c in comments] == [
        ("User", "koordinator", "/godkend"), ("Bot", "os2bot", "Godkendt.")]
    assert comments[0]["databaseId"] == comment.id
    assert comments[0]["reactions"]["nodes"] == [{"content": "THUMBS_UP", "user": {"login": "os2bot[bot]"}}]
    assert comments[0]["viewerCanUpdate"] is True


async def test_issue_pages_follow_end_cursor(github: GitHub, state: GitHubState):
    for n in range(5):
        state.add_issue(FULL, f"Issue {n}")
    seen, after = [], None
    while True:
        data = await github.async_graphql(ISSUES, {"owner": ORG, "name": REPO, "first": 2, "after": after})
        page = data["repository"]["issues"]
        seen += [n["title"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"Issue {n}" for n in range(5)]


async def test_issues_filter_by_creator_labels_and_state(github: GitHub, state: GitHubState):
    state.add_issue(FULL, "Borger", user="borger", labels=["bug"])
    state.add_issue(FULL, "Onboarding", user=state.app.bot_login, labels=["onboarding"])
    closed = state.add_issue(FULL, "Lukket", user=state.app.bot_login, labels=["onboarding"])
    await github.rest.issues.async_update(ORG, REPO, closed.number, state="closed")

    async def titles(filter_by: dict) -> list[str]:
        data = await github.async_graphql(ISSUES, {"owner": ORG, "name": REPO, "first": 10, "filterBy": filter_by})
        return [n["title"] for n in data["repository"]["issues"]["nodes"]]

    assert await titles({"createdBy": "os2bot[bot]"}) == ["Onboarding", "Lukket"]
    assert await titles({"labels": ["onboarding"], "states": ["OPEN"]}) == ["Onboarding"]
    assert await titles({"states": ["CLOSED"]}) == ["Lukket"]


async def test_the_comments_of_one_issue_paged_from_the_end(github: GitHub, state: GitHubState):
    number = state.add_issue(FULL, "Onboarding").number
    for n in range(4):
        state.add_comment(FULL, number, f"c{n}")
    query = """query($n: Int!) { repository(owner: "OS2offdig", name: "os2forms") { issue(number: $n) {
      comments(last: 2) { nodes { body } pageInfo { hasPreviousPage startCursor } } } } }"""
    data = await github.async_graphql(query, {"n": number})
    comments = data["repository"]["issue"]["comments"]
    assert [c["body"] for c in comments["nodes"]] == ["c2", "c3"]
    assert comments["pageInfo"]["hasPreviousPage"] is True


async def test_team_members_viewer_and_rate_limit(github: GitHub, state: GitHubState):
    state.add_team_member(ORG, "os2-bestyrelse", "formand", role="maintainer")
    state.add_team_member(ORG, "os2-bestyrelse", "medlem")
    state.add_team_member(ORG, "os2-bestyrelse", "inviteret", state="pending")
    data = await github.async_graphql("""{
      organization(login: "OS2offdig") { team(slug: "os2-bestyrelse") { members(first: 10) {
        nodes { login } edges { role node { login } } } } }
      viewer { login }
      rateLimit { cost remaining resetAt }
    }""")
    members = data["organization"]["team"]["members"]
    assert [n["login"] for n in members["nodes"]] == ["formand", "medlem"]
    assert [e["role"] for e in members["edges"]] == ["MAINTAINER", "MEMBER"]
    assert data["viewer"] == {"login": "os2bot[bot]"}
    assert data["rateLimit"]["cost"] == 1 and data["rateLimit"]["remaining"] < 5000


async def test_an_unknown_team_is_null(github: GitHub):
    data = await github.async_graphql('{ organization(login: "OS2offdig") { team(slug: "nope") { name } } }')
    assert data["organization"]["team"] is None


async def test_a_query_github_would_reject_is_rejected(github: GitHub):
    with pytest.raises(GraphQLFailed) as failed:
        await github.async_graphql('{ repository(owner: "OS2offdig", name: "os2forms") { licence { name } } }')
    error = failed.value.response.errors[0]
    assert error.message == "Field 'licence' doesn't exist on type 'Repository'"
    assert error.extensions["code"] == "undefinedField"
    with pytest.raises(GraphQLFailed) as failed:
        await github.async_graphql('{ repository(owner: "OS2offdig") { name } }')
    assert failed.value.response.errors[0].extensions["code"] == "missingRequiredArguments"
    with pytest.raises(GraphQLFailed):
        await github.async_graphql("{ repository(owner: ")


async def test_a_connection_needs_first_or_last_and_at_most_100(github: GitHub):
    for args, kind in (("", "MISSING_PAGINATION_BOUNDARIES"), ("(first: 101)", "EXCESSIVE_PAGINATION")):
        with pytest.raises(GraphQLFailed) as failed:
            await github.async_graphql(f'{{ repository(owner: "OS2offdig", name: "os2forms") {{ '
                                       f'issues{args} {{ totalCount }} }} }}')
        assert [e.type for e in failed.value.response.errors] == [kind]


async def test_a_missing_repository_is_not_found(github: GitHub):
    with pytest.raises(GraphQLFailed) as failed:
        await github.async_graphql('{ repository(owner: "OS2offdig", name: "findes-ikke") { name } }')
    error = failed.value.response.errors[0]
    assert (error.type, error.path) == ("NOT_FOUND", ["repository"])
    assert failed.value.response.data == {"repository": None}


async def test_fields_the_stand_in_does_not_implement_fail_loudly(github: GitHub):
    with pytest.raises(GraphQLFailed) as failed:
        await github.async_graphql('{ repository(owner: "OS2offdig", name: "os2forms") { stargazers(first: 1) '
                                   '{ totalCount } } }')
    assert failed.value.response.errors[0].type == "STANDIN_UNSUPPORTED"
    with pytest.raises(GraphQLFailed) as failed:
        await github.async_graphql('mutation { addComment(input: {subjectId: "x", body: "y"}) { clientMutationId } }')
    assert failed.value.response.errors[0].type == "STANDIN_UNSUPPORTED"


async def test_the_labels_filter_matches_any_label_unlike_rest(github: GitHub, state: GitHubState):
    state.add_issue(FULL, "A", labels=["onboarding"])
    state.add_issue(FULL, "B", labels=["os2"])
    state.add_issue(FULL, "C")
    data = await github.async_graphql(ISSUES, {"owner": ORG, "name": REPO, "first": 10,
                                               "filterBy": {"labels": ["onboarding", "os2"]}})
    assert [n["title"] for n in data["repository"]["issues"]["nodes"]] == ["A", "B"]
    rest = await github.rest.issues.async_list_for_repo(ORG, REPO, labels="onboarding,os2")
    assert rest.parsed_data == []
