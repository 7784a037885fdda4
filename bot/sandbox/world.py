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


def example_files() -> dict[str, bytes]:
    """The example product, a repository ready for level 1."""
    return {p.relative_to(EXAMPLE).as_posix(): p.read_bytes()
            for p in sorted(EXAMPLE.rglob("*")) if p.is_file() and p.name != "SOURCES.md"}


@dataclass
class World:
    state: GitHubState
    installation: Installation
    org: str = ORG

    def add_product(self, name: str, files: dict[str, bytes | str] | None = None, **attrs) -> str:
        attrs.setdefault("description", "Eksempelprodukt til OS2-bottens sandkasse")
        attrs.setdefault("has_issues", True)
        self.state.add_repo(self.org, name, files=example_files() if files is None else files, **attrs)
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


def build_world(*, secretariat_team: str = "os2-sekretariatet", board_team: str = "os2-bestyrelsen",
                product: bool = True) -> World:
    state = GitHubState()
    installation = state.add_installation(ORG)
    state.add_team_member(ORG, secretariat_team, SECRETARIAT)
    state.add_team_member(ORG, board_team, BOARD_MEMBER)
    state.add_user(CONTRIBUTOR)
    world = World(state=state, installation=installation)
    if product:
        world.add_product(PRODUCT)
    return world
