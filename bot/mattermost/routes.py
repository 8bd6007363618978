"""Mattermost's HTTP routes besides `POST /mattermost/command` (`slash.fast_path`): dialog
submissions, button clicks, and slash commands registered with the GET method."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response

from bot.mattermost.interactions import Interactions
from bot.mattermost.slash import SlashCommands
from bot.mattermost.wire import (
    FormError,
    error_response,
    json_response,
    parse_form,
    read_body,
    read_json,
)

log = logging.getLogger(__name__)


def router(
    *, commands: SlashCommands, interactions: Interactions, max_body_bytes: int
) -> APIRouter:
    routes = APIRouter()

    @routes.post("/mattermost/dialog")
    async def dialog_submit(request: Request) -> Response:
        payload = await _json(request, max_body_bytes)
        if isinstance(payload, Response):
            return payload
        try:
            return json_response(await interactions.submit(payload))
        except Exception:  # the last guard: any status but 200 shows as a failure
            log.exception("dialog submission failed")
            return json_response({"error": interactions.renderer.text(commands.service.apology())})

    @routes.post("/mattermost/action")
    async def action_click(request: Request) -> Response:
        payload = await _json(request, max_body_bytes)
        if isinstance(payload, Response):
            return payload
        try:
            return json_response(await interactions.click(payload))
        except Exception:
            log.exception("button click failed")
            return json_response(
                {"ephemeral_text": interactions.renderer.text(commands.service.apology())}
            )

    @routes.get("/mattermost/command")
    async def command_get(request: Request) -> Response:
        """A command registered with the GET method: the same fields, in the query string."""
        query = request.url.query
        if len(query) > max_body_bytes:
            return error_response(413, "Requête trop grosse.")
        try:
            fields = parse_form(query.encode("latin-1", errors="replace"))
        except FormError as error:
            return error_response(error.status, error.message)
        status, payload = await commands.answer(fields)
        return json_response(payload, status=status)

    return routes


async def _json(request: Request, limit: int) -> dict[str, Any] | Response:
    try:
        return read_json(await read_body(request, limit=limit))
    except FormError as error:
        return error_response(error.status, error.message)
