"""`GET /annuaire` in the app: the page and every file it names served from the package,
the search through `?q=`, the figures from the store (or the page without them), and a
page, never a 500, whatever the query."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from bot.core.stats import Fact
from bot.service.reloader import RegistryHolder
from bot.service.web import create_app
from bot.site.routes import router
from tests.conftest import CATALOG, REGISTRY
from tests.fakes import FakeClock

FactsOf = Callable[[datetime], list[Fact]]


def app(clock: FakeClock, facts: FactsOf | None) -> FastAPI:
    holder = RegistryHolder(registry_path=REGISTRY, catalog_dir=CATALOG, clock=clock)
    holder.load()
    pages = router(registry=lambda: holder.directory.registry, clock=clock, facts=facts)
    return create_app(holder=holder, reload_interval=60, routers=[pages])


def get(app: FastAPI, url: str, **headers: str) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
            return await client.get(url, headers=headers)

    return asyncio.run(go())


def none(moment: datetime) -> list[Fact]:
    return []


def test_the_page_and_every_file_it_names(clock: FakeClock) -> None:
    bot = app(clock, none)
    page = get(bot, "/annuaire")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    files = re.findall(r'(?:href|src)="(/annuaire/static/[^"]+)"', page.text)
    assert len(files) == 16  # 14 stylesheets (the DSFR core, 12 components, ours), icon, script
    for name in files:
        assert (get(bot, name)).status_code == 200, name
    assert "http://" not in page.text.split("<body>")[0]  # nothing from elsewhere in the head
    core = get(bot, "/annuaire/static/dsfr/core/core.min.css")
    fonts = re.findall(r"url\((\.\./fonts/[^)]+\.woff2)\)", core.text)
    for font in fonts:
        assert (get(bot, f"/annuaire/static/dsfr/fonts/{font[9:]}")).status_code == 200


def test_the_search_without_javascript(clock: FakeClock) -> None:
    page = get(app(clock, none), "/annuaire?q=domifa")
    assert page.text.count("<tr data-search=") == 1
    assert 'value="domifa"' in page.text
    assert "1 résultat pour « domifa »" in page.text


@pytest.mark.parametrize(
    "query",
    [
        "q=%ff%fe",
        "q=%00",
        "q=" + "a" * 10_000,
        "q=a&q=b",
        "q[]=x",
        "q=%E2%80%AE%3Cb%3E",
        "q=@all",
    ],
)
def test_any_query_gets_a_page(clock: FakeClock, query: str) -> None:
    page = get(app(clock, none), f"/annuaire?{query}")
    assert page.status_code == 200
    assert "<b>" not in page.text.split("<main")[1]


@pytest.mark.parametrize("path", ["../../pyproject.toml", "%2e%2e/%2e%2e/pyproject.toml", "x"])
def test_nothing_outside_the_page_files(clock: FakeClock, path: str) -> None:
    answer = get(app(clock, none), f"/annuaire/static/{path}")
    assert answer.status_code == 404
    assert answer.json() == {"error": "Adresse inconnue."}


def test_compressed_when_asked(clock: FakeClock) -> None:
    plain = get(app(clock, none), "/annuaire")
    packed = get(app(clock, none), "/annuaire", **{"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.text == plain.text  # httpx unpacks it
    assert int(packed.headers["content-length"]) < len(plain.content) / 8
    css = "/annuaire/static/dsfr/core/core.min.css"
    sheet = get(app(clock, none), css, **{"Accept-Encoding": "gzip"})
    assert sheet.headers["content-encoding"] == "gzip"
    assert sheet.headers["content-type"].startswith("text/css")
    assert sheet.content == get(app(clock, none), css).content
    font = get(app(clock, none), "/annuaire/static/dsfr/fonts/Marianne-Bold.woff2")
    assert "content-encoding" not in font.headers  # already compressed


def test_the_figures_come_from_the_store(clock: FakeClock) -> None:
    def facts(moment: datetime) -> list[Fact]:
        return [Fact("convention", False, clock.now() - timedelta(hours=h)) for h in range(7)]

    page = get(app(clock, facts), "/annuaire")
    assert "Les demandes, en chiffres" in page.text
    assert "<td>7</td>" in page.text and "moins de 5" in page.text


def test_a_store_down_leaves_the_directory(clock: FakeClock) -> None:
    def broken(moment: datetime) -> list[Fact]:
        raise OSError("database unreachable")

    page = get(app(clock, broken), "/annuaire")
    assert page.status_code == 200
    assert "Les demandes, en chiffres" not in page.text
    assert "<tr data-search=" in page.text
