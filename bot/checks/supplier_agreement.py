"""P-3.1: the product's supplier has signed OS2's supplier partner agreement.

Suppliers named for the product: publiccode.yml maintenance.contractors, and
'Leverandør: Navn' lines in the governance report (settings.report_keys).
They are matched against config/suppliers.yaml; an empty list is "not
configured", never a pass.
"""

from __future__ import annotations

import re

from bot.checks.config import Supplier
from bot.checks.context import Context
from bot.checks.model import CheckResult, Status
from bot.checks.statements import split_names, statements
from bot.snapshot import Snapshot

ID = "supplier_agreement"
OUTCOMES = ("pass", "unsigned", "none_named", "not_configured")
_SUFFIX = re.compile(r"\b(?:aps|a s|as|ivs|k s|p s|i s|gmbh|ltd|inc|ab|oy)\s*$")
_NON_WORD = re.compile(r"[\W_]+")


def supplier_key(name: str) -> str:
    """'Magenta ApS' and 'magenta' compare equal; 'Netcompany A/S' and 'Netcompany' too."""
    key = _NON_WORD.sub(" ", name.casefold()).strip()
    while True:
        shorter = _SUFFIX.sub("", key).strip()
        if shorter == key or not shorter:
            return key
        key = shorter


def named_suppliers(context: Context) -> list[tuple[str, str]]:
    """(name, where it was named), publiccode first, duplicates dropped."""
    named: list[tuple[str, str]] = []
    data = context.evidence.publiccode.data
    maintenance = data.get("maintenance") if isinstance(data, dict) else None
    contractors = maintenance.get("contractors") if isinstance(maintenance, dict) else None
    for contractor in contractors if isinstance(contractors, list) else []:
        if isinstance(contractor, dict) and isinstance(contractor.get("name"), str) and contractor["name"].strip():
            named.append((contractor["name"].strip(), context.evidence.publiccode.path or "publiccode.yml"))
    keys = context.config.spec(ID).settings.get("report_keys", ())
    for _, value in statements(context.report_text, keys):
        for name in split_names(value):
            named.append((name, context.report_path or "governancerapport"))
    seen: set[str] = set()
    unique = []
    for name, source in named:
        key = supplier_key(name)
        if key and key not in seen:
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
    details = {"named": [{"name": n, "source": s} for n, s in named], "signed": [], "unsigned": []}
    if not context.config.suppliers:
        return context.result(ID, Status.NOT_CONFIGURED, "not_configured", details=details, named=names or "ingen")
    if not named:
        return context.result(ID, Status.FAIL, "none_named", details=details)
    lookup = signed_lookup(context.config.suppliers)
    signed = [lookup[supplier_key(n)] for n in names if supplier_key(n) in lookup]
    details["signed"] = signed
    details["unsigned"] = [n for n in names if supplier_key(n) not in lookup]
    if signed:
        return context.result(ID, Status.PASS, "pass", details=details, signed=signed)
    return context.result(ID, Status.FAIL, "unsigned", details=details, named=names)
