"""Which licence a repository states, found offline in the files the snapshot holds.

Evidence, strongest first: a licence file's whole text (matched by askalono
against SPDX's licence texts, `match.py`) or its `SPDX-License-Identifier:`
line, then GitHub's own detection (remote snapshots only), then package
manifests. Every finding is kept so that a conflict
between a LICENSE file and a manifest can be shown.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from typing import Iterable, Mapping

from bot.licences.data import LicenceData, load_licence_data, normalise
from bot.licences.match import Match, base_id, completed_by, identify_all

LICENCE_FILE = re.compile(r"^(?:licen[cs]e|copying|unlicense)(?:[._-][\w.-]*)?$", re.IGNORECASE)
_SPDX_LINE = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\-() ]+?)\s*(?:\*/|-->|$)", re.MULTILINE)
_EXPRESSION_SPLIT = re.compile(r"\s+(?:OR|AND|WITH)\s+|[()]", re.IGNORECASE)
_XML_TAG = r"<{tag}>\s*([^<]{{1,200}}?)\s*</{tag}>"
_SETUP_PY = re.compile(r"""\blicen[cs]e\s*=\s*["']([^"']{1,100})["']""")
_MANIFESTS = ("pyproject.toml", "package.json", "composer.json", "cargo.toml", "setup.cfg", "setup.py", "pom.xml")
_MAX_SCAN = 200_000  # characters of one file read for matching
_SPDX_LINE_ONLY = 30  # words besides SPDX lines under which a file is only its SPDX line


@dataclass(frozen=True)
class Finding:
    spdx: str            # SPDX id or expression, as found or mapped
    path: str | None     # file it came from; None for GitHub's detection
    how: str             # "text" | "spdx_line" | "manifest" | "github"
    score: float | None = None  # askalono's score for a "text" finding


@dataclass(frozen=True)
class LicenceEvidence:
    findings: tuple[Finding, ...]
    licence_files: tuple[str, ...]       # licence files present, read or not
    unrecognised_files: tuple[str, ...]  # licence files whose text matched nothing

    @property
    def primary(self) -> Finding | None:
        """The licence the repository states: a licence file first, else any other finding."""
        order = {"text": 0, "spdx_line": 0, "github": 1, "manifest": 2}
        found = sorted(self.findings, key=lambda f: order[f.how])
        return found[0] if found else None

    @property
    def from_file(self) -> bool:
        return any(f.how in ("text", "spdx_line", "github") for f in self.findings)

    def conflicts(self) -> tuple[str, ...]:
        """SPDX ids found elsewhere that disagree with the primary licence."""
        primary = self.primary
        if primary is None:
            return ()
        mine = {base_id(i).casefold() for i in licence_ids(primary.spdx)}
        return tuple(sorted({
            f.spdx for f in self.findings if not mine & {base_id(i).casefold() for i in licence_ids(f.spdx)}
        }))


def is_licence_file(path: str) -> bool:
    parts = path.split("/")
    if len(parts) == 1:
        return bool(LICENCE_FILE.match(parts[0]))
    return len(parts) == 2 and parts[0].casefold() == "licenses"  # REUSE layout


def is_manifest(path: str) -> bool:
    if "/" in path:
        return False
    name = path.casefold()
    return name in _MANIFESTS or name.endswith((".csproj", ".gemspec"))


def licence_ids(expression: str) -> list[str]:
    """'MIT OR Apache-2.0' -> ['MIT', 'Apache-2.0']; 'GPL-3.0+' -> ['GPL-3.0-or-later']."""
    ids = []
    for part in _EXPRESSION_SPLIT.split(expression):
        part = part.strip()
        if not part:
            continue
        if part.endswith("+"):
            part = part[:-1] + "-or-later"
        ids.append(part)
    return ids


def is_osi_approved(expression: str, data: LicenceData | None = None) -> bool:
    """True when at least one licence the expression offers is OSI-approved."""
    data = data or load_licence_data()
    return any(i.casefold() in data.osi_approved for i in licence_ids(expression) if "exception" not in i.casefold())


def canonical(spdx: str, data: LicenceData | None = None) -> str:
    data = data or load_licence_data()
    return " OR ".join(data.canonical.get(i.casefold(), i) for i in licence_ids(spdx)) if spdx else spdx


def match_text(text: str, data: LicenceData | None = None) -> str | None:
    """The licence(s) the whole text is, as an SPDX expression; None below the threshold.

    A file holding two licence texts (MIT followed by Apache-2.0) names both as
    an OR expression, the way dual licensing is written, rather than one guessed.
    """
    data = data or load_licence_data()
    return _expression(identify_all(text[:_MAX_SCAN], data.match_threshold), data)


def _expression(found: tuple[Match, ...], data: LicenceData) -> str | None:
    return " OR ".join(canonical(m.spdx, data) for m in found) if found else None


def name_to_spdx(name: str, data: LicenceData | None = None) -> str | None:
    """A manifest's licence value -> SPDX id: already an id, or a known name."""
    data = data or load_licence_data()
    value = name.strip()
    if not value:
        return None
    if all(i.casefold() in data.osi_approved or i.casefold() in _KNOWN_NON_OSI for i in licence_ids(value)):
        return canonical(value, data)
    mapped = data.names.get(normalise(value))
    if mapped:
        return mapped
    if re.fullmatch(r"[A-Za-z0-9.+\-]+(?:\s+(?:OR|AND)\s+[A-Za-z0-9.+\-]+)*", value):
        return value  # an SPDX-looking id we do not know; the check says it is not OSI-approved
    return None


_KNOWN_NON_OSI = frozenset({"cc0-1.0", "cc-by-4.0", "cc-by-sa-4.0", "proprietary", "unlicensed"})


def _manifest_values(path: str, text: str) -> list[str]:
    name = path.casefold()
    values: list[str] = []
    try:
        if name == "pyproject.toml" or name == "cargo.toml":
            doc = tomllib.loads(text)
            table = doc.get("project") or doc.get("package") or {}
            lic = table.get("license")
            if isinstance(lic, str):
                values.append(lic)
            elif isinstance(lic, dict) and isinstance(lic.get("text"), str) and len(lic["text"]) < 100:
                values.append(lic["text"])
            poetry = doc.get("tool", {}).get("poetry", {})
            if isinstance(poetry.get("license"), str):
                values.append(poetry["license"])
            for classifier in table.get("classifiers") or []:
                if isinstance(classifier, str) and classifier.startswith("License ::"):
                    values.append(classifier.rsplit("::", 1)[-1])
        elif name in ("package.json", "composer.json"):
            doc = json.loads(text)
            lic = doc.get("license") if isinstance(doc, dict) else None
            if isinstance(lic, str):
                values.append(lic)
            elif isinstance(lic, list):
                values.append(" OR ".join(x for x in lic if isinstance(x, str)))
            elif isinstance(lic, dict) and isinstance(lic.get("type"), str):
                values.append(lic["type"])
        elif name == "setup.cfg":
            match = re.search(r"^\s*licen[cs]e\s*=\s*(.+)$", text, re.MULTILINE)
            if match:
                values.append(match.group(1))
            values += [c.rsplit("::", 1)[-1] for c in re.findall(r"License ::[^\n]+", text)]
        elif name == "setup.py":
            values += _SETUP_PY.findall(text)
            values += [c.rsplit("::", 1)[-1].strip("'\", ") for c in re.findall(r"License ::[^\n'\"]+", text)]
        elif name.endswith(".csproj"):
            values += re.findall(_XML_TAG.format(tag="PackageLicenseExpression"), text)
        elif name == "pom.xml":
            block = re.search(r"<licenses>(.*?)</licenses>", text, re.DOTALL)
            if block:
                values += re.findall(_XML_TAG.format(tag="name"), block.group(1))
        elif name.endswith(".gemspec"):
            values += re.findall(r"""\.licen[cs]es?\s*=\s*\[?\s*["']([^"']{1,60})["']""", text)
    except (ValueError, tomllib.TOMLDecodeError, AttributeError):
        return []
    return values


def _file_finding(path: str, text: str, data: LicenceData) -> Finding | None:
    """A licence file's licence: its text when askalono recognises it, else its SPDX line.

    A file that is little more than an SPDX line (REUSE style) is taken at its word
    without matching; a licence text wins over an SPDX line that disagrees.
    """
    spdx_lines = _SPDX_LINE.findall(text)
    rest = _SPDX_LINE.sub(" ", text)
    if spdx_lines and len(rest.split()) < _SPDX_LINE_ONLY:
        return Finding(canonical(spdx_lines[0].strip(), data), path, "spdx_line")
    found = identify_all(text, data.match_threshold)
    if found:
        return Finding(_expression(found, data), path, "text", score=min(m.score for m in found))
    if spdx_lines:
        return Finding(canonical(spdx_lines[0].strip(), data), path, "spdx_line")
    return None


def _complete(path: str, text: str, findings: list[Finding], unrecognised: list[str],
              files: Mapping[str, str], data: LicenceData) -> None:
    """An unrecognised licence file that is the rest of a licence whose other part
    another licence file holds (COPYING.LESSER beside COPYING) takes that file's place."""
    for i, base in enumerate(findings):
        if base.how != "text" or base.path is None:
            continue
        match = completed_by(text, files[base.path][:_MAX_SCAN], data.match_threshold)
        if match is not None:
            findings[i] = Finding(canonical(match.spdx, data), path, "text", score=match.score)
            unrecognised.remove(path)
            return


def detect_licence(
    paths: Iterable[str],
    files: Mapping[str, str],
    github_spdx: str | None = None,
    data: LicenceData | None = None,
) -> LicenceEvidence:
    data = data or load_licence_data()
    findings: list[Finding] = []
    licence_files = tuple(sorted(p for p in paths if is_licence_file(p)))
    unrecognised: list[str] = []
    for path in licence_files:
        text = files.get(path)
        if text is None:
            continue
        finding = _file_finding(path, text[:_MAX_SCAN], data)
        if finding is None:
            unrecognised.append(path)
        else:
            findings.append(finding)
    for path in list(unrecognised):
        _complete(path, files[path][:_MAX_SCAN], findings, unrecognised, files, data)
    if github_spdx and github_spdx.upper() not in ("NOASSERTION", "OTHER"):
        findings.append(Finding(canonical(github_spdx, data), None, "github"))
    for path in sorted(files):
        if not is_manifest(path):
            continue
        for value in _manifest_values(path, files[path]):
            spdx = name_to_spdx(value, data)
            if spdx and not any(f.spdx == spdx and f.path == path for f in findings):
                findings.append(Finding(spdx, path, "manifest"))
    return LicenceEvidence(tuple(findings), licence_files, tuple(unrecognised))
