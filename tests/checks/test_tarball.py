"""A repository's tarball is data from the internet: read in memory, never trusted.

Each test builds the archive an attacker (or a broken download) would send and checks that
nothing outside the repository is named or read and that the caps hold.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import tarfile

import pytest

from bot.local_snapshot import snapshot_from_folder
from bot.tarball_snapshot import ArchiveError, Limits, read_tarball

from .support import product_files, write_product

TOP = "OS2offdig-os2eksempel-abc1234"
SHA = "abc1234" + "0" * 33


def tarball(members: list[tarfile.TarInfo | tuple[str, bytes]], *, comment: str | None = SHA) -> bytes:
    raw = io.BytesIO()
    headers = {"comment": comment} if comment else {}
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, pax_headers=headers) as tar:
        for member in members:
            if isinstance(member, tarfile.TarInfo):
                tar.addfile(member)
            else:
                name, content = member
                info = tarfile.TarInfo(name)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue())


def link(name: str, target: str, kind: bytes = tarfile.SYMTYPE) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info


def chunks(data: bytes, size: int = 7000):
    for start in range(0, len(data), size):
        yield data[start:start + size]


def product(files: dict[str, str]) -> list[tuple[str, bytes]]:
    return [(f"{TOP}/{path}", text.encode()) for path, text in files.items()]


def test_githubs_tarball_gives_the_files_under_its_top_folder_and_the_commit():
    archive = read_tarball(chunks(tarball(product(product_files(2)))))
    assert archive.commit == SHA
    assert "README.md" in archive.paths and "src/app.py" in archive.paths
    assert archive.files["README.md"].startswith("# OS2eksempel")
    assert "src/app.py" not in archive.files          # only the texts the checks read
    assert not any(p.startswith(TOP) for p in archive.paths)


@pytest.mark.parametrize("name", [
    "../../etc/passwd", "/etc/passwd", f"{TOP}/../../README.md", f"{TOP}/docs/../../../README.md",
    f"{TOP}\\..\\..\\README.md", "README.md",
])
def test_names_that_leave_the_repository_are_skipped(name):
    archive = read_tarball(chunks(tarball([(f"{TOP}/LICENSE", b"MIT"), (name, b"# stolen")])))
    assert archive.paths == ("LICENSE",)
    assert "# stolen" not in archive.files.values()
    assert archive.skipped == 1


def test_a_member_under_another_top_folder_is_skipped():
    archive = read_tarball(chunks(tarball([(f"{TOP}/LICENSE", b"MIT"), ("other-top/README.md", b"# x")])))
    assert archive.paths == ("LICENSE",)


def test_a_symlink_out_of_the_repository_is_never_followed():
    members = [link(f"{TOP}/README.md", "/etc/passwd"), link(f"{TOP}/LICENSE", "../../../etc/shadow"),
               (f"{TOP}/docs/index.md", b"# Dokumentation")]
    archive = read_tarball(chunks(tarball(members)))
    assert archive.paths == ("docs/index.md",)
    assert set(archive.files) == {"docs/index.md"}
    assert archive.skipped == 2


def test_a_symlink_to_a_file_inside_the_archive_reads_that_file():
    members = [(f"{TOP}/docs/README.md", b"# OS2eksempel\n\nFormularer til kommuner."),
               link(f"{TOP}/README.md", "docs/README.md")]
    archive = read_tarball(chunks(tarball(members)))
    assert archive.files["README.md"] == "# OS2eksempel\n\nFormularer til kommuner."


def test_hard_links_devices_and_fifos_are_skipped():
    device = tarfile.TarInfo(f"{TOP}/README.md")
    device.type = tarfile.CHRTYPE
    fifo = tarfile.TarInfo(f"{TOP}/LICENSE")
    fifo.type = tarfile.FIFOTYPE
    members = [(f"{TOP}/a.txt", b"x"), link(f"{TOP}/README.txt", f"{TOP}/a.txt", tarfile.LNKTYPE), device, fifo]
    archive = read_tarball(chunks(tarball(members)))
    assert archive.paths == ("a.txt",) and archive.skipped == 3


def test_a_huge_file_is_read_only_up_to_the_cap():
    archive = read_tarball(chunks(tarball([(f"{TOP}/README.md", b"x" * 3_000_000)])), Limits(file_bytes=1000))
    assert len(archive.files["README.md"]) == 1000


def test_a_gzip_bomb_stops_at_the_unpacked_cap():
    bomb = tarball([(f"{TOP}/big.bin", b"\0" * 30_000_000)])
    assert len(bomb) < 100_000
    with pytest.raises(ArchiveError) as caught:
        read_tarball(chunks(bomb), Limits(unpacked_bytes=5_000_000))
    assert caught.value.reason == "too_big"


def test_the_download_stops_at_the_archive_cap():
    data = tarball(product(product_files(2)))
    with pytest.raises(ArchiveError) as caught:
        read_tarball(chunks(data, 500), Limits(archive_bytes=len(data) // 2))
    assert caught.value.reason == "too_big"


def test_too_many_files_is_refused_not_cut():
    members = [(f"{TOP}/src/f{i}.txt", b"") for i in range(150)]
    with pytest.raises(ArchiveError) as caught:
        read_tarball(chunks(tarball(members)), Limits(paths=100))
    assert caught.value.reason == "too_many_files" and caught.value.values["limit"] == 100


def test_too_many_entries_of_any_kind_is_refused():
    members = [link(f"{TOP}/l{i}", "nowhere") for i in range(150)]
    with pytest.raises(ArchiveError) as caught:
        read_tarball(chunks(tarball(members)), Limits(entries=100))
    assert caught.value.reason == "too_many_files"


@pytest.mark.parametrize("data", [b"not a tarball at all", b"", gzip.compress(b"\x01" * 2000)])
def test_what_is_not_a_tarball_is_refused(data):
    with pytest.raises(ArchiveError) as caught:
        read_tarball(chunks(data))
    assert caught.value.reason == "broken"


def test_a_download_cut_short_is_refused():
    data = tarball(product(product_files(2)))
    with pytest.raises(ArchiveError) as caught:
        read_tarball(chunks(data[: len(data) // 2]))
    assert caught.value.reason == "broken"


def test_dependency_folders_are_skipped_as_in_a_local_folder():
    archive = read_tarball(chunks(tarball([(f"{TOP}/node_modules/pkg/LICENSE", b"MIT"),
                                           (f"{TOP}/LICENSE", b"MIT")])))
    assert archive.paths == ("LICENSE",)


@pytest.mark.skipif(shutil.which("git") is None, reason="git makes the archive")
def test_git_archive_the_way_github_makes_tarballs_reads_as_the_folder_does(tmp_path):
    """GitHub's tarball is `git archive` with a prefix: it must give the snapshot a clone gives."""
    folder = write_product(tmp_path / "os2eksempel", product_files(2))
    os.symlink("README.md", folder / "LAESMIG.md")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(folder)]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "eksempel"]):
        subprocess.run(git + args, check=True, capture_output=True)
    sha = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    data = subprocess.run(git + ["archive", "--format=tar.gz", f"--prefix=OS2offdig-os2eksempel-{sha[:7]}/", "HEAD"],
                          check=True, capture_output=True).stdout
    archive = read_tarball(chunks(data, 4096))
    clone = snapshot_from_folder(folder)
    assert archive.commit == sha
    assert archive.paths == tuple(p for p in clone.paths if not p.startswith(".git/"))
    assert archive.files == clone.files and archive.files["LAESMIG.md"] == archive.files["README.md"]
