"""The stand-in charges each GraphQL query the points GitHub's formula gives it, per
installation, and refuses a spent budget as GitHub does."""

from __future__ import annotations

import httpx

from bot.graphql_cost import query_cost

NESTED = """query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    issues(first: 100) { nodes { number comments(last: 100) { nodes { id } } labels(first: 100) { nodes { name } } } }
  }
  rateLimit { cost remaining used limit resetAt }
}"""


def _post(client: httpx.Client, query: str, variables: dict) -> httpx.Response:
    return client.post("/graphql", json={"query": query, "variables": variables})


def test_the_stand_in_charges_each_query_what_the_formula_says(raw, state, installation):
    variables = {"owner": "OS2offdig", "name": "os2forms"}
    expected = query_cost(NESTED, variables).points
    assert expected == 2                                  # 1 + 100 + 100 requests
    first = _post(raw, NESTED, variables)
    second = _post(raw, NESTED, variables)
    rate = second.json()["data"]["rateLimit"]
    assert rate["cost"] == expected and rate["used"] == 2 * expected
    assert int(second.headers["X-RateLimit-Used"]) - int(first.headers["X-RateLimit-Used"]) == expected
    assert second.headers["X-RateLimit-Resource"] == "graphql"
    assert int(second.headers["X-RateLimit-Remaining"]) == rate["remaining"] == rate["limit"] - rate["used"]


def test_each_installation_has_its_own_budget_and_a_spent_one_is_refused(raw, state, base_url):
    other = state.add_installation("AndenOrg")
    state.rate_limit = 5
    variables = {"owner": "OS2offdig", "name": "os2forms"}
    for _ in range(2):
        assert "errors" not in _post(raw, NESTED, variables).json()   # 2 + 2 points of 5
    refused = _post(raw, NESTED, variables)                            # 6 > 5
    assert refused.json()["errors"][0]["type"] == "RATE_LIMITED"
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    token = state.issue_token(other.id).token
    with httpx.Client(base_url=base_url, headers={"Authorization": f"token {token}"}) as theirs:
        answer = theirs.post("/graphql", json={"query": "query { rateLimit { cost used } }"})
    assert answer.json()["data"]["rateLimit"] == {"cost": 1, "used": 1}   # another installation pays its own
