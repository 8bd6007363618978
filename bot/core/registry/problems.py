"""A problem found in a registry file: its line and what to do, in French. A warning does not
make the file unusable: it says what may surprise (a long chain of stand-ins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
    severity: Severity = "error"

    @property
    def text(self) -> str:
        """The message as printed: a warning says so first."""
        return f"attention : {self.message}" if self.severity == "warning" else self.message


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
