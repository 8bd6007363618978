"""The inbound service: what people type, submit or click, from any chat platform, to values.

A platform package turns its payloads into these calls and the results into its own
shapes, nothing more. Everything else happens here, once for every platform:
running the core off the event loop when it touches the store, authorising
actions on a request, counting and logging (never what someone typed), answering
with an apology when something breaks, and waking the delivery worker.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.core.answers.who import contact_line
from bot.core.clock import Clock
from bot.core.commands import STORE_SUBCOMMANDS, Invocation, canonical, respond
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account, Platform
from bot.core.ports import Accounts, DeliveryError, PostBook
from bot.core.reply import Reply
from bot.core.requests.forms import read_submission
from bot.core.requests.lifecycle import RoutingError
from bot.core.requests.messages import Message
from bot.core.requests.model import Action
from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder

log = logging.getLogger("bot.command")

APOLOGY = (
    "Oups, je n'ai pas pu aller au bout : l'erreur vient de mon côté, pas de toi. "
    "Réessaie dans un instant ; si cela dure, écris à l'équipe d'animation"
)
Place = Literal["direct", "channel"]  # a conversation with the bot alone, or with others


@dataclass(frozen=True)
class Typed:
    """A command: who typed it, where, the text after the command's name, and the
    platform's id for it (the same command delivered twice has the same `command_id`)."""

    who: Account
    where: Place
    text: str
    command_id: str = ""


@dataclass(frozen=True)
class FormOutcome:
    """A form sent in: `errors` by field keep it open; `error` is general; neither, it is in."""

    errors: Mapping[str, str] = field(default_factory=dict)
    error: str = ""
    request_id: int | None = None


@dataclass(frozen=True)
class Click:
    """An action on a co-animator's copy of a request: `post_id` is the post acted on,
    `animator_id` the co-animator it was sent to (as the platform vouches for it)."""

    who: Account
    request_id: int
    action: Action
    animator_id: str
    post_id: str
    target: str | None = None


Refused = Literal["unknown_post", "not_for_you"]


@dataclass(frozen=True)
class Acted:
    """What an action did: `text` for the person who acted, `copy` their copy of the request
    as it should now read; or, before anything was done, why it was `refused`."""

    text: str = ""
    copy: Message | None = None
    refused: Refused | None = None


class Inbound:
    def __init__(
        self,
        *,
        holder: RegistryHolder,
        desk: Desk,
        clock: Clock,
        book: PostBook,
        accounts: Mapping[Platform, Accounts],
        metrics: Metrics | None = None,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.holder = holder
        self.desk = desk
        self.clock = clock
        self.book = book
        self.accounts = accounts
        self.metrics = metrics
        self.wake = wake

    @property
    def directory(self) -> Directory:
        return self.holder.directory

    async def command(self, typed: Typed) -> Reply:
        """The reply to a command; an apology, never an exception, when something breaks."""
        started = time.perf_counter()
        name = canonical(typed.text)
        invocation = Invocation(
            typed.text, typed.who, self.clock.today(), self.desk, command_id=typed.command_id
        )
        try:
            if name in STORE_SUBCOMMANDS:  # touches the store: off the event loop
                reply = await asyncio.to_thread(respond, self.directory, invocation)
            else:
                reply = respond(self.directory, invocation)
        except Exception:
            log.exception("command failed", extra={"subcommand": name})
            self._done(name, "error", typed.where, started)
            return Reply(self.apology(), "private")
        if reply.submitted is not None:
            self.wake()
        self._done(name, str(reply.data.get("status", "ok")), typed.where, started)
        return reply

    def apology(self) -> str:
        """What to say when something broke on our side: try again, or write to the team."""
        try:
            return f"{APOLOGY} : {contact_line(self.directory.registry)}."
        except Exception:  # no registry to name the team's contact: the sentence alone
            return f"{APOLOGY}."

    def refused(self, text: str, where: Place) -> None:
        """A command the platform adapter refused before it reached here (a wrong token)."""
        self._done(canonical(text), "refused", where, time.perf_counter())

    def _done(self, name: str, outcome: str, where: Place, started: float) -> None:
        """One log line and the metrics of a command: what kind, how it went, how long."""
        seconds = time.perf_counter() - started
        if self.metrics is not None:
            self.metrics.command(name, outcome, seconds)
        log.info(
            "command",
            extra={
                "subcommand": name,
                "outcome": outcome,
                "place": where,
                "ms": round(seconds * 1000, 2),
            },
        )

    async def submit(
        self, who: Account, *, category_id: str, values: Mapping[str, object], nonce: str
    ) -> FormOutcome:
        """A request form sent in. The same `nonce` twice stores one request."""
        directory = self.directory
        category = directory.registry.categories.get(category_id)
        if category is None:
            return FormOutcome(error="Ce type de demande n'existe plus : recommence ta demande.")
        draft = read_submission(directory, category, values, requester=who, nonce=nonce)
        if isinstance(draft, dict):
            return FormOutcome(errors=draft)
        try:
            stored = await asyncio.to_thread(self.desk.submit, directory, draft)
        except RoutingError as error:  # under the field it is about, when the form has it
            field = {"team": "team", "choice": "animator"}.get(category.routing, "")
            if field in category.fields:
                return FormOutcome(errors={field: str(error)})
            return FormOutcome(error=str(error))
        except Exception:
            log.exception("form submission failed")
            return FormOutcome(error=self.apology())
        self.wake()
        return FormOutcome(request_id=stored.request.id)

    async def act(self, click: Click) -> Acted:
        """Claim, close or reassign, from the co-animator the copy was sent to, on that copy."""
        try:
            refused = await asyncio.to_thread(self._authorise, click)
            if refused is not None:
                return Acted(refused=refused)
            directory = self.directory
            outcome = await asyncio.to_thread(
                self.desk.act,
                directory,
                click.request_id,
                click.action,
                click.animator_id,
                target=click.target,
            )
        except Exception:
            log.exception("action failed")
            return Acted(self.apology())
        self.wake()
        copy = None
        if outcome.request is not None:
            copy = self.desk.copy_for(
                directory.registry, outcome.request, animator_id=click.animator_id, kind="update"
            )
        return Acted(outcome.text, copy)

    def _authorise(self, click: Click) -> Refused | None:
        post = self.book.post_of(click.request_id, click.animator_id)
        if post is None or post.id != click.post_id or post.platform != click.who.platform:
            return "unknown_post"
        recipient = post.recipient or self._legacy_recipient(click)
        return None if recipient and recipient == click.who.id else "not_for_you"

    def _legacy_recipient(self, click: Click) -> str | None:
        """The account of a copy sent before recipients were recorded: the one the registry
        gives for that co-animator, as the platform resolves it today."""
        animator = self.directory.registry.animators.get(click.animator_id)
        handle = animator.handle(click.who.platform) if animator else None
        accounts = self.accounts.get(click.who.platform)
        if handle is None or accounts is None:
            return None
        try:
            return accounts.user_id(handle)
        except DeliveryError:
            return None
