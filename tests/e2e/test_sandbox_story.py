"""`os2bot sandbox` plays steps 1 to 3 on this machine: what a newcomer sees first must be true."""

from __future__ import annotations

import argparse

from bot.sandbox import cli


def test_the_sandbox_story_ends_with_one_jira_project_and_the_coordinators_team(capsys):
    status = cli.run(argparse.Namespace(serve=False, timeout=60.0))
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Projektet OS2EKSEMPE er oprettet i Jira; 1 person og 1 gruppe har adgang" in " ".join(out.replace("│", " ").split())
    assert "Karin Kommune <karin@kommune.dk>" in out                  # the declared person, in the project's role
    assert "os2eksempel-koordinatorer" in out and "kommune-karin" in out
