"""The gate before the board and the indstilling, as pure functions on real checks of the
sandbox's example product (bot/sandbox/example)."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from bot.checks import run_checks
from bot.checks.config import for_organisation, load_config
from bot.onboarding import board_paper
from bot.onboarding.board_gate import unmet
from bot.onboarding.config import parse_process, problems_in
from bot.onboarding.desired import compute_view
from bot.onboarding.model import Decision, RepoFacts, State, Tick, record_decision, set_coordinators
from bot.sandbox.world import REPORT, example_files
from bot.snapshot import Snapshot
from tests.gfm import render

FACTS = RepoFacts(owner="OS2offdig", name="os2eksempel", description="Tilskud til <b>@alle</b> #12",
                  html_url="https://github.com/OS2offdig/os2eksempel", default_branch="main")
AT = "2026-11-29T09:00:00Z"


def snapshot(files: dict) -> Snapshot:
    text = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in files.items()}
    return Snapshot(name="os2eksempel", owner="OS2offdig", paths=tuple(sorted(text)), files=text,
                    has_issues=True, description=FACTS.description, html_url=FACTS.html_url)


@pytest.fixture(scope="module")
def checks_config():
    return for_organisation(load_config(), organisations=["OS2offdig"],
                            suppliers=[{"name": "Eksempel Leverandør A/S"}])


def checks_for(files, checks_config):
    snap = snapshot(files)
    return lambda level: run_checks(snap, level=level, config=checks_config)


def decided(state: State, kind: str, value, by="sekretariat-sofie") -> State:
    return record_decision(state, Decision(kind, value, by, AT, "https://github.com/x/y/issues/1#issuecomment-9"))


def matched(process, state: State) -> State:
    return replace(state, ticks={**state.ticks, "match-judged": Tick(True, "sekretariat-sofie", AT)})


def view(process, state, checks_at):
    run = checks_at(state.level)
    return compute_view(process, FACTS, run.by_id, state, "da", target=run.target_level)


# ---- the gate ---------------------------------------------------------------------------------
def test_the_gate_asks_for_the_match_a_report_and_a_level_and_nothing_about_the_groups(process, checks_config):
    checks_at = checks_for(example_files(1), checks_config)
    state = State()
    missing = unmet(process, state, view(process, state, checks_at), "da")
    assert len(missing) == 2
    assert missing[0].startswith("OS2-sekretariatet har ikke vurderet, at produktet er et match")
    assert missing[1].startswith("Der er ikke foreslået et niveau")
    state = matched(process, decided(State(), "level", 2))
    assert unmet(process, state, view(process, state, checks_at), "da") == []      # no groups, no board yet


def test_a_missing_governance_report_keeps_the_product_from_the_board_and_says_why(process, checks_config):
    files = {k: v for k, v in example_files(2).items() if k != REPORT}
    checks_at = checks_for(files, checks_config)
    state = matched(process, decided(State(), "level", 2))
    [missing] = unmet(process, state, view(process, state, checks_at), "en")
    assert missing.startswith("There is no governance report in the repository that the bot can read: ")
    assert "{reason}" not in missing and missing.endswith("The board needs the report to judge the product.")


def test_the_gate_is_read_from_config(process, checks_config):
    data = _process_data()
    data["board_review"]["requires"] = [r for r in data["board_review"]["requires"] if r["key"] != "match"]
    lenient = parse_process(data)
    checks_at = checks_for(example_files(1), checks_config)
    state = decided(State(), "level", 2)
    assert unmet(lenient, state, view(lenient, state, checks_at), "da") == []
    assert unmet(process, state, view(process, state, checks_at), "da") != []


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["board_review"]["requires"].append({"key": "x", "item": "no-such-item", "missing": {"da": "a", "en": "b"}}),
     "board_review.requires[3].item: unknown item 'no-such-item'"),
    (lambda d: d["board_review"]["requires"].append({"key": "x", "item": "licence", "level": [2], "missing": {"da": "a", "en": "b"}}),
     "board_review.requires[3]"),
    (lambda d: d["board_review"]["organisation"].append({"item": "nope"}), "board_review.organisation[2].item: unknown item 'nope'"),
    (lambda d: d.pop("board_review"), "'board_review' is a required property"),
])
def test_a_gate_that_names_what_does_not_exist_is_refused(change, problem):
    data = _process_data()
    change(data)
    assert any(problem in p for p in problems_in(data)), problems_in(data)


def _process_data():
    import yaml
    from bot.onboarding.config import PROCESS_PATH
    return yaml.safe_load(PROCESS_PATH.read_text(encoding="utf-8"))


# ---- the indstilling ----------------------------------------------------------------------------
def requested(process, checks_at, level=2, state=None) -> State:
    state = matched(process, decided(state or State(), "level", level))
    state = decided(state, "board_review", "requested")
    paper = board_paper.take(process, state, FACTS, view(process, state, checks_at), checks_at(state.level),
                             checks_at(None), by="sekretariat-sofie", at=AT)
    return replace(state, board_paper=paper)


def test_the_indstilling_names_the_level_sought_and_what_the_report_lacks(process, checks_config):
    checks_at = checks_for(example_files(1), checks_config)          # the report meets level 1
    state = requested(process, checks_at, level=2)
    text = board_paper.render(process, state, FACTS, "da")
    assert "kan godkendes som OS2-produkt på niveau 2 – i brug i flere kommuner" in text
    assert "- Opnået niveau ifølge rapporten: niveau 1 – »tag det som det er«" in text
    assert state.board_paper["lacking_count"] == len(state.board_paper["lacking"]) > 5
    assert "  - F12 Der er kun en version af core koden (planlagt)" in text
    follows = text.split("- Opfyldes først med bestyrelsens godkendelse og organiseringen bagefter:", 1)[1]
    assert follows.index("G5 Bestyrelsen har godkendt produktet") < follows.index("- Anbefalinger")
    assert "G6" not in [c["id"] for c in state.board_paper["lacking"]]     # what the approval brings is not lacking
    assert "Skal produktet godkendes nu, eller når kravene er opfyldt?" in text
    english = board_paper.render(process, state, FACTS, "en")
    assert "- Level reached according to the report: level 1" in english and "Missing for level 2" in english


def test_the_report_meeting_the_level_sought_leaves_no_lacking_criteria(process, checks_config):
    checks_at = checks_for(example_files(2), checks_config)
    state = requested(process, checks_at, level=2)
    text = board_paper.render(process, state, FACTS, "da")
    assert state.board_paper["lacking"] == [] and state.board_paper["aim"] == 2
    assert "Rapporten opfylder kravene for niveau 2" in text
    assert "Governancerapporten angiver selv samme niveau som mål." in text


def test_what_follows_the_approval_is_read_from_config(process, checks_config):
    data = _process_data()
    data["board_review"]["follows_approval"] = []
    strict = parse_process(data)
    checks_at = checks_for(example_files(1), checks_config)
    state = requested(strict, checks_at, level=2)
    assert {"G5", "G6"} <= {c["id"] for c in state.board_paper["lacking"]} and state.board_paper["follows"] == []


def test_a_report_lacking_only_what_the_approval_brings_meets_the_other_criteria(process, checks_config):
    files = example_files(2)
    files[REPORT] = re.sub(r"^(\| G6 .*?\| 2 \| .*?\| )Ja( \|)", r"\1Planlagt\2", files[REPORT].decode(), flags=re.MULTILINE)
    assert "Planlagt" in files[REPORT].split("| G6", 1)[1].split("\n", 1)[0]
    state = requested(process, checks_for(files, checks_config), level=2)
    text = board_paper.render(process, state, FACTS, "da")
    assert [c["id"] for c in state.board_paper["follows"]] == ["G6"] and state.board_paper["lacking"] == []
    assert "- Rapporten opfylder de øvrige krav for niveau 2" in text
    assert "Skal produktet godkendes nu" not in text


def test_a_level_the_report_does_not_aim_at_is_an_open_question(process, checks_config):
    checks_at = checks_for(example_files(2), checks_config)          # the report aims at level 2
    state = requested(process, checks_at, level=3)
    text = board_paper.render(process, state, FACTS, "da")
    assert "Rapporten sigter mod niveau 2 – i brug i flere kommuner, men produktet er foreslået på niveau 3" in text
    assert "(På niveau 3 nedsættes styregruppen af bestyrelsen.)" in text


def test_people_text_in_the_indstilling_is_escaped(process, checks_config):
    files = example_files(2)
    files["README.md"] = "# X\n\nVi hjælper @alle med <!-- skjult --> og `/godkend` i #12.\n/approve\n"
    checks_at = checks_for(files, checks_config)
    state = requested(process, checks_at)
    state = decided(state, "board_approval", "rework")
    state = replace(state, decisions=state.decisions[:-1] + (replace(state.decisions[-1], note="> /approve @formand\n<script>"),))
    text = board_paper.render(process, state, FACTS, "da")
    assert "@alle" not in text and "@formand" not in text and "#12" not in text    # no pings, no references
    assert "<!-- skjult" not in text and "<script>" not in text and "<b>" not in text
    assert text.count("<!--") == 1 and text.rstrip().endswith(board_paper.MARKER)  # only the bot's marker
    for line in text.splitlines():
        assert not line.lstrip("> ").startswith("/"), line                     # nothing a bot would obey


def test_the_copy_for_the_meeting_papers_is_the_same_text_in_a_fence_that_cannot_be_closed(process, checks_config):
    checks_at = checks_for(example_files(2), checks_config)
    state = requested(process, checks_at)
    text = board_paper.render(process, state, FACTS, "da")
    shown, copy = text.split("<details>", 1)
    tokens = MarkdownIt("commonmark").parse(text)
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1 and fences[0].info == "markdown"
    assert fences[0].content.strip() == shown.strip()
    assert board_paper.fence_for("a ```` b") == "`````" and board_paper.fence_for("plain") == "```"


def test_the_indstilling_is_rendered_from_the_state_alone(process, checks_config):
    """Same state, same text: what reconcile compares with the comment to put a person's edit back."""
    checks_at = checks_for(example_files(2), checks_config)
    state = requested(process, checks_at)
    again = State.from_dict(state.to_dict())
    assert board_paper.render(process, again, FACTS, "da") == board_paper.render(process, state, FACTS, "da")
    assert board_paper.render(process, State(), FACTS, "da") is None


def test_a_return_and_a_new_request_keep_the_earlier_round_in_the_history(process, checks_config):
    checks_at = checks_for(example_files(2), checks_config)
    state = requested(process, checks_at)
    state = record_decision(state, Decision("board_approval", "rework", "bestyrelse-bo", "2026-11-30T10:00:00Z",
                                            None, "Styregruppen mangler"))
    state = requested(process, checks_at, state=state)
    rows = board_paper.history(state)
    assert [r["kind"] for r in rows] == ["requested", "returned", "requested"]
    text = board_paper.render(process, state, FACTS, "da")
    section = text.split("### Behandling", 1)[1].split("<details>", 1)[0]
    assert "  > Begrundelse: Styregruppen mangler" in section


def test_an_indstilling_taken_before_a_field_existed_still_renders(process, checks_config):
    checks_at = checks_for(example_files(2), checks_config)
    state = requested(process, checks_at)
    older = replace(state, board_paper={k: v for k, v in state.board_paper.items() if k not in ("relevance", "aim")})
    text = board_paper.render(process, older, FACTS, "da")
    assert "Governancerapporten angiver ikke selv" in text and "Rapportens begrundelse" not in text


def test_the_indstilling_taken_keys_match_what_render_expects(process, checks_config):
    checks_at = checks_for(example_files(1), checks_config)
    assert set(requested(process, checks_at).board_paper) == set(board_paper._EMPTY)


def test_readme_intro_is_the_first_paragraph_of_prose():
    text = "# Titel\n\n[![badge](x)](y)\n\n<p>html</p>\n\nDet her er [produktet](https://x) til\nkommuner.\n\n## Mere\n\nandet"
    assert board_paper.readme_intro(text) == "Det her er produktet til kommuner."
    assert board_paper.readme_intro("```\nkode\n```\n") is None
    assert len(board_paper.readme_intro("ord " * 500)) <= board_paper.MAX_TEXT


# ---- as GitHub shows it -------------------------------------------------------------------------
HEADINGS = {"da": ["Indstilling til bestyrelsen: os2eksempel som OS2-produkt", "Produktet", "Ønsket niveau og begrundelse",
                   "Det viser governancerapporten", "Forslag til organisering", "Åbne spørgsmål", "Behandling"],
            "en": ["Recommendation to the board: os2eksempel as an OS2 product", "The product", "Level sought and why",
                   "What the governance report shows", "Proposed organisation", "Open questions", "Handling"]}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_indstilling_has_its_sections_one_table_and_the_reason_of_a_return_as_a_quote(process, checks_config, lang):
    checks_at = checks_for(example_files(1), checks_config)
    state = requested(process, checks_at)
    state = record_decision(state, Decision("board_approval", "rework", "bestyrelse-bo", AT, None, "Mangler *fit*"))
    shown = render(board_paper.render(process, state, FACTS, lang))
    assert [text for _, text in shown.headings] == HEADINGS[lang]
    assert len(shown.tables) == 1 and len(shown.tables[0]) == 7                 # header row and six facts
    assert any("Mangler *fit*" in q for q in shown.quotes)


@pytest.mark.parametrize("attack", ["# Overskrift", "| a | b |\n|---|---|", "> citat", "<details><summary>x</summary>",
                                    "```\nkode", "- [x] falsk"])
def test_text_from_people_adds_no_structure_to_the_indstilling(process, checks_config, attack):
    checks_at = checks_for(example_files(1), checks_config)
    clean = render(board_paper.render(process, requested(process, checks_at), FACTS, "da"))
    files = example_files(1)
    files["README.md"] = f"# X\n\n{attack} er produktet til kommunerne.\n"
    checks_at = checks_for(files, checks_config)
    attacked_state = requested(process, checks_at, state=set_coordinators(State(), (attack,)))
    attacked = render(board_paper.render(process, attacked_state, replace(FACTS, description=attack), "da"))
    assert attacked.headings == clean.headings and attacked.quotes == clean.quotes
    assert len(attacked.tables) == len(clean.tables) and attacked.tasks == clean.tasks
