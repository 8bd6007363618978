"""The fakes of the ports that platforms pushing events use (`Inbox`, `DirectRooms`,
`Leases`), beside `tests/fakes.py`, and like them shared by the tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.core.people import Platform
from bot.core.ports import Unchanged
from bot.core.requests.messages import Message
from tests.fakes import MemoryOutbox


class MemoryInbox:
    """The `Inbox` and `DirectRooms` ports in memory, enqueuing into a `MemoryOutbox`."""

    def __init__(self, outbox: MemoryOutbox) -> None:
        self.outbox = outbox
        self.events: set[tuple[str, str]] = set()
        self.conversations: dict[tuple[str, str], dict[str, Any]] = {}
        self.handled_at: dict[tuple[str, str], datetime] = {}  # events and conversations
        self.rooms: dict[tuple[str, str], str] = {}

    def seen(self, platform: Platform, event_id: str) -> bool:
        return (platform, event_id) in self.events

    def conversation(self, platform: Platform, user_id: str) -> Mapping[str, Any] | None:
        return self.conversations.get((platform, user_id))

    def handled(
        self,
        platform: Platform,
        event_id: str,
        *,
        user_id: str,
        messages: Sequence[Message],
        conversation: Mapping[str, Any] | Unchanged | None,
        now: datetime,
    ) -> bool:
        if (platform, event_id) in self.events:
            return False
        self.events.add((platform, event_id))
        self.handled_at[(platform, event_id)] = now
        if conversation is None:
            self.conversations.pop((platform, user_id), None)
        elif not isinstance(conversation, Unchanged):
            self.conversations[(platform, user_id)] = dict(conversation)
            self.handled_at[(platform, "conversation " + user_id)] = now
        self.outbox.enqueue(messages, now=now)
        return True

    def forget_before(self, moment: datetime) -> None:
        for (platform, key), when in list(self.handled_at.items()):
            if key.startswith("conversation ") and when < moment - timedelta(days=2):
                self.conversations.pop((platform, key.removeprefix("conversation ")), None)
            elif when < moment - timedelta(days=7):
                self.events.discard((platform, key))

    def room_of(self, platform: Platform, user_id: str) -> str | None:
        return self.rooms.get((platform, user_id))

    def remember(self, platform: Platform, user_id: str, room_id: str) -> None:
        self.rooms[(platform, user_id)] = room_id


@dataclass
class MemoryLeases:
    """The `Leases` port in memory: name -> (holder, until)."""

    held: dict[str, tuple[str, datetime]] = field(default_factory=dict)

    def hold(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        current = self.held.get(name)
        if current is not None and current[0] != holder and current[1] >= now:
            return False
        self.held[name] = (holder, until)
        return True

    def release(self, name: str, holder: str) -> None:
        if self.held.get(name, ("",))[0] == holder:
            del self.held[name]
