"""The portfolio's session cookie: signed by the bot, expiring, and worth nothing changed."""

from __future__ import annotations

import pytest

from bot.portfolio.signin import session_key, sign, verify, web_url

KEY = session_key("webhook-secret")


def test_a_signed_cookie_reads_back_until_it_expires():
    cookie = sign(KEY, {"kind": "session", "login": "sofie", "orgs": ["os2offdig"], "exp": 1000})
    assert verify(KEY, cookie, now=999)["login"] == "sofie"
    assert verify(KEY, cookie, now=1001) is None


@pytest.mark.parametrize("tamper", [
    lambda c: c.replace(c.split(".")[0], sign(KEY, {"kind": "session", "login": "mallory", "exp": 9e9}).split(".")[0]),
    lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),
    lambda c: c.split(".")[0],
    lambda c: c + ".x",
    lambda c: "",
])
def test_a_changed_cookie_is_worth_nothing(tamper):
    cookie = sign(KEY, {"kind": "session", "login": "sofie", "exp": 9e9})
    assert verify(KEY, tamper(cookie), now=0) is None


def test_another_bots_cookie_is_worth_nothing():
    cookie = sign(session_key("another-secret"), {"kind": "session", "login": "sofie", "exp": 9e9})
    assert verify(KEY, cookie, now=0) is None


def test_people_sign_in_where_github_is():
    assert web_url("https://api.github.com") == "https://github.com"
    assert web_url("https://github.kommune.dk/api/v3/") == "https://github.kommune.dk"
    assert web_url("http://127.0.0.1:8123") == "http://127.0.0.1:8123"
