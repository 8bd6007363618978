"""FastAPI routes. They translate HTTP to core calls and back, nothing more."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from bot.core.ports import Clock
from bot.mattermost.interactions import Interactions
from bot.mattermost.slash import UNEXPECTED, ASGIApp, SlashCommands, fast_path
from bot.mattermost.wire import (
    FormError,
    error_response,
    json_response,
    parse_form,
    read_body,
)
from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder
from bot.service.settings import Settings
from bot.service.worker import Worker
from bot.store.outbox import Outbox

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    404: "Adresse inconnue.",
    405: "Méthode non acceptée sur cette adresse.",
}


def create_app(
    *,
    settings: Settings,
    holder: RegistryHolder,
    clock: Clock,
    interactions: Interactions | None = None,
    worker: Worker | None = None,
    outbox: Outbox | None = None,
    metrics: Metrics | None = None,
) -> ASGIApp:
    """The FastAPI app, with `POST /mattermost/command` served by `slash.fast_path`."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(_watch_registry(holder, settings.reload_interval))]
        if worker is not None:
            tasks.append(asyncio.create_task(worker.run()))
        try:
            yield
        finally:
            if worker is not None:  # let it finish the message in hand and release the rest
                worker.stop()
                with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                    await asyncio.wait_for(asyncio.shield(tasks[-1]), timeout=10)
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = FastAPI(title="animation-bot", lifespan=lifespan, docs_url=None, redoc_url=None)

    commands = SlashCommands(
        tokens=settings.token_values(),
        holder=holder,
        clock=clock,
        interactions=interactions,
        worker=worker,
        metrics=metrics,
    )

    @app.post("/mattermost/dialog")
    async def dialog_submit(request: Request) -> Response:
        payload = await _json(request)
        if isinstance(payload, Response):
            return payload
        if interactions is None:
            return json_response({"error": "Les demandes ne sont pas activées sur ce bot."})
        try:
            return json_response(await interactions.submit(payload))
        except Exception:
            log.exception("dialog submission failed")
            return json_response({"error": UNEXPECTED})

    @app.post("/mattermost/action")
    async def action_click(request: Request) -> Response:
        payload = await _json(request)
        if isinstance(payload, Response):
            return payload
        if interactions is None:
            return json_response(
                {"ephemeral_text": "Les demandes ne sont pas activées sur ce bot."}
            )
        try:
            return json_response(await interactions.click(payload))
        except Exception:
            log.exception("button click failed")
            return json_response({"ephemeral_text": UNEXPECTED})

    async def _json(request: Request) -> dict[str, Any] | Response:
        try:
            body = await read_body(request, limit=settings.max_body_bytes)
            payload = json.loads(body)
        except FormError as error:
            return error_response(error.status, error.message)
        except (ValueError, UnicodeDecodeError):
            return error_response(400, "JSON attendu.")
        if not isinstance(payload, dict):
            return error_response(400, "Objet JSON attendu.")
        return payload

    # POST is answered by `fast_path` before the app; the GET variant comes here.
    async def command_get(request: Request) -> Response:
        query = request.url.query
        if len(query) > settings.max_body_bytes:
            return error_response(413, "Requête trop grosse.")
        try:
            fields = parse_form(query.encode("latin-1", errors="replace"))
        except FormError as error:
            return error_response(error.status, error.message)
        status, payload = await commands.answer(fields)
        return json_response(payload, status=status)

    app.add_route("/mattermost/command", command_get, methods=["GET"])

    @app.get("/metrics")
    async def metrics_text() -> Response:
        if metrics is None:
            return error_response(404, "Adresse inconnue.")
        body = await asyncio.to_thread(metrics.render)  # the outbox gauge reads the database
        return Response(content=body, media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz")
    async def healthz() -> Response:
        body, status = health(holder)
        if outbox is not None and status == 200:
            try:
                body["outbox"] = await asyncio.to_thread(outbox.counts)
            except Exception:  # the database is down: say so, and be not ready
                log.exception("outbox unreadable")
                body |= {"status": "unavailable", "outbox": None}
                status = 503
        return json_response(body, status=status)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return error_response(
            error.status_code, HTTP_MESSAGES.get(error.status_code, "Requête refusée.")
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return error_response(400, "Requête mal formée.")

    return fast_path(app, commands, limit=settings.max_body_bytes)


def health(holder: RegistryHolder) -> tuple[dict[str, Any], int]:
    """The `/healthz` body and status: 503 until a registry is loaded."""
    loaded = holder.loaded
    error = holder.last_error
    registry: dict[str, Any] = {
        "path": str(holder.registry_path),
        "reloads": holder.reloads,
        "last_error": None
        if error is None
        else {"at": error.at.isoformat(), "messages": list(error.messages)},
    }
    if loaded is None:
        return {"status": "unavailable", "registry": registry}, 503
    registry |= {
        "version": loaded.directory.registry.version,
        "loaded_at": loaded.loaded_at.isoformat(),
        "startups": len(loaded.directory.registry.catalog.startups),
    }
    return {"status": "ok", "registry": registry}, 200


async def _watch_registry(holder: RegistryHolder, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            if holder.changed():  # only a change is worth a thread
                await asyncio.to_thread(holder.refresh)
        except Exception:  # never let the watcher die: the next tick tries again
            log.exception("registry watch failed")
