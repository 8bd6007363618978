"""The Matrix store is used by one process at a time: two syncing with one device would
overwrite each other's keys. An OS lock, let go of when the process ends, even killed."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

LOCK = "lock"


class StoreLock:
    def __init__(self, store: Path) -> None:
        self.path = store / LOCK
        self.fd: int | None = None

    def take(self) -> bool:
        """True when this process has the store (again); False while another one has it."""
        if self.fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self.fd = fd
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor lets go of the lock
            self.fd = None
