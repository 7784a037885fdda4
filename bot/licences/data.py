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
class LicenceData:
    osi_approved: frozenset[str]        # casefolded SPDX ids
    canonical: dict[str, str]           # casefolded id -> id as SPDX spells it
    names: dict[str, str]               # normalised name -> SPDX id
    match_threshold: float              # least askalono score that names a licence text


@lru_cache(maxsize=4)
def load_licence_data(path: str | None = None) -> LicenceData:
    raw = yaml.safe_load(Path(path or DATA_PATH).read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path or DATA_PATH}: not a mapping")
    osi = [str(x) for x in raw.get("osi_approved") or []]
    threshold = raw.get("match_threshold")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ValueError(f"{path or DATA_PATH}: match_threshold must be a number in (0, 1]")
    names = {normalise(str(k)): str(v) for k, v in (raw.get("names") or {}).items()}
    canonical = {x.casefold(): x for x in osi}
    return LicenceData(
        osi_approved=frozenset(canonical),
        canonical=canonical,
        names=names,
        match_threshold=float(threshold),
    )
