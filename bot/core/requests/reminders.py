"""Requests that never sit forgotten: when each reminder is due, and what it says to whom.

A request still open and unclaimed `reminder_days` working days after it was made (its
category's, 2 by default; `workdays`) gets a **reminder** to the people it was sent to.
After twice that, the **escalation**: it is also sent to their backups (who then may
claim it, with the buttons), the people it was sent to are told, and so is the
requester. A confidential request is never sent to anyone else: the person chosen is
reminded, with nothing but the number and « demande confidentielle », and the requester
is told they may choose someone else.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Literal

from bot.core import markup
from bot.core.clock import PARIS
from bot.core.people import Platform
from bot.core.registry.model import Registry
from bot.core.requests import texts as say
from bot.core.requests.lifecycle import reach
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Request
from bot.core.requests.outgoing import copy_for, to_requester
from bot.core.text import french_date
from bot.core.workdays import add_working_days

Step = Literal["reminder", "escalation"]
STEPS: tuple[Step, ...] = ("reminder", "escalation")
DEFAULT_DAYS = 2


@dataclass(frozen=True)
class Plan:
    """What a step does: its messages and, for an escalation, the request with the backups
    among the people it is sent to (`after`; None when the request stays as it is)."""

    step: Step
    messages: tuple[Message, ...]
    after: Request | None = None


def days_of(registry: Registry, request: Request) -> int:
    category = registry.categories.get(request.category_id)
    return category.reminder_days if category else DEFAULT_DAYS


def due(registry: Registry, request: Request, step: Step) -> datetime:
    """When `step` is due for `request`: N working days after it was made, or 2N."""
    days = days_of(registry, request) * (1 if step == "reminder" else 2)
    return add_working_days(request.created_at, days)


def due_step(
    registry: Registry, request: Request, *, now: datetime, done: Collection[str]
) -> Step | None:
    """The latest step due and not done yet for a request nobody has claimed; a bot that
    was down through both sends the escalation only."""
    if request.status != "open" or request.claimed_by or "escalation" in done:
        return None
    if now >= due(registry, request, "escalation"):
        return "escalation"
    if now >= due(registry, request, "reminder") and "reminder" not in done:
        return "reminder"
    return None


def _dm(
    registry: Registry,
    request: Request,
    animator_id: str,
    text: str,
    platforms: Collection[Platform],
) -> Message | None:
    """A direct message to a co-animator about a request, which is not their copy of it
    (no request id: the copy with the buttons stays the one they got first)."""
    animator = registry.animators.get(animator_id)
    where = reach(animator, request.requester.platform, platforms) if animator else None
    if where is None:
        return None
    return Message("send", where, Recipient("animator", animator_id), text)


def confidential_reminder(request: Request) -> str:
    return f"🔒 Rappel : demande n° {request.id} · demande confidentielle."


def reminder_text(registry: Registry, request: Request) -> str:
    if request.confidential:
        return confidential_reminder(request)
    team = say.team_text(request)
    return (
        f"🔔 Rappel : la demande n° {request.id} ({say.category_label(registry, request)}"
        + (f", {team}" if team else "")
        + f") attend depuis le {french_date(_day(request))} que quelqu'un la prenne en charge. "
        f"Prends-la depuis son message, ou retrouve-la avec `{markup.command('mes-demandes')}`."
    )


def _day(request: Request) -> date:
    return request.created_at.astimezone(PARIS).date()


def backups_of(registry: Registry, request: Request, *, today: date) -> tuple[str, ...]:
    """Who stands in for the people a request was sent to (following absences), not already
    among them."""
    found: list[str] = []
    for animator_id in request.assignees:
        animator = registry.animators.get(animator_id)
        backup = registry.animators.get(animator.backup or "") if animator else None
        if backup is None:
            continue
        person = registry.on_duty(backup, today).person.id
        if person not in request.assignees and person not in found:
            found.append(person)
    return tuple(found)


def plan(
    registry: Registry,
    request: Request,
    step: Step,
    *,
    today: date,
    platforms: Collection[Platform],
) -> Plan:
    if step == "reminder" or request.confidential:
        text = reminder_text(registry, request)
        to_people = [_dm(registry, request, a, text, platforms) for a in request.assignees]
        told = [] if step == "reminder" else [to_requester(request, _unclaimed(registry, request))]
        return Plan(step, (*[m for m in to_people if m], *told))
    return _escalation(registry, request, today=today, platforms=platforms)


def _reachable(
    registry: Registry, request: Request, ids: tuple[str, ...], platforms: Collection[Platform]
) -> tuple[str, ...]:
    origin = request.requester.platform
    return tuple(i for i in ids if (a := registry.animators.get(i)) and reach(a, origin, platforms))


def _escalation(
    registry: Registry, request: Request, *, today: date, platforms: Collection[Platform]
) -> Plan:
    backups = _reachable(registry, request, backups_of(registry, request, today=today), platforms)
    after = replace(request, assignees=(*request.assignees, *backups)) if backups else None
    current = after or request
    stand_ins = say.receivers_text(registry, replace(request, assignees=backups))
    heads_up = (
        f"🔔 La demande n° {request.id} attend depuis le {french_date(_day(request))} : "
        f"je te l'envoie aussi, en relais. La première personne qui la prend en charge l'a."
    )
    copies = [
        replace(m, text=f"{heads_up}\n{m.text}")
        for m in (
            copy_for(registry, current, animator_id=b, kind="send", platforms=platforms)
            for b in backups
        )
    ]
    told = reminder_text(registry, request)
    if backups:
        told += f" Je l'envoie aussi à {stand_ins}, en relais."
    to_people = [_dm(registry, request, a, told, platforms) for a in request.assignees]
    requester = to_requester(current, _unclaimed(registry, request, stand_ins if backups else ""))
    return Plan("escalation", (*copies, *[m for m in to_people if m], requester), after)


def _unclaimed(registry: Registry, request: Request, stand_ins: str = "") -> str:
    """To the requester, at the escalation."""
    if request.confidential:
        category = registry.categories.get(request.category_id)
        word = category.word if category else "mal"
        return (
            f"🔒 Ta demande n° {request.id} n'est pas encore prise en charge. Tu peux attendre "
            "encore un peu, ou choisir une autre personne : "
            f"`{markup.command(f'demande {word}')}`. Rien n'a été transmis à personne d'autre."
        )
    if stand_ins:
        return (
            f"⏳ Ta demande n° {request.id} n'est pas encore prise en charge : je l'envoie aussi "
            f"à {stand_ins}, en relais. Je te préviens dès que quelqu'un s'en occupe."
        )
    contact = registry.data.contact
    return (
        f"⏳ Ta demande n° {request.id} n'est pas encore prise en charge : je l'ai rappelée. "
        f"Tu peux aussi écrire à toute l'équipe : {contact.email} ou {markup.channel()}."
    )
