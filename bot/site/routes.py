"""`GET /annuaire`: the public directory, filtered by `?q=` on the server (so the search
works without JavaScript), with the transparency figures from the store; and its files
under `/annuaire/static/`. Whatever fails, a page: without the figures if the store is
down, never a 500."""

from __future__ import annotations

import asyncio
import functools
import gzip
import logging
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.core.annuaire import Annuaire, annuaire
from bot.core.clock import Clock
from bot.core.registry.model import Registry
from bot.core.stats import Fact, Figures, figures, since
from bot.site.page import STATIC, render

log = logging.getLogger(__name__)

PAGE_MONTHS = 6
FactsOf = Callable[[datetime], list[Fact]]  # the store's facts since a moment


class Directory:
    """The directory of the registry in force, built once per registry and day."""

    def __init__(self, registry: Callable[[], Registry], clock: Clock) -> None:
        self.registry = registry
        self.clock = clock
        self._built: tuple[str, object, Annuaire] | None = None

    def page(self) -> Annuaire:
        registry, today = self.registry(), self.clock.today()
        if self._built is None or self._built[:2] != (registry.version, today):
            self._built = (registry.version, today, annuaire(registry, today=today))
        return self._built[2]


def page_figures(
    facts: FactsOf | None, registry: Registry, clock: Clock, months: int
) -> Figures | None:
    """The figures of the last `months` months, or None (no store, or it failed: the page
    is shown without them)."""
    if facts is None:
        return None
    now = clock.now()
    try:
        found = facts(since(now, months))
    except Exception:  # the database: the directory matters more than the figures
        log.exception("figures unavailable")
        return None
    return figures(found, registry.data.categories, now=now, months=months)


def _compressed(body: str, request: Request) -> Response:
    data = body.encode("utf-8")
    headers = {"Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        data = gzip.compress(data, compresslevel=6)
    return Response(data, media_type="text/html; charset=utf-8", headers=headers)


PACKED = (".css", ".js", ".svg")


@functools.lru_cache(maxsize=64)
def _packed(path: str) -> bytes:
    with open(path, "rb") as file:
        return gzip.compress(file.read(), compresslevel=9)


def router(*, registry: Callable[[], Registry], clock: Clock, facts: FactsOf | None) -> APIRouter:
    directory = Directory(registry, clock)
    routes = APIRouter()

    @routes.get("/annuaire", response_class=HTMLResponse)
    async def page(request: Request, q: str = "") -> Response:
        current = registry()
        shown = await asyncio.to_thread(page_figures, facts, current, clock, PAGE_MONTHS)
        body = render(
            directory.page().filtered(q),
            contact=current.data.contact,
            figures=shown,
            static="/annuaire/static/",
            action="/annuaire",
        )
        return _compressed(body, request)

    files = StaticFiles(directory=STATIC)

    @routes.get("/annuaire/static/{path:path}")
    async def static(request: Request, path: str) -> Response:
        """The page's own files (StaticFiles refuses any path out of the folder); text ones
        compressed, once, when the browser takes it (the DSFR's CSS: 400 KB, 59 KB)."""
        response = await files.get_response(path, request.scope)
        if not (isinstance(response, FileResponse) and response.status_code == 200):
            return response
        name = str(response.path)
        if not name.endswith(PACKED) or "gzip" not in request.headers.get("accept-encoding", ""):
            return response
        headers = {"Cache-Control": "public, max-age=3600", "Vary": "Accept-Encoding"}
        headers["Content-Encoding"] = "gzip"
        return Response(_packed(name), media_type=response.media_type, headers=headers)

    return routes
