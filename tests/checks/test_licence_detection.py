"""Licence detection works offline from licence texts, SPDX lines and package manifests."""

from __future__ import annotations

import pytest

from bot.licences import detect_licence, is_osi_approved, load_licence_data, match_text, name_to_spdx

from .support import licence_text

TEXTS = ["MPL-2.0", "EUPL-1.2", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0",
         "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense"]


@pytest.mark.parametrize("spdx", TEXTS)
def test_each_common_licence_text_is_recognised_as_itself_only(spdx):
    assert match_text(licence_text(spdx)) == spdx


@pytest.mark.parametrize("spdx", TEXTS)
def test_recognition_survives_reflowed_and_recased_text(spdx):
    text = " ".join(licence_text(spdx).split()).upper()
    assert match_text(text) == spdx


def test_a_text_that_is_no_licence_matches_nothing():
    assert match_text("Alle rettigheder forbeholdes. Kontakt kommunen for brug.") is None


def test_a_dual_licence_file_reports_both_licences():
    assert match_text(licence_text("MIT") + "\n\n" + licence_text("Apache-2.0")) == "Apache-2.0 OR MIT"


def test_spdx_line_in_a_licence_file_names_the_licence():
    evidence = detect_licence(["LICENSE"], {"LICENSE": "SPDX-License-Identifier: EUPL-1.2\n\nSe den fulde tekst."})
    assert evidence.primary.spdx == "EUPL-1.2" and evidence.primary.how == "spdx_line"


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("pyproject.toml", '[project]\nname = "x"\nlicense = "MPL-2.0"\n', "MPL-2.0"),
        ("pyproject.toml", '[project]\nname = "x"\nlicense = {text = "EUPL-1.2"}\n', "EUPL-1.2"),
        ("pyproject.toml", '[project]\nclassifiers = ["License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"]\n', "MPL-2.0"),
        ("pyproject.toml", '[tool.poetry]\nlicense = "GPL-3.0-or-later"\n', "GPL-3.0-or-later"),
        ("package.json", '{"name": "x", "license": "MIT"}', "MIT"),
        ("package.json", '{"name": "x", "license": "(MIT OR Apache-2.0)"}', "MIT OR Apache-2.0"),
        ("composer.json", '{"license": ["MPL-2.0", "GPL-3.0-only"]}', "MPL-2.0 OR GPL-3.0-only"),
        ("Web.csproj", "<Project><PropertyGroup><PackageLicenseExpression>MPL-2.0</PackageLicenseExpression></PropertyGroup></Project>", "MPL-2.0"),
        ("pom.xml", "<project><licenses><license><name>Mozilla Public License, Version 2.0</name></license></licenses></project>", "MPL-2.0"),
        ("pom.xml", "<project><licenses><license><name>The Apache Software License, Version 2.0</name></license></licenses></project>", "Apache-2.0"),
        ("Cargo.toml", '[package]\nname = "x"\nlicense = "MIT OR Apache-2.0"\n', "MIT OR Apache-2.0"),
        ("setup.cfg", "[metadata]\nname = x\nlicense = MPL-2.0\n", "MPL-2.0"),
        ("setup.py", "setup(name='x', license='EUPL-1.2')\n", "EUPL-1.2"),
    ],
)
def test_package_manifests_state_the_licence(path, text, expected):
    evidence = detect_licence([path], {path: text})
    assert [f.spdx for f in evidence.findings] == [expected]
    assert evidence.primary.how == "manifest" and not evidence.from_file


def test_a_broken_manifest_is_skipped_not_fatal():
    assert detect_licence(["package.json"], {"package.json": "{not json"}).findings == ()


def test_licence_file_wins_over_a_manifest_and_the_conflict_is_kept():
    files = {"LICENSE": licence_text("MPL-2.0"), "package.json": '{"license": "MIT"}'}
    evidence = detect_licence(files, files)
    assert evidence.primary.spdx == "MPL-2.0" and evidence.primary.path == "LICENSE"
    assert evidence.conflicts() == ("MIT",)


def test_githubs_detection_counts_when_the_file_text_is_not_held():
    evidence = detect_licence(["LICENSE.md"], {}, github_spdx="MPL-2.0")
    assert evidence.primary.how == "github" and evidence.from_file


def test_github_noassertion_is_no_finding():
    assert detect_licence([], {}, github_spdx="NOASSERTION").findings == ()


@pytest.mark.parametrize(
    ("expression", "approved"),
    [("MPL-2.0", True), ("mpl-2.0", True), ("GPL-3.0+", True), ("EUPL-1.2", True), ("MIT OR Apache-2.0", True),
     ("CC0-1.0", False), ("CC-BY-SA-4.0", False), ("LicenseRef-Proprietary", False), ("BUSL-1.1", False)],
)
def test_osi_approval_comes_from_the_data_file(expression, approved):
    assert is_osi_approved(expression) is approved


def test_names_map_to_spdx_ids():
    assert name_to_spdx("Mozilla Public License 2.0") == "MPL-2.0"
    assert name_to_spdx("mit") == "MIT"
    assert name_to_spdx("Se LICENSE-filen for detaljer") is None


def test_every_fingerprinted_licence_but_cc0_is_osi_approved():
    data = load_licence_data()
    assert {fp.spdx for fp in data.fingerprints if fp.spdx.casefold() not in data.osi_approved} == {"CC0-1.0"}
