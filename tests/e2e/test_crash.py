"""SIGKILL between writing a decision and answering the person: the answer still arrives,
once. A real `os2bot serve` process against the GitHub stand-in."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from bot.onboarding.state_block import decode
from bot.sandbox.deliveries import post_delivery
from bot.sandbox.harness import SECRET, STATE_KEY, Bot
from bot.sandbox.world import PRODUCT, SECRETARIAT
from tests.conftest import wait_for
from tests.intake.test_process_restart import start_process

REPO = f"OS2offdig/{PRODUCT}"


def serve(env: dict) -> tuple[subprocess.Popen, str]:
    """`os2bot serve` as a process of its own."""
    return start_process(["-m", "bot.cli", "serve"], env)


@pytest.mark.slow
def test_sigkill_between_the_decision_and_the_reply_still_answers_once(world, github, tmp_path):
    env = Bot(world=world, github_url=github.url, database=tmp_path / "bot.db").environment()
    bot_issues = lambda: [i for i in world.state.issues(REPO) if i.user == world.state.app.bot_login]  # noqa: E731
    proc, url = serve(env)
    try:
        post_delivery(url, SECRET, "repository", world.transfer_payload(REPO))
        wait_for(lambda: bot_issues(), timeout=30)
        issue = bot_issues()[0]
        released = world.state.hold_next(1, match=r"/issues/\d+/comments$")    # the reply hangs ...
        command = world.state.add_comment(REPO, issue.number, "/level 2\n/level tre", user=SECRETARIAT)
        post_delivery(url, SECRET, "issue_comment", world.comment_payload(REPO, issue.number, command.id, SECRETARIAT))
        wait_for(lambda: world.state.held >= 1, timeout=30)
    finally:
        proc.send_signal(signal.SIGKILL)                                        # ... and the bot dies
        proc.wait(timeout=10)
    released.set()
    assert decode(bot_issues()[0].body, STATE_KEY)[0].level == 2               # the decision was written
    assert not any(f"os2bot:reply {command.id}" in c.body for c in bot_issues()[0].comments)

    proc, url = serve(env)                                                      # the same journal
    try:
        wait_for(lambda: any(f"os2bot:reply {command.id}" in c.body for c in bot_issues()[0].comments),
                 timeout=30)
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    issue = bot_issues()[0]
    replies = [c for c in issue.comments if f"os2bot:reply {command.id}" in c.body]
    assert len(replies) == 1 and "Sådan bruges kommandoen" in replies[0].body
    assert sorted(r.content for r in command.reactions) == ["confused", "eyes"]
    assert [d.kind for d in decode(issue.body, STATE_KEY)[0].decisions] == ["level"]
