"""A request's life: routed to the right people, claimed, closed, reassigned. Pure rules."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from bot.core.matching.names import Entity
from bot.core.registry.model import Registry
from bot.core.registry.schema import Animator
from bot.core.requests.model import Action, Draft, Request


@dataclass(frozen=True)
class Routing:
    assignees: tuple[Animator, ...]
    reason: str  # why these people, in French
    replaced: tuple[tuple[Animator, Animator], ...] = ()  # (away, stand-in)


class RoutingError(Exception):
    """No one can take this request; the message says what to do, in French."""


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
    assignees: list[Animator] = []
    replaced = []
    for animator in people:
        duty = registry.on_duty(animator, today)
        if duty.replaced and not confidential:
            replaced.append((animator, duty.person))
        # A confidential request goes to the person chosen, even when away: nobody else
        # may read it. The requester is told they are away and can choose someone else.
        person = animator if confidential else duty.person
        if person.id not in {a.id for a in assignees}:
            assignees.append(person)
    return Routing(tuple(assignees), reason, tuple(replaced))


Refusal = Literal["closed", "taken", "not_yours", "not_addressed", "confidential"]


def allowed(request: Request, action: Action, animator_id: str) -> Refusal | None:
    """None when `animator_id` may do `action` on `request`; else why not."""
    if request.status == "closed":
        return "closed"
    if action == "claim" and request.status == "claimed":
        return "taken"
    if request.claimed_by and request.claimed_by != animator_id:
        return "not_yours"
    if not request.claimed_by and animator_id not in request.assignees:
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
        request, status="open", assignees=(animator_id,), claimed_by=None, claimed_at=None
    )
