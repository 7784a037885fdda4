"""The licence reference data (licences.yaml), loaded once and validated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA_PATH = Path(__file__).with_name("licences.yaml")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Case folded, every run of non-letters/digits one space: wording survives reflowing."""
    return _NON_WORD.sub(" ", text.casefold()).strip()


@dataclass(frozen=True)
class Fingerprint:
    spdx: str
    all: tuple[str, ...]
    unless: tuple[str, ...] = ()

    def matches(self, normalised_text: str) -> bool:
        return all(p in normalised_text for p in self.all) and not any(
            p in normalised_text for p in self.unless
        )


@dataclass(frozen=True)
class LicenceData:
    osi_approved: frozenset[str]        # casefolded SPDX ids
    canonical: dict[str, str]           # casefolded id -> id as SPDX spells it
    fingerprints: tuple[Fingerprint, ...]
    names: dict[str, str]               # normalised name -> SPDX id


@lru_cache(maxsize=4)
def load_licence_data(path: str | None = None) -> LicenceData:
    raw = yaml.safe_load(Path(path or DATA_PATH).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path or DATA_PATH}: not a mapping")
    osi = [str(x) for x in raw.get("osi_approved") or []]
    prints = []
    for spdx, spec in (raw.get("fingerprints") or {}).items():
        if not isinstance(spec, dict) or not spec.get("all"):
            raise ValueError(f"licences.yaml: fingerprints.{spdx} needs a non-empty 'all' list")
        prints.append(
            Fingerprint(
                spdx=str(spdx),
                all=tuple(normalise(p) for p in spec["all"]),
                unless=tuple(normalise(p) for p in spec.get("unless") or ()),
            )
        )
    names = {normalise(str(k)): str(v) for k, v in (raw.get("names") or {}).items()}
    canonical = {x.casefold(): x for x in osi}
    return LicenceData(
        osi_approved=frozenset(canonical),
        canonical=canonical,
        fingerprints=tuple(prints),
        names=names,
    )
