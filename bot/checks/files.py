"""Which files the checks read, and small helpers to find and read them.

`wanted_files` is the one place that decides which file texts a snapshot must
carry; the local and the GitHub snapshot both ask it.
"""

from __future__ import annotations

import fnmatch
import re
from typing import Iterable, Iterator

from bot.governance import find_report_paths
from bot.licences import is_licence_file, is_manifest

PUBLICCODE_NAMES = ("publiccode.yml", "publiccode.yaml")
MAINTAINERS_NAMES = ("maintainers.md", "maintainers", "maintainers.txt", "docs/maintainers.md")
_README = re.compile(r"^(?:readme|læsmig|laesmig)(?:\.(?:md|markdown|rst|txt|adoc))?$", re.IGNORECASE)
_DOCS_DIRS = ("docs", "doc")
MAX_DOCS_FILES = 30
MAX_REPORTS = 3
MAX_CONTAINER_FILES = 12
# container files (any folder, case-insensitive globs on the file name); the container check reads them
DOCKERFILE_PATTERNS = ("dockerfile", "dockerfile.*", "*.dockerfile", "containerfile", "containerfile.*")
COMPOSE_PATTERNS = ("docker-compose.yml", "docker-compose.yaml", "docker-compose.*.yml", "docker-compose.*.yaml",
                    "compose.yml", "compose.yaml", "compose.*.yml", "compose.*.yaml")


def is_readme(path: str) -> bool:
    return "/" not in path and bool(_README.match(path))


def is_docs_markdown(path: str) -> bool:
    parts = path.split("/")
    return len(parts) == 2 and parts[0].casefold() in _DOCS_DIRS and parts[1].casefold().endswith((".md", ".markdown"))


def is_compose_file(path: str) -> bool:
    return bool(match_basename([path], COMPOSE_PATTERNS))


def container_files(paths: Iterable[str]) -> list[str]:
    """Dockerfiles, Containerfiles and compose files, shallowest first, at most MAX_CONTAINER_FILES."""
    found = match_basename(paths, DOCKERFILE_PATTERNS + COMPOSE_PATTERNS)
    return sorted(found, key=lambda p: (p.count("/"), p))[:MAX_CONTAINER_FILES]


def wanted_files(paths: Iterable[str]) -> list[str]:
    """The paths whose text the checks read, in a stable order, bounded in count."""
    paths = [p for p in paths if isinstance(p, str)]
    wanted: dict[str, None] = {}
    for path in find_report_paths(paths)[:MAX_REPORTS]:
        wanted[path] = None
    docs = 0
    for path in sorted(paths):
        folded = path.casefold()
        if (
            is_readme(path)
            or is_licence_file(path)
            or is_manifest(path)
            or folded in PUBLICCODE_NAMES
            or folded in MAINTAINERS_NAMES
        ):
            wanted[path] = None
        elif is_docs_markdown(path) and docs < MAX_DOCS_FILES:
            docs += 1
            wanted[path] = None
    for path in container_files(paths):
        wanted[path] = None
    return list(wanted)


def find_first(paths: Iterable[str], candidates: Iterable[str]) -> str | None:
    """The first path equal (case-insensitively) to one of the candidates, in candidate order."""
    by_fold = {}
    for path in paths:
        by_fold.setdefault(path.casefold(), path)
    for candidate in candidates:
        found = by_fold.get(candidate.casefold())
        if found:
            return found
    return None


def find_readme(paths: Iterable[str]) -> str | None:
    readmes = sorted((p for p in paths if is_readme(p)), key=lambda p: (not p.casefold().endswith((".md", ".markdown")), p))
    return readmes[0] if readmes else None


def match_basename(paths: Iterable[str], patterns: Iterable[str]) -> list[str]:
    """Paths (any folder) whose file name matches one of the glob patterns, any case."""
    folded = [p.casefold() for p in patterns]
    return sorted(
        p for p in paths if any(fnmatch.fnmatchcase(p.rsplit("/", 1)[-1].casefold(), pat) for pat in folded)
    )


_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`*+#])\1{2,}\s*$")
_NON_WORD = re.compile(r"[\W_]+")
_MAX_LINE = 1000
_SHORTCODE = re.compile(r":[a-z0-9_+-]{1,40}:")
_LEADING_NUMBER = re.compile(r"^(?:\d+\s+)+")


def normalise_heading(text: str) -> str:
    """'## 1. Formål 🎯' -> 'formål': emoji (also ':star:'), numbering and punctuation dropped."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = _SHORTCODE.sub(" ", text)
    return _LEADING_NUMBER.sub("", _NON_WORD.sub(" ", text.casefold()).strip())


def outside_code(lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, line) of the lines outside fenced code blocks; a fence yields (index, "")
    so that a reader tracking the previous line sees a break there."""
    fence = ""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            yield index, ""
            continue
        yield index, line


def headings(text: str) -> list[tuple[int, str]]:
    """(level, normalised text) of the markdown (ATX or setext) and rst headings, outside code."""
    found: list[tuple[int, str]] = []
    previous = ""
    for _, line in outside_code(text.splitlines()):
        stripped = line.strip()
        match = _HEADING.match(line) if len(line) <= _MAX_LINE else None
        if match:
            found.append((len(match.group(1)), normalise_heading(match.group(2))))
        elif previous and _RST_UNDERLINE.match(stripped) and not previous.startswith(("|", "-", "*")):
            found.append((1 if stripped[0] == "=" else 2, normalise_heading(previous)))
        previous = stripped
    return found


def heading_matches(heading: str, synonyms: Iterable[str]) -> bool:
    """A heading matches a synonym when equal to it or starting with it as whole words."""
    for synonym in synonyms:
        wanted = normalise_heading(synonym)
        if wanted and (heading == wanted or heading.startswith(wanted + " ")):
            return True
    return False
