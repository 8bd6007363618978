"""Small ports between the core and the outside world."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.core.messages import Message
from bot.core.requests.lifecycle import Request

PARIS = ZoneInfo("Europe/Paris")


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    """Wall-clock time; dates are Paris dates, as the animators read them."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(PARIS).date()


class RequestStore(Protocol):
    """Where requests and the messages about them are kept, together."""

    def create(
        self, draft: Request, *, nonce: str, messages_for: Callable[[Request], Sequence[Message]]
    ) -> tuple[Request, bool]: ...

    def get(self, request_id: int) -> Request | None: ...

    def replace(
        self, before: Request, after: Request, *, messages: Sequence[Message], now: datetime
    ) -> bool: ...

    def of_requester(self, user_id: str, *, limit: int = 20) -> list[Request]: ...

    def of_animator(self, animator_id: str, *, limit: int = 20) -> list[Request]: ...

    def post_of(self, request_id: int, animator_id: str) -> str | None: ...
