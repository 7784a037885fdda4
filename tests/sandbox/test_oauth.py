"""The stand-in's OAuth web flow (GitHub's, for a GitHub App): a code is for one client and one
redirect URI, is spent when used, and the token it gives reads `GET /user` as that person."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from bot.sandbox.oauth import client_secret

CALLBACK = "https://portfolio.example/auth/callback"


def authorize(base_url, state, login="ada", **extra):
    params = {"client_id": state.app.client_id, "redirect_uri": CALLBACK, "state": "s1", "login": login, **extra}
    return httpx.get(f"{base_url}/login/oauth/authorize", params=params, timeout=10)


def exchange(base_url, state, code, **extra):
    body = {"client_id": state.app.client_id, "client_secret": client_secret(state.app), "code": code,
            "redirect_uri": CALLBACK, **extra}
    return httpx.post(f"{base_url}/login/oauth/access_token", json=body, headers={"Accept": "application/json"},
                      timeout=10).json()


def code_of(response) -> str:
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["state"] == ["s1"]
    return query["code"][0]


def test_a_code_becomes_a_token_once_and_the_token_names_its_person(base_url, state):
    state.add_user("ada")
    code = code_of(authorize(base_url, state))
    token = exchange(base_url, state, code)["access_token"]
    me = httpx.get(f"{base_url}/user", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["login"] == "ada"
    assert exchange(base_url, state, code)["error"] == "bad_verification_code"


def test_a_wrong_secret_or_redirect_gets_no_token(base_url, state):
    state.add_user("ada")
    code = code_of(authorize(base_url, state))
    assert exchange(base_url, state, code, client_secret="guess")["error"] == "incorrect_client_credentials"
    assert exchange(base_url, state, code, redirect_uri="https://evil.example/cb")["error"] == "bad_verification_code"


def test_without_a_person_the_page_asks_who_signs_in(base_url, state):
    state.add_user("ada")
    page = authorize(base_url, state, login="")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "login=ada" in page.text
    assert authorize(base_url, state, client_id="someone-else").status_code == 404
    assert httpx.get(f"{base_url}/user", timeout=10).status_code == 401
