"""How long a request is kept, and what is due now: pure rules, the clock given.

- A closed request is **anonymised** `closed` calendar months after it was closed (12 by
  default), a confidential one `confidential_closed` months after (3): who asked, what
  they wrote, how to reach them, the team and the co-animators are erased for good; its
  type, whether it is confidential, its status and its dates stay, which is all the
  transparency figures read (`stats.Fact`).
- A confidential request is never kept open more than `confidential_open` months (6): it
  is then **closed by the bot** (`lifecycle.AUTOMATIC`), the requester and the person
  who had it are told with nothing but its number and « demande confidentielle », and it
  is anonymised like any confidential request, `confidential_closed` months later. One
  rule for every closed request: the notices can be delivered, and the requester can
  still see it closed in « mes demandes » for a while; then the notices go with it.
- What is tied to no request and may be about a confidential one (messages such as
  reminders and digests, conversations in progress) goes after the shortest period.

Months are counted in Paris time, as people count them: 12 months before 15 March 10:00
is 15 March 10:00 the year before; from the 31st, the last day of a shorter month.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Protocol

from bot.core import markup
from bot.core.clock import PARIS
from bot.core.people import Account, Platform
from bot.core.registry.model import Registry
from bot.core.requests.lifecycle import closed_automatically, reach
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Request
from bot.core.requests.outgoing import to_requester
from bot.core.requests.texts import at


@dataclass(frozen=True)
class Periods:
    """How long, in calendar months: a closed request is kept, a confidential one once
    closed, and a confidential one may stay open."""

    closed: int = 12
    confidential_closed: int = 3
    confidential_open: int = 6


@dataclass(frozen=True)
class Cutoffs:
    """As of `now`, the moments at or before which each period is over: a request closed
    then is anonymised (`closed`, `confidential_closed`); a confidential one made then and
    still open is closed (`confidential_opened`); what is tied to no request and was
    written then is erased (`loose`)."""

    now: datetime
    closed: datetime
    confidential_closed: datetime
    confidential_opened: datetime

    @property
    def loose(self) -> datetime:
        return self.confidential_closed


@dataclass(frozen=True)
class Tally:
    """How many requests closed (open too long) and anonymised, and how many messages and
    conversations erased: by one purge, or due now (`purge --essai`). Never more."""

    closed: int = 0
    anonymised: int = 0
    messages: int = 0
    drafts: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.closed + other.closed,
            self.anonymised + other.anonymised,
            self.messages + other.messages,
            self.drafts + other.drafts,
        )

    @property
    def total(self) -> int:
        return self.closed + self.anonymised + self.messages + self.drafts


def months_before(moment: datetime, months: int) -> datetime:
    """`moment` moved back `months` calendar months, in Paris time."""
    local = moment.astimezone(PARIS)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month + 1)[1])
    return local.replace(year=year, month=month + 1, day=day).astimezone(UTC)


def cutoffs(now: datetime, periods: Periods) -> Cutoffs:
    return Cutoffs(
        now=now,
        closed=months_before(now, periods.closed),
        confidential_closed=months_before(now, periods.confidential_closed),
        confidential_opened=months_before(now, periods.confidential_open),
    )


def anonymise_due(request: Request, due: Cutoffs) -> bool:
    if request.anonymised_at is not None or request.status != "closed":
        return False
    limit = due.confidential_closed if request.confidential else due.closed
    return request.closed_at is not None and request.closed_at <= limit


def close_due(request: Request, due: Cutoffs) -> bool:
    """A confidential request open (claimed or not) for its longest time."""
    return (
        request.confidential
        and request.status != "closed"
        and request.created_at <= due.confidential_opened
    )


def anonymised(request: Request, at: datetime) -> Request:
    """The request with nobody and nothing personal left in it, for good."""
    return replace(
        request,
        requester=Account(request.requester.platform, "", ""),
        assignees=(),
        team_kind=None,
        team_id=None,
        team_name=None,
        subject="",
        details="",
        contact_method="",
        routing_reason="",
        claimed_by=None,
        closed_by=None,
        anonymised_at=at,
    )


@dataclass(frozen=True)
class Closing:
    """A confidential request closed by the bot (`after`), and what tells its people."""

    after: Request
    messages: tuple[Message, ...]


def closing(
    registry: Registry,
    request: Request,
    *,
    now: datetime,
    periods: Periods,
    platforms: Collection[Platform],
) -> Closing:
    """Close a confidential request open too long: the requester told, and the person who
    had it (or each one it was sent to) told, their copy left without buttons. Only its
    number and « demande confidentielle »: nothing else of it is written again."""
    after = closed_automatically(request, now)
    months = periods.confidential_open
    head = f"🔒 Demande n° {request.id} · demande confidentielle"
    told = to_requester(
        after,
        f"🔒 Ta demande n° {request.id} · demande confidentielle est close : elle était ouverte "
        f"depuis {months} mois, le plus longtemps que je garde une demande confidentielle. "
        f"Si tu veux encore en parler, refais une demande : `{markup.command('demande')}`",
    )
    messages = [told]
    people = (request.claimed_by,) if request.claimed_by else request.assignees
    for animator_id in people:
        animator = registry.animators.get(animator_id)
        where = reach(animator, request.requester.platform, platforms) if animator else None
        if where is None:
            continue
        to = Recipient("animator", animator_id)
        copy = f"{head}\n☑️ Close automatiquement {at(now)}, ouverte depuis {months} mois."
        messages.append(Message("update", where, to, copy, request_id=request.id))
        # Not their copy (no request id): the one with the buttons stays the first.
        notice = f"{head} : close automatiquement, ouverte depuis {months} mois."
        messages.append(Message("send", where, to, f"{notice} La personne est prévenue."))
    return Closing(after, tuple(messages))


class Retention(Protocol):
    """The port (`core.ports` exports it): requests past their period, and what is left of
    them. Each step is safe on several replicas at once (a request is closed once, with its
    notices) and each batch is one short transaction."""

    def open_too_long(self, due: Cutoffs, *, limit: int) -> list[Request]:
        """Confidential requests still open (claimed or not), made at or before
        `due.confidential_opened`, oldest first."""

    def close(self, before: Request, after: Request, *, messages: Sequence[Message]) -> bool:
        """Write `after` and enqueue `messages`, at once, only if the request is still
        `before`; False, and nothing done, otherwise."""

    def anonymise(self, due: Cutoffs, *, limit: int) -> Tally:
        """Anonymise (`anonymised`, at `due.now`) up to `limit` requests whose period is
        over, with what carries their people or words: their messages not being sent right
        now, the copies recorded, their reminders. How many requests and messages."""

    def sweep(self, due: Cutoffs, *, limit: int) -> Tally:
        """Erase up to `limit` messages left (of anonymised requests; tied to none and
        written at or before `due.loose`), none being sent right now, and the conversations
        untouched since `due.loose`. How many of each."""

    def backlog(self, due: Cutoffs) -> Tally:
        """What a purge would do now, counted; nothing changed."""
