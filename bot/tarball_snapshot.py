"""The files of a repository from its tar.gz archive (GitHub's tarball), read in memory, never unpacked.

An archive comes from the internet, so it is read as hostile data: names are normalised,
anything that would leave the repository's folder (absolute names, `..`) is skipped, a
symbolic link counts only when it points at a file inside the archive (its target's text is
used; the link is never followed outside), hard links, devices and other non-files are
skipped, and the download, the unpacked bytes, the number of entries and the bytes kept per
file are capped. Only the texts `bot.checks.wanted_files` asks for are kept, as for a folder.

GitHub's tarball puts every path under one folder ("owner-repo-sha/") and names the commit
in a pax global header ("comment"): both are read here.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
import zlib
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from bot.checks.files import wanted_files
from bot.local_snapshot import MAX_DEPTH, MAX_FILE_BYTES, MAX_PATHS, SKIP_DIRS

_INFLATE_STEP = 256 * 1024          # bytes gunzipped at a time: a "zip bomb" never lands in one piece


@dataclass(frozen=True)
class Limits:
    archive_bytes: int = 200 * 1024 * 1024      # the download (compressed)
    unpacked_bytes: int = 2 * 1024 * 1024 * 1024  # everything gunzipped, file bodies included
    entries: int = 4 * MAX_PATHS                # archive members of any kind
    paths: int = MAX_PATHS                      # files listed in the snapshot
    file_bytes: int = MAX_FILE_BYTES            # text kept per file (the rest is cut, as for a folder)
    kept_bytes: int = 64 * 1024 * 1024          # all kept texts together


class ArchiveError(ValueError):
    """The archive cannot be read within the limits. `reason` names a text in
    config/checks.yaml (texts.remote), `values` fill it."""

    def __init__(self, reason: str, **values: object):
        super().__init__(reason)
        self.reason = reason
        self.values = values


@dataclass
class Archive:
    paths: tuple[str, ...] = ()
    files: dict[str, str] = field(default_factory=dict)
    commit: str | None = None
    skipped: int = 0                # members refused as unsafe (escaping names, links out, devices)


class _Gunzip(io.RawIOBase):
    """A file object over an iterator of gzip bytes, inflating on demand and counting both sides."""

    def __init__(self, chunks: Iterable[bytes], limits: Limits):
        self._chunks: Iterator[bytes] = iter(chunks)
        self._limits = limits
        self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._out = b""
        self._pos = 0
        self._done = False
        self._ended = False                 # the input is used up
        self.downloaded = 0
        self.unpacked = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while self._pos >= len(self._out) and not self._done:
            self._fill()
        count = min(len(buffer), len(self._out) - self._pos)
        buffer[:count] = self._out[self._pos:self._pos + count]
        self._pos += count
        return count

    def _fill(self) -> None:
        if self._inflate.eof:               # the gzip member is complete; anything after it is ignored
            self._done = True
            return
        data = self._inflate.unconsumed_tail
        if not data and not self._ended:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._ended = True          # zlib may still hold output: drained below with no input
            else:
                data = chunk
                self.downloaded += len(chunk)
                if self.downloaded > self._limits.archive_bytes:
                    raise ArchiveError("too_big", limit=_megabytes(self._limits.archive_bytes))
        self._out = self._inflate.decompress(data, _INFLATE_STEP)
        self._pos = 0
        self.unpacked += len(self._out)
        if self.unpacked > self._limits.unpacked_bytes:
            raise ArchiveError("too_big", limit=_megabytes(self._limits.unpacked_bytes))
        if self._ended and not self._out and not self._inflate.unconsumed_tail:
            self._done = True
            if not self._inflate.eof:
                raise ArchiveError("broken")    # the download stopped inside the archive


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)


def _inside(name: str) -> tuple[str, str] | None:
    """(top folder, path under it) for a member name, None when the name is unsafe or odd."""
    if not name or "\0" in name or name.startswith("/") or "\\" in name:
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts) or len(parts) < 2:
        return None
    return parts[0], "/".join(parts[1:])


def _listed(path: str) -> bool:
    """The same folders a local snapshot skips, and no deeper than it walks."""
    folders = path.split("/")[:-1]
    return len(folders) < MAX_DEPTH and not any(f in SKIP_DIRS for f in folders)


def _text(data: bytes) -> str | None:
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")


def read_tarball(chunks: Iterable[bytes], limits: Limits = Limits()) -> Archive:
    """Read a tar.gz given as byte chunks (a download as it arrives). Raises ArchiveError."""
    source = _Gunzip(chunks, limits)
    archive = Archive()
    paths: list[str] = []
    kept: dict[str, str] = {}
    links: dict[str, str] = {}
    kept_bytes = entries = 0
    top: str | None = None
    try:
        with tarfile.open(fileobj=source, mode="r|") as tar:
            for member in tar:
                entries += 1
                if entries > limits.entries:
                    raise ArchiveError("too_many_files", limit=limits.entries)
                if member.isdir():
                    continue
                where = _inside(member.name)
                if where is None or (top is not None and where[0] != top):
                    archive.skipped += 1
                    continue
                top, path = where
                if not _listed(path):
                    continue
                if member.issym():
                    links[path] = member.linkname
                    continue
                if not member.isfile():          # hard links, devices, fifos
                    archive.skipped += 1
                    continue
                paths.append(path)
                if len(paths) > limits.paths:
                    raise ArchiveError("too_many_files", limit=limits.paths)
                if wanted_files([path]):
                    handle = tar.extractfile(member)
                    text = _text(handle.read(limits.file_bytes)) if handle else None
                    if text is not None:
                        kept_bytes += len(text)
                        if kept_bytes > limits.kept_bytes:
                            raise ArchiveError("too_big", limit=_megabytes(limits.kept_bytes))
                        kept[path] = text
            commit = tar.pax_headers.get("comment")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError("broken") from exc
    regular = set(paths)
    for path, target in links.items():
        resolved = _link_target(path, target)
        if resolved is None or resolved not in regular:
            archive.skipped += 1
            continue
        paths.append(path)
        if resolved in kept:
            kept[path] = kept[resolved]
    all_paths = tuple(sorted(set(paths)))
    archive.paths = all_paths
    archive.files = {p: kept[p] for p in wanted_files(all_paths) if p in kept}
    archive.commit = commit if isinstance(commit, str) and commit.strip() else None
    return archive


def _link_target(path: str, target: str) -> str | None:
    """The archive path a relative link points at, None when it leaves the archive."""
    if not target or target.startswith("/") or "\0" in target or "\\" in target:
        return None
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if resolved == ".." or resolved.startswith("../") or resolved in (".", ""):
        return None
    return resolved
