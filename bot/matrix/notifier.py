"""Delivering one outbox message on Matrix: to a room, to a person's direct room (made if
need be), a co-animator's copy with its reactions ✋ and ✅, or the edit of that copy.

Every event is sent with a transaction id made from the outbox row's key, from the
one device the bot has: a retry, or a restart, gets the same event back from the
homeserver instead of a second one (Synapse keeps transaction ids a day).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.core.people import Platform
from bot.core.ports import DeliveryError, DirectRooms, Post, PostBook
from bot.core.registry.model import Registry
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Action
from bot.matrix.client import MatrixClient
from bot.matrix.render import MatrixRenderer

MATRIX: Platform = "matrix"
REACTIONS: dict[Action, str] = {"claim": "✋", "close": "✅"}
DELIVERY_TIMEOUT = 60  # seconds for one message, from the worker's thread


class MatrixNotifier:
    """The `Notifier` port on Matrix. The worker calls it from its thread; the work runs on
    the loop of the sync (`attach`), where the client lives."""

    def __init__(
        self,
        client: MatrixClient,
        *,
        book: PostBook,
        rooms: DirectRooms,
        renderer: MatrixRenderer,
        registry: Callable[[], Registry],
    ) -> None:
        self.client = client
        self.book = book
        self.rooms = rooms
        self.renderer = renderer
        self.registry = registry
        self.loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """This process holds the session and has synced once on `loop`: deliveries start."""
        self.loop = loop

    def detach(self) -> None:
        """The session is closed here: Matrix messages are left for whoever holds it."""
        self.loop = None

    def active(self) -> bool:
        return self.loop is not None

    def deliver(self, message: Message, *, key: str) -> None:
        if self.loop is None:
            raise DeliveryError("Matrix not connected yet", retryable=True)
        future = asyncio.run_coroutine_threadsafe(self._deliver(message, key), self.loop)
        try:
            future.result(timeout=DELIVERY_TIMEOUT)
        except TimeoutError:
            future.cancel()
            raise DeliveryError("TimeoutError", retryable=True) from None

    async def _deliver(self, message: Message, key: str) -> None:
        if message.kind == "update":
            await self._edit(message, key)
            return
        room, recipient = await self._room(message.to)
        content = self.renderer.content(message.text, reply_to=message.reply_to)
        event_id = await self.client.send(room, content, tx_id=key)
        animator = message.animator_copy
        if animator is None or message.request_id is None:
            return
        post = Post(MATRIX, event_id, recipient, room)
        await asyncio.to_thread(self.book.record_post, message.request_id, animator, post)
        for action in message.buttons:
            if action in REACTIONS:
                await self.client.react(room, event_id, REACTIONS[action], tx_id=f"{key}.{action}")

    async def _edit(self, message: Message, key: str) -> None:
        post = await asyncio.to_thread(self.book.post_of, message.request_id or 0, message.to.id)
        if post is None:
            raise DeliveryError("the post to update is not sent yet", retryable=True)
        if post.platform != MATRIX or post.channel is None:
            raise DeliveryError("the post to update is on another platform", retryable=False)
        content = self.renderer.edit(message.text, of=post.id)
        await self.client.send(post.channel, content, tx_id=key)

    async def _room(self, to: Recipient) -> tuple[str, str | None]:
        """The room to write in and, for a person, their user id."""
        if to.kind == "channel":
            return to.id, None
        user = to.id if to.kind != "animator" else self._tchap_id(to.id)
        room = await asyncio.to_thread(self.rooms.room_of, MATRIX, user)
        if room is None or self.client.members(room) < 2:  # none yet, or left: a new one
            room = await self.client.direct_room(user)
            await asyncio.to_thread(self.rooms.remember, MATRIX, user, room)
        return room, user

    def _tchap_id(self, animator_id: str) -> str:
        animator = self.registry().animators.get(animator_id)
        if animator is None or animator.tchap is None:
            raise DeliveryError("no Tchap account for this person", retryable=False)
        return animator.tchap
