"""GitHub's GraphQL price list: the formula against the worked examples GitHub publishes,
and the stand-in charging what the formula says (so benchmarks count real points)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.graphql_cost import RATE_LIMIT_FIELDS, points_for, query_cost
from bot.onboarding.world import COMMENTS_QUERY, HISTORY_QUERY, WORLD_QUERY, world_variables

EXAMPLES = Path(__file__).parent.parent / "fixtures" / "graphql-cost"


def example(name: str) -> str:
    return (EXAMPLES / name).read_text("utf-8")


def test_the_documented_score_example_is_5101_requests_and_51_points():
    cost = query_cost(example("rate-limit-score.graphql"))
    assert (cost.requests, cost.points) == (5101, 51)


@pytest.mark.parametrize("name, nodes", [("nodes-simple.graphql", 550), ("nodes-complex.graphql", 22_060)])
def test_the_documented_node_counts(name, nodes):
    assert query_cost(example(name)).nodes == nodes


def test_rounding_to_the_nearest_whole_number_and_the_minimum_of_one_point():
    assert [points_for(n) for n in (0, 1, 49, 50, 149, 150, 5101)] == [1, 1, 1, 1, 1, 2, 51]


def test_a_connection_is_asked_once_per_node_of_the_connections_above_it():
    flat = "query { a: repository(owner: \"o\", name: \"n\") { issues(first: 100) { nodes { id } } } }"
    nested = ("query { repository(owner: \"o\", name: \"n\") { issues(first: 100) { nodes {"
              " comments(last: 100) { nodes { id } } } } } }")
    assert query_cost(flat).requests == 1
    assert query_cost(nested).requests == 1 + 100
    # a hundred aliased repositories with no connection inside: one point for the whole call
    aliases = " ".join(f'r{i}: repository(owner: "o", name: "n{i}") {{ pushedAt }}' for i in range(100))
    assert query_cost(f"query {{ {aliases} }}").points == 1


def test_variables_fragments_and_skipped_fields_are_priced_as_sent():
    query = """query($n: Int!, $deep: Boolean!) {
      repository(owner: "o", name: "n") { ...F  other: issues(first: 1) @include(if: $deep) { nodes {
        comments(first: 100) { nodes { id } } } } }
    }
    fragment F on Repository { issues(first: $n) { nodes { labels(first: 100) { nodes { name } } } } }"""
    assert query_cost(query, {"n": 100, "deep": False}).requests == 1 + 100
    assert query_cost(query, {"n": 100, "deep": True}).requests == 1 + 100 + 1 + 1
    assert query_cost(query, {"n": 30, "deep": False}).nodes == 30 + 30 * 100


def test_bad_input_costs_one_point_and_never_raises():
    assert query_cost("query {").points == 1
    assert query_cost("mutation { addReaction(input: {}) { clientMutationId } }").points == 1
    assert query_cost("fragment A on Query { ...A } query { ...A }").points == 1   # a cycle does not loop


def test_the_bots_own_queries_ask_for_their_price():
    for query in (WORLD_QUERY, COMMENTS_QUERY, HISTORY_QUERY):
        assert RATE_LIMIT_FIELDS in query


def test_the_reconcile_query_costs_one_point_by_the_formula():
    assert query_cost(WORLD_QUERY, world_variables("OS2offdig", "x", "os2bot[bot]", 7)).points == 1
