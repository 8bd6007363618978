"""`/animation` slash commands: from Mattermost's form to its CommandResponse.

`fast_path` serves `POST /mattermost/command` straight from ASGI, in front of
FastAPI: the busiest route needs no routing, dependency injection or
middleware, and skipping them is most of what separates a framework endpoint
from a bare ASGI one (see the README's Performance section). Every other
route goes to the FastAPI app unchanged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.core.answers.who import Reply
from bot.core.commands import STORE_SUBCOMMANDS, Invocation, canonical, respond
from bot.core.ports import Clock
from bot.mattermost.interactions import Interactions
from bot.mattermost.wire import FormError, command_response, parse_form, token_matches
from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder
from bot.service.worker import Worker

log = logging.getLogger("bot.command")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNEXPECTED = (
    "Oups, je n'ai pas pu traiter ta commande : l'erreur vient de mon côté, pas de toi. "
    "Réessaie dans un instant ; si cela dure, écris à l'équipe d'animation."
)
JSON_HEADERS = [(b"content-type", b"application/json")]


class SlashCommands:
    def __init__(
        self,
        *,
        tokens: tuple[str, ...],
        holder: RegistryHolder,
        clock: Clock,
        interactions: Interactions | None,
        worker: Worker | None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics
        self.tokens = tokens
        self.holder = holder
        self.clock = clock
        self.interactions = interactions
        self.worker = worker

    async def answer(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for one command; 200 for anything with a valid token."""
        started = time.perf_counter()
        name = canonical(fields.get("text", ""))
        if not token_matches(fields.get("token", ""), self.tokens):
            self._done(name, "refused", started)
            return 401, {"error": "Jeton de commande invalide."}
        try:
            reply = await self._reply(fields)
            payload = await self._render(reply, fields)
        except Exception:
            log.exception("command failed", extra={"subcommand": name})
            self._done(name, "error", started)
            return 200, command_response(UNEXPECTED, public=False)
        self._done(name, str(reply.data.get("status", "ok")), started)
        return 200, payload

    def _done(self, name: str, outcome: str, started: float) -> None:
        """One log line and the metrics of a command: what kind, how it went, how long."""
        seconds = time.perf_counter() - started
        if self.metrics is not None:
            self.metrics.command(name, outcome, seconds)
        log.info(
            "command",
            extra={"subcommand": name, "outcome": outcome, "ms": round(seconds * 1000, 2)},
        )

    async def _reply(self, fields: dict[str, str]) -> Reply:
        text = fields.get("text", "")
        invocation = Invocation(
            text=text,
            user=fields.get("user_name", ""),
            today=self.clock.today(),
            user_id=fields.get("user_id", ""),
            trigger_id=fields.get("trigger_id", ""),
            desk=self.interactions.desk if self.interactions else None,
        )
        if canonical(text) in STORE_SUBCOMMANDS:  # touches the store: off the event loop
            return await asyncio.to_thread(respond, self.holder.directory, invocation)
        return respond(self.holder.directory, invocation)

    async def _render(self, reply: Reply, fields: dict[str, str]) -> dict[str, Any]:
        interactions = self.interactions
        user = {"user_id": fields.get("user_id", ""), "user_name": fields.get("user_name", "")}
        if reply.dialog is not None and interactions is not None:
            opened = await interactions.open_form(
                reply.dialog, trigger_id=fields.get("trigger_id", ""), **user
            )
            if opened:  # the way without a form, for apps that cannot show one (some mobiles)
                return command_response(f"Le formulaire s'ouvre.\n{reply.text}", public=False)
        response = command_response(reply.text, public=reply.public)
        if reply.choices and interactions is not None:
            response["attachments"] = interactions.choice_attachments(reply.choices, **user)
        if reply.submitted is not None and self.worker is not None:
            self.worker.wake.set()
        return response


def fast_path(app: ASGIApp, commands: SlashCommands, *, limit: int) -> ASGIApp:
    """`app`, with `POST /mattermost/command` answered directly."""

    async def asgi(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != "/mattermost/command"
            or scope["method"] != "POST"
        ):
            await app(scope, receive, send)
        else:
            status, payload = await _post(scope, receive, commands, limit)
            body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
            headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})

    return asgi


async def _post(
    scope: Scope, receive: Receive, commands: SlashCommands, limit: int
) -> tuple[int, dict[str, Any]]:
    declared = dict(scope["headers"]).get(b"content-length", b"")
    if declared.isdigit() and int(declared) > limit:
        return 413, {"error": "Requête trop grosse."}
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return 400, {"error": "Requête interrompue."}
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return 413, {"error": "Requête trop grosse."}
        chunks.append(chunk)
        more = message.get("more_body", False)
    try:
        fields = parse_form(b"".join(chunks))
    except FormError as error:
        return error.status, {"error": error.message}
    return await commands.answer(fields)
