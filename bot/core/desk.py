"""The request desk: submit, claim, close, reassign, list. Rules from `requests.lifecycle`,
words from `requests.texts`, storage and delivery behind the `RequestStore` port."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from bot.core import markup
from bot.core.clock import Clock
from bot.core.matching.directory import Directory
from bot.core.messages import Kind, Message, Recipient
from bot.core.people import Account, Platform
from bot.core.ports import RequestStore
from bot.core.registry.model import Registry
from bot.core.requests import texts as say
from bot.core.requests.lifecycle import (
    Routing,
    allowed,
    claimed,
    closed,
    reassigned,
    route,
)
from bot.core.requests.model import Action, Draft, Request


@dataclass(frozen=True)
class Submitted:
    request: Request
    confirmation: str


@dataclass(frozen=True)
class Outcome:
    """What an action did: `text` for the person who acted, `request` as it is now."""

    text: str
    request: Request | None = None


def buttons(request: Request) -> tuple[Action, ...]:
    if request.status == "closed":
        return ()
    first: tuple[Action, ...] = () if request.status == "claimed" else ("claim",)
    middle: tuple[Action, ...] = () if request.confidential else ("reassign",)
    return (*first, *middle, "close")


def platform_of(registry: Registry, request: Request, animator_id: str) -> Platform:
    """Where this co-animator is told about the request (`Registry.reach`)."""
    animator = registry.animators.get(animator_id)
    origin = request.requester.platform
    return origin if animator is None else registry.reach(animator, origin)


def assignee_message(
    registry: Registry, request: Request, *, kind: Kind, animator_id: str
) -> Message:
    """A co-animator's copy of the request (new, or an update of the one sent), as the request
    stands now. Only who may act on it gets buttons: the person who claimed it, else each
    assignee."""
    text = say.to_animator(registry, request)
    if request.status != "open" or request.claimed_by:
        text += "\n" + say.status_line(registry, request)
    if request.claimed_by:
        keeps = animator_id == request.claimed_by
    else:
        keeps = animator_id in request.assignees
    return Message(
        kind,
        platform_of(registry, request, animator_id),
        Recipient("animator", animator_id),
        text,
        request_id=request.id,
        buttons=buttons(request) if keeps else (),
        choices=reassign_choices(registry, request),
        confidential=request.confidential,
    )


def reassign_choices(registry: Registry, request: Request) -> tuple[tuple[str, str], ...]:
    """The other co-animators, for « Réaffecter à… »; none for a confidential request."""
    if request.confidential:
        return ()
    return tuple(
        (a.id, a.name) for a in registry.animators.values() if a.id not in request.assignees
    )


def to_requester(request: Request, text: str) -> Message:
    """A message to the requester, in their conversation with the bot."""
    who = request.requester
    to = Recipient("user_id", who.id) if who.id else Recipient("username", who.name)
    return Message("send", who.platform, to, text, request_id=request.id)


Observer = Callable[[Request, str], None]  # (request, "opened" | "claim" | "close" | "reassign")


def _unobserved(request: Request, event: str) -> None:
    """No one watches: the default observer."""


@dataclass
class Desk:
    """`triage`: per platform, the channel where each non-confidential request is announced."""

    store: RequestStore
    clock: Clock
    triage: Mapping[Platform, str] = field(default_factory=dict)
    observer: Observer = _unobserved

    def submit(self, directory: Directory, draft: Draft) -> Submitted:
        """Store the request and every message about it at once. Raises `RoutingError`."""
        registry = directory.registry
        today = self.clock.today()
        routing = route(registry, draft, today=today)
        request = Request(
            id=0,
            category_id=draft.category.id,
            confidential=draft.category.confidential,
            requester=draft.requester,
            assignees=tuple(a.id for a in routing.assignees),
            status="open",
            created_at=self.clock.now(),
            team_kind=draft.team.kind if draft.team else None,
            team_id=draft.team.id if draft.team else None,
            team_name=draft.team.name if draft.team else None,
            subject=draft.subject,
            details=draft.details,
            contact_method=draft.contact_method,
            routing_reason=routing.reason,
        )

        def messages_for(stored: Request) -> list[Message]:
            return self._first_messages(registry, stored, routing)

        stored, created = self.store.create(request, nonce=draft.nonce, messages_for=messages_for)
        if created:
            self.observer(stored, "opened")
        return Submitted(stored, say.confirmation(registry, stored, routing, today=today))

    def _first_messages(
        self, registry: Registry, request: Request, routing: Routing
    ) -> list[Message]:
        messages = [
            assignee_message(registry, request, kind="send", animator_id=a)
            for a in request.assignees
        ]
        confirmation = say.confirmation(registry, request, routing, today=self.clock.today())
        messages.append(to_requester(request, confirmation))
        if not request.confidential:
            messages += [
                Message(
                    "send",
                    platform,
                    Recipient("channel", channel),
                    say.triage(registry, request),
                    request_id=request.id,
                )
                for platform, channel in self.triage.items()
            ]
        return messages

    def act(
        self,
        directory: Directory,
        request_id: int,
        action: Action,
        animator_id: str,
        *,
        target: str | None = None,
    ) -> Outcome:
        registry = directory.registry
        before = self.store.get(request_id)
        if before is None:
            return Outcome("Je ne trouve pas cette demande.")
        refusal = allowed(before, action, animator_id)
        if refusal:
            return Outcome(say.refusal(registry, before, refusal), before)
        now = self.clock.now()
        if action == "claim":
            after = claimed(before, animator_id, now)
        elif action == "close":
            after = closed(before, animator_id, now)
        elif target is not None and target in registry.animators and target not in before.assignees:
            after = reassigned(before, target)
        else:
            return Outcome("Choisis une autre personne de l'équipe d'animation.", before)
        messages = self._follow_up(registry, before, after, actor=animator_id)
        if not self.store.replace(before, after, messages=messages, now=now):
            current = self.store.get(request_id) or before
            why = allowed(current, action, animator_id)
            text = (
                say.refusal(registry, current, why)
                if why
                else "Quelqu'un a agi en même temps : réessaie."
            )
            return Outcome(text, current)
        self.observer(after, action)
        return Outcome(_done(registry, after, action), after)

    def _follow_up(
        self, registry: Registry, before: Request, after: Request, *, actor: str
    ) -> list[Message]:
        """The other assignees' copies updated, new assignees told, the requester told. The
        actor's own copy is updated by the platform, in its answer to the action."""
        messages = [
            assignee_message(registry, after, kind="update", animator_id=a)
            for a in before.assignees
            if a != actor
        ]
        if after.assignees != before.assignees:
            messages += [
                assignee_message(registry, after, kind="send", animator_id=a)
                for a in after.assignees
            ]
        messages.append(to_requester(after, say.to_requester(registry, after)))
        return messages

    def listing(self, directory: Directory, who: Account) -> str:
        """`mes-demandes`: their requests, and, for a co-animator, the open ones sent to them."""
        registry = directory.registry
        now = self.clock.now()
        own = self.store.of_requester(who)
        animator = registry.animator_of(who)
        lines = []
        if own:
            lines.append("**Tes demandes**")
            lines += [say.listing_line(registry, r, now) for r in own]
        if animator:
            assigned = self.store.of_animator(animator.id)
            lines.append("**Les demandes qui te sont adressées, encore ouvertes**")
            lines += [say.listing_line(registry, r, now) for r in assigned] or ["- aucune"]
        if not lines:
            return (
                "Tu n'as pas encore fait de demande. Pour en faire une : "
                f"`{markup.command('demande')}`"
            )
        return "\n".join(lines)


def _done(registry: Registry, request: Request, action: Action) -> str:
    if action == "claim":
        return f"C'est noté : tu t'occupes de la demande n° {request.id}. La personne est prévenue."
    if action == "close":
        return f"Demande n° {request.id} close. La personne est prévenue."
    return f"Demande n° {request.id} réaffectée à {say.assignees_text(registry, request)}."
