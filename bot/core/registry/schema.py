"""The shape of `data/referents.yaml`, as strict pydantic models.

Strict mode matters here: YAML 1.1 reads `no`, `on` or `off` as booleans and
`1.10` as a number; a lenient model would turn them into text silently.
Every key is English, like beta.gouv.fr's own front matter; the comments at
the top of the YAML file explain them in French.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.core.people import Platform

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=120, strip_whitespace=True)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=600, strip_whitespace=True)]
Url = Annotated[str, StringConstraints(pattern=r"^https://\S+$", max_length=300)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", max_length=120)]
ChannelName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Alias = Annotated[str, StringConstraints(min_length=2, max_length=80, strip_whitespace=True)]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=120)]
# A Matrix user id, as Tchap gives them: `@prenom.nom-domaine.gouv.fr:agent.dinum.tchap.gouv.fr`.
MatrixId = Annotated[
    str,
    StringConstraints(pattern=r"^@[a-z0-9._=/+-]+:[a-z0-9.-]+(:[0-9]{1,5})?$", max_length=255),
]

MAX_REMINDER_DAYS = 20
Routing = Literal["team", "topic", "choice"]
FieldName = Literal["team", "subject", "details", "animator", "contact_method"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Contact(_Strict):
    email: Email
    channel: ChannelName
    page: Url


class Commitments(_Strict):
    link: Url
    items: list[LongText] = Field(min_length=1)


class Animator(_Strict):
    """A co-animator: one `id`; `mattermost` and `tchap` say how to reach them (one at least)."""

    id: Slug
    name: Label
    mattermost: Username | None = None
    tchap: MatrixId | None = None
    email: Email | None = None
    backup: Slug | None = None
    absent_until: date | None = None
    placeholder: bool = False
    public_email: bool = False  # `email` shown on the public directory page
    digest: bool = True  # the weekly list of their open requests, by direct message

    def handle(self, platform: Platform) -> str | None:
        """Their username (Mattermost) or user id (Matrix) on `platform`, if the registry has it."""
        return self.mattermost if platform == "mattermost" else self.tchap


class TeamReferent(_Strict):
    startup: ExternalId
    referents: list[Slug] = Field(min_length=1)
    aliases: list[Alias] = []


class IncubatorReferent(_Strict):
    incubator: ExternalId
    referents: list[Slug] = Field(min_length=1)
    aliases: list[Alias] = []


class Topic(_Strict):
    id: Slug
    name: Label
    description: LongText | None = None
    referents: list[Slug] = Field(min_length=1)
    aliases: list[Alias] = []


class Category(_Strict):
    """A type of request. `keywords`: the words people use for it (`devis`, `bon de commande`);
    the first is the one the help shows (`/animation demande devis`)."""

    id: Slug
    label: Label
    description: LongText
    routing: Routing
    topic: Slug | None = None
    confidential: bool = False
    fields: list[FieldName] = Field(min_length=1)
    keywords: list[Alias] = []
    # Working days a request may stay unclaimed before a reminder (twice that: its backups).
    reminder_days: int = Field(default=2, ge=1, le=MAX_REMINDER_DAYS)

    @property
    def word(self) -> str:
        """The word that asks for it: its first keyword, else its id."""
        return self.keywords[0] if self.keywords else self.id

    def label_terms(self) -> tuple[str, ...]:
        """Its label, and each part of it (« Convention, devis, service fait »: the three)."""
        parts = [part.strip() for part in _LABEL_PARTS.split(self.label)]
        return (self.label, *[p for p in parts if p and p != self.label])

    def terms(self) -> tuple[str, ...]:
        """Every phrase that names it: its id, its label's, its keywords."""
        return (self.id, *self.label_terms(), *self.keywords)


_LABEL_PARTS = re.compile(r",| ou ")


class RegistryFile(_Strict):
    version: Literal[1]
    contact: Contact
    commitments: Commitments
    animators: list[Animator] = Field(min_length=1)
    teams: list[TeamReferent] = []
    incubators: list[IncubatorReferent] = []
    topics: list[Topic] = []
    categories: list[Category] = Field(min_length=1)
