"""Connections closed or refused by a limit, logged without flooding.

The first one of a burst is logged at once; the others are counted and logged as one
line per reason at the end of each interval, with how many. Nothing about the client:
no address, nothing it sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Callable
from typing import Literal

log = logging.getLogger("bot.connections")

Reason = Literal[
    "refused",  # more open connections than allowed: closed on accept
    "idle",  # a new connection that sent no request in time
    "slow_headers",  # a request whose headers did not arrive in time
    "headers_too_large",  # request headers larger than allowed
    "slow_body",  # a request whose body did not arrive in time
    "busy",  # too many requests in flight: answered 503
]
Later = Callable[[float, Callable[[], None]], object]


class ClosedLog:
    """Counts per reason; one log line per reason and `interval` at most, past the first."""

    def __init__(self, *, interval: float = 10.0, later: Later | None = None) -> None:
        self.interval = interval
        self._later = later  # the running loop's call_later unless given (tests)
        self.pending: Counter[str] = Counter()
        self.totals: Counter[str] = Counter()
        self._armed = False

    def add(self, reason: Reason) -> None:
        self.totals[reason] += 1
        self.pending[reason] += 1
        if not self._armed:  # quiet for a while: say it now, then wait a whole interval
            self.flush()

    def flush(self) -> None:
        """Log what is pending; wait one interval before the next line, if more comes."""
        if not self.pending:
            self._armed = False
            return
        for reason, count in sorted(self.pending.items()):
            log.warning(
                "connections closed by a limit",
                extra={"event": "connection_limit", "reason": reason, "count": count},
            )
        self.pending.clear()
        self._armed = True
        later = self._later or asyncio.get_running_loop().call_later
        later(self.interval, self.flush)
