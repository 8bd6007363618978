"""A problem found in a registry file: its line and what to do, in French."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    line: int
    message: str
