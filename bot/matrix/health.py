"""What `/healthz` and `/metrics` say of the Matrix side: never a room or a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.ports import DeliveryError
from bot.matrix.client import MatrixError

STANDBY = "en attente : une autre instance du bot tient la session Matrix"
REFUSED_SESSION = (
    "le serveur Matrix refuse la session du bot : lance `animation-bot doctor` pour savoir "
    "quoi faire"
)


@dataclass
class MatrixHealth:
    """What `/healthz` and `/metrics` say of Matrix: never a room or a person."""

    connected: bool = False
    last_sync: datetime | None = None
    rooms: int = 0
    undecryptable: int = 0
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "connected": self.connected,
            "last_sync": self.last_sync.isoformat() if self.last_sync else None,
            "rooms": self.rooms,
            "undecryptable": self.undecryptable,
            "problem": self.problem,
        }


def problem_of(error: MatrixError | DeliveryError) -> str:
    """What `/healthz` says is wrong, in French, without a room or a person."""
    if isinstance(error, MatrixError):
        return str(error)[:300]
    if error.status in (401, 403):
        return REFUSED_SESSION
    return "le serveur Matrix ne répond pas"
