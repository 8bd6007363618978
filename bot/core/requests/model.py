"""A request, as a value: what was asked, by whom, to whom it went, where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.core.matching.names import Entity
from bot.core.people import Account
from bot.core.registry.schema import Category
from bot.core.vocabulary import Vocabulary

Status = Literal["open", "claimed", "closed"]
Action = Literal["claim", "close", "reassign"]
ACTIONS: tuple[Action, ...] = ("claim", "close", "reassign")
CONTACT_METHODS = {
    "tchap": "Tchap",
    "mattermost": "message direct Mattermost",
    "email": "e-mail",
    "appel": "un appel",
}
# What people call each way to reach them (accents, plurals and slips are tolerated anyway).
CONTACT_WORDS = {
    "tchap": ("tchap", "matrix", "element"),
    "mattermost": ("mattermost", "mm", "message privé", "message direct", "mp", "dm", "message"),
    "email": ("email", "e-mail", "mail", "courriel", "mél", "adresse mail"),
    "appel": (
        "appel",
        "appeler",
        "téléphone",
        "téléphoner",
        "tél",
        "coup de fil",
        "call",
        "visio",
        "visioconférence",
    ),
}
CONTACTS = Vocabulary(
    [(key, key) for key in CONTACT_METHODS]
    + [(label, key) for key, label in CONTACT_METHODS.items()]
    + [(word, key) for key, words in CONTACT_WORDS.items() for word in words]
)


@dataclass(frozen=True)
class Draft:
    """What a person asked, checked, before it is stored. `nonce`: the same twice, one request."""

    category: Category
    requester: Account
    nonce: str
    team: Entity | None = None
    subject: str = ""
    details: str = ""
    chosen: str | None = None  # animator id, when the requester picks
    contact_method: str = ""


@dataclass(frozen=True)
class Request:
    """A stored request. `assignees`: the co-animators it is addressed to (registry ids)."""

    id: int
    category_id: str
    confidential: bool
    requester: Account
    assignees: tuple[str, ...]
    status: Status
    created_at: datetime
    team_kind: str | None = None
    team_id: str | None = None
    team_name: str | None = None
    subject: str = ""
    details: str = ""
    contact_method: str = ""
    routing_reason: str = ""
    claimed_by: str | None = None
    claimed_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    # When its person and its words were erased, its retention period over (`retention`).
    anonymised_at: datetime | None = None

    @property
    def owner(self) -> str | None:
        """Who has it: the person who claimed it, else the only assignee."""
        if self.claimed_by:
            return self.claimed_by
        return self.assignees[0] if len(self.assignees) == 1 else None
