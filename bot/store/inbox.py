"""The inbox of platforms that push events (Matrix), in SQL: events handled once, what
they change kept with the mark, and each person's direct room with the bot."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.people import Platform
from bot.core.ports import Unchanged
from bot.core.requests.messages import Message
from bot.store.requests import enqueue
from bot.store.tables import conversations, direct_rooms, inbound_events

KEPT = timedelta(days=7)  # a platform redelivers within hours; older marks go
LEFT_BEHIND = timedelta(days=2)  # a conversation expires after a day without an answer


class SqlInbox:
    """The `Inbox` and `DirectRooms` ports in SQL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def seen(self, platform: Platform, event_id: str) -> bool:
        query = select(inbound_events.c.event_id).where(
            (inbound_events.c.platform == platform) & (inbound_events.c.event_id == event_id)
        )
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def conversation(self, platform: Platform, user_id: str) -> Mapping[str, Any] | None:
        query = select(conversations.c.state).where(
            (conversations.c.platform == platform) & (conversations.c.user_id == user_id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else dict(row.state)

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
        mark = {"platform": platform, "event_id": event_id, "handled_at": now}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(inbound_events).values(mark))
                if not isinstance(conversation, Unchanged):
                    self._converse(connection, platform, user_id, conversation, now)
                enqueue(connection, messages, now=now)
        except IntegrityError:
            return False  # handled already, by this process before a restart or another
        return True

    @staticmethod
    def _converse(
        connection: Any,
        platform: Platform,
        user_id: str,
        state: Mapping[str, Any] | None,
        now: datetime,
    ) -> None:
        key = (conversations.c.platform == platform) & (conversations.c.user_id == user_id)
        connection.execute(delete(conversations).where(key))
        if state is not None:
            values = {"platform": platform, "user_id": user_id, "state": dict(state)}
            connection.execute(insert(conversations).values(values | {"updated_at": now}))

    def forget_before(self, moment: datetime) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(inbound_events).where(inbound_events.c.handled_at < moment - KEPT)
            )
            connection.execute(
                delete(conversations).where(conversations.c.updated_at < moment - LEFT_BEHIND)
            )

    def room_of(self, platform: Platform, user_id: str) -> str | None:
        query = select(direct_rooms.c.room_id).where(
            (direct_rooms.c.platform == platform) & (direct_rooms.c.user_id == user_id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else str(row.room_id)

    def remember(self, platform: Platform, user_id: str, room_id: str) -> None:
        key = (direct_rooms.c.platform == platform) & (direct_rooms.c.user_id == user_id)
        with self.engine.begin() as connection:
            changed = connection.execute(update(direct_rooms).where(key).values(room_id=room_id))
            if changed.rowcount == 0:
                values = {"platform": platform, "user_id": user_id, "room_id": room_id}
                connection.execute(insert(direct_rooms).values(values))
