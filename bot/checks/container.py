"""F19 (a recommendation): the solution itself can be built and run as a container.

Not every container file is evidence: a docker-compose.yml that only starts a
development database, or a Dockerfile of a mock or a database in a subfolder, says
nothing about the product. Evidence is (best first, shallowest first):

- a Dockerfile/Containerfile that is not a side service: not in a folder named like
  one (`settings.side_folders`: db, mock, .devcontainer …), not named like one
  (`Dockerfile.db`), and not built only on side-service images (`settings.side_images`:
  postgres, mariadb, nginx … — `FROM nginx` + a config file is a proxy, `FROM node AS
  build` then `FROM nginx` builds the product's frontend);
- a compose file with a service that is built (`build:`) from the repository with a
  Dockerfile that is the product's, or that runs an image named after the product
  (the repository's or the organisation's name).

The result names the file taken and why the others were not.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

import yaml

from bot.checks.context import Context
from bot.checks.files import container_files, is_compose_file
from bot.checks.model import CheckResult, Status
from bot.snapshot import Snapshot

ID = "container"
OUTCOMES = ("pass", "missing")

_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE)
_COPY = re.compile(r"^\s*(?:COPY|ADD)\s+(?!.*--from)(.+)$", re.IGNORECASE | re.MULTILINE)
_NAME_SPLIT = re.compile(r"[^a-z0-9]+")
_MAX_COMPOSE = 200_000


@dataclass(frozen=True)
class Verdict:
    path: str
    product: bool
    why: str            # Danish, from settings.texts
    rank: int = 9       # lower is better evidence


def image_base(image: str) -> str:
    """'docker.io/library/postgres:16-alpine' -> 'postgres'; 'mcr.microsoft.com/mssql/server:2022' -> 'mssql/server'."""
    image = image.split("@", 1)[0].casefold()
    parts = image.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts and parts[0] == "library":
        parts = parts[1:]
    name = "/".join(parts)
    return name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name


def is_side_image(image: str, side_images: set[str]) -> bool:
    base = image_base(image)
    last = base.rsplit("/", 1)[-1]
    return base in side_images or last in side_images or any(
        last.startswith(s + "-") or last.startswith(s + "_") for s in side_images)


def product_tokens(snapshot: Snapshot, generic: set[str]) -> set[str]:
    """Words an image named after the product holds: 'OS2compliance' -> {'os2compliance', 'compliance'}."""
    tokens: set[str] = set()
    for name in (snapshot.name or "", snapshot.owner or ""):
        folded = name.casefold()
        for word in {folded, *_NAME_SPLIT.split(folded)}:
            for token in (word, word.removeprefix("os2")):
                if len(token) >= 4 and token not in generic:
                    tokens.add(token)
    return tokens


def _side_folder(path: str, side_folders: set[str]) -> str | None:
    for part in path.casefold().split("/")[:-1]:
        if part in side_folders:
            return part
    name = path.rsplit("/", 1)[-1].casefold()
    for piece in re.split(r"[._-]", name):
        if piece in side_folders:
            return piece
    return None


def _copies_only_config(text: str, s: dict) -> bool:
    """COPY/ADD of config files only (nginx.conf, init.sql, etc/): the image configures a side service;
    a COPY of '.', 'dist/' or 'src/' puts the product in it."""
    for match in _COPY.finditer(text):
        words = [w for w in match.group(1).replace("[", " ").replace("]", " ").replace(",", " ").split()
                 if not w.startswith("--")]
        for source in (w.strip('"\'') for w in words[:-1]):
            name = source.rstrip("/").rsplit("/", 1)[-1].casefold()
            if not (name.endswith(tuple(s["config_suffixes"])) or name in s["config_folders"]):
                return False
    return True


def judge_dockerfile(path: str, text: str | None, s: dict) -> Verdict:
    texts = s["texts"]
    folder = _side_folder(path, s["side_folders"])
    if folder:
        return Verdict(path, False, texts["side_folder"].format(path=path, folder=folder))
    depth = path.count("/")
    if text is None:
        return Verdict(path, True, texts["dockerfile_unread"].format(path=path), rank=2 + depth)
    stages = {m.group(2).casefold() for m in _FROM.finditer(text) if m.group(2)}
    images = [m.group(1) for m in _FROM.finditer(text)]
    outside = [i for i in images if i.casefold() not in stages and not i.startswith("$")]
    if images and outside and all(is_side_image(i, s["side_images"]) for i in outside) and _copies_only_config(text, s):
        return Verdict(path, False, texts["side_image"].format(path=path, images=", ".join(dict.fromkeys(outside))))
    if not images:
        return Verdict(path, False, texts["no_from"].format(path=path))
    where = texts["root"] if depth == 0 else texts["folder"].format(folder=posixpath.dirname(path))
    return Verdict(path, True, texts["dockerfile"].format(path=path, where=where,
                                                           images=", ".join(dict.fromkeys(outside or images))),
                   rank=depth)


def _services(text: str) -> dict[str, Any] | None:
    if len(text) > _MAX_COMPOSE:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    services = data.get("services") if isinstance(data, dict) else None
    return services if isinstance(services, dict) else None


def judge_compose(path: str, text: str | None, s: dict, dockerfiles: dict[str, Verdict], tokens: set[str]) -> Verdict:
    texts = s["texts"]
    folder = _side_folder(path, s["side_folders"])
    if folder:
        return Verdict(path, False, texts["side_folder"].format(path=path, folder=folder))
    if text is None:
        return Verdict(path, False, texts["compose_unread"].format(path=path))
    services = _services(text)
    if services is None:
        return Verdict(path, False, texts["compose_unreadable"].format(path=path))
    base = posixpath.dirname(path)
    started = []
    for name, service in services.items():
        if not isinstance(service, dict):
            continue
        image = service.get("image") if isinstance(service.get("image"), str) else None
        build = service.get("build")
        if isinstance(build, (str, dict)):
            context = build if isinstance(build, str) else str(build.get("context") or ".")
            dockerfile = "Dockerfile" if isinstance(build, str) else str(build.get("dockerfile") or "Dockerfile")
            built = posixpath.normpath(posixpath.join(base, context, dockerfile))
            verdict = dockerfiles.get(built)
            folder = _side_folder(built, s["side_folders"])
            if not folder and (verdict is None or verdict.product):
                return Verdict(path, True, texts["compose_build"].format(path=path, service=name),
                               rank=3 + path.count("/"))
        if image and not is_side_image(image, s["side_images"]) and any(t in image.casefold() for t in tokens):
            return Verdict(path, True, texts["compose_image"].format(path=path, service=name, image=image),
                           rank=5 + path.count("/"))
        started.append(image or str(name))
    if not started:
        return Verdict(path, False, texts["compose_empty"].format(path=path))
    return Verdict(path, False, texts["compose_side"].format(path=path, images=", ".join(started)))


def judge(snapshot: Snapshot, paths: tuple[str, ...], settings: dict) -> list[Verdict]:
    """A verdict for every container file, best evidence first."""
    s = {
        "texts": settings.get("texts", {}),
        "side_folders": {f.casefold() for f in settings.get("side_folders", ())},
        "side_images": {i.casefold() for i in settings.get("side_images", ())},
        "config_suffixes": [x.casefold() for x in settings.get("config_suffixes", ())],
        "config_folders": {x.casefold() for x in settings.get("config_folders", ())},
    }
    tokens = product_tokens(snapshot, {g.casefold() for g in settings.get("generic_names", ())})
    files = container_files(paths)
    dockerfiles = {p: judge_dockerfile(p, snapshot.files.get(p), s) for p in files if not is_compose_file(p)}
    composes = [judge_compose(p, snapshot.files.get(p), s, dockerfiles, tokens) for p in files if is_compose_file(p)]
    verdicts = [*dockerfiles.values(), *composes]
    return sorted(verdicts, key=lambda v: (not v.product, v.rank, v.path))


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    settings = context.config.spec(ID).settings
    texts = settings.get("texts", {})
    verdicts = judge(snapshot, context.evidence.paths, settings)
    rejected = [v for v in verdicts if not v.product]
    max_listed = int(settings.get("max_listed", 3))
    listed = "; ".join(v.why for v in rejected[:max_listed]) + (" …" if len(rejected) > max_listed else "")
    details = {
        "evidence": None, "why": None, "files": [v.path for v in verdicts][:20],
        "rejected": [{"path": v.path, "why": v.why} for v in rejected][:20],
    }
    if verdicts and verdicts[0].product:
        best = verdicts[0]
        details.update(evidence=best.path, why=best.why)
        others = texts.get("others", "").format(rejected=listed) if rejected else ""
        return context.result(ID, Status.PASS, "pass", path=best.path, details=details, evidence=best.why + others)
    why = texts.get("only_side", "").format(rejected=listed) if rejected else texts.get("none", "")
    return context.result(ID, Status.WARN, "missing", details=details, why=why)
