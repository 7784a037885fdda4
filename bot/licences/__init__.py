"""Offline licence detection: licence texts matched against SPDX's (askalono), SPDX lines, manifests."""

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
from bot.licences.match import Match, base_id, identify_all

__all__ = [
    "Finding",
    "LicenceData",
    "LicenceEvidence",
    "Match",
    "base_id",
    "detect_licence",
    "identify_all",
    "is_licence_file",
    "is_manifest",
    "is_osi_approved",
    "licence_ids",
    "load_licence_data",
    "match_text",
    "name_to_spdx",
    "normalise",
]
