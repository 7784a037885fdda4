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


@pytest.mark.slow
def test_sigkill_between_creating_the_jira_project_and_recording_it_leaves_one_project(world, github, tmp_path):
    from bot.onboarding.ticks import read_ticks
    from bot.sandbox.cli import jira_environment
    from bot.sandbox.world import ORG_CONFIG, SANDBOX_ACCESS, build_jira

    jira = build_jira()
    jira.start()
    world.state.put_file("OS2offdig/.github", ".github/os2bot.yml", ORG_CONFIG + SANDBOX_ACCESS)
    env = {**Bot(world=world, github_url=github.url, database=tmp_path / "bot.db").environment(),
           **jira_environment(jira)}
    bot_issues = lambda: [i for i in world.state.issues(REPO) if i.user == world.state.app.bot_login]  # noqa: E731

    def comment(url, text):
        issue = bot_issues()[0]
        made = world.state.add_comment(REPO, issue.number, text, user=SECRETARIAT)
        post_delivery(url, SECRET, "issue_comment", world.comment_payload(REPO, issue.number, made.id, SECRETARIAT))

    proc, url = serve(env)
    try:
        post_delivery(url, SECRET, "repository", world.transfer_payload(REPO))
        wait_for(lambda: bot_issues(), timeout=30)
        released = jira.state.hold_answer_next(r"POST /rest/api/2/project$")   # Jira creates it; the answer hangs
        comment(url, "/adgang add @kommune-karin kommune-ansvarlig karin@kommune.dk\n/level 1\n/approve-match")
        wait_for(lambda: jira.state.held >= 1, timeout=30)
    finally:
        proc.send_signal(signal.SIGKILL)                                        # ... and the bot dies
        proc.wait(timeout=10)
    released.set()
    assert len(jira.state.projects) == 1                                        # made, never recorded
    assert not read_ticks(bot_issues()[0].body)["jira-project"]

    proc, url = serve(env)                                                      # the same journal
    try:
        wait_for(lambda: read_ticks(bot_issues()[0].body).get("jira-project"), timeout=60)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        jira.stop()
    [key] = jira.state.projects                                                 # still one project: found again
    users = {value for kind, value in jira.state.role_actors(key, "Users") if kind == "user"}
    assert len(users) == 1 and ("group", "os2-sekretariatet") in jira.state.role_actors(key, "Administrators")
    assert [r for r in world.state.issues(REPO) if r.user == world.state.app.bot_login] == bot_issues()[:1]
