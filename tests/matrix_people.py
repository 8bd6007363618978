"""People on Matrix, for the tests: real nio clients with end-to-end encryption, as Element
would be, that write to the bot, react, and read what it answers."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    LoginResponse,
    MegolmEvent,
    ReactionEvent,
    RoomCreateResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

TIMELINE = {"room": {"timeline": {"limit": 500}}}  # a joined room's whole recent history
ENCRYPTED = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}


@dataclass
class Said:
    """A message as a person's client received it."""

    room: str
    event_id: str
    sender: str
    body: str
    html: str
    source: dict[str, Any]


@dataclass
class Person:
    homeserver: str
    user_id: str
    password: str
    store: Path
    received: list[Said] = field(default_factory=list)
    reactions: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # room, sender, on, key
    undecryptable: int = 0

    async def open(self) -> Person:
        """Their one device, as an app keeps it: logged in once, its session restored after."""
        self.store.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(store_sync_tokens=True, encryption_enabled=True)
        self.nio = AsyncClient(
            self.homeserver, self.user_id, store_path=str(self.store), config=config
        )
        session = self.store / "session.json"
        if session.exists():
            saved = json.loads(session.read_text())
            self.nio.restore_login(self.user_id, saved["device_id"], saved["access_token"])
        else:
            answer = await self.nio.login(self.password, device_name="tests")
            assert isinstance(answer, LoginResponse), answer
            saved = {"device_id": answer.device_id, "access_token": answer.access_token}
            session.write_text(json.dumps(saved))
        await self.step(0)
        return self

    async def close(self) -> None:
        await self.nio.close()

    async def step(self, timeout_ms: int = 300) -> None:
        """One sync: invitations accepted, what arrived kept, keys exchanged."""
        answer = await self.nio.sync(timeout=timeout_ms, sync_filter=TIMELINE)
        assert isinstance(answer, SyncResponse), answer
        for room_id, info in answer.rooms.invite.items():
            if any(isinstance(e, InviteMemberEvent) for e in info.invite_state):
                await self.nio.join(room_id)
        for room_id, info in answer.rooms.join.items():
            for event in info.timeline.events:
                if isinstance(event, MegolmEvent):
                    self.undecryptable += 1
                elif isinstance(event, ReactionEvent):
                    self.reactions.append((room_id, event.sender, event.reacts_to, event.key))
                elif isinstance(event, RoomMessageText):
                    content = event.source.get("content", {})
                    html = content.get("formatted_body", "")
                    self.received.append(
                        Said(room_id, event.event_id, event.sender, event.body, html, event.source)
                    )
        if self.nio.should_upload_keys:
            await self.nio.keys_upload()
        if self.nio.should_query_keys:
            await self.nio.keys_query()
        if self.nio.should_claim_keys:
            await self.nio.keys_claim(self.nio.get_users_for_key_claiming())
        await self.nio.send_to_device_messages()

    async def direct_room(self, bot: str, *, encrypted: bool = True) -> str:
        """A direct room with the bot, once the bot has joined it."""
        answer = await self.nio.room_create(
            is_direct=True, invite=[bot], initial_state=[ENCRYPTED] if encrypted else []
        )
        assert isinstance(answer, RoomCreateResponse), answer
        await self.until(lambda: bot in self.members(answer.room_id), what="the bot to join")
        return str(answer.room_id)

    async def room(self, bot: str, *others: str) -> str:
        """A room without encryption, with the bot and others."""
        answer = await self.nio.room_create(name="Une équipe", invite=[bot, *others])
        assert isinstance(answer, RoomCreateResponse), answer
        await self.until(lambda: bot in self.members(answer.room_id), what="the bot to join")
        return str(answer.room_id)

    def members(self, room: str) -> set[str]:
        known = self.nio.rooms.get(room)
        return set() if known is None else set(known.users)

    async def say(
        self, room: str, text: str, *, reply_to: str | None = None, html: str | None = None
    ) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if html is not None:  # as rich-text clients send it, beside the plain body
            content |= {"format": "org.matrix.custom.html", "formatted_body": html}
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        answer = await self.nio.room_send(
            room, "m.room.message", content, ignore_unverified_devices=True
        )
        assert isinstance(answer, RoomSendResponse), answer
        return str(answer.event_id)

    async def react(self, room: str, event_id: str, key: str) -> str:
        relation = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}
        answer = await self.nio.room_send(
            room, "m.reaction", relation, ignore_unverified_devices=True
        )
        assert isinstance(answer, RoomSendResponse), answer
        return str(answer.event_id)

    async def until(self, condition: Any, *, within: float = 30, what: str = "") -> Any:
        """Sync until `condition()` is true (at most `within` seconds); its value."""
        deadline = time.monotonic() + within
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id}: waited {within} s for {what}")
            await self.step()

    async def answer(self, room: str | None, *, after: int, within: float = 30) -> Said:
        """The next message from someone else in `room` (any room: None), beyond the first
        `after` received."""

        def arrived() -> Said | None:
            found = [
                s
                for s in self.received[after:]
                if (room is None or s.room == room) and s.sender != self.user_id
            ]
            return found[0] if found else None

        said: Said = await self.until(arrived, within=within, what=f"a message in {room}")
        return said

    def from_(self, sender: str, *, text: str = "") -> list[Said]:
        """What `sender` wrote to this person, in every room, with `text` in it."""
        return [s for s in self.received if s.sender == sender and text in s.body]


async def person(homeserver: str, user_id: str, password: str, store: Path) -> Person:
    return await Person(homeserver, user_id, password, store).open()


def run(coroutine: Any) -> Any:
    """A test's conversation, run to its end (each test brings its own event loop)."""
    return asyncio.run(coroutine)
