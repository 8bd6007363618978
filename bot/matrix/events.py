"""What a sync brings, as plain values read from the events' JSON, and what of it is for
the bot: the command's prefix, replies, the history before it came."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.matrix.render import COMMAND

EventKind = Literal["text", "reaction", "unreadable", "edited", "joined", "other"]
_PREFIX = re.compile(rf"^\s*{re.escape(COMMAND)}(?=\s|$)", re.IGNORECASE)
_REPLY_FALLBACK = re.compile(r"\A(?:> [^\n]*\n)+\n", re.MULTILINE)


@dataclass(frozen=True)
class Event:
    """One timeline event. `text`: a message's body; `relates_to`: the event a reaction is
    on, or a reply answers; `key`: a reaction's emoji; `joined`: a member who joined."""

    kind: EventKind
    event_id: str
    sender: str
    text: str = ""
    relates_to: str | None = None
    key: str = ""
    joined: str = ""


@dataclass(frozen=True)
class Invite:
    room: str
    inviter: str
    direct: bool


@dataclass(frozen=True)
class Batch:
    """One sync: invitations, and each joined room's new events in order (`gap`: the
    homeserver left some out, to fetch before them)."""

    next_batch: str = ""
    invites: list[Invite] = field(default_factory=list)
    timelines: dict[str, list[Event]] = field(default_factory=dict)
    gaps: dict[str, tuple[str, str]] = field(default_factory=dict)  # room -> (from, back to)


def read(answer: Any, since: str | None) -> Batch:
    """A sync's answer, as this module's values (nio's objects are read by their JSON)."""
    batch = Batch(next_batch=str(answer.next_batch))
    for room_id, info in answer.rooms.invite.items():
        for raw in info.invite_state:  # nio keeps a member's content apart from its source
            if getattr(raw, "membership", None) == "invite":
                content = getattr(raw, "content", None) or {}
                inviter = str(getattr(raw, "sender", ""))
                batch.invites.append(Invite(room_id, inviter, bool(content.get("is_direct"))))
    for room_id, info in answer.rooms.join.items():
        batch.timelines[room_id] = [event_of(raw) for raw in info.timeline.events]
        if info.timeline.limited and info.timeline.prev_batch and since:
            batch.gaps[room_id] = (str(info.timeline.prev_batch), since)
    return batch


def event_of(raw: Any) -> Event:
    """One timeline event: a decrypted event reads as what it was before encryption; one
    still encrypted could not be read."""
    source = getattr(raw, "source", {}) or {}
    kind, content = source.get("type"), source.get("content") or {}
    event_id, sender = str(source.get("event_id", "")), str(source.get("sender", ""))
    relation = content.get("m.relates_to") or {}
    if relation.get("rel_type") == "m.replace":  # an edit: what was first written counts
        return Event("edited", event_id, sender)
    if kind == "m.room.message" and isinstance(content.get("body"), str):
        reply = (relation.get("m.in_reply_to") or {}).get("event_id")
        return Event("text", event_id, sender, text=content["body"], relates_to=reply)
    if kind == "m.reaction" and relation.get("rel_type") == "m.annotation":
        on, key = relation.get("event_id"), str(relation.get("key", ""))
        return Event("reaction", event_id, sender, relates_to=on, key=key)
    if kind == "m.room.encrypted":
        return Event("unreadable", event_id, sender)
    if kind == "m.room.member" and content.get("membership") == "join":
        return Event("joined", event_id, sender, joined=str(source.get("state_key", "")))
    return Event("other", event_id, sender)


def addressed(text: str, *, direct: bool) -> tuple[str, bool] | None:
    """The text after the command's name and whether it was there; None when it is not for
    the bot (in a room, only what starts with `!animation` is)."""
    found = _PREFIX.match(text)
    if found is not None:
        return text[found.end() :].strip(), True
    return (text.strip(), False) if direct else None


def without_quote(text: str) -> str:
    """A reply's text without the quote of the message it answers (the reply fallback)."""
    return _REPLY_FALLBACK.sub("", text, count=1)


def after_joining(events: list[Event], me: str) -> list[Event]:
    """The events after the bot's own arrival in the room, when it is in this batch: what
    was written before is the room's history, not for the bot."""
    for index in range(len(events) - 1, -1, -1):
        if events[index].kind == "joined" and events[index].joined == me:
            return events[index + 1 :]
    return events


def server_of(user_id: str) -> str:
    return user_id.partition(":")[2]
