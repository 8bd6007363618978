"""The request desk: submit, claim, close, reassign, list. Rules from `requests.lifecycle`,
words from `requests.texts`, storage and delivery behind the `RequestStore` port."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bot.core import markup
from bot.core.clock import Clock
from bot.core.matching.directory import Directory
from bot.core.people import Account, Platform
from bot.core.ports import PostBook, RequestStore
from bot.core.registry.model import Registry
from bot.core.requests import texts as say
from bot.core.requests.lifecycle import (
    allowed,
    claimed,
    closed,
    reassigned,
    route,
)
from bot.core.requests.messages import Kind, Message, Recipient
from bot.core.requests.model import Action, Draft, Request
from bot.core.requests.outgoing import copy_for, reassign_choices, to_requester


@dataclass(frozen=True)
class Submitted:
    request: Request
    confirmation: str


@dataclass(frozen=True)
class Outcome:
    """What an action did: `text` for the person who acted, `request` as it is now."""

    text: str
    request: Request | None = None


Observer = Callable[[Request, str], None]  # (request, "opened" | "claim" | "close" | "reassign")


def _unobserved(request: Request, event: str) -> None:
    """No one watches: the default observer."""


@dataclass
class Desk:
    """`book`: the copies sent to co-animators. `platforms`: where the bot can write to
    people. `triage`: per platform, the channel where each non-confidential request is
    announced."""

    store: RequestStore
    book: PostBook
    clock: Clock
    platforms: tuple[Platform, ...]
    triage: Mapping[Platform, str] = field(default_factory=dict)
    observer: Observer = _unobserved

    def copy_for(
        self, registry: Registry, request: Request, *, animator_id: str, kind: Kind
    ) -> Message:
        """A co-animator's copy of the request, as it stands (`outgoing.copy_for`); an update
        goes where the copy was sent, whatever the registry says now."""
        message = copy_for(
            registry, request, animator_id=animator_id, kind=kind, platforms=self.platforms
        )
        sent = self.book.post_of(request.id, animator_id) if kind == "update" else None
        return message if sent is None else replace(message, platform=sent.platform)

    def submit(self, directory: Directory, draft: Draft) -> Submitted:
        """Store the request and every message about it at once. Raises `RoutingError`."""
        registry = directory.registry
        today = self.clock.today()
        routing = route(registry, draft, today=today, platforms=self.platforms)
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

        told: list[str] = []  # what the requester's message says, to answer the same

        def messages_for(stored: Request) -> list[Message]:
            told.append(say.confirmation(registry, stored, routing, today=today))
            return self._first_messages(registry, stored, told[-1])

        stored, created = self.store.create(request, nonce=draft.nonce, messages_for=messages_for)
        if not created:  # the same request sent again: its number, as the first time
            return Submitted(stored, say.confirmation(registry, stored, routing, today=today))
        self.observer(stored, "opened")
        return Submitted(stored, told[-1])

    def _first_messages(
        self, registry: Registry, request: Request, confirmation: str
    ) -> list[Message]:
        messages = [
            self.copy_for(registry, request, animator_id=a, kind="send") for a in request.assignees
        ]
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
            return Outcome(
                "Je ne trouve pas cette demande : retrouve les tiennes avec "
                f"`{markup.command('mes-demandes')}`."
            )
        if before.anonymised_at is not None:
            return Outcome(say.anonymised_text(before))
        refusal = allowed(before, action, animator_id)
        if refusal:
            return Outcome(say.refusal(registry, before, refusal), before)
        now = self.clock.now()
        if action == "claim":
            after = claimed(before, animator_id, now)
        elif action == "close":
            after = closed(before, animator_id, now)
        elif target is not None and target in dict(
            reassign_choices(registry, before, self.platforms)
        ):
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
            self.copy_for(registry, after, animator_id=a, kind="update")
            for a in before.assignees
            if a != actor
        ]
        if after.assignees != before.assignees:
            messages += [
                self.copy_for(registry, after, animator_id=a, kind="send") for a in after.assignees
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
