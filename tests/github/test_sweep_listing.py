"""The sweep lists every repository of an installation, however many pages that takes."""

from __future__ import annotations

import asyncio

from bot.sweep import list_repositories


class Installation:
    def __init__(self, total: int):
        self.total = total
        self.pages: list[int] = []

    async def rest(self, method, path, params=None):
        page, per_page = params["page"], params["per_page"]
        self.pages.append(page)
        first = (page - 1) * per_page
        names = [f"produkt-{i}" for i in range(first, min(first + per_page, self.total))]
        return {"total_count": self.total, "repositories": [{"full_name": f"OS2/{n}", "name": n} for n in names]}


class App:
    def __init__(self, total: int):
        self.client = Installation(total)

    async def app_rest(self, method, path):
        return [{"id": 7, "account": {"login": "OS2"}}]

    def installation(self, installation_id):
        return self.client


def test_an_organisation_of_more_than_5000_repositories_is_listed_whole():
    app = App(7_250)
    found = asyncio.run(list_repositories(app, ("OS2",)))
    assert len(found) == 7_250 and found[-1] == (7, "OS2/produkt-7249")
    assert app.client.pages == list(range(1, 74))        # no empty page after the last one


def test_a_full_last_page_needs_no_empty_one_after_it():
    app = App(200)
    assert len(asyncio.run(list_repositories(app, ("OS2",)))) == 200
    assert app.client.pages == [1, 2]
