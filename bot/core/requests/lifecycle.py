"""A request's life: routed to the right people, claimed, closed, reassigned. Pure rules."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from bot.core.matching.names import Entity
from bot.core.people import Platform, other
from bot.core.registry.model import Registry
from bot.core.registry.schema import Animator
from bot.core.requests.model import Action, Draft, Request


@dataclass(frozen=True)
class Routing:
    """Who gets a request, why (in French), who stands in for whom, and on which platform
    each assignee is told (by registry id)."""

    assignees: tuple[Animator, ...]
    reason: str
    replaced: tuple[tuple[Animator, Animator], ...] = ()  # (away, stand-in)
    platforms: Mapping[str, Platform] = field(default_factory=dict)


class RoutingError(Exception):
    """No one can take this request; the message says what to do, in French."""


def reach(animator: Animator, origin: Platform, platforms: Collection[Platform]) -> Platform | None:
    """Where to write to a co-animator about a request that came from `origin`: there when
    the registry gives their account there, else on the other platform; only platforms the
    bot serves (`platforms`). None: the bot cannot reach them."""
    for platform in (origin, other(origin)):
        if platform in platforms and animator.handle(platform) is not None:
            return platform
    return None


def route(
    registry: Registry, draft: Draft, *, today: date, platforms: Collection[Platform]
) -> Routing:
    """Who gets `draft`, among the people the bot can write to. Raises `RoutingError`."""
    routing = _route(registry, draft, today=today)
    origin = draft.requester.platform
    reached = {a.id: where for a in routing.assignees if (where := reach(a, origin, platforms))}
    if not reached:
        names = " et ".join(a.name for a in routing.assignees)
        email = registry.data.contact.email
        if draft.category.routing == "choice":
            raise RoutingError(
                f"Je ne peux pas joindre {names} depuis ici : choisis une autre personne, "
                f"ou écris à l'équipe d'animation ({email})."
            )
        raise RoutingError(
            f"Je ne peux pas joindre {names} depuis ici : écris à l'équipe d'animation "
            f"({email}), elle fera suivre ta demande."
        )
    assignees = tuple(a for a in routing.assignees if a.id in reached)
    return replace(routing, assignees=assignees, platforms=reached)


def _route(registry: Registry, draft: Draft, *, today: date) -> Routing:
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


# `closed_by` of a request the bot closed itself, its retention period over: not a registry
# id (those are slugs), so never anyone's.
AUTOMATIC = "(automatique)"


def closed_automatically(request: Request, at: datetime) -> Request:
    return replace(request, status="closed", closed_by=AUTOMATIC, closed_at=at)


def reassigned(request: Request, animator_id: str) -> Request:
    return replace(
        request, status="open", assignees=(animator_id,), claimed_by=None, claimed_at=None
    )
