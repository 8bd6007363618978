"""Keeps the last good registry and swaps in a new one only when it is fully valid."""

from __future__ import annotations

import contextlib
import gc
import logging
import threading
import traceback
from collections.abc import Callable, Iterator
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
FIRST_LOAD_ATTEMPTS = 3


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
    """The registry currently served; `refresh()` reloads it when its files change.

    Each `refresh()` is one check. A change is loaded only when the files' signature
    (mtime, size, inode) is the same at two consecutive checks, and again once read: a
    file still being written is never served. A file that fails, for whatever reason, is
    recorded (`last_error`, `stale`) and not read again until it changes."""

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
        self._settled: Signature | None = None  # the files last loaded or refused
        self._pending: Signature | None = None  # a change seen once, loaded if it holds
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

    @property
    def stale(self) -> bool:
        """Whether the files on disk were refused, so that an older registry is served."""
        return self._loaded is not None and self.last_error is not None

    def load(self) -> None:
        """First load: raise `RegistryError` with every problem when the file is not valid.
        Read again (a few times) if the files change while being read."""
        with self._lock:
            for _ in range(FIRST_LOAD_ATTEMPTS):
                signature = self._signature()
                loaded = self._build(signature)
                if self._signature() == signature:
                    break
            self._loaded, self._settled = loaded, loaded.signature
        _settle()

    def changed(self) -> bool:
        """Whether the files differ from the ones last loaded or refused: three `stat`
        calls, cheap."""
        return self._signature() != self._settled

    def refresh(self) -> bool:
        """One check: reload if the files changed and have stopped changing. A file that
        cannot be used is recorded and kept out. True if a new registry was swapped in."""
        with self._lock:
            signature = self._signature()
            if not self._ready(signature):
                return False
            try:
                loaded = self._build(signature)
            except Exception as error:
                if self._signature() == signature:  # else written to while being read
                    self._settled = signature
                    self._fail(error)
                return False
            if self._signature() != signature:
                return False  # written to while being read: wait until it holds again
            self._settled, self._loaded, self.last_error = signature, loaded, None
            self.reloads += 1
        _settle()
        self.observer("ok")
        log.info("registry reloaded", extra={"version": loaded.directory.registry.version})
        return True

    def _ready(self, signature: Signature) -> bool:
        """Whether `signature` should be loaded now: changed, and the same as last check."""
        if signature == self._settled:
            self._pending = None
            return False
        if self._loaded is not None and signature == self._loaded.signature:
            self._settled, self._pending = signature, None  # back to the files being served
            self.last_error = None
            return False
        if signature != self._pending:
            self._pending = signature
            return False
        self._pending = None
        return True

    def _fail(self, error: Exception) -> None:
        """Record a file that cannot be used; log it once, without what it says."""
        self.observer("refused")
        messages, lines, cause = self._explain(error)
        if self.last_error is None or self.last_error.messages != messages:
            log.error(
                "registry reload refused: %d problem(s)%s; details on /healthz",
                len(messages),
                f" at line(s) {', '.join(map(str, lines[:20]))}" if lines else f" ({cause})",
                extra={"outcome": "refused"},
            )
        self.last_error = LoadFailure(self.clock.now(), messages)

    def _explain(self, error: Exception) -> tuple[tuple[str, ...], list[int], str]:
        """The messages to show, their lines, and the cause in words for the log."""
        if isinstance(error, RegistryError):
            return tuple(error.lines()), sorted({p.line for p in error.problems}), "registry"
        if isinstance(error, CatalogError):
            return (str(error),), [], "beta.gouv.fr snapshot"
        name = type(error).__name__
        message = (
            f"{self.registry_path}: erreur inattendue ({name}) en chargeant le registre : le "
            "registre précédent reste en service ; signale-le à l'équipe qui maintient le bot"
        )
        return (message,), [], f"unexpected {name} at {_where(error)}"

    def _build(self, signature: Signature) -> Loaded:
        with _collector_paused():
            registry = load_registry(
                self.registry_path, catalog_dir=self.catalog_dir, today=self.clock.today()
            )
            directory = Directory.of(registry)
        return Loaded(directory, self.clock.now(), signature)

    def _signature(self) -> Signature:
        files = (
            self.registry_path,
            self.catalog_dir / "startups.json",
            self.catalog_dir / "incubators.json",
        )
        return tuple(_stat(path) for path in files)


def _where(error: BaseException) -> str:
    """Where an unexpected error was raised: files, lines and functions, never its message
    (which may quote the registry)."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """A build allocates hundreds of thousands of objects that all live on: the garbage
    collector's passes over them meanwhile are wasted (a fifth of a large load, measured);
    `_settle` collects once afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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
