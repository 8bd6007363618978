"""Random faults for the fake servers, drawn from a seeded generator so that a failing run
can be replayed with its seed."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

Fault = Literal["error", "throttle", "slow"]


@dataclass
class Faults:
    """Each call, independently: refused with a 500 (`error`), a 429 (`throttle`), answered
    late (`slow`: by `slow_seconds`, which may pass the client's timeout while the server
    carries on), or done and then its answer lost (`dropped`: the connection closes)."""

    seed: int = 0
    error: float = 0.0
    throttle: float = 0.0
    slow: float = 0.0
    slow_seconds: float = 0.0
    dropped: float = 0.0
    drawn: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - test faults, not secrets
        self._lock = threading.Lock()

    def draw(self) -> Fault | None:
        """The fault for a call about to be handled, if any."""
        with self._lock:
            roll = self._random.random()
            chances: tuple[tuple[Fault, float], ...] = (
                ("error", self.error),
                ("throttle", self.throttle),
            )
            for name, chance in chances:
                if roll < chance:
                    return self._count(name)
                roll -= chance
            return self._count("slow") if roll < self.slow else None

    def drop(self) -> bool:
        """Whether the answer of a call just handled is lost."""
        with self._lock:
            lost = self._random.random() < self.dropped
            if lost:
                self.drawn["dropped"] = self.drawn.get("dropped", 0) + 1
            return lost

    def _count(self, name: Fault) -> Fault:
        self.drawn[name] = self.drawn.get(name, 0) + 1
        return name
