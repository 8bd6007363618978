"""Waiting for something to become true, never longer than a bound: the tests wait on what
they can observe (a post arrived, the outbox drained), not on time passing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], *, timeout: float = 15.0, what: str = "") -> T:
    """The first true value of `condition()`, checked every few milliseconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.02)
