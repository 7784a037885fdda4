"""The process is data: it loads, and a broken edit is reported with the path to fix."""

from __future__ import annotations

import copy

import pytest
import yaml

from bot.onboarding.config import (
    PROCESS_PATH,
    ConfigError,
    actor_roles,
    load_org_defaults,
    merge_org_config,
    org_settings,
    parse_process,
)


@pytest.fixture
def raw():
    return yaml.safe_load(PROCESS_PATH.read_text(encoding="utf-8"))


def problems_of(data) -> list[str]:
    with pytest.raises(ConfigError) as e:
        parse_process(data)
    return e.value.problems


def test_the_process_has_the_five_steps_of_the_guide(process):
    assert [s.title.da for s in process.steps] == [
        "Trin 1: Styr på formalia",
        "Trin 2: Styr på organisering",
        "Trin 3: Praktiske ting – værktøjerne",
        "Trin 4: Kommunikation",
        "Trin 5: Løbende dialog",
    ]
    assert process.text("closing", "da") == "Så er produktet flyvende i OS2-regi."
    assert process.default_language == "da"


def test_every_requirement_of_the_process_has_an_item(process):
    covered = {r for i in process.items for r in i.requirements}
    wanted = {"P-1.1", "P-1.2", "P-1.3", "P-2.1", "P-2.2", "P-2.3", "P-2.4", "P-3.1", "P-3.2",
              "P-3.3", "P-3.4", "P-3.5", "P-3.6", "P-4.1", "P-4.2", "P-4.3", "P-5.1"}
    assert wanted <= covered


def test_item_kinds_say_who_ticks(process):
    assert process.item("match-judged").kind == "manual"
    assert process.item("match-judged").roles == ("secretariat",)
    assert process.item("licence").kind == "check" and process.item("licence").check == "licence"
    assert process.item("board-approved").kind == "decision"
    assert process.item("board-approved").levels == frozenset({2, 3})
    assert process.item("jira-project").check == "jira_project"
    assert process.item("roadmap").recommended


def test_an_unknown_role_is_reported_with_its_path(raw):
    raw["steps"][2]["items"][4]["roles"][0] = "sekretariat"
    assert problems_of(raw) == ["steps[2].items[4].roles[0]: unknown role 'sekretariat'"]


def test_every_problem_is_listed_not_just_the_first(raw):
    raw["steps"][0]["items"][1]["check"] = "licens"              # unknown check id
    raw["steps"][1]["items"][0]["key"] = "match-judged"          # duplicate key
    raw["steps"][3]["items"][0]["roles"] = ["secretariat", "kommunen"]
    raw["steps"][0]["items"][7]["decision"] = "niveau"           # unknown decision
    raw["decisions"]["level"]["roles"] = ["sekretariatet"]
    problems = problems_of(raw)
    assert "steps[0].items[1].check: unknown check id 'licens'" in problems
    assert ("steps[1].items[0].key: duplicate item key 'match-judged' (first at steps[0].items[0])"
            in problems)
    assert "steps[3].items[0].roles[1]: unknown role 'kommunen'" in problems
    assert "steps[0].items[7].decision: unknown decision 'niveau'" in problems
    assert "decisions.level.roles[0]: unknown role 'sekretariatet'" in problems
    assert len(problems) == 5


def test_schema_errors_carry_paths(raw):
    raw["steps"][1]["items"][0]["kind"] = "automatic"
    raw["steps"][0]["items"][0]["levels"] = [1, 4]
    del raw["steps"][4]["items"][0]["text"]["en"]
    problems = problems_of(raw)
    assert any(p.startswith("steps[1].items[0].kind: 'automatic' is not one of") for p in problems)
    assert any(p.startswith("steps[0].items[0].levels[1]: 4 is not one of") for p in problems)
    assert "steps[4].items[0].text: 'en' is a required property" in problems


def test_a_manual_item_without_roles_is_rejected(raw):
    del raw["steps"][0]["items"][0]["roles"]
    assert any(p.startswith("steps[0].items[0]: 'roles' is a required property") for p in problems_of(raw))


def test_config_texts_cannot_break_the_hidden_markers(raw):
    raw["steps"][0]["items"][0]["text"]["da"] = "Match --> vurderet"
    assert problems_of(raw) == [
        "steps[0].items[0].text.da: must not contain '-->' (it would break the hidden markers)"]


def test_steps_must_be_numbered_in_order(raw):
    raw["steps"][1]["number"] = 3
    problems = problems_of(raw)
    assert "steps[1].number: expected 2 (steps are numbered in order)" in problems
    assert "steps[2].number: step 3 appears twice" in problems


def test_an_organisation_override_merges_deeply_and_lists_replace():
    defaults = {"language": "da", "os2_orgs": ["OS2offdig", "os2display"], "nested": {"a": 1, "b": {"c": 2}}}
    override = {"language": "en", "os2_orgs": ["MyOrg"], "nested": {"b": {"d": 3}}}
    merged = merge_org_config(defaults, override)
    assert merged == {"language": "en", "os2_orgs": ["MyOrg"], "nested": {"a": 1, "b": {"c": 2, "d": 3}}}
    assert defaults["os2_orgs"] == ["OS2offdig", "os2display"]  # the defaults are not changed
    assert merge_org_config(defaults, None) == defaults


def test_org_settings_from_the_github_repository_file():
    defaults = load_org_defaults()
    s = org_settings(defaults, "language: en\nonboard_existing_on_install: [os2x, os2y]\nsecretariat_team: sekr\n")
    assert s.language == "en"
    assert s.onboards_existing("os2x") and not s.onboards_existing("other")
    assert s.secretariat_team == "sekr" and s.board_team == defaults["board_team"]
    assert org_settings(defaults).language == "da"
    assert org_settings(defaults).onboard_on_repository_created is False


def test_bad_org_settings_are_reported():
    with pytest.raises(ConfigError) as e:
        org_settings(load_org_defaults(), {"language": "de", "onboard_existing_on_install": "some", "colour": 1})
    assert e.value.problems == [
        "colour: unknown setting",
        "language: must be one of da, en, got 'de'",
        'onboard_existing_on_install: must be false, "all" or a list of repository names',
    ]
    with pytest.raises(ConfigError) as e:
        org_settings(load_org_defaults(), "language: [da\n")
    assert e.value.problems[0].startswith(".github/os2bot.yml: not valid YAML")


def test_roles_come_from_teams_and_the_coordinator_list(process, settings):
    assert actor_roles("anne", ["os2-sekretariatet"], process, settings) == {"secretariat", "contributor"}
    assert actor_roles("bo", ["os2-bestyrelsen"], process, settings) == {"board", "contributor"}
    assert actor_roles("Kim", [], process, settings, coordinators=["kim"]) == {"coordinator", "contributor"}
    assert actor_roles("x", ["other-team"], process, settings) == {"contributor"}


def test_the_real_process_file_is_not_changed_by_validation(raw):
    before = copy.deepcopy(raw)
    parse_process(raw)
    assert raw == before
