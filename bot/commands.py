"""Slash commands: the parser (pure) and the registry (config/commands.yaml).

A command is `/name args` at the start of a line that GitHub shows as plain text. Lines
in quotes, code, HTML blocks and elements (<details>, <pre>, ...), HTML comments and tag
attributes are not commands (bot.markdown_lines decides which lines are plain), so a reply
that quotes a command, or pasted text folded away, can never trigger one. Names are
case-insensitive; a comment may hold several commands.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.markdown_lines import plain_lines

COMMANDS_PATH = Path(__file__).resolve().parents[1] / "config" / "commands.yaml"
PSEUDO_ROLES = ("anyone", "writer")

MAX_COMMENT_CHARS = 65_536   # GitHub's own limit on a comment; anything past it is not read
MAX_LINES = 1_000            # lines of a comment that are read
MAX_COMMAND_CHARS = 1_000    # a longer line is no command: its arguments are never cut short

_COMMAND = re.compile(r" {0,3}/([A-Za-zæøåÆØÅ][\wæøåÆØÅ-]*)(?=[ \t]|$)")


@dataclass(frozen=True)
class Command:
    name: str          # lower case, as written (an alias is resolved by the registry)
    args: str          # the rest of the line, stripped
    line: int          # 1-based
    text: str          # the whole line as written, for quoting in a reply


def _lines(body: str) -> list[str]:
    """The comment's first lines; never half a line, so a cut can not shorten a command."""
    text = body[:MAX_COMMENT_CHARS]
    if len(body) > MAX_COMMENT_CHARS:
        text = text[:max(text.rfind("\n"), text.rfind("\r")) + 1]
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd")  # as cmark does
    return text.split("\n", MAX_LINES)[:MAX_LINES]


def parse_commands(body: str | None) -> list[Command]:
    """Every command in a comment, in order. Never raises; time is linear in the comment's length."""
    if not body:
        return []
    found = []
    for line in plain_lines(enumerate(_lines(body), start=1)):
        match = _COMMAND.match(line.text) if len(line.raw) <= MAX_COMMAND_CHARS else None
        if match:
            found.append(Command(name=match.group(1).lower(), args=line.text[match.end():].strip(),
                                 line=line.number, text=line.text.strip()))
    return found


@dataclass(frozen=True)
class CommandSpec:
    name: str
    aliases: tuple[str, ...]
    usage: dict[str, str]              # per language, written with that language's name
    roles: tuple[str, ...]
    help: dict[str, str]
    decision: str | None = None
    names: dict[str, str] | None = None   # the name people of a language are shown ("da": "godkend")

    def shown(self, lang: str) -> str:
        """`/godkend` in a Danish text, `/approve` in an English one: every name works the same."""
        return "/" + ((self.names or {}).get(lang) or self.name)

    def usage_in(self, lang: str) -> str:
        return self.usage.get(lang) or self.usage.get("da") or next(iter(self.usage.values()))


@dataclass(frozen=True)
class Registry:
    commands: tuple[CommandSpec, ...]
    role_names: dict[str, dict[str, str]]
    texts: dict[str, dict[str, str]]

    def find(self, name: str) -> CommandSpec | None:
        name = name.lower()
        return next((c for c in self.commands if name == c.name or name in c.aliases), None)

    def suggest(self, name: str, lang: str = "da") -> str | None:
        """The name a mistyped `/name` most likely meant, in the typist's own language (a typo
        of `/godkend` suggests `/godkend`, of `/approve` `/approve`; a near miss of a spelling
        without æøå, such as `/tilbageloeb`, the name `lang` shows); None for other bots' commands."""
        names = {n: c for c in self.commands for n in (c.name, *c.aliases)}
        close = difflib.get_close_matches(name.lower(), list(names), n=1, cutoff=0.8)
        if not close:
            return None
        spec = names[close[0]]
        shown = {spec.name, *(spec.names or {}).values()}
        return f"/{close[0]}" if close[0] in shown else spec.shown(lang)

    def shown(self, command: str, lang: str) -> str:
        """`/level` as a reader of `lang` is shown it (`/niveau`); an unknown name as written."""
        spec = self.find(command.lstrip("/"))
        return spec.shown(lang) if spec else command

    def text(self, key: str, lang: str, **values: Any) -> str:
        texts = self.texts[key]
        return (texts.get(lang) or texts["da"]).format(**values)

    def help(self, lang: str, role_label) -> str:
        """The /help reply, rendered from the registry (who may use each command included)."""
        lines = [f"**{self.text('help_title', lang)}**", "", self.text("help_intro", lang), "",
                 self.text("help_columns", lang), "|---|---|---|"]
        for spec in self.commands:
            others = ", ".join(f"`/{a}`" for a in (spec.name, *spec.aliases) if f"/{a}" != spec.shown(lang))
            who = ", ".join(role_label(r) for r in spec.roles)
            usage = f"`{spec.usage_in(lang)}`" + (f" ({others})" if others else "")
            cells = (usage, who, spec.help.get(lang) or spec.help["da"])
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")  # a | would split the cell
        return "\n".join(lines)


class RegistryError(ValueError):
    pass


def parse_registry(data: Any, *, known_roles: set[str] | None = None, source: str = "commands.yaml") -> Registry:
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("commands"), list):
        raise RegistryError(f"{source}: expected a mapping with a `commands` list")
    specs = []
    seen: set[str] = set()
    for i, c in enumerate(data["commands"]):
        at = f"{source}: commands[{i}]"
        if not isinstance(c, dict) or not isinstance(c.get("name"), str):
            problems.append(f"{at}: needs a name")
            continue
        names = [c["name"], *(c.get("aliases") or [])]
        for n in names:
            if not re.fullmatch(r"[a-zæøå][a-zæøå0-9-]*", str(n)):
                problems.append(f"{at}: {n!r} is not a command name (lower case letters, digits, -)")
            if n in seen:
                problems.append(f"{at}: {n!r} is used twice")
            seen.add(n)
        roles = c.get("roles") or []
        if not roles:
            problems.append(f"{at}.roles: at least one role")
        for r in roles:
            if known_roles is not None and r not in known_roles and r not in PSEUDO_ROLES:
                problems.append(f"{at}.roles: unknown role {r!r}")
        if not isinstance(c.get("help"), dict) or "da" not in c["help"]:
            problems.append(f"{at}.help: needs a Danish text (da)")
            continue
        shown = c.get("names") or {}
        if not isinstance(shown, dict) or any(v not in names for v in shown.values()):
            problems.append(f"{at}.names: each language's name must be the command's name or an alias")
            continue
        usage = c.get("usage") or f"/{c['name']}"
        usage = {k: str(v) for k, v in usage.items()} if isinstance(usage, dict) else {"da": str(usage)}
        specs.append(CommandSpec(name=c["name"], aliases=tuple(c.get("aliases") or ()),
                                 usage=usage, roles=tuple(roles),
                                 help=dict(c["help"]), decision=c.get("decision"), names=dict(shown)))
    if problems:
        raise RegistryError("; ".join(problems))
    return Registry(commands=tuple(specs), role_names=dict(data.get("roles") or {}),
                    texts=dict(data.get("texts") or {}))


@lru_cache(maxsize=4)
def load_registry(path: str | None = None, known_roles: frozenset[str] | None = None) -> Registry:
    with open(path or COMMANDS_PATH, encoding="utf-8") as f:
        return parse_registry(yaml.safe_load(f), known_roles=set(known_roles) if known_roles else None,
                              source=str(path or COMMANDS_PATH.name))
