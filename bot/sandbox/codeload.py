"""GitHub's archive host (codeload.github.com) in the stand-in: where a tarball link leads.

`GET /repos/{owner}/{repo}/tarball/{ref}` answers 302 with a link here; a private
repository's link carries a token that expires after five minutes, a public one needs
nothing. The archive is what GitHub serves: a gzip'd tar with a pax global header naming
the commit ("comment") and every file under one folder "owner-repo-<7 hex>/". An empty
repository's link leads to a 404. Downloads here are no API requests (no rate limit).
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from bot.sandbox.render import tree_sha
from bot.sandbox.state import GitHubState, LoggedRequest, Repository

PREFIX = "/_codeload"
_PATH = re.compile(rf"^{PREFIX}/([^/]+)/([^/]+)/legacy\.tar\.gz/(.+)$")


def link(api: str, repo: Repository, token: str | None) -> str:
    """The Location of a tarball redirect."""
    url = f"{api}{PREFIX}/{repo.full_name}/legacy.tar.gz/refs/heads/{quote(repo.default_branch, safe='/')}"
    return f"{url}?token={token}" if token else url


def commit_of(repo: Repository) -> str:
    """The stand-in's commit id for the repository's current files."""
    return tree_sha(repo, "")


def tarball(repo: Repository) -> bytes:
    """The repository's files as GitHub's legacy tar.gz."""
    sha = commit_of(repo)
    top = f"{repo.owner}-{repo.name}-{sha[:7]}"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": sha}) as tar:
        folders: set[str] = set()
        for path in sorted(repo.files):
            parts = path.split("/")
            for depth in range(len(parts)):
                folder = "/".join([top, *parts[:depth]])
                if folder not in folders:
                    folders.add(folder)
                    info = tarfile.TarInfo(folder + "/")
                    info.type, info.mode = tarfile.DIRTYPE, 0o775
                    tar.addfile(info)
            content = repo.files[path]
            info = tarfile.TarInfo(f"{top}/{path}")
            info.size, info.mode = len(content), 0o664
            tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


def serve(state: GitHubState, request: Request) -> Response:
    """A download: the archive, or codeload's plain 404."""
    path = request.url.path
    match = _PATH.match(path)
    with state.lock:
        repo = state.find_repo(match.group(1), match.group(2)) if match else None
        allowed = repo is not None and (
            not repo.private or state.archive_token_valid(request.query_params.get("token", ""), repo))
        status = 200 if allowed and repo.files else 404
        body = tarball(repo) if status == 200 else b"404: Not Found"
        state.record(LoggedRequest(method=request.method, path=path, status=status, kind="codeload", write=False,
                                   auth="none"))
    if status != 200:
        return Response(body, status_code=404, media_type="text/plain; charset=utf-8")
    name = f"{repo.owner}-{repo.name}-{commit_of(repo)[:7]}.tar.gz"
    return Response(body, media_type="application/x-gzip",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
