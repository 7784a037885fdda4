"""What a GraphQL query costs on GitHub, by GitHub's published formula (pure).

GitHub's "Rate limits and node limits for the GraphQL API": add up the requests needed to
fulfil each connection (a connection inside another is asked once per parent node, so its
requests are the product of the `first`/`last` of the connections above it), divide by
100, round to the nearest whole number; a call costs at least 1 point. The node count
(each connection's `first`/`last` times its parents'), limited to 500,000 per call, comes
from the same walk. Used by the stand-in to charge what GitHub would charge, and by tests
and benchmarks to predict a query's price before it is sent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    parse,
)

# Asked in every query the bot sends, so GitHub's own figure comes back with the answer.
RATE_LIMIT_FIELDS = "rateLimit { cost remaining resetAt }"
NODE_LIMIT = 500_000


@dataclass(frozen=True)
class Cost:
    requests: int      # requests needed to fulfil every connection
    nodes: int         # nodes the call may return at most
    points: int        # what the call takes from the hourly budget


def points_for(requests: int) -> int:
    """Requests / 100, rounded half up (5,101 → 51), at least 1."""
    return max(1, math.floor(requests / 100 + 0.5))


def query_cost(query: str | DocumentNode, variables: dict[str, Any] | None = None,
               operation_name: str | None = None) -> Cost:
    """The cost of the operation GitHub would run. A mutation costs 1 point (GitHub
    charges mutations by a fixed price, not by connections); a query that does not
    parse costs 1 (GitHub rejects it before running it, and still counts the call)."""
    try:
        document = parse(query) if isinstance(query, str) else query
    except Exception:
        return Cost(0, 0, 1)
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = next((o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)),
                  None)
    if chosen is None or chosen.operation != OperationType.QUERY:
        return Cost(0, 0, 1)
    totals = [0, 0]
    _walk(chosen.selection_set, 1, fragments, variables or {}, totals, ())
    return Cost(requests=totals[0], nodes=totals[1], points=points_for(totals[0]))


@lru_cache(maxsize=512)
def cached_cost(query: str, variables_key: tuple = ()) -> Cost:
    """query_cost for a query text sent again and again (the bot's queries are constants)."""
    return query_cost(query, dict(variables_key))


def _limit(field: FieldNode, variables: dict[str, Any]) -> int | None:
    """The field's `first` or `last` (the larger if both), or None: not a connection."""
    found = None
    for argument in field.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        number = None
        if isinstance(value, IntValueNode):
            number = int(value.value)
        elif isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            number = given if isinstance(given, int) else None
        if number is not None:
            found = max(found or 0, number)
    return found


def _included(node: Any, variables: dict) -> bool:
    """@include(if:) and @skip(if:): a field left out is neither run nor charged."""
    for directive in getattr(node, "directives", None) or ():
        name = directive.name.value
        if name not in ("include", "skip"):
            continue
        for argument in directive.arguments or ():
            value = argument.value
            flag = variables.get(value.name.value) if isinstance(value, VariableNode) else getattr(value, "value", None)
            if argument.name.value == "if" and bool(flag) != (name == "include"):
                return False
    return True


def _walk(selection: SelectionSetNode | None, parents: int, fragments: dict, variables: dict,
          totals: list[int], spreading: tuple[str, ...]) -> None:
    """Add each connection under `selection`: `parents` is how many times it is asked."""
    if selection is None:
        return
    for node in selection.selections:
        if not _included(node, variables):
            continue
        if isinstance(node, FieldNode):
            limit = _limit(node, variables)
            if limit is None:
                _walk(node.selection_set, parents, fragments, variables, totals, spreading)
                continue
            totals[0] += parents
            totals[1] += parents * limit
            _walk(node.selection_set, parents * limit, fragments, variables, totals, spreading)
        elif isinstance(node, InlineFragmentNode):
            _walk(node.selection_set, parents, fragments, variables, totals, spreading)
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in fragments and name not in spreading:   # a cycle is invalid GraphQL: never loop on it
                _walk(fragments[name].selection_set, parents, fragments, variables, totals, spreading + (name,))
