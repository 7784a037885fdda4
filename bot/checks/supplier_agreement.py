"""P-3.1: the product's supplier has signed OS2's supplier partner agreement.

Suppliers are read where products write them: publiccode.yml
`maintenance.contractors[].name` (and `maintenance.maintainers`), 'Leverandør: Navn'
lines in the governance report and the README (settings.statement_keys), phrases
such as "maintained by STRONGMINDS ApS" or "Udviklet af Magenta ApS" in the README
(settings.by_phrases), and company names (ApS, A/S …) in MAINTAINERS files.

They are matched against the secretariat's list (config/suppliers.yaml, or
`suppliers` in the organisation's .github/os2bot.yml). Without a list the bot cannot
judge the agreement: the result is "afventer sekretariatet" (NOT_CONFIGURED, which
does not keep a product from being ready), and the onboarding issue shows the line
for the secretariat to tick, with what was found.
"""

from __future__ import annotations

import re

from bot.checks.config import Supplier
from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.checks.statements import split_names, statements
from bot.snapshot import Snapshot

ID = "supplier_agreement"
OUTCOMES = ("pass", "unsigned", "none_named", "not_configured", "not_configured_unnamed")
_SUFFIXES = ("aps", "a/s", "as", "ivs", "k/s", "p/s", "i/s", "gmbh", "ltd", "inc", "ab", "oy")
_SUFFIX = re.compile(r"\b(?:aps|a s|as|ivs|k s|p s|i s|gmbh|ltd|inc|ab|oy)\s*$")
_NON_WORD = re.compile(r"[\W_]+")
_COMPANY = re.compile(
    r"((?:[A-ZÆØÅ0-9][\w&.'-]*\s+){0,3}[A-ZÆØÅ0-9][\w&.'-]*)\s+(ApS|A/S|IVS|K/S|P/S|I/S|GmbH|Ltd\.?|Inc\.?|Oy)(?![\w/])")
_MAX_TEXT = 200_000
_MAX_NAME_WORDS = 6


def supplier_key(name: str) -> str:
    """'Magenta ApS' and 'magenta' compare equal; 'Netcompany A/S' and 'Netcompany' too."""
    key = _NON_WORD.sub(" ", name.casefold()).strip()
    while True:
        shorter = _SUFFIX.sub("", key).strip()
        if shorter == key or not shorter:
            return key
        key = shorter


def _name_after(text: str) -> str | None:
    """The capitalised name that starts `text`: 'STRONGMINDS ApS (https://…) for OS2' -> 'STRONGMINDS ApS'."""
    words = []
    for word in text.split()[:_MAX_NAME_WORDS]:
        bare = word.strip("*_`\"'»«")
        core = bare.rstrip(".,;:)!?")
        if not core or core.startswith(("(", "[", "http")):
            break
        if core[0].isupper() or core[0].isdigit() or core.casefold() in _SUFFIXES or core in ("&", "og", "and"):
            words.append(core)
        else:
            break
        if core != bare:         # punctuation ends the name
            break
    while words and words[-1] in ("&", "og", "and"):
        words.pop()
    return " ".join(words) or None


def _by_phrases(text: str, phrases) -> list[str]:
    found = []
    folded = text.casefold()
    for phrase in phrases:
        start = 0
        needle = phrase.casefold() + " "
        while (at := folded.find(needle, start)) >= 0 and len(found) < 20:
            start = at + len(needle)
            if at > 0 and folded[at - 1].isalnum():
                continue
            name = _name_after(text[start:start + 200])
            if name:
                found.append(name)
    return found


def _publiccode_names(data) -> list[str]:
    maintenance = data.get("maintenance") if isinstance(data, dict) else None
    if not isinstance(maintenance, dict):
        return []
    names = []
    for key in ("contractors", "maintainers"):
        entries = maintenance.get(key)
        for entry in entries if isinstance(entries, list) else []:
            name = entry.get("name") if isinstance(entry, dict) else entry
            if isinstance(name, str) and name.strip():
                names.append(name.strip())
    return names


def named_suppliers(context: Context) -> list[tuple[str, str]]:
    """(name, where it was named), publiccode first, duplicates and non-suppliers (OS2, a kommune) dropped."""
    settings = context.config.spec(ID).settings
    evidence = context.evidence
    named: list[tuple[str, str]] = []
    publiccode = evidence.publiccode
    named += [(n, publiccode.path or "publiccode.yml") for n in _publiccode_names(publiccode.data)]
    keys = settings.get("statement_keys", settings.get("report_keys", ()))
    for text, source in ((context.report_text, context.report_path or "governancerapport"),
                         (evidence.readme_text, evidence.readme_path)):
        text = (text or "")[:_MAX_TEXT]
        for _, value in statements(text, keys):
            named += [(n, source) for n in split_names(value) if _name_after(n)]
    if evidence.readme_text:
        named += [(n, evidence.readme_path) for n in _by_phrases(evidence.readme_text[:_MAX_TEXT],
                                                                 settings.get("by_phrases", ()))]
    for path in settings.get("maintainers_files", ()):
        actual = next((p for p in evidence.paths if p.casefold() == path.casefold()), None)
        text = evidence.snapshot.files.get(actual) if actual else None
        if text:
            named += [(f"{m.group(1)} {m.group(2)}", actual) for m in _COMPANY.finditer(text[:_MAX_TEXT])]
    excluded = [x.casefold() for x in settings.get("not_suppliers", ())]
    seen: set[str] = set()
    unique = []
    for name, source in named:
        key = supplier_key(name)
        words = f" {key} "
        if not key or key in seen or any(f" {x} " in words or key == x for x in excluded):
            continue
        seen.add(key)
        unique.append((name, source))
    return unique


def signed_lookup(suppliers: tuple[Supplier, ...]) -> dict[str, str]:
    lookup = {}
    for supplier in suppliers:
        for name in (supplier.name, *supplier.aliases):
            lookup.setdefault(supplier_key(name), supplier.name)
    return lookup


def check(snapshot: Snapshot, context: Context) -> CheckResult:
    named = named_suppliers(context)
    names = [n for n, _ in named]
    shown = [f"{n} ({s})" for n, s in named]
    details = {"named": [{"name": n, "source": s} for n, s in named], "signed": [], "unsigned": []}
    if not context.config.suppliers:
        outcome = "not_configured" if named else "not_configured_unnamed"
        return context.result(ID, Status.NOT_CONFIGURED, outcome, details=details, named=shown)
    if not named:
        return context.result(ID, Status.FAIL, "none_named", details=details)
    lookup = signed_lookup(context.config.suppliers)
    signed = [lookup[supplier_key(n)] for n in names if supplier_key(n) in lookup]
    details["signed"] = signed
    details["unsigned"] = [n for n in names if supplier_key(n) not in lookup]
    if signed:
        return context.result(ID, Status.PASS, "pass", details=details, signed=signed, named=shown)
    return context.result(ID, Status.FAIL, "unsigned", details=details, named=shown)
