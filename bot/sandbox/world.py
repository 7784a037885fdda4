"""The sandbox's world: an OS2 organisation with its teams, people and one example product.

Shared by `os2bot sandbox`, the end-to-end tests and the benchmarks, so all three see
the same GitHub.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.sandbox.deliveries import load_payload
from bot.sandbox.github import GitHubState, Installation

EXAMPLE = Path(__file__).parent / "example"
ORG = "OS2offdig"
PRODUCT = "os2eksempel"
SECRETARIAT = "sekretariat-sofie"
BOARD_MEMBER = "bestyrelse-bo"
CONTRIBUTOR = "kommune-karin"
COORDINATOR = "koordinator-kim"
# Who a newcomer can be on the sandbox page, and their role (the page names the roles).
PERSONAS = {CONTRIBUTOR: "contributor", SECRETARIAT: "secretariat", COORDINATOR: "coordinator",
            BOARD_MEMBER: "board"}
# The events app.yml subscribes to: what GitHub sends the App (installation events always come).
APP_EVENTS = ("repository", "issues", "issue_comment", "push")
# What the page offers: repositories to transfer, files to push, commands each role may write.
TRANSFER_EXAMPLES = ("niveau-1", "niveau-2", "uden-licens")
PUSH_FILES = ("licens", "rapport-niveau-2", "readme")
EXAMPLE_COMMANDS = {
    "contributor": ["/tjek", "/hjælp"],
    "secretariat": ["/niveau 1\n/match", "/niveau 2\n/match", f"/koordinator tilføj @{COORDINATOR}",
                    f"/adgang tilføj @{CONTRIBUTOR} kommune-ansvarlig karin@kommune.dk", "/bestyrelse"],
    "coordinator": ["/bestyrelse", "/tjek"],
    "board": ["/godkend", "/tilbageløb Konceptet overlapper med et eksisterende produkt"],
}


REPORT = "OS2eksempel_governance_report.md"
ORG_CONFIG = """# OS2's settings for the onboarding bot (Probot's convention: .github/os2bot.yml in the
# organisation's .github repository). Suppliers that signed the supplier partner agreement:
suppliers:
  - name: Eksempel Leverandør A/S
    signed: "2025-03-01"
"""
# Step 3 in the sandbox: the secretariat's Jira group administers every product's project,
# and the secretariat's GitHub team maintains every product's repository.
SANDBOX_ACCESS = """jira:
  groups: {Administrators: [os2-sekretariatet]}
github:
  teams: {os2-sekretariatet: maintain}
"""


def example_files(level: int = 1) -> dict[str, bytes]:
    """The example product: a repository whose governance report aims at and meets `level`."""
    files = {p.relative_to(EXAMPLE).as_posix(): p.read_bytes()
             for p in sorted(EXAMPLE.rglob("*")) if p.is_file() and p.name != "SOURCES.md"}
    if level != 1:
        files[REPORT] = report_for_level(files[REPORT].decode(), level).encode()
    return files


def report_for_level(report: str, level: int) -> str:
    """The example's report filled in for `level`: 'Ja' up to it, 'Planlagt' above, and the aim stated."""
    lines = []
    for line in report.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 6 and cells[1][:1] in "RFSG" and cells[1][1:].isdigit():
            row_level = 0 if cells[3] == "sandkasse" else int(cells[3])
            cells[5] = "Ja" if row_level <= level else "Planlagt"
            line = " | ".join(cells).strip()
        if line.startswith("> **Dato for udfyldelse:**"):
            lines.append(f"> **Ønsket niveau:** {'sandkasse' if level == 0 else level}  ")
        lines.append(line)
    return "\n".join(lines) + "\n"


def transfer_files(example: str) -> dict[str, bytes]:
    """The repository a contributor transfers from the page: the example product at level 1 or
    2, or at level 1 without its licence file (a push adds it later)."""
    if example == "niveau-2":
        return example_files(2)
    files = example_files(1)
    if example == "uden-licens":
        del files["LICENSE"]
    return files


def push_file(key: str) -> tuple[str, bytes]:
    """A file the page can push: the example's licence, its report filled in for level 2, a README."""
    if key == "licens":
        return "LICENSE", (EXAMPLE / "LICENSE").read_bytes()
    if key == "rapport-niveau-2":
        return REPORT, example_files(2)[REPORT]
    if key == "readme":
        return "README.md", (EXAMPLE / "README.md").read_bytes() + "\n## Kom i gang\n\nSe docs/.\n".encode()
    raise KeyError(key)


@dataclass
class World:
    state: GitHubState
    installation: Installation
    org: str = ORG

    def add_product(self, name: str, files: dict[str, bytes | str] | None = None, *, level: int = 1, **attrs) -> str:
        attrs.setdefault("description", "Eksempelprodukt til OS2-bottens sandkasse")
        attrs.setdefault("has_issues", True)
        self.state.add_repo(self.org, name, files=example_files(level) if files is None else files, **attrs)
        return f"{self.org}/{name}"

    def transfer_payload(self, full_name: str) -> bytes:
        """GitHub's real `repository.transferred` payload, pointed at a repository of this world."""
        data = json.loads(load_payload("repository.transferred.with-installation"))
        owner, name = full_name.split("/")
        repo = self.state.repo(full_name)
        data["repository"].update({"id": repo.id, "name": name, "full_name": full_name,
                                   "description": repo.description, "archived": repo.archived,
                                   "html_url": f"https://github.com/{full_name}"})
        data["repository"]["owner"]["login"] = owner
        data["installation"] = {"id": self.installation.id, "node_id": "sandbox"}
        return json.dumps(data).encode()


    def issue_payload(self, full_name: str, number: int, sender: str, action: str = "edited") -> bytes:
        """GitHub's real `issues.<action>` payload for an issue of this world, sent by `sender`."""
        data = json.loads(load_payload("issues.edited"))
        issue = self.state.issue(full_name, number)
        data["action"] = action
        data["issue"].update({"number": number, "title": issue.title, "body": issue.body, "state": issue.state,
                              "user": {**data["issue"]["user"], "login": issue.user,
                                       "type": "Bot" if issue.user.endswith("[bot]") else "User"}})
        data["repository"]["full_name"] = full_name
        data["repository"]["name"] = full_name.split("/")[1]
        data["sender"] = {**data["sender"], "login": sender}
        data["installation"] = {"id": self.installation.id, "node_id": "sandbox"}
        return json.dumps(data).encode()

    def comment_payload(self, full_name: str, number: int, comment_id: int, sender: str) -> bytes:
        """GitHub's real `issue_comment.created` payload for a comment of this world."""
        data = json.loads(load_payload("issue_comment.created.with-installation"))
        issue = self.state.issue(full_name, number)
        comment = next(c for c in issue.comments if c.id == comment_id)
        data["issue"].update({"number": number, "title": issue.title, "body": issue.body,
                              "user": {**data["issue"]["user"], "login": issue.user,
                                       "type": "Bot" if issue.user.endswith("[bot]") else "User"}})
        data["comment"].update({"id": comment_id, "body": comment.body,
                                "user": {**data["comment"]["user"], "login": sender, "type": "User"}})
        data["repository"].update({"full_name": full_name, "name": full_name.split("/")[1]})
        data["sender"] = {**data["sender"], "login": sender, "type": "User"}
        data["installation"] = {"id": self.installation.id, "node_id": "sandbox"}
        return json.dumps(data).encode()

    def push_payload(self, full_name: str, *, added: list[str] = (), modified: list[str] = (),
                     removed: list[str] = ()) -> bytes:
        """GitHub's real `push` payload: one commit to the default branch touching these files."""
        data = json.loads(load_payload("push.with-new-branch"))
        repo = self.state.repo(full_name)
        data.update({"ref": f"refs/heads/{repo.default_branch}", "created": False, "deleted": False})
        data["repository"].update({"full_name": full_name, "name": repo.name, "default_branch": repo.default_branch})
        commit = {**(data.get("commits") or [{}])[0], "added": list(added), "modified": list(modified),
                  "removed": list(removed)}
        data["commits"] = [commit]
        data["installation"] = {"id": self.installation.id, "node_id": "sandbox"}
        return json.dumps(data).encode()


def build_world(*, secretariat_team: str = "os2-sekretariatet", board_team: str = "os2-bestyrelsen",
                product: bool = True) -> World:
    state = GitHubState()
    # the permissions app.yml asks for
    installation = state.add_installation(ORG, permissions={
        "issues": "write", "contents": "read", "metadata": "read", "members": "write", "administration": "write"},
        events=APP_EVENTS)
    state.add_team_member(ORG, secretariat_team, SECRETARIAT)
    state.add_team_member(ORG, board_team, BOARD_MEMBER)
    state.add_user(CONTRIBUTOR)
    state.add_user(COORDINATOR)
    world = World(state=state, installation=installation)
    state.add_repo(ORG, ".github", files={".github/os2bot.yml": ORG_CONFIG})
    if product:
        world.add_product(PRODUCT)
    return world


def build_jira(flavour: str = "cloud"):
    """OS2's Jira as a stand-in: the bot's admin user, the secretariat's group, and the
    municipality's contact person, who has a Jira account under her e-mail."""
    from bot.sandbox.jira import JiraStandin
    from bot.sandbox.jira_state import JiraState

    state = JiraState(flavour)
    state.add_user("OS2 bot", "os2bot@os2.eu", admin=True)
    state.add_user("Karin Kommune", "karin@kommune.dk")
    state.add_group("os2-sekretariatet")
    return JiraStandin(state)
