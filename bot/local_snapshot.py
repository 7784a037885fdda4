"""A Snapshot of a local folder, for `os2bot check PATH` before a repository is transferred.

Walks the folder (bounded, skipping VCS, dependency and build folders) and reads
only the files the checks need (`bot.checks.wanted_files`), each size-capped.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.checks.files import wanted_files
from bot.snapshot import Snapshot

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "env", "vendor", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", "dist", "build", "target",
    "bower_components", ".gradle", ".idea", ".vscode", "site-packages", ".terraform", ".next",
})
MAX_PATHS = 50_000
MAX_DEPTH = 12
MAX_FILE_BYTES = 512 * 1024


class SnapshotError(OSError):
    """The folder cannot be read as a repository (missing, not a folder, no access)."""


def _walk(root: Path) -> list[str]:
    paths: list[str] = []
    stack: list[tuple[str, int]] = [("", 0)]
    while stack and len(paths) < MAX_PATHS:
        relative, depth = stack.pop()
        try:
            entries = sorted(os.scandir(root / relative), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in SKIP_DIRS and depth + 1 < MAX_DEPTH:
                        stack.append((path, depth + 1))
                elif entry.is_file():
                    paths.append(path)
            except OSError:
                continue
            if len(paths) >= MAX_PATHS:
                break
    return sorted(paths)


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str | None:
    """A file's text (capped), None when it cannot be read or looks binary."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def snapshot_from_folder(path: str | os.PathLike, *, owner: str | None = None) -> Snapshot:
    root = Path(path).expanduser()
    if not root.exists():
        raise SnapshotError(f"{root}: findes ikke")
    if not root.is_dir():
        raise SnapshotError(f"{root}: er ikke en mappe")
    if not os.access(root, os.R_OK | os.X_OK):
        raise SnapshotError(f"{root}: ingen adgang")
    paths = _walk(root)
    files = {}
    for relative in wanted_files(paths):
        text = read_text(root / relative)
        if text is not None:
            files[relative] = text
    name = root.resolve().name or str(root)
    return Snapshot(name=name, owner=owner, paths=tuple(paths), files=files, source="local")
