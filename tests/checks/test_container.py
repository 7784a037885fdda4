"""F19 on real OS2 container files: only the product's own files are evidence
(files in tests/fixtures/checks/real/container, one folder per repository)."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from bot.checks import Status, run_checks
from bot.checks.container import image_base, is_side_image
from bot.local_snapshot import snapshot_from_folder
from tests.checks.support import FIXTURES, product_files, snapshot, write_product

REAL = FIXTURES / "checks" / "real" / "container"


def container(files: dict[str, str], name: str = "os2eksempel"):
    snap = dataclasses.replace(snapshot(product_files(2, Dockerfile=None) | files), name=name)
    return run_checks(snap, level=2)["container"]


def real(repo: str, tmp_path, *, move: dict[str, str] | None = None):
    """The repository's container files as a local folder (optionally moved, e.g. to the root)."""
    root = tmp_path / repo
    shutil.copytree(REAL / repo, root)
    for old, new in (move or {}).items():
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        (root / old).rename(root / new)
    write_product(root, {k: v for k, v in product_files(2, Dockerfile=None).items()})
    return run_checks(snapshot_from_folder(root, owner="OS2offdig"), level=2)["container"]


def test_a_root_dockerfile_that_builds_the_product_is_the_evidence(tmp_path):
    r = real("OS2compliance", tmp_path)
    assert r.status is Status.PASS and r.path == "Dockerfile"
    assert "Dockerfile i roden bygger løsningen" in r.message and "amazoncorretto" in r.message


def test_a_compose_file_that_only_starts_a_development_database_is_not_evidence(tmp_path):
    # OS2rollekatalog's docker/mariadb/docker-compose.yml, in its folder and moved to the root
    r = real("OS2rollekatalog", tmp_path)
    assert r.status is Status.WARN and r.details["evidence"] is None
    assert "docker/mariadb/docker-compose.yml" in r.message
    r = real("OS2rollekatalog", tmp_path / "root", move={"docker/mariadb/docker-compose.yml": "docker-compose.yml"})
    assert r.status is Status.WARN
    assert "docker-compose.yml bygger ikke løsningen" in r.message and "mariadb:10.11" in r.message


def test_a_development_environment_of_ready_made_images_is_not_evidence(tmp_path):
    # itk-dev's os2forms_selvbetjening: mariadb, php-fpm, nginx, memcached, mailpit; the code is mounted
    r = real("os2forms_selvbetjening", tmp_path)
    assert r.status is Status.WARN and "itkdev/mariadb:latest" in r.message


def test_a_side_service_dockerfile_is_named_as_not_counted_beside_the_evidence(tmp_path):
    r = real("OS2valghalla-3", tmp_path)
    assert r.status is Status.PASS and r.path == "Valghalla.Internal.API/Dockerfile"
    assert {"path": "Dockerfile.nginx", "why": "Dockerfile.nginx bygger kun en hjælpetjeneste (nginx)"} \
        in r.details["rejected"]
    assert "; ikke regnet med: Dockerfile.nginx" in r.message and not r.message.endswith("..")


def test_a_product_dockerfile_in_a_subfolder_and_a_compose_running_the_products_image(tmp_path):
    r = real("kitos", tmp_path)
    assert r.status is Status.PASS and r.path == "PubSub.Application.Api/Dockerfile"
    alone = tmp_path / "alone"
    r = real("kitos", alone, move={"PubSub.Application.Api/Dockerfile": "PubSub.Application.Api/notes.txt"})
    assert r.status is Status.PASS and "produktets image strongminds/kitos-pubsub" in r.message


def test_a_dockerfile_in_a_side_service_folder_is_not_evidence(tmp_path):
    r = real("os2mo", tmp_path)
    assert r.path == "Dockerfile" and {"path": "keycloak/Dockerfile",
                                       "why": "keycloak/Dockerfile hører til en hjælpetjeneste (mappen eller navnet 'keycloak')"} in r.details["rejected"]


@pytest.mark.parametrize(("files", "expected"), [
    ({"Dockerfile": "FROM node:20 AS build\nCOPY . .\nRUN npm ci\nFROM nginx:alpine\nCOPY --from=build /app/dist /usr/share/nginx/html\n"}, Status.PASS),
    ({"Dockerfile": "FROM nginx:alpine\nCOPY dist/ /usr/share/nginx/html\n"}, Status.PASS),       # the built site
    ({"Dockerfile": "FROM nginx:alpine\nCOPY nginx.conf /etc/nginx/nginx.conf\n"}, Status.WARN),  # a proxy
    ({"Dockerfile": "FROM postgres:16\nCOPY init.sql /docker-entrypoint-initdb.d/\n"}, Status.WARN),
    ({"Dockerfile.db": "FROM python:3.12\nCOPY . .\n"}, Status.WARN),
    ({"mock/Dockerfile": "FROM python:3.12\nCOPY . .\n"}, Status.WARN),
    ({".devcontainer/Dockerfile": "FROM mcr.microsoft.com/devcontainers/python:3.12\n"}, Status.WARN),
    ({"Dockerfile": "# no FROM here\n"}, Status.WARN),
    ({"compose.yaml": "services:\n  app:\n    build: .\n"}, Status.PASS),
    ({"compose.yaml": "services:\n  db:\n    build: ./db\n"}, Status.WARN),                    # builds the database
    ({"compose.yaml": "services:\n  web:\n    image: ghcr.io/os2offdig/os2eksempel:1.2\n"}, Status.PASS),
    ({"compose.yaml": "services:\n  web:\n    image: nginx\n  db:\n    image: postgres\n"}, Status.WARN),
    ({"compose.yaml": "services: [\n"}, Status.WARN),                                            # broken YAML
    ({"compose.yaml": "services: 5\n"}, Status.WARN),
    ({"compose.yaml": "a: &a [*a, *a]\n"}, Status.WARN),
    ({}, Status.WARN),
])
def test_which_container_files_are_the_products(files, expected):
    assert container(files).status is expected


def test_no_container_file_at_all_says_so():
    r = container({})
    assert "der er ingen Dockerfile, Containerfile eller compose-fil i repositoriet" in r.message


def test_a_file_not_read_is_judged_by_its_path():
    snap = snapshot(product_files(2, Dockerfile=None))
    snap = dataclasses.replace(snap, paths=snap.paths + ("api/Dockerfile",))
    r = run_checks(snap, level=2)["container"]
    assert r.status is Status.PASS and "bedømt ud fra stien" in r.message


@pytest.mark.parametrize(("image", "base", "side"), [
    ("postgres:16-alpine", "postgres", True),
    ("docker.io/library/mariadb:10.6", "mariadb", True),
    ("mcr.microsoft.com/mssql/server:2022-latest", "mssql/server", True),
    ("nginxinc/nginx-unprivileged:alpine", "nginxinc/nginx-unprivileged", True),
    ("localhost:5000/os2mo:latest", "os2mo", False),
    ("magentaaps/os2mo@sha256:abc", "magentaaps/os2mo", False),
    ("redis-commander", "redis-commander", True),
])
def test_image_names(image, base, side):
    from bot.checks import load_config
    sides = {i.casefold() for i in load_config().spec("container").settings["side_images"]}
    assert image_base(image) == base and is_side_image(image, sides) is side
