"""Keeps the last good registry and swaps in a new one only when it is fully valid."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.core.clock import Clock
from bot.core.matching.directory import Directory
from bot.core.registry.catalog import CatalogError
from bot.core.registry.model import RegistryError, load_registry

log = logging.getLogger(__name__)

Signature = tuple[tuple[int, int, int], ...]
YOUNG_COLLECTION = 20_000


@dataclass(frozen=True)
class Loaded:
    directory: Directory
    loaded_at: datetime
    signature: Signature


@dataclass(frozen=True)
class LoadFailure:
    at: datetime
    messages: tuple[str, ...]


class RegistryHolder:
    """The registry currently served; `refresh()` reloads it when its files change."""

    def __init__(
        self,
        *,
        registry_path: Path,
        catalog_dir: Path,
        clock: Clock,
        observer: Callable[[str], None] | None = None,
    ) -> None:
        self.observer = observer or (lambda outcome: None)
        self.registry_path = registry_path
        self.catalog_dir = catalog_dir
        self.clock = clock
        self._loaded: Loaded | None = None
        self.last_error: LoadFailure | None = None
        self.reloads = 0
        self._lock = threading.Lock()

    @property
    def directory(self) -> Directory:
        if self._loaded is None:
            raise RuntimeError("registry not loaded")
        return self._loaded.directory

    @property
    def loaded(self) -> Loaded | None:
        return self._loaded

    def load(self) -> None:
        """First load: raise `RegistryError` with every problem when the file is not valid."""
        with self._lock:
            self._loaded = self._build(self._signature())
        _settle()

    def changed(self) -> bool:
        """Whether the files differ from the ones loaded: three `stat` calls, cheap."""
        loaded = self._loaded
        return loaded is None or self._signature() != loaded.signature

    def refresh(self) -> bool:
        """Reload if the files changed. A broken file is logged and kept out. True if swapped."""
        with self._lock:
            signature = self._signature()
            if self._loaded is not None and signature == self._loaded.signature:
                return False
            try:
                loaded = self._build(signature)
            except RegistryError as error:
                self._fail(tuple(error.lines()), signature)
                return False
            except CatalogError as error:
                self._fail((str(error),), signature)
                return False
            self._loaded = loaded
            self.last_error = None
            self.reloads += 1
        _settle()
        self.observer("ok")
        log.info("registry reloaded", extra={"version": loaded.directory.registry.version})
        return True

    def _fail(self, messages: tuple[str, ...], signature: Signature) -> None:
        self.observer("refused")
        if self.last_error is None or self.last_error.messages != messages:
            log.error("registry reload refused: %s", " | ".join(messages))
        self.last_error = LoadFailure(self.clock.now(), messages)
        # Remember the broken signature so the same broken file is not re-read every tick.
        if self._loaded is not None:
            self._loaded = Loaded(self._loaded.directory, self._loaded.loaded_at, signature)

    def _build(self, signature: Signature) -> Loaded:
        registry = load_registry(
            self.registry_path, catalog_dir=self.catalog_dir, today=self.clock.today()
        )
        return Loaded(Directory.of(registry), self.clock.now(), signature)

    def _signature(self) -> Signature:
        files = (
            self.registry_path,
            self.catalog_dir / "startups.json",
            self.catalog_dir / "incubators.json",
        )
        return tuple(_stat(path) for path in files)


def _settle() -> None:
    """Collect what the old registry left, then keep the new one out of the garbage
    collector's way: its hundreds of thousands of index entries live until the next
    reload, and scanning them at every full collection stalls requests."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    # A request allocates a few thousand short-lived objects: collect the young
    # generation every few requests rather than several times per request.
    gc.set_threshold(YOUNG_COLLECTION, 20, 50)


def _stat(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, 0, 0)
    return (info.st_mtime_ns, info.st_size, info.st_ino)
