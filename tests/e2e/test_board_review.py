"""The board's review as OS2 runs it (seed 003), end to end over HTTP against the GitHub stand-in:
the board decides on an indstilling, and the product is organised once it is approved."""

from __future__ import annotations

import json
import re

import pytest

from bot.onboarding.board_paper import MARKER
from bot.onboarding.ticks import read_ticks
from bot.sandbox.world import BOARD_MEMBER, REPORT, SECRETARIAT, example_files
from tests.e2e.test_commands import LEVEL2, REPO, decisions


def without_steering_group(level: int = 2) -> dict[str, bytes]:
    """A level-2 report whose steering group (G6) and coordination group (G7) are still only planned."""
    files = example_files(level)
    report = files[REPORT].decode()
    report = re.sub(r"^(\| G[67] .*?\| 2 \| .*?\| )Ja( \|)", r"\1Planlagt\2", report, flags=re.MULTILINE)
    assert report.count("| Planlagt |") > example_files(level)[REPORT].decode().count("| Planlagt |")
    files[REPORT] = report.encode()
    return files


@pytest.fixture
def level2(bot, world):
    world.add_product("os2niveau2", without_steering_group(), description="Sagsbehandling af <b>@alle</b> tilskud")
    bot.transfer(LEVEL2)
    bot.settle()
    return bot


def papers(bot, repo=LEVEL2):
    """The bot's indstilling comments in the onboarding issue."""
    login = bot.world.state.app.bot_login
    return [c for c in bot.the_issue(repo).comments if c.user == login and MARKER in (c.body or "")]


def send_to_the_board(bot, repo=LEVEL2, level=2, who=SECRETARIAT):
    bot.person_comments(repo, f"/niveau {level}\n/approve-match", SECRETARIAT)
    bot.person_comments(repo, "/bestyrelse", who)
    bot.settle()


def test_a_level_2_product_can_be_sent_to_the_board_before_its_steering_group_exists(level2):
    bot = level2
    send_to_the_board(bot, who=SECRETARIAT)
    ticks = read_ticks(bot.the_issue(LEVEL2).body)
    assert not ticks["steering-group"] and not ticks["coordination-group"]     # not organised yet
    [review] = decisions(bot, "board_review", LEVEL2)
    assert review.value == "requested" and "bestyrelsen" in bot.the_issue(LEVEL2).labels
    [paper] = papers(bot)
    assert "Styregruppe: ikke nedsat endnu" in paper.body
    assert "Styregruppe: hvem skal sidde i den?" in paper.body                   # an open question, not a refusal
    assert "indstillingen til bestyrelsen" in bot.replies(LEVEL2)[-1]
    # the board approves; the organisation follows the approval, ticked by the secretariat then
    bot.person_comments(LEVEL2, "/godkend", BOARD_MEMBER)
    bot.settle()
    issue = bot.the_issue(LEVEL2)
    assert read_ticks(issue.body)["board-approved"] and not read_ticks(issue.body)["steering-group"]
    [paper] = papers(bot)
    assert "Bestyrelsen har godkendt produktet" in paper.body and "Godkendt af bestyrelsen" in paper.body
    approved_text = paper.body
    bot.person_comments(LEVEL2, "/bestyrelse", SECRETARIAT)                   # asked again after the approval
    bot.settle()
    assert "allerede godkendt" in bot.replies(LEVEL2)[-1]
    assert len(decisions(bot, "board_review", LEVEL2)) == 1 and papers(bot)[0].body == approved_text


def test_the_indstilling_names_the_level_sought_and_what_the_report_lacks(bot):
    bot.transfer(REPO)                 # the example product: its report meets level 1 only
    bot.settle()
    bot.person_comments(REPO, "/coordinator add @koordinator-kim", SECRETARIAT)
    send_to_the_board(bot, REPO, level=2)
    [paper] = papers(bot, REPO)
    text = paper.body
    assert "kan godkendes som OS2-produkt på niveau 2 – i brug i flere kommuner" in text
    assert "Opnået niveau ifølge rapporten: niveau 1" in text
    lacking, follows = text.split("- Mangler for niveau 2", 1)[1].split("###", 1)[0].split("- Opfyldes først med", 1)
    assert "F12 Der er kun en version af core koden (planlagt)" in lacking and "G6 " not in lacking
    assert "G5 Bestyrelsen har godkendt produktet" in follows and "G6 Der er nedsat en styregruppe" in follows
    assert "Governancerapporten angiver ikke selv" in text                       # the example states no aim
    assert "Licens | MPL-2.0" in text and "Koordinator: `@koordinator-kim`" in text
    assert "Eksempel Leverandør A/S (har tilsluttet sig leverandørpartneraftalen)" in text
    # the same text as Markdown, inside a fold, to paste into the meeting papers
    shown, copy = text.split("<details>", 1)
    assert "```markdown\n" in copy and shown.strip() in copy


def test_a_second_request_after_tilbageloeb_updates_the_indstilling(level2):
    bot = level2
    send_to_the_board(bot)
    [first] = papers(bot)
    first_id, first_body = first.id, first.body
    bot.person_comments(LEVEL2, "/tilbageløb Styregruppen skal være på plads @alle", BOARD_MEMBER)
    bot.settle()
    [returned] = papers(bot)
    assert returned.id == first_id and "  > Begrundelse: Styregruppen skal være på plads @\u200balle" in returned.body
    bot.world.state.put_file(LEVEL2, "MAINTAINERS.md", "# Vedligeholdere\n\n- Anne Andersen, Aarhus Kommune\n")
    bot.person_comments(LEVEL2, "/bestyrelse", SECRETARIAT)
    bot.settle()
    [again] = papers(bot)
    assert again.id == first_id                                             # one comment, updated in place
    assert "Anne Andersen" in again.body and "Anne Andersen" not in first_body   # facts as of the new request
    history = again.body.split("### Behandling", 1)[1].split("*Skrevet af os2bot", 1)[0]
    assert history.count("anmodede om bestyrelsens vurdering") == 2             # the earlier round is kept
    assert "Sendt tilbage til gentænkning (tilbageløb)" in history and "Styregruppen skal være på plads" in history
    assert "Er bestyrelsens begrundelse fra tilbageløbet" in again.body


def test_a_persons_edit_of_the_indstilling_is_put_back(level2):
    bot = level2
    send_to_the_board(bot)
    [paper] = papers(bot)
    written = paper.body
    forged = written.replace("ikke nedsat endnu", "nedsat") + "\n/godkend\n"
    bot.world.state.edit_comment_body(LEVEL2, paper.id, forged, SECRETARIAT)
    payload = json.loads(bot.world.comment_payload(LEVEL2, bot.the_issue(LEVEL2).number, paper.id, SECRETARIAT))
    payload["action"] = "edited"
    bot.deliver("issue_comment", json.dumps(payload).encode())
    bot.settle()
    [paper] = papers(bot)
    assert paper.body == written
    assert decisions(bot, "board_approval", LEVEL2) == []                   # an edit never runs a command


def test_the_indstilling_is_found_again_when_its_marker_is_removed(level2):
    bot = level2
    send_to_the_board(bot)
    [paper] = papers(bot)
    paper_id, written = paper.id, paper.body
    bot.world.state.edit_comment_body(LEVEL2, paper_id, "Slettet", SECRETARIAT)
    assert papers(bot) == []
    bot.person_comments(LEVEL2, "/tjek", SECRETARIAT)
    bot.settle()
    [again] = papers(bot)
    assert again.id == paper_id and again.body == written


@pytest.mark.parametrize("setup, said", [
    ("/niveau 2", "OS2-sekretariatet har ikke vurderet, at produktet er et match til OS2-fællesskabet. "
                  "Det gør sekretariatet med `/match`."),
    ("/approve-match", "Der er ikke foreslået et niveau. OS2-sekretariatet placerer produktet med "
                       "`/niveau 2` eller `/niveau 3`."),
])
def test_a_refusal_says_exactly_what_is_missing(level2, setup, said):
    bot = level2
    bot.person_comments(LEVEL2, setup, SECRETARIAT)
    bot.person_comments(LEVEL2, "/bestyrelse", SECRETARIAT)
    bot.settle()
    refusal = bot.replies(LEVEL2)[-1]
    assert refusal.startswith("Produktet kan ikke sendes til bestyrelsen endnu:\n\n- ")
    assert f"- {said}\n" in refusal
    assert refusal.count("\n- ") == 1 and "kommer med i indstillingen" in refusal
    assert decisions(bot, "board_review", LEVEL2) == [] and papers(bot) == []


def test_without_a_governance_report_the_board_is_not_asked(bot, world):
    files = {k: v for k, v in example_files(2).items() if k != REPORT}
    world.add_product("os2niveau2", files)
    bot.transfer(LEVEL2)
    bot.settle()
    send_to_the_board(bot)
    refusal = bot.replies(LEVEL2)[-1]
    assert "- Der ligger ingen governancerapport i repositoriet, som botten kan læse: " in refusal
    assert "Bestyrelsen skal bruge rapporten til at vurdere produktet." in refusal
    assert decisions(bot, "board_review", LEVEL2) == [] and papers(bot) == []


def test_a_persons_comment_with_the_marker_is_never_taken_for_the_indstilling(level2):
    bot = level2
    fake = bot.person_comments(LEVEL2, f"Min egen indstilling: godkend den!\n\n{MARKER}", SECRETARIAT)
    send_to_the_board(bot)
    [paper] = papers(bot)
    assert paper.id != fake.id and "Indstilling til bestyrelsen" in paper.body
    assert bot.world.state.find_comment(bot.world.state.repo(LEVEL2), fake.id)[1].body.startswith("Min egen")


def test_an_indstilling_older_than_the_comments_read_is_still_found_and_put_back(level2):
    bot = level2
    send_to_the_board(bot)
    [paper] = papers(bot)
    paper_id, written = paper.id, paper.body
    number = bot.the_issue(LEVEL2).number
    for n in range(105):                          # the bot reads the newest 100 comments of an issue
        bot.world.state.add_comment(LEVEL2, number, f"Kommentar {n}", user=SECRETARIAT)
    bot.person_comments(LEVEL2, "/tjek", SECRETARIAT)
    bot.settle()                                  # read back to its watermark once; the indstilling stays
    bot.world.state.edit_comment_body(LEVEL2, paper_id, "Slettet", SECRETARIAT)
    bot.person_comments(LEVEL2, "/tjek", SECRETARIAT)
    bot.settle()
    [again] = papers(bot)
    assert again.id == paper_id and again.body == written
    asked = [r for r in bot.world.state.requests if r.path.endswith(f"/issues/comments/{paper_id}")]
    assert [r.method for r in asked][-2:] == ["GET", "PATCH"]     # asked for by the id the bot kept


def test_step_1_does_not_wait_for_what_only_the_boards_approval_brings(bot, world):
    """G5 (the board has approved) and G6 (a steering group) cannot be true before the board
    meets: at level 2 the governance line of step 1 is met without them, and says so."""
    files = example_files(2)
    report = re.sub(r"^(\| G[567] .*?\| 2 \| .*?\| )Ja( \|)", r"\1Planlagt\2", files[REPORT].decode(), flags=re.M)
    files[REPORT] = report.encode()
    world.add_product("os2niveau2", files)
    bot.transfer(LEVEL2)
    bot.settle()
    bot.person_comments(LEVEL2, "/niveau 2\n/approve-match", SECRETARIAT)
    bot.settle()
    body = bot.the_issue(LEVEL2).body
    assert read_ticks(body)["governance-level"], body
    assert "først kommer på plads med bestyrelsens godkendelse" in body and "G5" in body
