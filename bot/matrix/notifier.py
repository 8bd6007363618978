"""Delivering one outbox message on Matrix: to a room, to a person's direct room (made if
need be), a co-animator's copy with its reactions ✋ and ✅, or the edit of that copy.

Every event is sent with a transaction id made from the outbox row's key, from the
one device the bot has: a retry, or a restart, gets the same event back from the
homeserver instead of a second one (Synapse keeps transaction ids a day).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future

from bot.core.people import Platform
from bot.core.ports import Delivery, DeliveryError, DirectRooms, Post, PostBook
from bot.core.registry.model import Registry
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Action
from bot.matrix.client import MatrixClient
from bot.matrix.render import MatrixRenderer, with_actions

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
        self._made: set[str] = set()  # direct rooms this process created
        self._sending: set[Future[None]] = set()  # deliveries under way, from the worker
        self._lock = threading.Lock()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """This process holds the session and has synced once on `loop`: deliveries start."""
        self.loop = loop

    def detach(self) -> None:
        """The session closes here: what is being sent stops (the outbox sends it again, with
        the same transaction id), the rest is left for whoever holds the session."""
        self.loop = None
        with self._lock:
            for sending in self._sending:
                sending.cancel()

    def active(self) -> bool:
        return self.loop is not None

    def deliver(self, message: Message, delivery: Delivery) -> None:
        if self.loop is None:
            raise DeliveryError("Matrix not connected yet", retryable=True)
        delivery.sending()  # every send below is idempotent, by its transaction id
        future = asyncio.run_coroutine_threadsafe(self._deliver(message, delivery.key), self.loop)
        with self._lock:
            self._sending.add(future)
        try:
            future.result(timeout=DELIVERY_TIMEOUT)
        except (TimeoutError, CancelledError) as error:
            future.cancel()
            raise DeliveryError(type(error).__name__, retryable=True) from None
        finally:
            with self._lock:
                self._sending.discard(future)

    async def _deliver(self, message: Message, key: str) -> None:
        if message.kind == "update":
            await self._edit(message, key)
            return
        room, recipient = await self._room(message.to)
        said = with_actions(message.text, message.buttons)
        content = self.renderer.content(said, reply_to=message.reply_to)
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
        content = self.renderer.edit(with_actions(message.text, message.buttons), of=post.id)
        await self.client.send(post.channel, content, tx_id=key)

    async def _room(self, to: Recipient) -> tuple[str, str | None]:
        """The room to write in and, for a person, their user id."""
        if to.kind == "channel":
            return to.id, None
        user = to.id if to.kind != "animator" else self._tchap_id(to.id)
        room = await asyncio.to_thread(self.rooms.room_of, MATRIX, user)
        if room in self._made and self.client.members(room) is None:  # not synced yet
            await self.client.known(room, user)
        if room is None or self.client.members(room) != 2:  # none, left, or others came in
            room = await self.client.direct_room(user)
            self._made.add(room)
            # Remembered at once: a retry waits for this room instead of making another.
            await asyncio.to_thread(self.rooms.remember, MATRIX, user, room)
            await self.client.known(room, user)
        return room, user

    def _tchap_id(self, animator_id: str) -> str:
        animator = self.registry().animators.get(animator_id)
        if animator is None or animator.tchap is None:
            raise DeliveryError("no Tchap account for this person", retryable=False)
        return animator.tchap
