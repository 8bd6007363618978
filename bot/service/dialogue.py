"""Conversations on platforms that push what people write (Matrix): commands, a request
asked question by question, reactions and replies to a co-animator's copy.

Each event is handled once: what it changes (the conversation, the answers to send)
is written with the mark that it was handled, in one transaction (`Inbox.handled`),
and the answers leave through the outbox. Killed at any point, the bot answers on
restart what was not handled, and only that.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.answers import guide as guided
from bot.core.answers.guide import Guide
from bot.core.people import Account
from bot.core.ports import UNCHANGED, Inbox, PostBook, Unchanged
from bot.core.reply import Reply
from bot.core.requests.forms import choice_of
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Action
from bot.core.text import compact, fold
from bot.service.inbound import Click, Inbound, Place, Typed
from bot.service.limits import RateLimit

REACTIONS: dict[str, Action] = {"✋": "claim", "✅": "close"}
ELSEWHERE = "Je te réponds en message privé."
UNREADABLE = (
    "Je n'ai pas pu lire ton message : il est chiffré avec une clé que ton appli ne m'a pas "
    "encore transmise. Renvoie-le dans un instant ; si cela se reproduit, vérifie que Tchap "
    "est ouvert et connecté sur ton appareil, puis réessaie."
)
EDITED = (
    "Je ne tiens pas compte des messages modifiés : écris ta correction dans un nouveau message."
)
STARTED_AGAIN = " Si tu étais en train de faire une demande, recommence-la avec « demande »."
TIDY_EVERY = timedelta(hours=1)
TOO_FAST = (
    "Tu m'écris beaucoup en peu de temps : je ne réponds pas aux messages qui arrivent trop "
    "vite. Si l'un d'eux reste sans réponse, renvoie-le dans une minute."
)
REFUSED = {
    "unknown_post": "Ce message n'est pas une demande que je t'ai transmise.",
    "not_for_you": (
        "Cette demande ne t'a pas été transmise : seule la personne qui l'a reçue peut agir "
        "dessus. Tes demandes : « mes-demandes »."
    ),
}


@dataclass(frozen=True)
class Written:
    """Someone wrote to the bot. `where`: their direct conversation with it, or a room with
    others; `room`: the conversation's id. `text` follows the command's name when
    `prefixed`; `replying_to`: the message it answers, if any."""

    who: Account
    where: Place
    room: str
    event_id: str
    text: str
    prefixed: bool
    replying_to: str | None = None


@dataclass(frozen=True)
class Reacted:
    """Someone reacted with `key` to the message `on`."""

    who: Account
    room: str
    event_id: str
    on: str
    key: str


Answer = tuple[Sequence[Message], dict[str, Any] | Unchanged | None]


class Dialogue:
    def __init__(
        self,
        *,
        service: Inbound,
        inbox: Inbox,
        book: PostBook,
        limit: RateLimit,
        wake: Callable[[], None],
    ) -> None:
        self.service = service
        self.inbox = inbox
        self.book = book
        self.limit = limit
        self.wake = wake
        self._tidied = datetime.min.replace(tzinfo=UTC)

    async def written(self, event: Written) -> None:
        if await asyncio.to_thread(self.inbox.seen, event.who.platform, event.event_id):
            return
        if not self.limit.allows(event.who.id):
            notice = [self._in_room(event, TOO_FAST)] if self.limit.warn(event.who.id) else []
            await self._handled(event.who, event.event_id, (notice, UNCHANGED))
            return
        await self._handled(event.who, event.event_id, await self._answer(event))

    async def _answer(self, event: Written) -> Answer:
        words = compact(fold(event.text.split(None, 1)[0])) if event.text.strip() else ""
        if event.replying_to and words in ("reaffecter", "reaffecte"):
            return await self._reassign(event), UNCHANGED
        if event.where == "direct" and not event.prefixed:
            state = await asyncio.to_thread(
                self.inbox.conversation, event.who.platform, event.who.id
            )
            conversation = Guide.from_json(state) if state else None
            if conversation and not conversation.expired(self.service.clock.now()):
                return await self._go_on(event, conversation)
        reply = await self.service.command(
            Typed(event.who, event.where, event.text, command_id=event.event_id)
        )
        if reply.form is not None or reply.choices:
            return self._start(event, reply)
        # A request stored: the desk writes its confirmation to the person's direct room.
        answer = [] if reply.submitted is not None else [reply.text]
        if reply.visibility == "private" and event.where != "direct":
            private = [self._to_person(event, text) for text in answer]
            return [self._in_room(event, ELSEWHERE), *private], UNCHANGED
        return [self._in_room(event, text) for text in answer], UNCHANGED

    def _start(self, event: Written, reply: Reply) -> Answer:
        """A request to make: asked question by question, in the person's direct room."""
        nonce = hashlib.sha256(f"{event.who.platform}\0{event.event_id}".encode()).hexdigest()
        step = guided.start(
            self.service.directory,
            reply.form,
            nonce=nonce,
            now=self.service.clock.now(),
            among=reply.choices,
        )
        state = step.guide.to_json() if step.guide else None
        if event.where == "direct":
            return [self._in_room(event, step.text)], state
        return [self._in_room(event, ELSEWHERE), self._to_person(event, step.text)], state

    async def _go_on(self, event: Written, conversation: Guide) -> Answer:
        step = await asyncio.to_thread(
            guided.answer,
            self.service.directory,
            conversation,
            event.text,
            who=event.who,
            desk=self.service.desk,
        )
        state = step.guide.to_json() if step.guide else None
        if step.submitted is not None:  # the desk writes the confirmation to this room
            return [], state
        return [self._in_room(event, step.text)], state

    async def _reassign(self, event: Written) -> list[Message]:
        on = event.replying_to or ""
        copy = await asyncio.to_thread(self.book.copy_at, event.who.platform, on)
        if copy is None:
            return [self._in_room(event, REFUSED["unknown_post"])]
        target = event.text.split(None, 1)[1] if len(event.text.split()) > 1 else ""
        chosen = choice_of(self.service.directory, "animator", target)
        return await self._act(event, copy, "reassign", on, chosen)

    async def reacted(self, event: Reacted) -> None:
        action = REACTIONS.get(event.key.replace("\ufe0f", ""))
        if await asyncio.to_thread(self.inbox.seen, event.who.platform, event.event_id):
            return
        copy = await asyncio.to_thread(self.book.copy_at, event.who.platform, event.on)
        messages: list[Message] = []
        if action is not None and copy is not None:
            # What is said back answers the copy reacted to, not the reaction.
            at = _answering(event.who, event.room, event.on)
            messages = await self._act(at, copy, action, event.on, None)
        await self._handled(event.who, event.event_id, (messages, UNCHANGED))

    async def _act(
        self,
        event: Written,
        copy: tuple[int, str],
        action: Action,
        post: str,
        target: str | None,
    ) -> list[Message]:
        request_id, animator_id = copy
        acted = await self.service.act(
            Click(event.who, request_id, action, animator_id, post, target=target)
        )
        if acted.refused is not None:  # told in their own direct room, wherever they acted
            return [self._to_person(event, REFUSED[acted.refused])]
        updated = [acted.copy] if acted.copy is not None else []
        return [*updated, self._in_room(event, acted.text)]

    async def tell(self, who: Account, room: str, event_id: str, text: str) -> bool:
        """A message the bot cannot act on (unreadable, edited): said, so that the person can
        write it again. False when it was already handled."""
        said = self._in_room(_answering(who, room, event_id), text)
        return await self._handled(who, event_id, ([said], UNCHANGED))

    async def failed(self, who: Account, room: str, event_id: str) -> None:
        """An event that failed again and again: set aside with an apology, and the request
        in progress, if any, dropped (it may be what fails)."""
        apology = self.service.apology() + STARTED_AGAIN
        said = self._in_room(_answering(who, room, event_id), apology)
        await self._handled(who, event_id, ([said], None))

    async def tidy(self) -> None:
        """Forget, once an hour, the marks of old events and the conversations left behind."""
        now = self.service.clock.now()
        if now - self._tidied >= TIDY_EVERY:
            self._tidied = now
            await asyncio.to_thread(self.inbox.forget_before, now)

    def _in_room(self, event: Written, text: str) -> Message:
        to = Recipient("channel", event.room)
        return Message("send", event.who.platform, to, text, reply_to=event.event_id)

    def _to_person(self, event: Written, text: str) -> Message:
        return Message("send", event.who.platform, Recipient("user_id", event.who.id), text)

    async def _handled(self, who: Account, event_id: str, answer: Answer) -> bool:
        """Mark the event handled, with what it changes; False when it already was."""
        messages, conversation = answer
        new = await asyncio.to_thread(
            self.inbox.handled,
            who.platform,
            event_id,
            user_id=who.id,
            messages=messages,
            conversation=conversation,
            now=self.service.clock.now(),
        )
        if messages and new:
            self.wake()
        return new


def _answering(who: Account, room: str, event_id: str) -> Written:
    """Not a command: where to answer something someone did, replying to `event_id`."""
    return Written(who, "direct", room, event_id, "", False)
