"""The FastAPI app: health, metrics, errors as French JSON, and the background tasks (the
registry watch, the delivery worker). Each chat platform brings its own routes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any, Protocol

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from bot import __version__
from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder
from bot.service.watch import RegistryWatch
from bot.service.worker import Worker

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: "Adresse inconnue.",
    405: "Méthode non acceptée sur cette adresse.",
}


class Beside(Protocol):
    """A loop that runs beside the HTTP service (a chat platform's sync) and says how it
    goes, without personal data."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...

    def state(self) -> dict[str, Any]: ...


def create_app(
    *,
    holder: RegistryHolder,
    reload_interval: float,
    routers: Sequence[APIRouter] = (),
    worker: Worker | None = None,
    beside: Mapping[str, Beside] | None = None,
    outbox_counts: Callable[[], dict[str, int]] | None = None,
    metrics: Metrics | None = None,
) -> FastAPI:
    """`beside`: loops to run with the service, by name (`/healthz` reports each)."""
    loops = dict(beside or {})

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(RegistryWatch(holder, reload_interval).run())]
        tasks += [asyncio.create_task(loop.run()) for loop in loops.values()]
        if worker is not None:
            tasks.append(asyncio.create_task(worker.run()))
        try:
            yield
        finally:
            for loop in loops.values():
                loop.stop()
            if worker is not None:  # let it finish the message in hand and release the rest
                worker.stop()
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(tasks[-1]), timeout=10)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(
        title="animation-bot", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    for router in routers:
        app.include_router(router)

    @app.get("/metrics")
    async def metrics_text() -> Response:
        if metrics is None:
            return _error(404, "Adresse inconnue.")
        body = await asyncio.to_thread(metrics.render)  # the outbox gauge reads the database
        return Response(content=body, media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    async def healthz() -> Response:
        body, status = health(holder)
        body |= {name: loop.state() for name, loop in loops.items()}
        if outbox_counts is not None and status == 200:
            try:
                body["outbox"] = await asyncio.to_thread(outbox_counts)
            except Exception:  # the database is down: say so, and be not ready
                log.exception("outbox unreadable")
                body |= {"status": "unavailable", "outbox": None}
                status = 503
        return JSONResponse(body, status_code=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return _error(error.status_code, HTTP_MESSAGES.get(error.status_code, "Requête refusée."))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return _error(400, "Requête mal formée.")

    return app


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def health(holder: RegistryHolder) -> tuple[dict[str, Any], int]:
    """The `/healthz` body and status: 503 until a registry is loaded. Once one is, a
    refused file on disk leaves the service ready (200: the last good registry answers)
    but shows: `registry.stale` is true and `registry.last_error` says why."""
    loaded = holder.loaded
    error = holder.last_error
    registry: dict[str, Any] = {
        "path": str(holder.registry_path),
        "reloads": holder.reloads,
        "stale": holder.stale,
        "last_error": None
        if error is None
        else {"at": error.at.isoformat(), "messages": list(error.messages)},
    }
    if loaded is None:
        return {"status": "unavailable", "version": __version__, "registry": registry}, 503
    registry |= {
        "version": loaded.directory.registry.version,
        "loaded_at": loaded.loaded_at.isoformat(),
        "startups": len(loaded.directory.registry.catalog.startups),
    }
    return {"status": "ok", "version": __version__, "registry": registry}, 200
