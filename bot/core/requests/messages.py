"""What the bot sends on its own (not in reply to a command): values written to the outbox
with the request they are about, delivered later by a platform's notifier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.core.people import Platform
from bot.core.requests.model import Action

Kind = Literal["send", "update"]
RecipientKind = Literal["animator", "user_id", "username", "channel"]


@dataclass(frozen=True)
class Recipient:
    """Who or where: a co-animator by registry id (the platform's notifier finds their
    account), a person by platform user id or, offline, by username, or a channel by id."""

    kind: RecipientKind
    id: str


@dataclass(frozen=True)
class Message:
    """One message to deliver on `platform`, in Markdown with placeholders (`markup`).

    `send`: a new message to `to` (a person gets it in their direct conversation
    with the bot), as a reply to `reply_to` where the platform threads replies. A
    `send` to a co-animator about a request is that person's copy: the platform
    records it, so that later actions and updates can be checked against it.
    `update`: replace the text and buttons of that copy, for `to`.
    """

    kind: Kind
    platform: Platform
    to: Recipient
    text: str
    request_id: int | None = None
    buttons: tuple[Action, ...] = ()  # the co-animator's actions, as buttons or reactions
    choices: tuple[tuple[str, str], ...] = field(default=())  # reassign menu: (id, label)
    confidential: bool = False  # the first button then says « Je prends contact »
    reply_to: str | None = None  # on platforms that thread replies: the message answered

    @property
    def animator_copy(self) -> str | None:
        """The co-animator whose copy of a request this message is, if it is one."""
        if self.to.kind == "animator" and self.request_id is not None:
            return self.to.id
        return None

    def payload(self) -> dict[str, Any]:
        return {
            "to": {self.to.kind: self.to.id},
            "text": self.text,
            "buttons": list(self.buttons),
            "choices": [list(choice) for choice in self.choices],
            "confidential": self.confidential,
            "reply_to": self.reply_to,
        }

    @classmethod
    def from_row(
        cls, *, kind: str, platform: str, request_id: int | None, payload: dict[str, Any]
    ) -> Message:
        ((to_kind, to_id),) = dict(payload["to"]).items()
        return cls(
            kind=kind,  # type: ignore[arg-type]
            platform=platform,  # type: ignore[arg-type]
            to=Recipient(to_kind, str(to_id)),
            text=str(payload.get("text", "")),
            request_id=request_id,
            buttons=tuple(payload.get("buttons", ())),
            choices=tuple((str(a), str(b)) for a, b in payload.get("choices", ())),
            confidential=bool(payload.get("confidential", False)),
            reply_to=payload.get("reply_to"),
        )
