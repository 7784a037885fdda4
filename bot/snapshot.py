"""One repository as the checks see it: built once per reconcile or CLI run."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Snapshot:
    name: str                                  # repository name
    owner: str | None = None                   # organisation or user; None for a local folder
    paths: tuple[str, ...] = ()                # every file path known (posix, relative to root)
    files: dict[str, str] = field(default_factory=dict)  # text of the files checks read
    licence_spdx: str | None = None            # GitHub's detected licence (remote only)
    default_branch: str | None = None
    has_issues: bool | None = None
    archived: bool | None = None
    private: bool | None = None                # a private repository (never on the public portfolio)
    description: str | None = None
    html_url: str | None = None
    source: str = "local"                      # "local" or "github"
    commit: str | None = None                  # the commit checked, when known (a GitHub tarball names it)

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}" if self.owner else self.name
