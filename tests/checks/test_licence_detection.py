"""Licence detection works offline: a licence file's whole text is matched against SPDX's
licence texts (askalono), and SPDX lines and package manifests are read."""

from __future__ import annotations

import random
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.checks import Status, run_checks
from bot.licences import (
    base_id,
    detect_licence,
    identify_all,
    is_osi_approved,
    load_licence_data,
    match_text,
    name_to_spdx,
)

from .support import FIXTURES, config_with_suppliers, licence_text, product_files, snapshot

# The licences OS2's products use, plus two short permissive ones; texts are SPDX's.
TEXTS = ["MPL-2.0", "EUPL-1.2", "GPL-2.0", "GPL-3.0", "LGPL-2.1", "LGPL-3.0", "AGPL-3.0",
         "Apache-2.0", "MIT", "BSD-2-Clause", "BSD-3-Clause", "ISC", "Unlicense"]
OS2 = FIXTURES / "licences" / "os2"
THRESHOLD = load_licence_data().match_threshold


def os2_file(name: str) -> str:
    return (OS2 / name).read_text(encoding="utf-8")


def reflow(text: str, width: int) -> str:
    """The same words, every paragraph wrapped again at `width` columns."""
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    return "\n\n".join(textwrap.fill(p, width) for p in paragraphs)


# -- whole licence texts -------------------------------------------------------------------

@pytest.mark.parametrize("spdx", TEXTS)
def test_each_spdx_text_is_recognised_as_itself_only(spdx):
    assert match_text(licence_text(spdx)) == spdx


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("OS2rollekatalog-LICENSE", "MPL-2.0"),
        ("OS2compliance-LICENSE", "MPL-2.0"),
        ("os2mo-LICENSES-MPL-2.0.txt", "MPL-2.0"),
        ("os2borgerpc-admin-site-LICENSE", "GPL-3.0"),
        ("os2forms_forloeb-LICENSE", "GPL-2.0"),
        ("os2dagsorden-LICENSE.txt", "GPL-2.0"),
        ("kontrolgruppen-LICENSE", "MIT"),
        ("serviceplatformen-LICENSE.md", "MIT"),
    ],
)
def test_real_os2_licence_files_are_recognised(name, expected):
    assert match_text(os2_file(name)) == expected


def test_a_verbatim_gpl3_is_gpl3_although_it_ends_by_naming_the_lgpl():
    text = os2_file("os2borgerpc-admin-site-LICENSE")
    assert "GNU Lesser General Public License" in " ".join(text.split())  # what fooled the fingerprints
    assert match_text(text) == "GPL-3.0"
    evidence = detect_licence(["LICENSE"], {"LICENSE": text})
    assert evidence.primary.spdx == "GPL-3.0" and evidence.primary.score >= THRESHOLD


@pytest.mark.parametrize("spdx", TEXTS)
def test_a_copyright_line_and_a_project_preamble_do_not_hide_the_licence(spdx):
    header = ("OS2eksempel\n\nCopyright (C) 2024 Eksempel Kommune og Leverandør ApS\n\n"
              "Dette projekt er udgivet under nedenstående licens.\n\n")
    assert match_text(header + licence_text(spdx)) == spdx


@pytest.mark.parametrize("spdx", TEXTS)
def test_recognition_survives_reflowed_and_recased_text(spdx):
    text = licence_text(spdx)
    assert match_text(reflow(text, 50).upper()) == spdx
    assert match_text(reflow(text, 400)) == spdx  # one line per paragraph, as LICENSE.md files often are


def test_a_licence_written_on_a_single_line_is_recognised():
    # askalono drops a text's first line as its title; a one-line file would lose everything
    assert match_text(" ".join(licence_text("MPL-2.0").split())) == "MPL-2.0"


def test_a_short_licence_after_a_long_preamble_is_found():
    preamble = " ".join(["OS2kontrol er udviklet af Aarhus Kommune sammen med andre kommuner,"
                         " og koden må bruges af alle offentlige myndigheder."] * 5)
    text = preamble + "\n\n" + os2_file("kontrolgruppen-LICENSE")
    assert len(preamble.split()) > 60 and match_text(text) == "MIT"


# -- notices, headers and SPDX lines --------------------------------------------------------

def test_the_mpl_notice_alone_names_mpl():
    notice = ("This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0. "
              "If a copy of the MPL was not distributed with this file, You can obtain one at "
              "https://mozilla.org/MPL/2.0/.")
    assert match_text(notice) == "MPL-2.0"


def test_a_gnu_or_later_notice_names_the_licence_and_version_only():
    # askalono calls every GNU text "-only"; the text cannot say, so the bot says GPL-3.0
    notice = ("This program is free software: you can redistribute it and/or modify it under the terms "
              "of the GNU General Public License as published by the Free Software Foundation, either "
              "version 3 of the License, or (at your option) any later version.\n\n"
              "This program is distributed in the hope that it will be useful, but WITHOUT ANY WARRANTY; "
              "without even the implied warranty of MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. "
              "See the GNU General Public License for more details.\n\n"
              "You should have received a copy of the GNU General Public License along with this program. "
              "If not, see <https://www.gnu.org/licenses/>.\n")
    assert match_text(notice) == "GPL-3.0"


@pytest.mark.parametrize(("name", "expected"), [("GPL-3.0-only", "GPL-3.0"), ("GPL-3.0-or-later", "GPL-3.0"),
                                                ("LGPL-2.1+", "LGPL-2.1"), ("MPL-2.0", "MPL-2.0"),
                                                ("BSD-3-Clause", "BSD-3-Clause")])
def test_base_id_drops_only_and_or_later(name, expected):
    assert base_id(name) == expected


def test_a_text_match_and_an_or_later_manifest_do_not_conflict():
    files = {"LICENSE": licence_text("GPL-3.0"), "package.json": '{"license": "GPL-3.0-or-later"}'}
    evidence = detect_licence(files, files)
    assert evidence.primary.spdx == "GPL-3.0" and evidence.conflicts() == ()


def test_spdx_line_in_a_licence_file_names_the_licence():
    evidence = detect_licence(["LICENSE"], {"LICENSE": "SPDX-License-Identifier: EUPL-1.2\n\nSe den fulde tekst."})
    assert evidence.primary.spdx == "EUPL-1.2" and evidence.primary.how == "spdx_line"


def test_an_spdx_line_above_prose_that_is_no_licence_still_counts():
    prose = " ".join(["Denne løsning er udviklet for kommunerne og vedligeholdes af leverandøren."] * 6)
    evidence = detect_licence(["LICENSE"], {"LICENSE": f"SPDX-License-Identifier: MPL-2.0\n\n{prose}\n"})
    assert evidence.primary.spdx == "MPL-2.0" and evidence.primary.how == "spdx_line"


def test_the_licence_text_wins_over_an_spdx_line_that_disagrees():
    text = "SPDX-License-Identifier: MIT\n\n" + licence_text("EUPL-1.2")
    evidence = detect_licence(["LICENSE"], {"LICENSE": text})
    assert evidence.primary.spdx == "EUPL-1.2" and evidence.primary.how == "text"


# -- several licences, and no licence --------------------------------------------------------

def test_a_dual_licence_file_reports_both_licences():
    assert match_text(licence_text("MIT") + "\n\n" + licence_text("Apache-2.0")) == "Apache-2.0 OR MIT"


def test_a_dual_licence_file_with_a_rule_between_reports_both():
    text = "Vælg selv:\n\n" + licence_text("MPL-2.0") + "\n\n---\n\n" + licence_text("EUPL-1.2")
    assert match_text(text) == "EUPL-1.2 OR MPL-2.0"


@pytest.mark.parametrize(
    "text",
    ["Alle rettigheder forbeholdes Eksempel Kommune. Kontakt kommunen for brug.",
     "", "\x00" * 2000, "🙂" * 5000, "MIT License\n\n" * 3000, "\udcff\ud800 bytes read with surrogateescape"],
    ids=["prose", "empty", "nul-bytes", "emoji", "only-titles", "lone-surrogates"],
)
def test_a_text_that_is_no_licence_matches_nothing(text):
    assert match_text(text) is None


def test_half_a_licence_text_is_below_the_threshold_and_unrecognised():
    text = licence_text("MPL-2.0")[: len(licence_text("MPL-2.0")) // 2]
    assert identify_all(text, THRESHOLD) == ()
    evidence = detect_licence(["LICENSE"], {"LICENSE": text})
    assert evidence.primary is None and evidence.unrecognised_files == ("LICENSE",)


def test_the_threshold_is_data_and_is_checked(tmp_path):
    data = Path(__file__).resolve().parents[2] / "bot" / "licences" / "licences.yaml"
    for bad in ("1.5", "0", "ja", "true"):
        path = tmp_path / f"bad-{bad}.yaml"
        path.write_text(data.read_text(encoding="utf-8").replace("match_threshold: 0.9", f"match_threshold: {bad}"))
        with pytest.raises(ValueError, match="match_threshold"):
            load_licence_data(str(path))


def lgpl3_part_alone() -> str:
    """The LGPL-3.0's own terms, as the FSF ships them in COPYING.LESSER: SPDX's
    LGPL-3.0 text up to where the GPL-3.0 it builds on begins."""
    text = licence_text("LGPL-3.0")
    return text[: text.index("GNU GENERAL PUBLIC LICENSE")]


def test_lgpl3_shipped_as_copying_and_copying_lesser_is_lgpl3():
    files = {"COPYING": licence_text("GPL-3.0"), "COPYING.LESSER": lgpl3_part_alone()}
    evidence = detect_licence(files, files)
    assert [(f.spdx, f.path) for f in evidence.findings] == [("LGPL-3.0", "COPYING.LESSER")]
    assert evidence.unrecognised_files == () and evidence.conflicts() == ()


def test_the_lgpl3_part_without_the_gpl_beside_it_is_unrecognised():
    evidence = detect_licence(["COPYING.LESSER"], {"COPYING.LESSER": lgpl3_part_alone()})
    assert evidence.primary is None and evidence.unrecognised_files == ("COPYING.LESSER",)


def test_an_unrecognised_file_beside_a_licence_is_not_taken_for_part_of_it():
    files = {"LICENSE": licence_text("GPL-3.0"), "LICENSE.dansk": "Alle rettigheder forbeholdes Eksempel Kommune."}
    evidence = detect_licence(files, files)
    assert [f.spdx for f in evidence.findings] == ["GPL-3.0"] and evidence.unrecognised_files == ("LICENSE.dansk",)


# -- property: one verbatim SPDX text names exactly one licence, the right one ----------------

HOLDERS = st.sampled_from(["Aarhus Kommune", "Magenta ApS", "OS2 - Offentligt digitaliseringsfællesskab",
                           "Københavns Kommune", "ITK Development", "Netcompany A/S"])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spdx=st.sampled_from(TEXTS), width=st.one_of(st.none(), st.integers(40, 400)),
       holder=st.one_of(st.none(), HOLDERS), year=st.integers(1990, 2030), seed=st.integers(0, 2**16))
def test_a_verbatim_spdx_text_names_exactly_one_licence_and_the_right_one(spdx, width, holder, year, seed):
    text = licence_text(spdx)
    if width is not None:
        text = reflow(text, width)
    rng = random.Random(seed)
    text = "\n".join(line + " " * rng.randint(0, 3) for line in text.splitlines())  # trailing blanks
    if holder is not None:
        text = f"Copyright (c) {year} {holder}\n\n{text}"
    found = identify_all(text, THRESHOLD)
    assert [m.spdx for m in found] == [spdx]


# -- what the licence check (F2) says ----------------------------------------------------------

def licence_check(licence: str, **files: str):
    product = product_files(2, LICENSE=licence, **files)
    return run_checks(snapshot(product), level=2, config=config_with_suppliers("Eksempel Leverandør ApS"))["licence"]


def test_os2borgerpcs_gpl3_warns_as_gpl3_not_as_two_licences():
    r = licence_check(os2_file("os2borgerpc-admin-site-LICENSE"))
    assert r.status is Status.WARN and r.details["licence"] == "GPL-3.0"
    assert r.message == ("Licensen er GPL-3.0, som er OSI-godkendt, men OS2's standard er MPL 2.0 "
                         "(fundet i LICENSE).")
    assert r.details["findings"][0]["score"] >= THRESHOLD


def test_a_real_os2_mpl_file_passes():
    r = licence_check(os2_file("OS2rollekatalog-LICENSE"))
    assert r.status is Status.PASS and r.details["licence"] == "MPL-2.0"


def test_a_licence_file_below_the_threshold_fails_as_unrecognised_in_danish():
    r = licence_check(licence_text("MPL-2.0")[:6000])
    assert r.status is Status.FAIL and r.details["outcome"] == "unknown"
    assert r.message == "Licensfilen LICENSE kunne ikke genkendes som en kendt licens."


# -- manifests, GitHub's detection, OSI approval ----------------------------------------------

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


@pytest.mark.parametrize("spdx", TEXTS)
def test_every_licence_os2_products_use_is_osi_approved_as_the_matcher_names_it(spdx):
    assert is_osi_approved(match_text(licence_text(spdx)))


def test_names_map_to_spdx_ids():
    assert name_to_spdx("Mozilla Public License 2.0") == "MPL-2.0"
    assert name_to_spdx("mit") == "MIT"
    assert name_to_spdx("Se LICENSE-filen for detaljer") is None
