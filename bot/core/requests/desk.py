"""The request desk: submit, claim, close, reassign, list. Rules from `lifecycle`, words from
`request_texts`, storage and delivery behind the `RequestStore` port."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.matching.directory import Directory
from bot.core.messages import Button, Kind, Message
from bot.core.ports import Clock, RequestStore
from bot.core.registry.model import Registry
from bot.core.requests import texts as say
from bot.core.requests.lifecycle import (
    Action,
    Draft,
    Request,
    Routing,
    allowed,
    claimed,
    closed,
    reassigned,
    route,
)


@dataclass(frozen=True)
class Submitted:
    request: Request
    routing: Routing
    created: bool
    confirmation: str


@dataclass(frozen=True)
class Outcome:
    """What a click did: `text` for the person who clicked, `request` as it is now."""

    done: bool
    text: str
    request: Request | None = None


def buttons(request: Request) -> tuple[Button, ...]:
    if request.status == "closed":
        return ()
    first: tuple[Button, ...] = () if request.status == "claimed" else ("claim",)
    middle: tuple[Button, ...] = () if request.confidential else ("reassign",)
    return (*first, *middle, "close")


def animator_post(registry: Registry, request: Request) -> tuple[str, tuple[Button, ...]]:
    """The text and buttons of a handler's DM, as the request stands now."""
    text = say.to_animator(registry, request)
    if request.status != "open" or request.claimed_by:
        text += "\n" + say.status_line(registry, request)
    return text, buttons(request)


def handler_post(registry: Registry, request: Request, *, kind: Kind, animator_id: str) -> Message:
    """The message (a new DM, or the update of the sent one) for one handler's post.
    Someone who no longer handles the request gets it without buttons."""
    text, actions = animator_post(registry, request)
    keeps = animator_id in request.handlers or animator_id == request.claimed_by
    return Message(
        kind,
        text,
        to="@" + registry.animators[animator_id].mattermost if kind == "dm" else "",
        request_id=request.id,
        post_of=animator_id,
        buttons=actions if keeps else (),
        choices=reassign_choices(registry, request),
        confidential=request.confidential,
    )


def reassign_choices(registry: Registry, request: Request) -> tuple[tuple[str, str], ...]:
    """The other co-animators, for « Réaffecter à… »; none for a confidential request."""
    if request.confidential:
        return ()
    return tuple(
        (a.id, a.name) for a in registry.animators.values() if a.id not in request.handlers
    )


Observer = Callable[[Request, str], None]  # (request, "opened" | "claim" | "close" | "reassign")


class Desk:
    def __init__(
        self,
        store: RequestStore,
        clock: Clock,
        *,
        triage_channel: str | None = None,
        observer: Observer | None = None,
    ):
        self.store = store
        self.clock = clock
        self.triage_channel = triage_channel
        self.observer = observer or (lambda request, event: None)

    def submit(self, directory: Directory, draft: Draft) -> Submitted:
        """Store the request and every message about it at once. Raises `RoutingError`."""
        registry = directory.registry
        today = self.clock.today()
        routing = route(registry, draft, today=today)
        request = Request(
            id=0,
            category_id=draft.category.id,
            confidential=draft.category.confidential,
            requester_id=draft.requester_id,
            requester_name=draft.requester_name,
            handlers=tuple(a.id for a in routing.handlers),
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
        text = say.confirmation(registry, stored, routing, today=today)
        return Submitted(stored, routing, created, text)

    def _first_messages(
        self, registry: Registry, request: Request, routing: Routing
    ) -> list[Message]:
        messages = self._handler_dms(registry, request)
        confirmation = say.confirmation(registry, request, routing, today=self.clock.today())
        messages.append(Message("dm", confirmation, to=request.requester_id, request_id=request.id))
        if self.triage_channel and not request.confidential:
            messages.append(
                Message(
                    "post",
                    say.triage(registry, request),
                    to=self.triage_channel,
                    request_id=request.id,
                )
            )
        return messages

    def _handler_dms(self, registry: Registry, request: Request) -> list[Message]:
        """One DM per person handling the request, each kept as that person's post."""
        return [handler_post(registry, request, kind="dm", animator_id=h) for h in request.handlers]

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
            return Outcome(False, "Je ne trouve pas cette demande.")
        refusal = allowed(before, action, animator_id)
        if refusal:
            return Outcome(False, say.refusal(registry, before, refusal), before)
        now = self.clock.now()
        if action == "claim":
            after = claimed(before, animator_id, now)
        elif action == "close":
            after = closed(before, animator_id, now)
        elif target is not None and target in registry.animators and target not in before.handlers:
            after = reassigned(before, target)
        else:
            return Outcome(False, "Choisis une autre personne de l'équipe d'animation.", before)
        messages = self._follow_up(registry, before, after, clicker=animator_id)
        if not self.store.replace(before, after, messages=messages, now=now):
            current = self.store.get(request_id) or before
            why = allowed(current, action, animator_id)
            text = (
                say.refusal(registry, current, why)
                if why
                else "Quelqu'un a agi en même temps : réessaie."
            )
            return Outcome(False, text, current)
        self.observer(after, action)
        return Outcome(True, _done(registry, after, action), after)

    def _follow_up(
        self, registry: Registry, before: Request, after: Request, *, clicker: str
    ) -> list[Message]:
        messages = [
            handler_post(registry, after, kind="update", animator_id=h)
            for h in before.handlers
            if h != clicker
        ]
        if after.handlers != before.handlers:
            messages += self._handler_dms(registry, after)
        messages.append(
            Message(
                "dm", say.to_requester(registry, after), to=after.requester_id, request_id=after.id
            )
        )
        return messages

    def listing(self, directory: Directory, *, user_id: str, username: str) -> str:
        registry = directory.registry
        now = self.clock.now()
        own = self.store.of_requester(user_id)
        animator = next((a for a in registry.animators.values() if a.mattermost == username), None)
        lines = []
        if own:
            lines.append("**Tes demandes**")
            lines += [say.listing_line(registry, r, now) for r in own]
        if animator:
            assigned = self.store.of_animator(animator.id)
            lines.append("**Les demandes qui te sont adressées, encore ouvertes**")
            lines += [say.listing_line(registry, r, now) for r in assigned] or ["- aucune"]
        if not lines:
            return "Tu n'as pas encore fait de demande. Pour en faire une : `/animation demande`"
        return "\n".join(lines)


def _done(registry: Registry, request: Request, action: Action) -> str:
    if action == "claim":
        return f"C'est noté : tu t'occupes de la demande n° {request.id}. La personne est prévenue."
    if action == "close":
        return f"Demande n° {request.id} close. La personne est prévenue."
    return f"Demande n° {request.id} réaffectée à {say.handlers_text(registry, request)}."
