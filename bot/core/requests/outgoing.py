"""The messages a request gives rise to, and on which platform each person gets them."""

from __future__ import annotations

from collections.abc import Collection

from bot.core.people import Platform
from bot.core.registry.model import Registry
from bot.core.requests import texts as say
from bot.core.requests.lifecycle import reach
from bot.core.requests.messages import Kind, Message, Recipient
from bot.core.requests.model import Action, Request


def buttons(request: Request) -> tuple[Action, ...]:
    if request.status == "closed":
        return ()
    first: tuple[Action, ...] = () if request.status == "claimed" else ("claim",)
    middle: tuple[Action, ...] = () if request.confidential else ("reassign",)
    return (*first, *middle, "close")


def copy_for(
    registry: Registry,
    request: Request,
    *,
    animator_id: str,
    kind: Kind,
    platforms: Collection[Platform],
) -> Message:
    """A co-animator's copy of the request (new, or an update of the one sent), as the request
    stands now. Only who may act on it gets buttons: the person who claimed it, else each
    assignee. Someone no longer reachable is written to where the request came from."""
    text = say.to_animator(registry, request)
    moved_away = animator_id not in request.assignees and animator_id != request.claimed_by
    if request.status != "open" or request.claimed_by or moved_away:
        text += "\n" + say.status_line(registry, request)
    if request.claimed_by:
        keeps = animator_id == request.claimed_by
    else:
        keeps = animator_id in request.assignees
    animator = registry.animators.get(animator_id)
    origin = request.requester.platform
    where = reach(animator, origin, platforms) if animator else None
    return Message(
        kind,
        where or origin,
        Recipient("animator", animator_id),
        text,
        request_id=request.id,
        buttons=buttons(request) if keeps else (),
        choices=reassign_choices(registry, request, platforms),
        confidential=request.confidential,
    )


def reassign_choices(
    registry: Registry, request: Request, platforms: Collection[Platform]
) -> tuple[tuple[str, str], ...]:
    """The other co-animators the bot can reach, for « Réaffecter à… »; none for a
    confidential request."""
    if request.confidential:
        return ()
    origin = request.requester.platform
    return tuple(
        (a.id, a.name)
        for a in registry.animators.values()
        if a.id not in request.assignees and reach(a, origin, platforms)
    )


def to_requester(request: Request, text: str) -> Message:
    """A message to the requester, in their conversation with the bot."""
    who = request.requester
    to = Recipient("user_id", who.id) if who.id else Recipient("username", who.handle)
    return Message("send", who.platform, to, text, request_id=request.id)
