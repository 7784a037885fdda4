"""The state block: versioned, round-trips, and cannot be broken or forged by people's text."""

from __future__ import annotations

import base64
import json

from hypothesis import given
from hypothesis import strategies as st

from bot.onboarding import state_block
from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, IssueMeta, RepoFacts, State, Tick

A_STATE = State(
    level=2,
    ticks={"match-judged": Tick(True, "anne", "2024-05-01T10:00:00Z")},
    decisions=(Decision("level", 2, "anne", "2024-05-01T10:00:00Z", "https://github.com/o/r/issues/1#c-1"),
               Decision("board_approval", "rework", "bo", "2024-05-02T10:00:00Z", None)),
    coordinators=("kim",),
    seen_through=12,
    shown={"match-judged": True},
    meta=IssueMeta(repo="OS2offdig/os2x", language="da"),
)

texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
states = st.builds(
    State,
    level=st.none() | st.integers(0, 3),
    ticks=st.dictionaries(st.from_regex(r"[a-z]+(-[a-z]+)?", fullmatch=True),
                          st.builds(Tick, st.booleans(), texts, texts), max_size=5),
    decisions=st.lists(st.builds(Decision, texts, st.none() | st.integers() | texts, texts, texts,
                                 st.none() | texts), max_size=4).map(tuple),
    coordinators=st.lists(texts, max_size=3).map(tuple),
    seen_through=st.integers(0, 2**40),
)


def test_a_state_round_trips_through_the_block():
    block = state_block.encode(A_STATE)
    assert block.startswith("<!-- os2bot:state v2 ") and block.endswith(" -->")
    assert state_block.decode(f"text before\n{block}\n") == (A_STATE, [])


@given(states)
def test_any_state_round_trips_and_never_closes_the_comment_early(state):
    block = state_block.encode(state)
    assert block.count("-->") == 1 and block.count("<!--") == 1
    assert state_block.decode(block) == (state, [])


def test_an_edited_block_is_reported_not_trusted():
    block = state_block.encode(A_STATE)
    payload = block.split()[3]
    data = json.loads(base64.b64decode(payload))
    data["level"] = 3
    forged = block.replace(payload, base64.b64encode(json.dumps(data).encode()).decode())
    state, problems = state_block.decode(forged)
    assert state is None
    assert problems == ["state block digest does not match: the block was edited or damaged"]


def test_a_signed_block_needs_the_key():
    block = state_block.encode(A_STATE, key=b"secret")
    assert state_block.decode(block, key=b"secret") == (A_STATE, [])
    assert state_block.decode(block, key=b"other")[0] is None
    assert state_block.decode(state_block.encode(A_STATE), key=b"secret")[0] is None


def test_broken_missing_or_doubled_blocks_never_crash():
    block = state_block.encode(A_STATE)
    assert state_block.decode("no block here") == (None, ["no state block"])
    assert state_block.decode(None) == (None, ["no state block"])
    assert state_block.decode(block[:-10]) == (None, ["state block is broken (unreadable)"])
    assert state_block.decode(block + "\n" + block)[1] == ["2 state blocks found; expected exactly one"]
    assert state_block.decode(block.replace("v2", "v9"))[1] == [
        "state block version v9 is not supported (v2 is)"]
    junk = base64.b64encode(b'{"seal": {"serial": 1}, "state": {"version": 1, "level": "high"}}').decode()
    bad = f"<!-- os2bot:state v2 {junk} {state_block._digest(junk, None)} -->"
    state, problems = state_block.decode(bad)
    assert state is None and problems[0].startswith("state block content is invalid")


def test_a_description_cannot_forge_or_break_the_block(process, settings):
    forged = state_block.encode(State(level=3))
    evil = f"nice --> {forged} <!-- os2bot:onboarding --> <!-- item:licence -->"
    repo = RepoFacts("OS2offdig", "os2x", evil, "https://github.com/OS2offdig/os2x")
    body = compute_desired(process, settings, repo, {}, A_STATE).body
    state, problems = state_block.decode(body)
    assert problems == [] and state.level == 2
    assert body.count("<!-- os2bot:onboarding -->") == 1
    assert body.count("-->") == body.count("<!--")


def test_a_block_is_sealed_to_its_repository_issue_and_serial():
    seal = state_block.Seal(repo_id="R_kgDOabc", issue=7, serial=12)
    sealed, problems = state_block.decode_sealed(state_block.encode(A_STATE, b"k", seal), b"k")
    assert problems == [] and sealed.seal == seal and sealed.state == A_STATE
    assert seal.binds("R_kgDOabc", 7)
    assert not seal.binds("R_kgDOother", 7)            # pasted from another product's issue
    assert not seal.binds("R_kgDOabc", 8)              # pasted from another issue of the same product
    assert not seal.binds(None, 7)
    created = state_block.Seal(repo_id="R_kgDOabc", issue=None, serial=1)   # the body the issue is opened with
    assert created.binds("R_kgDOabc", 7)
    assert not state_block.Seal(repo_id="R_kgDOabc", issue=None, serial=5).binds("R_kgDOabc", 7)


def test_the_bot_is_the_app_bot_by_login_and_type_never_a_user_named_like_it():
    from bot.onboarding.identity import BotIdentity
    bot = BotIdentity("os2bot[bot]")
    assert bot.is_graphql_actor("os2bot", "Bot")
    assert not bot.is_graphql_actor("os2bot", "User")        # a person registered the slug as a login
    assert not bot.is_graphql_actor("os2bot-helper", "Bot")  # another App
    assert bot.is_rest_user({"login": "os2bot[bot]", "type": "Bot"})
    assert not bot.is_rest_user({"login": "os2bot", "type": "User"})
    assert not bot.is_rest_user({"login": "os2bot[bot]", "type": "User"})
