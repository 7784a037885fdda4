"""Ticks are read back by key, and each tick a person sets is judged by who may set it."""

from __future__ import annotations

from hypothesis import given, settings as hsettings
from hypothesis import strategies as st

from bot.checks.model import CheckResult, Status
from bot.onboarding.desired import compute_desired
from bot.onboarding.model import Decision, RepoFacts, State, Tick, record_decision
from bot.onboarding.ticks import classify_tick_changes, read_ticks

NOW = "2024-05-02T12:00:00Z"
SECRETARIAT = frozenset({"secretariat", "contributor"})
CONTRIBUTOR = frozenset({"contributor"})


def tick(body: str, key: str, value: bool) -> str:
    """What GitHub does when a person clicks the checkbox of `key`."""
    out = []
    for line in body.splitlines(keepends=True):
        if f"<!-- item:{key} -->" in line:
            line = line.replace("- [ ]", "- [x]", 1) if value else line.replace("- [x]", "- [ ]", 1)
        out.append(line)
    return "".join(out)


def test_ticks_are_read_by_key_whatever_the_wording_or_order():
    body = (
        "intro\n"
        "- [x] Match vurderet (teksten er rettet af en person) <!-- item:match-judged -->\n"
        "  - afkrydset af nogen\n"
        "* [ ] Licens <!--item:licence-->\n"
        "1. [X] flyttet op <!-- item:roadmap -->  \n"
        "- [ ] ingen nøgle\n"
        "- [x] <!-- item:match-judged --> a second line with the same key does not count\n"
        "```\n- [x] in code <!-- item:publiccode -->\n```\n"
        "> - [x] quoted <!-- item:container -->\n"
    )
    assert read_ticks(body) == {"match-judged": True, "licence": False, "roadmap": True}
    assert read_ticks(None) == {}


def test_a_secretariat_member_ticks_match_judged(process, settings, repo):
    state = State()
    before = compute_desired(process, settings, repo, {}, state)
    body = tick(before.body, "match-judged", True)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "anne", SECRETARIAT, NOW)
    assert [c.key for c in outcome.accepted] == ["match-judged"]
    assert outcome.reverted == () and outcome.reset == () and outcome.comment is None
    assert outcome.state.ticks["match-judged"] == Tick(True, "anne", NOW)
    after = compute_desired(process, settings, repo, {}, outcome.state)
    assert after.view.item("match-judged").done
    assert "Afkrydset af `@anne` den 2\\. maj 2024 kl. 14.00" in after.body   # Danish summer time; "2\\." is "2."


def test_a_contributors_tick_on_a_secretariat_item_is_reverted(process, settings, repo):
    before = compute_desired(process, settings, repo, {}, State())
    body = tick(before.body, "match-judged", True)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "mallory", CONTRIBUTOR, NOW)
    assert outcome.accepted == ()
    assert [c.key for c in outcome.reverted] == ["match-judged"]
    assert outcome.comment == "- Kun OS2-sekretariatet kan sætte flueben ved »Match vurderet«. Fluebenet er fjernet igen."
    assert "match-judged" not in outcome.state.ticks
    after = compute_desired(process, settings, repo, {}, outcome.state)
    assert read_ticks(after.body)["match-judged"] is False  # set back


def test_a_contributors_tick_on_a_board_item_is_reverted(process, settings, repo):
    state = record_decision(State(), Decision("level", 2, "anne", NOW))
    before = compute_desired(process, settings, repo, {}, state)
    body = tick(before.body, "steering-group", True)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "mallory", CONTRIBUTOR, NOW)
    assert outcome.messages == (
        "Kun OS2-sekretariatet eller bestyrelsen kan sætte flueben ved »Styregruppe«. Fluebenet er fjernet igen.",)
    board = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                  read_ticks(body), "bo", frozenset({"board", "contributor"}), NOW)
    assert [c.key for c in board.accepted] == ["steering-group"]


def test_a_person_ticking_the_licence_item_is_set_back_with_the_reason(process, settings, repo):
    results = {"licence": CheckResult("licence", Status.FAIL, "Der er ingen LICENSE-fil.", "Tilføj MPL-2.0.")}
    before = compute_desired(process, settings, repo, results, State())
    body = tick(before.body, "licence", True)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "anne", SECRETARIAT, NOW)
    assert [c.key for c in outcome.reset] == ["licence"] and outcome.accepted == ()
    assert outcome.messages == ("Botten sætter flueben ved »Licens« ud fra et tjek af repositoriet; det sættes "
                                "ikke manuelt. Fluebenet er fjernet igen.",)
    after = compute_desired(process, settings, repo, results, outcome.state)
    assert after.body == before.body  # the check decides: the tick is gone again


def test_unticking_a_passing_check_is_set_back_too(process, settings, repo, all_checks_pass):
    before = compute_desired(process, settings, repo, all_checks_pass(), State())
    body = tick(before.body, "licence", False)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "anne", SECRETARIAT, NOW)
    assert [(c.key, c.value) for c in outcome.reset] == [("licence", False)]
    assert outcome.messages[0].endswith("Fluebenet er sat igen.")   # a removed tick is put back, not "removed"


def test_a_decision_is_made_by_command_not_by_a_tick(process, settings, repo):
    before = compute_desired(process, settings, repo, {}, State())
    body = tick(before.body, "level-placed", True)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "anne", SECRETARIAT, NOW)
    assert outcome.messages == ("»Niveau placeret« afgøres af OS2-sekretariatet med kommandoen `/niveau`, "
                                "ikke med et flueben. Fluebenet er fjernet igen.",)


def test_a_secretariat_member_can_untick_and_it_is_recorded(process, settings, repo):
    state = State(ticks={"match-judged": Tick(True, "anne", "2024-05-01T00:00:00Z")})
    before = compute_desired(process, settings, repo, {}, state)
    body = tick(before.body, "match-judged", False)
    outcome = classify_tick_changes(process, before.onboarding_state, before.onboarding_state.shown,
                                    read_ticks(body), "bent", SECRETARIAT, NOW)
    assert outcome.state.ticks["match-judged"] == Tick(False, "bent", NOW)
    after = compute_desired(process, settings, repo, {}, outcome.state)
    assert "Flueben fjernet af `@bent`" in after.body


def test_deleted_lines_and_unknown_keys_are_not_changes(process, settings, repo):
    before = compute_desired(process, settings, repo, {}, State())
    shown = before.onboarding_state.shown
    new = {k: v for k, v in read_ticks(before.body).items() if k != "match-judged"}
    new["not-an-item"] = True
    outcome = classify_tick_changes(process, before.onboarding_state, {**shown, "not-an-item": False}, new,
                                    "anne", SECRETARIAT, NOW)
    assert not outcome.changed and outcome.state == before.onboarding_state


manual_keys = ["match-judged", "coordination-group", "steering-group", "meeting-plan", "website-project",
               "members-informed", "ongoing-dialogue", "yearly-evaluation"]
check_ids = ["governance_report", "governance_level", "licence", "supplier_agreement", "roadmap", "jira_project"]


@hsettings(max_examples=60, deadline=None)
@given(
    level=st.none() | st.integers(0, 3),
    ticked=st.dictionaries(st.sampled_from(manual_keys), st.booleans()),
    checks=st.dictionaries(st.sampled_from(check_ids), st.sampled_from(list(Status))),
    approved=st.sampled_from([None, "approved", "rework"]),
    description=st.text(max_size=80),
)
def test_render_then_read_ticks_gives_the_item_values(process, settings, level, ticked, checks, approved,
                                                      description):
    state = State(ticks={k: Tick(v, "anne", NOW) for k, v in ticked.items()})
    if level is not None:
        state = record_decision(state, Decision("level", level, "anne", NOW))
    if approved:
        state = record_decision(state, Decision("board_approval", approved, "bo", NOW))
    results = {c: CheckResult(c, s, "besked <!-- item:licence -->") for c, s in checks.items()}
    repo = RepoFacts("OS2offdig", "os2x", description, "https://github.com/OS2offdig/os2x")
    issue = compute_desired(process, settings, repo, results, state)
    expected = {i.key: i.done for s in issue.view.steps for i in s.items}
    assert read_ticks(issue.body) == expected == dict(issue.onboarding_state.shown)
