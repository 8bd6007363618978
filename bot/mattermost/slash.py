"""`/animation` slash commands: Mattermost's form in, its `CommandResponse` out.

`fast_path` serves `POST /mattermost/command` straight from ASGI, in front of
FastAPI: the busiest route needs no routing, dependency injection or
middleware, and skipping them is most of what separates a framework endpoint
from a bare ASGI one (see the README's Performance section). Every other
route goes to the FastAPI app unchanged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.core.people import Account
from bot.core.reply import Reply
from bot.mattermost.buttons import Buttons
from bot.mattermost.interactions import Interactions
from bot.mattermost.render import MattermostRenderer
from bot.mattermost.wire import (
    FormError,
    command_response,
    interrupted,
    parse_form,
    token_matches,
)
from bot.service.inbound import Inbound, Place, Typed

log = logging.getLogger("bot.command")

Scope = MutableMapping[str, Any]
ASGIMessage = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[ASGIMessage]]
Send = Callable[[ASGIMessage], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

JSON_HEADERS = [(b"content-type", b"application/json")]


class SlashCommands:
    def __init__(
        self,
        *,
        tokens: tuple[str, ...],
        service: Inbound,
        renderer: MattermostRenderer,
        buttons: Buttons,
        interactions: Interactions,
    ) -> None:
        self.tokens = tokens
        self.service = service
        self.renderer = renderer
        self.buttons = buttons
        self.interactions = interactions

    async def answer(self, fields: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Status and JSON body for one command; 200 for anything with a valid token."""
        text = fields.get("text", "")
        # A direct message's channel is named after its two members: `<id>__<id>`.
        where: Place = "direct" if "__" in fields.get("channel_name", "") else "channel"
        if not token_matches(fields.get("token", ""), self.tokens):
            self.service.refused(text, where)
            return 401, {"error": "Jeton de commande invalide."}
        who = Account("mattermost", fields.get("user_id", ""), fields.get("user_name", ""))
        trigger = fields.get("trigger_id", "")
        reply = await self.service.command(Typed(who, where, text, command_id=trigger))
        try:
            return 200, await self._response(reply, who, trigger)
        except Exception:  # the last guard: Mattermost shows any other status as a failure
            log.exception("command response failed")
            return 200, command_response(self.renderer.reply(self.service.apology()), shared=False)

    async def _response(self, reply: Reply, who: Account, trigger: str) -> dict[str, Any]:
        text = reply.text
        # The way without a form stays in the answer, for apps that cannot show one.
        if reply.form is not None and await self.interactions.open_form(
            reply.form, who=who, trigger_id=trigger
        ):
            text = f"Le formulaire s'ouvre.\n{text}"
        response = command_response(self.renderer.reply(text), shared=reply.visibility == "shared")
        if reply.choices:
            response["attachments"] = self.buttons.categories(reply.choices, who)
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
            error = interrupted()
            return error.status, {"error": error.message}
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
