"""FastAPI routes. They translate HTTP to core calls and back, nothing more."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from bot.commands import Invocation, respond
from bot.mattermost_form import (
    FormError,
    command_response,
    error_response,
    json_response,
    parse_form,
    read_body,
    token_matches,
)
from bot.ports import Clock
from bot.reloader import RegistryHolder
from bot.settings import Settings

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Oups, je n'ai pas pu traiter ta commande : l'erreur vient de mon côté, pas de toi. "
    "Réessaie dans un instant ; si cela dure, écris à l'équipe d'animation."
)
HTTP_MESSAGES = {
    404: "Adresse inconnue.",
    405: "Méthode non acceptée sur cette adresse.",
}


def create_app(*, settings: Settings, holder: RegistryHolder, clock: Clock) -> FastAPI:
    tokens = settings.token_values()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watcher = asyncio.create_task(_watch_registry(holder, settings.reload_interval))
        try:
            yield
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher

    app = FastAPI(title="animation-bot", lifespan=lifespan, docs_url=None, redoc_url=None)

    async def handle_command(fields: dict[str, str]) -> Response:
        if not token_matches(fields.get("token", ""), tokens):
            return error_response(401, "Jeton de commande invalide.")
        started = time.perf_counter()
        text = fields.get("text", "")
        try:
            invocation = Invocation(
                text=text, user=fields.get("user_name", ""), today=clock.today()
            )
            reply = respond(holder.directory, invocation)
        except Exception:
            log.exception("command failed")
            return json_response(command_response(UNEXPECTED, public=False))
        log.info(
            "command",
            extra={
                "subcommand": _subcommand(text),
                "ms": round(1000 * (time.perf_counter() - started), 2),
            },
        )
        return json_response(command_response(reply.text, public=reply.public))

    @app.post("/mattermost/command")
    async def command_post(request: Request) -> Response:
        try:
            body = await read_body(request, limit=settings.max_body_bytes)
            fields = parse_form(body)
        except FormError as error:
            return error_response(error.status, error.message)
        return await handle_command(fields)

    @app.get("/mattermost/command")
    async def command_get(request: Request) -> Response:
        query = request.url.query
        if len(query) > settings.max_body_bytes:
            return error_response(413, "Requête trop grosse.")
        try:
            fields = parse_form(query.encode("latin-1", errors="replace"))
        except FormError as error:
            return error_response(error.status, error.message)
        return await handle_command(fields)

    @app.get("/healthz")
    async def healthz() -> Response:
        return _health(holder)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        return error_response(
            error.status_code, HTTP_MESSAGES.get(error.status_code, "Requête refusée.")
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        return error_response(400, "Requête mal formée.")

    return app


def _subcommand(text: str) -> str:
    words = text.split()
    return words[0][:20].lower() if words else ""


def _health(holder: RegistryHolder) -> Response:
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
        return json_response({"status": "unavailable", "registry": registry}, status=503)
    registry |= {
        "version": loaded.directory.registry.version,
        "loaded_at": loaded.loaded_at.isoformat(),
        "startups": len(loaded.directory.registry.catalog.startups),
    }
    return json_response({"status": "ok", "registry": registry})


async def _watch_registry(holder: RegistryHolder, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(holder.refresh)
        except Exception:  # never let the watcher die: the next tick tries again
            log.exception("registry watch failed")
