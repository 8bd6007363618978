"""The weekly digest: each co-animator gets, in a direct message, the list of the open
requests sent to them or claimed by them, on the first working day of the week at 9:00
(Paris), during that day. Nothing when they have none; never when the registry says
`digest: false`.
Confidential requests show their number and « demande confidentielle » only."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta

from bot.core import markup
from bot.core.clock import PARIS
from bot.core.people import Platform
from bot.core.registry.model import Registry
from bot.core.registry.schema import Animator
from bot.core.requests import texts as say
from bot.core.requests.lifecycle import reach
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Request
from bot.core.workdays import CLOSES, working_moment


def week_of(now: datetime) -> str:
    """The ISO week, in Paris: « 2026-W49 »."""
    year, week, _ = now.astimezone(PARIS).isocalendar()
    return f"{year}-W{week:02d}"


def digest_time(now: datetime) -> datetime:
    """When this week's digest goes: its first working day, at 9:00 in Paris."""
    local = now.astimezone(PARIS)
    monday = local.date() - timedelta(days=local.weekday())
    return working_moment(datetime.combine(monday, datetime.min.time(), tzinfo=PARIS))


def is_due(now: datetime) -> bool:
    """Whether this week's digest goes now: during its working day, from 9:00 to 18:00 (a
    replica started later that week sends none; after a week of holidays, none at all)."""
    moment = digest_time(now)
    end = datetime.combine(moment.date(), CLOSES, tzinfo=PARIS)
    return moment <= now < end and week_of(moment) == week_of(now)


def _line(registry: Registry, request: Request, now: datetime) -> str:
    if request.confidential:
        return f"- n° {request.id} · 🔒 demande confidentielle"
    status = say.STATUS_LABELS.get(request.status, request.status)
    team = say.team_text(request)
    return (
        f"- n° {request.id} · {say.category_label(registry, request)}"
        + (f" · {team}" if team else "")
        + f" · {status} · {say.age(request.created_at, now)}"
    )


def digest(
    registry: Registry,
    animator: Animator,
    requests: Sequence[Request],
    *,
    now: datetime,
    platforms: Collection[Platform],
) -> Message | None:
    """The digest for `animator`, or None: they turned it off, have nothing open, or the bot
    cannot write to them."""
    if not animator.digest or not requests:
        return None
    where = reach(animator, "mattermost", platforms)
    if where is None:
        return None
    lines = [
        f"🗓️ Tes demandes encore ouvertes, ce {_weekday(now)} ({len(requests)}) :",
        *[_line(registry, r, now) for r in sorted(requests, key=lambda r: r.id)],
        f"Le détail : `{markup.command('mes-demandes')}`. Pour ne plus recevoir cette liste, "
        "ajoute `digest: false` à ta fiche dans le registre.",
    ]
    return Message("send", where, Recipient("animator", animator.id), "\n".join(lines))


def _weekday(now: datetime) -> str:
    day: date = now.astimezone(PARIS).date()
    return ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")[day.weekday()]
