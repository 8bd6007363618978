"""How much one person may write to the bot: a flood from one account must not hold up the
others. A token bucket per person, in memory (each process counts for itself)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    """`burst` messages at once, then one every `every` seconds; the first message over the
    limit gets a warning (`warn`), at most once every `quiet` seconds."""

    burst: int = 30
    every: float = 1.0
    quiet: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, when
    _warned: dict[str, float] = field(default_factory=dict)

    def allows(self, who: str) -> bool:
        now = self.clock()
        tokens, then = self._buckets.get(who, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - then) / self.every)
        allowed = tokens >= 1
        self._buckets[who] = (tokens - 1 if allowed else tokens, now)
        if len(self._buckets) > 10_000:  # forget the quiet ones, whose buckets are full
            self._buckets = {k: v for k, v in self._buckets.items() if v[0] < self.burst - 1}
        return allowed

    def warn(self, who: str) -> bool:
        """Whether to tell this person they are over the limit (not every time)."""
        now = self.clock()
        if now - self._warned.get(who, -self.quiet) < self.quiet:
            return False
        self._warned[who] = now
        if len(self._warned) > 10_000:  # forget the warnings that no longer hold anyone back
            self._warned = {k: t for k, t in self._warned.items() if now - t < self.quiet}
        return True
