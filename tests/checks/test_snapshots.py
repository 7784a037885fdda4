"""A local folder and GitHub's one-query answer give the checks the same snapshot."""

from __future__ import annotations

import os

import pytest
from graphql import build_schema, parse, validate

from bot.checks import run_checks
from bot.github_snapshot import SNAPSHOT_QUERY, RemoteUnavailable, fetch_snapshot, snapshot_from_graphql
from bot.local_snapshot import MAX_FILE_BYTES, SnapshotError, snapshot_from_folder

from .support import FIXTURES, config_with_suppliers, product_files, write_product


@pytest.fixture(scope="module")
def github_schema():
    text = (FIXTURES / "checks" / "github-schema.graphql").read_text(encoding="utf-8")
    schema = build_schema(text, assume_valid_sdl=True)
    # GitHub's published schema breaks two of graphql-core's strict schema rules
    # (duplicate fields, deprecated interface fields); queries are still validated.
    schema._validation_errors = []
    return schema


def test_the_snapshot_query_is_valid_against_githubs_schema(github_schema):
    assert validate(github_schema, parse(SNAPSHOT_QUERY)) == []


def test_the_schema_check_would_catch_a_wrong_field(github_schema):
    broken = SNAPSHOT_QUERY.replace("hasIssuesEnabled", "hasIssues")
    assert validate(github_schema, parse(broken))


def test_the_snapshot_query_is_one_request_for_everything():
    assert SNAPSHOT_QUERY.count("repository(") == 1
    for field in ("licenseInfo", "hasIssuesEnabled", "isArchived", "defaultBranchRef", '"HEAD:"', '"HEAD:docs"'):
        assert field in SNAPSHOT_QUERY


def _blob(path: str, text: str | None, binary: bool = False) -> dict:
    return {"name": path.rsplit("/", 1)[-1], "path": path, "type": "blob",
            "object": {"byteSize": len(text or ""), "isBinary": binary, "isTruncated": False, "text": text}}


def graphql_response(files: dict[str, str], **repo) -> dict:
    root, subtrees, docs = [], {}, []
    for path, text in files.items():
        parts = path.split("/")
        if len(parts) == 1:
            root.append(_blob(path, text))
        else:
            subtrees.setdefault(parts[0], []).append({"name": parts[-1], "path": path, "type": "blob"})
            if parts[0] == "docs" and len(parts) == 2:
                docs.append(_blob(path, text))
    for folder, entries in subtrees.items():
        root.append({"name": folder, "path": folder, "type": "tree", "object": {"entries": entries}})
    root.append(_blob("logo.png", None, binary=True))
    return {"data": {"repository": {
        "name": "os2eksempel", "owner": {"login": "OS2offdig"}, "description": "Eksempel",
        "url": "https://github.com/OS2offdig/os2eksempel", "isArchived": False, "hasIssuesEnabled": True,
        "defaultBranchRef": {"name": "main"}, "licenseInfo": {"spdxId": "MPL-2.0"},
        "root": {"entries": root}, "docs": {"entries": docs} if docs else None, "doc": None, **repo,
    }}}


def test_a_graphql_answer_becomes_a_snapshot_holding_only_wanted_texts():
    snap = snapshot_from_graphql(graphql_response(product_files(2)))
    assert snap.owner == "OS2offdig" and snap.has_issues is True and snap.licence_spdx == "MPL-2.0"
    assert snap.default_branch == "main" and snap.source == "github" and snap.archived is False
    assert "src/app.py" in snap.paths and "src/app.py" not in snap.files
    assert "Dockerfile" in snap.paths and "Dockerfile" in snap.files     # the container check reads it
    assert "logo.png" in snap.paths and "logo.png" not in snap.files
    assert snap.files["README.md"].startswith("# OS2eksempel")
    assert "docs/architecture.md" in snap.files


def test_remote_and_local_snapshots_of_the_same_product_judge_alike(tmp_path):
    files = product_files(2)
    config = config_with_suppliers("Eksempel Leverandør")
    remote = run_checks(snapshot_from_graphql(graphql_response(files)), level=2, config=config)
    local = run_checks(snapshot_from_folder(write_product(tmp_path, files), owner="OS2offdig"), level=2, config=config)
    differs = {r.check for r in remote.results if r.status is not local[r.check].status}
    assert differs == {"issues_enabled"}  # only GitHub knows whether issues are on
    assert remote.ready


def test_an_answer_without_a_repository_is_refused():
    with pytest.raises(RemoteUnavailable):
        snapshot_from_graphql({"data": {"repository": None}})


def test_without_app_settings_a_token_or_no_login_is_chosen():
    from bot.github_access import choose_access, gh_hostname
    from bot.settings import Settings, Secret

    no_app = Settings()
    nobody = lambda host: None  # noqa: E731  (gh not installed or not logged in)
    assert choose_access(no_app, {}, gh=nobody).kind == "anonymous"
    assert choose_access(no_app, {"GITHUB_TOKEN": " "}, gh=nobody).kind == "anonymous"
    from_env = choose_access(no_app, {"GH_TOKEN": "ghp_abc"}, gh=nobody)
    assert (from_env.kind, from_env.source, from_env.token.get()) == ("token", "GH_TOKEN", "ghp_abc")
    asked = []
    from_gh = choose_access(no_app, {}, gh=lambda url: asked.append(url) or "gho_xyz")
    assert (from_gh.kind, from_gh.source) == ("token", "gh auth token") and asked == [no_app.github_api_url]
    app = Settings(app_id=1, private_key=Secret("pem"))
    assert choose_access(app, {"GITHUB_TOKEN": "ghp_abc"}, gh=nobody).kind == "app"
    assert gh_hostname("https://api.github.com") == "github.com"
    assert gh_hostname("https://github.kommune.dk/api/v3") == "github.kommune.dk"


def test_gh_is_asked_for_the_apis_host_only_and_its_failures_are_no_token():
    import subprocess

    from bot.github_access import gh_token

    calls = []

    def run(argv, **kwargs):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, stdout="gho_token\n", stderr="")

    assert gh_token("https://api.github.com", which=lambda name: "/usr/bin/gh", run=run) == "gho_token"
    assert calls == [["/usr/bin/gh", "auth", "token", "--hostname", "github.com"]]
    assert gh_token("https://api.github.com", which=lambda name: None, run=run) is None
    failed = lambda argv, **kw: subprocess.CompletedProcess(argv, 1, stdout="", stderr="not logged in")  # noqa: E731
    assert gh_token("https://api.github.com", which=lambda name: "/usr/bin/gh", run=failed) is None

    def hangs(argv, **kwargs):
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"])

    assert gh_token("https://api.github.com", which=lambda name: "/usr/bin/gh", run=hangs) is None


def test_a_remote_snapshot_comes_from_github_as_the_app(monkeypatch, tmp_path):
    """`os2bot check OWNER/REPO`: the App finds its installation and asks one GraphQL query."""
    from bot.sandbox.github import serve_github_standin
    from bot.sandbox.world import build_world

    world = build_world()
    monkeypatch.chdir(tmp_path)
    with serve_github_standin(world.state) as url:
        monkeypatch.setenv("APP_ID", str(world.state.app.id))
        monkeypatch.setenv("PRIVATE_KEY", world.state.private_key_pem)
        monkeypatch.setenv("GITHUB_API_URL", url)
        fetched = fetch_snapshot("OS2offdig", "os2eksempel")
        assert world.state.count(kind="graphql") == 1
    snap = fetched.snapshot
    assert fetched.way == "via_app"
    assert snap.source == "github" and snap.owner == "OS2offdig" and snap.has_issues is True
    assert {"README.md", "LICENSE", "OS2eksempel_governance_report.md", "publiccode.yml"} <= set(snap.files)
    assert snap.licence_spdx == "MPL-2.0"


def test_a_local_snapshot_skips_dependency_folders_and_reads_only_wanted_files(tmp_path):
    files = product_files(2) | {"node_modules/pkg/LICENSE": "x", ".git/config": "x", ".venv/lib/README.md": "x",
                                "vendor/a/b.php": "x"}
    snap = snapshot_from_folder(write_product(tmp_path, files))
    assert not any(p.startswith(("node_modules", ".git/", ".venv", "vendor")) for p in snap.paths)
    assert "src/app.py" in snap.paths and "src/app.py" not in snap.files
    assert set(snap.files) >= {"README.md", "LICENSE", "publiccode.yml", "MAINTAINERS.md"}
    assert snap.owner is None and snap.source == "local" and snap.has_issues is None


def test_a_local_snapshot_caps_big_files_and_skips_binary_ones(tmp_path):
    (tmp_path / "README.md").write_text("x" * (MAX_FILE_BYTES + 100), encoding="utf-8")
    (tmp_path / "LICENSE").write_bytes(b"\x00\x01binary")
    snap = snapshot_from_folder(tmp_path)
    assert len(snap.files["README.md"]) == MAX_FILE_BYTES
    assert "LICENSE" in snap.paths and "LICENSE" not in snap.files


def test_a_byte_order_mark_is_dropped(tmp_path):
    (tmp_path / "README.md").write_bytes("\ufeff# Titel\n".encode())
    assert snapshot_from_folder(tmp_path).files["README.md"] == "# Titel\n"


def test_a_missing_folder_or_a_file_is_refused(tmp_path):
    with pytest.raises(SnapshotError, match="findes ikke"):
        snapshot_from_folder(tmp_path / "nej")
    (tmp_path / "fil.txt").write_text("x")
    with pytest.raises(SnapshotError, match="ikke en mappe"):
        snapshot_from_folder(tmp_path / "fil.txt")


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_symlinked_folders_are_not_followed(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x")
    os.symlink(tmp_path, tmp_path / "real" / "loop")
    snap = snapshot_from_folder(tmp_path)
    assert snap.paths == ("real/a.txt",)
