"""What goes to Mattermost, as values written to the outbox with the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["dm", "post", "update"]
Button = Literal["claim", "close", "reassign"]


@dataclass(frozen=True)
class Message:
    """One message to deliver.

    `dm`: a direct message from the bot to the Mattermost user `to` (a user id, or
    `@username`).
    `post`: a post in the channel whose id is `to`.
    `update`: replace the text and buttons of the DM sent for this request to the
    animator `post_of`.
    A `dm` with `post_of` set is that animator's copy: its post id is kept so
    that later clicks and updates can be checked against it.
    """

    kind: Kind
    text: str
    to: str = ""
    request_id: int | None = None
    post_of: str | None = None
    buttons: tuple[Button, ...] = ()
    choices: tuple[tuple[str, str], ...] = field(default=())  # reassign menu: (id, label)
    confidential: bool = False  # the buttons then say « Je prends contact »

    def payload(self) -> dict[str, Any]:
        return {
            "to": self.to,
            "text": self.text,
            "post_of": self.post_of,
            "buttons": list(self.buttons),
            "choices": [list(choice) for choice in self.choices],
            "confidential": self.confidential,
        }

    @classmethod
    def from_row(cls, kind: str, request_id: int | None, payload: dict[str, Any]) -> Message:
        return cls(
            kind=kind,  # type: ignore[arg-type]
            text=str(payload.get("text", "")),
            to=str(payload.get("to", "")),
            request_id=request_id,
            post_of=payload.get("post_of"),
            buttons=tuple(payload.get("buttons", ())),
            choices=tuple((str(a), str(b)) for a, b in payload.get("choices", ())),
            confidential=bool(payload.get("confidential", False)),
        )
