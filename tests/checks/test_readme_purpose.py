"""F5 on real OS2 READMEs: the text decides, not its length (files in tests/fixtures/checks/real/readme)."""

from __future__ import annotations

import pytest

from bot.checks import Status, load_config, run_checks
from bot.checks.readme_purpose import find_purpose, paragraphs
from tests.checks.support import FIXTURES, product_files, snapshot

REAL = FIXTURES / "checks" / "real" / "readme"
SETTINGS = load_config().spec("readme_purpose").settings


def readme(name: str) -> str:
    return (REAL / f"{name}.md").read_text(encoding="utf-8")


def result(text: str):
    return run_checks(snapshot(product_files(2, **{"README.md": text})), level=2)["readme_purpose"]


@pytest.mark.parametrize(("repo", "purpose"), [
    ("OS2mo+os2mo", "MO is an IT system for organisational and identity management."),
    ("OS2rollekatalog+OS2rollekatalog", "OS2rollekatalog er en webapplikation til håndtering af roller"),
    ("OS2compliance+OS2compliance", "OS2compliance er en komplet ISMS-løsning"),
    # one short sentence that says what the product does: a word count failed it
    ("OS2sandbox+memoctopus-mvp", "En open source platform til lydtransskription og referatgenerering."),
    ("OS2Forms+os2forms_forloeb", "Adds a Maestro workflow engine"),
])
def test_a_real_readme_that_says_what_the_product_does_passes_and_is_quoted(repo, purpose):
    r = result(readme(repo))
    assert r.status is Status.PASS
    assert r.details["purpose"].startswith(purpose)
    assert purpose[:40] in r.message            # the sentence taken as the purpose is shown


@pytest.mark.parametrize(("repo", "first"), [
    # "Completely re-written version of X" followed by links and build steps
    ("OS2Valghalla+OS2valghalla-3", "Completely re-written version of OS2valghalla."),
    # the maintainer and licence paragraph, then the solution's folder structure
    ("os2kitos+kitos", None),
    # links to documentation and docker-compose, nothing else
    ("OS2iot+OS2iot-backend", None),
    # a database setting
    ("OS2sofd+os2sofd", "When many KLEs are in use"),
    # "Perform security scanning with" and a command
    ("OS2faktor+OS2faktor-Login", None),
    # says which part of OS2agora the repository is, not what OS2agora does
    ("OS2agora+OS2agora-API", "This repository is the API and backend used in OS2agora."),
])
def test_a_real_readme_that_does_not_say_what_the_product_does_fails(repo, first):
    r = result(readme(repo))
    assert r.status is Status.FAIL and r.details["purpose"] is None
    if first:
        assert r.details["first_prose"].startswith(first) and first[:30] in r.message
    else:
        assert r.details["first_prose"] is None and "ingen tekst, der beskriver løsningen" in r.message


def test_the_first_real_readme_line_taken_is_the_one_after_badges_and_link_definitions():
    found = find_purpose(readme("OS2compliance+OS2compliance"), SETTINGS)
    assert found["line"] == 9


def test_a_purpose_heading_vouches_for_a_sentence_but_not_for_a_word():
    assert result("# OS2x\n\n## Formål\n\nKort.\n").status is Status.FAIL
    r = result("# OS2x\n\n## Formål\n\nBorgerne skal have svar på deres henvendelser hurtigere.\n")
    assert r.status is Status.PASS and r.details["heading"] == "formål" and "Formål" not in r.message.split("»")[0]


def test_a_plain_line_like_om_x_acts_as_a_purpose_heading():
    text = "# OS2x\nOm OS2x\n\nKommunerne skal kunne dele deres data med hinanden.\n"
    r = result(text)
    assert r.status is Status.PASS and r.details["heading"] == "om os2x"


@pytest.mark.parametrize("text", [
    "# OS2x\n\nCompletely re-written version of OS2y, now with more features.\n",
    "# OS2x\n\n## Installation\n\nOS2x er et system til sagsbehandling.\n",       # under an install heading
    "# OS2x\n\nRun the following to start a system for development:\n\n```\nmake\n```\n",
    "# OS2x\n\n> [!IMPORTANT]\n> OS2x er et system til at vise, hvordan skabelonen bruges.\n",
    "# OS2x\n\n```\nOS2x er et system til sagsbehandling.\n```\n",                    # code is not prose
    "# OS2x\n\n[Docs](https://x) | [Issues](https://y) | [Wiki](https://z)\n",
    "# OS2x\n\n| a | b |\n|---|---|\n| ja | nej |\n",
    "# OS2x er et system til sagsbehandling\n\n## Install\n\nnpm i\n",                  # a heading is not prose
    "# OS2x\n\nOS2x is licensed under the MPL 2.0 and is free software for everyone.\n",
    "",
])
def test_text_that_is_no_description_fails(text):
    assert result(text).status is Status.FAIL


def test_a_description_that_mentions_licences_is_still_a_description_but_licence_text_is_not():
    r = result("# X\n\nX is a tool for municipalities that checks licence files and documentation.\n")
    assert r.status is Status.PASS
    r = result("# X\n\nThe project is licensed under the MPL 2.0 and maintained by Magenta ApS for the municipalities.\n")
    assert r.status is Status.FAIL and r.details["first_prose"] is None


def test_the_bots_own_readme_says_what_it_is():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert find_purpose(text, SETTINGS)["purpose"].startswith("A GitHub App for OS2")


def test_description_in_a_table_cell_counts():
    text = "# X\n\n| 🇩🇰 Dansk | 🇬🇧 English |\n| --- | --- |\n| X hjælper driftspersonalet med varmestyring. | X helps staff. |\n"
    assert result(text).details["purpose"] == "X hjælper driftspersonalet med varmestyring."


def test_a_long_purpose_is_quoted_shortened_at_a_word():
    text = "# X\n\nX er et system til " + "meget " * 60 + "mere.\n"
    r = result(text)
    assert r.status is Status.PASS and "…" in r.message and len(r.message) < 220


def test_a_hostile_readme_is_read_in_bounded_time():
    text = "# X\n\n" + ("[" * 5000 + "a" * 5000 + "\n") * 20 + "<" * 100_000
    assert result(text).status is Status.FAIL
    assert len(list(paragraphs("x\n" * 100_000))) == 1
