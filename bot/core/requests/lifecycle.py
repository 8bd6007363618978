"""A request's life: routed to the right people, claimed, closed, reassigned. Pure rules."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from bot.core.matching.names import Entity
from bot.core.registry.model import Registry
from bot.core.registry.schema import Animator, Category

Status = Literal["open", "claimed", "closed"]
Action = Literal["claim", "close", "reassign"]
CONTACT_METHODS = {
    "tchap": "Tchap",
    "mattermost": "message direct Mattermost",
    "email": "e-mail",
    "appel": "un appel",
}


@dataclass(frozen=True)
class Draft:
    """What a person asked, checked, before it is stored."""

    category: Category
    requester_id: str
    requester_name: str
    nonce: str
    team: Entity | None = None
    subject: str = ""
    details: str = ""
    chosen: str | None = None  # animator id, when the requester picks
    contact_method: str = ""


@dataclass(frozen=True)
class Routing:
    handlers: tuple[Animator, ...]
    reason: str  # why these people, in French
    replaced: tuple[tuple[Animator, Animator], ...] = ()  # (away, stand-in)


class RoutingError(Exception):
    """No one can take this request; the message says what to do, in French."""


@dataclass(frozen=True)
class Request:
    id: int
    category_id: str
    confidential: bool
    requester_id: str
    requester_name: str
    handlers: tuple[str, ...]
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

    @property
    def owner(self) -> str | None:
        """Who has it: the person who claimed it, else the only handler."""
        if self.claimed_by:
            return self.claimed_by
        return self.handlers[0] if len(self.handlers) == 1 else None


def route(registry: Registry, draft: Draft, *, today: date) -> Routing:
    category = draft.category
    if category.routing == "choice":
        chosen = registry.animators.get(draft.chosen or "")
        if chosen is None:
            raise RoutingError("Choisis la personne de l'équipe d'animation à qui parler.")
        people: tuple[Animator, ...] = (chosen,)
        reason = "la personne que tu as choisie"
    elif category.routing == "topic":
        topic = registry.topics[category.topic or ""]
        people = registry.for_topic(topic).animators
        reason = f"référente ou référent du sujet « {topic.name} »"
    else:
        people, reason = _team_people(registry, draft.team)
    return _on_duty(registry, people, reason, today=today, confidential=category.confidential)


def _team_people(registry: Registry, team: Entity | None) -> tuple[tuple[Animator, ...], str]:
    if team is None:
        raise RoutingError("Indique ton équipe ou ton incubateur.")
    if team.kind == "incubator":
        assignment = registry.for_incubator(registry.catalog.incubators[team.id])
    else:
        assignment = registry.for_startup(registry.catalog.startups[team.id])
    if not assignment.animators:
        raise RoutingError(
            "Personne n'est encore désigné pour cette équipe : écris à l'équipe d'animation "
            f"({registry.data.contact.email})."
        )
    if assignment.reason == "team":
        return assignment.animators, "référente ou référent de l'équipe"
    incubator = assignment.incubator.name if assignment.incubator else ""
    return assignment.animators, f"référente ou référent de l'incubateur {incubator}"


def _on_duty(
    registry: Registry,
    people: tuple[Animator, ...],
    reason: str,
    *,
    today: date,
    confidential: bool,
) -> Routing:
    handlers: list[Animator] = []
    replaced = []
    for animator in people:
        duty = registry.on_duty(animator, today)
        if duty.replaced and not confidential:
            replaced.append((animator, duty.person))
        # A confidential request goes to the person chosen, even when away: nobody else
        # may read it. The requester is told they are away and can choose someone else.
        person = animator if confidential else duty.person
        if person.id not in {h.id for h in handlers}:
            handlers.append(person)
    return Routing(tuple(handlers), reason, tuple(replaced))


Refusal = Literal["closed", "taken", "not_yours", "not_addressed", "confidential"]


def allowed(request: Request, action: Action, animator_id: str) -> Refusal | None:
    """None when `animator_id` may do `action` on `request`; else why not."""
    if request.status == "closed":
        return "closed"
    if action == "claim" and request.status == "claimed":
        return "taken"
    if request.claimed_by and request.claimed_by != animator_id:
        return "not_yours"
    if not request.claimed_by and animator_id not in request.handlers:
        return "not_addressed"
    if action == "reassign" and request.confidential:
        return "confidential"
    return None


def claimed(request: Request, animator_id: str, at: datetime) -> Request:
    return replace(request, status="claimed", claimed_by=animator_id, claimed_at=at)


def closed(request: Request, animator_id: str, at: datetime) -> Request:
    claimant = request.claimed_by or animator_id
    return replace(
        request, status="closed", claimed_by=claimant, closed_by=animator_id, closed_at=at
    )


def reassigned(request: Request, animator_id: str) -> Request:
    return replace(
        request, status="open", handlers=(animator_id,), claimed_by=None, claimed_at=None
    )
