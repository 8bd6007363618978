"""The ports between the core and the outside world: the request store, the outbox,
the post book, and the notifiers that deliver on each chat platform.

Each has one implementation per technology (SQL in `bot.store`, a platform in
`bot.mattermost`) and one recording fake the tests share (`tests/fakes.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.core.people import Account, Platform
from bot.core.requests.messages import Message
from bot.core.requests.model import Request
from bot.core.requests.retention import Retention as Retention  # defined beside its rules
from bot.core.stats import Fact


class RequestStore(Protocol):
    """Where requests and the messages about them are kept, together."""

    def create(
        self, draft: Request, *, nonce: str, messages_for: Callable[[Request], Sequence[Message]]
    ) -> tuple[Request, bool]:
        """Store `draft` and its messages at once; the same `nonce` again gives back the first
        request and False."""

    def get(self, request_id: int) -> Request | None: ...

    def replace(
        self, before: Request, after: Request, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        """Write `after` and its messages only if the request is still `before`."""

    def of_requester(self, requester: Account, *, limit: int = 20) -> list[Request]: ...

    def of_animator(self, animator_id: str, *, limit: int = 20) -> list[Request]:
        """Open requests addressed to, or claimed by, this co-animator."""

    def facts(self, *, since: datetime) -> list[Fact]:
        """What the transparency figures need of each request made since `since`: no person,
        no text (`stats.Fact`)."""


class Reminders(Protocol):
    """What the reminders and digests have done, kept with the messages they send, so that
    each (request, step) and each (co-animator, week) happens once, whatever the replicas."""

    def unclaimed(self) -> list[tuple[Request, frozenset[str]]]:
        """The open requests nobody has claimed, each with the steps already done."""

    def remind(
        self,
        before: Request,
        step: str,
        *,
        after: Request | None,
        messages: Sequence[Message],
        now: datetime,
    ) -> bool:
        """Record `step` for the request (an escalation records the reminder too), write
        `after` if given and the request is still `before`, and enqueue `messages`, in one
        transaction. False, and nothing done, when the step was done already or the
        request changed."""

    def open_requests(self) -> list[Request]:
        """Every request not closed yet."""

    def digest(
        self, animator_id: str, week: str, *, messages: Sequence[Message], now: datetime
    ) -> bool:
        """Record the digest of `week` for this co-animator and enqueue `messages`, at once;
        False, and nothing done, when it was sent already."""


@dataclass(frozen=True)
class Post:
    """A co-animator's copy of a request, as sent: on which platform, its id there, the
    account it went to (None for copies sent before that was recorded) and the
    conversation it is in (a Mattermost channel, a Matrix room: editing a Matrix event
    needs its room)."""

    platform: Platform
    id: str
    recipient: str | None
    channel: str | None = None


class PostBook(Protocol):
    """Which post each co-animator received for a request: actions must come from it."""

    def record_post(self, request_id: int, animator_id: str, post: Post) -> None: ...

    def post_of(self, request_id: int, animator_id: str) -> Post | None: ...

    def copy_at(self, platform: Platform, post_id: str) -> tuple[int, str] | None:
        """The (request id, co-animator id) whose copy this post is, if it is one."""


class Unchanged:
    """Said of a conversation that an event leaves as it was (`Inbox.handled`)."""


UNCHANGED = Unchanged()


class Inbox(Protocol):
    """What people write to the bot on a platform that pushes events (Matrix): each event
    is handled once, and what it changes (the person's conversation, the messages it gives
    rise to) is kept with the mark that it was handled, in one step."""

    def seen(self, platform: Platform, event_id: str) -> bool: ...

    def conversation(self, platform: Platform, user_id: str) -> Mapping[str, Any] | None: ...

    def handled(
        self,
        platform: Platform,
        event_id: str,
        *,
        user_id: str,
        messages: Sequence[Message],
        conversation: Mapping[str, Any] | Unchanged | None,
        now: datetime,
    ) -> bool:
        """Mark the event handled, enqueue `messages` and set the person's conversation
        (None ends it). False, and nothing done, when it was handled already."""

    def forget_before(self, moment: datetime) -> None:
        """Forget the marks of events handled a week before `moment` (a platform redelivers
        within hours) and the conversations left untouched for two days (they expire in one)."""


class DirectRooms(Protocol):
    """Each person's direct conversation with the bot, on platforms where it is a room."""

    def room_of(self, platform: Platform, user_id: str) -> str | None: ...

    def remember(self, platform: Platform, user_id: str, room_id: str) -> None: ...


class DeliveryError(Exception):
    """A platform refused or failed a delivery. `retryable`: it may work later (network,
    rate limit, server error); otherwise it never will, and the message is dead-lettered.
    Its message is stored (`last_error`): never a server's words, kept in `detail`."""

    def __init__(
        self, message: str, *, retryable: bool, status: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status
        self.detail = detail


class LeaseLost(Exception):
    """Another replica has taken this message over: this one must not send it."""


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Delivery:
    """One attempt at delivering an outbox message.

    `key`: the message's own id, the same across retries, restarts and replicas. The
    platform is given it to drop a resend (Mattermost's `pending_post_id`, a Matrix
    transaction id), and the message carries it, so that it can be found again.
    `tried_at`: when an earlier attempt began to send it, if one did. That attempt may
    have reached the platform: look for the message there before sending it again.
    `sending`: to call right before the call that creates or changes something on the
    platform. It raises `LeaseLost` when this replica no longer owns the message, and
    records that an attempt began.
    """

    key: str
    tried_at: datetime | None = None
    sending: Callable[[], None] = _nothing


class Notifier(Protocol):
    """Delivers messages on one platform."""

    def active(self) -> bool:
        """Whether this process delivers on this platform now (a Matrix session is held by
        one process at a time; until then its messages are left for the one that has it)."""

    def deliver(self, message: Message, delivery: Delivery) -> None:
        """Deliver `message`, once. Raises `DeliveryError`, or `LeaseLost` from
        `delivery.sending`."""


class Leases(Protocol):
    """What only one process may run at a time, such as the session of a Matrix account."""

    def hold(self, name: str, holder: str, *, now: datetime, until: datetime) -> bool:
        """Take `name` for `holder`, or keep it, until `until`; False while another holds it
        (a lease not renewed in time is free to take)."""

    def release(self, name: str, holder: str) -> None:
        """Give `name` back, if `holder` has it."""


class Accounts(Protocol):
    """A platform's user ids, by the username the registry gives."""

    def user_id(self, username: str) -> str:
        """Raises `DeliveryError` when the platform cannot say."""


@dataclass(frozen=True)
class OutboxItem:
    """A message taken from the outbox. `holder` is the claim's fencing token: every later
    step on the message (renewing, sending, marking it) holds only while the outbox still
    gives the message to this claim."""

    id: int
    attempts: int
    message: Message
    key: str
    holder: str
    tried_at: datetime | None = None


class Outbox(Protocol):
    """Messages waiting to be delivered, taken under a lease so that one replica sends each.

    A lease lasts less than the platforms remember a resend (Mattermost: 30 s) and its
    holder renews it while it works; once it lapses, another replica may claim the
    message, and the first one's steps then do nothing (they return False)."""

    def claim(
        self, *, now: datetime, lease: timedelta, platforms: Sequence[Platform], limit: int = 10
    ) -> list[OutboxItem]: ...

    def renew(self, items: Sequence[OutboxItem], *, until: datetime) -> int:
        """Extend the lease of those still held by their claim; how many are."""

    def sending(self, item: OutboxItem, *, now: datetime, until: datetime) -> bool:
        """Right before sending: whether the claim still holds `item` (then its lease is
        extended to `until`, and that an attempt began at `now` is kept)."""

    def release(self, items: Sequence[OutboxItem], *, at: datetime) -> None:
        """Give claimed messages back untried, due again `at`."""

    def sent(self, item: OutboxItem, *, now: datetime) -> bool: ...

    def retry(self, item: OutboxItem, *, error: str, at: datetime) -> bool: ...

    def dead(self, item: OutboxItem, *, error: str) -> bool: ...

    def counts(self) -> dict[str, int]:
        """How many messages are pending, sent, dead and dropped."""
