"""Offline licence detection: SPDX lines, manifests and licence-text fingerprints."""

from bot.licences.data import LicenceData, load_licence_data, normalise
from bot.licences.detect import (
    Finding,
    LicenceEvidence,
    detect_licence,
    is_licence_file,
    is_manifest,
    is_osi_approved,
    licence_ids,
    match_text,
    name_to_spdx,
)

__all__ = [
    "Finding",
    "LicenceData",
    "LicenceEvidence",
    "detect_licence",
    "is_licence_file",
    "is_manifest",
    "is_osi_approved",
    "licence_ids",
    "load_licence_data",
    "match_text",
    "name_to_spdx",
    "normalise",
]
