"""The registry holder: last good registry kept, new one swapped in whole, and only once
its files have stopped changing. Each `refresh()` is one tick of the watch."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.registry.catalog import Catalog
from bot.core.registry.model import RegistryError
from bot.core.registry.validation import validate_text
from bot.service.reloader import RegistryHolder
from tests.conftest import CATALOG
from tests.fakes import FakeClock
from tests.registries import BASE, edit


def holder_for(path: Path, clock: FakeClock, catalog: Path = CATALOG) -> RegistryHolder:
    return RegistryHolder(registry_path=path, catalog_dir=catalog, clock=clock)


def touch_later(path: Path, text: str) -> None:
    """Write and move the mtime forward, so that a fast test still looks like a change."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def loaded(path: Path, clock: FakeClock, text: str = BASE) -> RegistryHolder:
    path.write_text(text, encoding="utf-8")
    holder = holder_for(path, clock)
    holder.load()
    return holder


def ticks(holder: RegistryHolder, count: int) -> list[bool]:
    return [holder.refresh() for _ in range(count)]


def test_first_load_refuses_a_broken_file(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(edit({12: "    nmae: x"}), encoding="utf-8")
    holder = holder_for(path, clock)
    with pytest.raises(RegistryError) as raised:
        holder.load()
    assert raised.value.lines() == [
        f"{path}:12: animators › camille : clé inconnue « nmae » (tu voulais dire « name » ?)"
    ]
    with pytest.raises(RuntimeError):
        _ = holder.directory


def test_refresh_swaps_only_valid_files(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    first = holder.directory
    assert holder.refresh() is False  # nothing changed
    assert holder.stale is False

    touch_later(path, edit({31: "    label: no"}))
    clock.moment += timedelta(seconds=2)
    assert ticks(holder, 3) == [False, False, False]
    assert holder.directory is first
    assert holder.stale is True
    assert holder.last_error is not None and holder.last_error.at == clock.moment
    (message,) = holder.last_error.messages
    assert message.startswith(
        f"{path}:31: categories › convention › label : « no » est lu comme un booléen (vrai/faux)"
    )

    touch_later(path, edit({12: "    name: Camille Nouveau"}))
    clock.moment += timedelta(seconds=2)
    assert ticks(holder, 3) == [False, True, False]
    assert holder.directory is not first
    assert holder.directory.registry.animators["camille"].name == "Camille Nouveau"
    assert holder.last_error is None and holder.stale is False
    assert holder.loaded is not None and holder.loaded.loaded_at == clock.moment
    assert holder.reloads == 1


def test_a_change_is_loaded_only_once_it_held_for_two_checks(
    tmp_path: Path, clock: FakeClock
) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    touch_later(path, edit({12: "    name: Camille Nouveau"}))
    assert holder.changed() is True
    assert holder.refresh() is False  # first sight of the change: wait
    assert holder.directory.registry.animators["camille"].name == "Camille Exemple"
    assert holder.refresh() is True  # the same at the next check: load it
    assert holder.changed() is False


def test_a_registry_caught_half_written_is_never_served(
    tmp_path: Path, clock: FakeClock, catalog: Catalog
) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    categories = set(holder.directory.registry.categories)
    complete = edit({12: "    name: Camille Complète"})
    cut = complete.index("  - id: mal-etre")
    half, rest = complete[:cut], complete[cut:]
    valid, _ = validate_text(half, catalog=catalog, today=clock.today())
    assert valid is not None and len(valid.categories) == len(categories) - 1
    served = []

    def tick() -> None:
        holder.refresh()
        served.append(set(holder.directory.registry.categories))

    with path.open("w", encoding="utf-8") as file:  # written in place, as `cp` or an editor
        for part in (half[:200], half[200:], rest):  # a tick sees each stage once
            file.write(part)
            file.flush()
            tick()
    for _ in range(3):
        tick()
    assert holder.reloads == 1
    assert holder.directory.registry.animators["camille"].name == "Camille Complète"
    assert served == [categories] * 6


def test_a_file_written_while_being_read_is_not_taken(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    touch_later(path, edit({12: "    name: Camille Moitié"}))
    assert holder.refresh() is False
    real = RegistryHolder._build

    def build_then_written(self: RegistryHolder, signature: object) -> object:
        result = real(self, signature)  # type: ignore[arg-type]
        touch_later(path, edit({12: "    name: Camille Entière"}))
        return result

    monkeypatch.setattr(RegistryHolder, "_build", build_then_written)
    assert holder.refresh() is False
    monkeypatch.undo()
    assert holder.directory.registry.animators["camille"].name == "Camille Exemple"
    assert holder.last_error is None
    assert ticks(holder, 2) == [False, True]
    assert holder.directory.registry.animators["camille"].name == "Camille Entière"


def test_a_deleted_file_keeps_the_last_good_registry(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    version = holder.directory.registry.version
    path.unlink()
    assert ticks(holder, 2) == [False, False]
    assert holder.directory.registry.version == version
    assert holder.last_error is not None and "fichier introuvable" in holder.last_error.messages[0]


def test_the_served_file_put_back_is_no_longer_stale(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    holder = loaded(path, clock)
    path.rename(tmp_path / "saved.yaml")
    path.write_text(edit({31: "    label: no"}), encoding="utf-8")
    ticks(holder, 2)
    assert holder.stale is True
    (tmp_path / "saved.yaml").replace(path)  # the very file loaded: same inode, size, mtime
    assert holder.refresh() is False
    assert holder.stale is False and holder.last_error is None
    assert holder.reloads == 0 and holder.changed() is False


def test_a_new_snapshot_is_picked_up(tmp_path: Path, clock: FakeClock) -> None:
    catalog = tmp_path / "betagouv"
    shutil.copytree(CATALOG, catalog)
    path = tmp_path / "r.yaml"
    path.write_text(BASE, encoding="utf-8")
    holder = holder_for(path, clock, catalog)
    holder.load()
    startups = catalog / "startups.json"
    touch_later(
        startups,
        startups.read_text(encoding="utf-8").replace('"name": "DomiFa"', '"name": "DomiFa 2"'),
    )
    assert ticks(holder, 2) == [False, True]
    assert holder.directory.registry.catalog.startups["domifa"].name == "DomiFa 2"


def test_the_first_load_reads_again_a_file_written_meanwhile(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(edit({12: "    name: Camille Moitié"}), encoding="utf-8")
    real = RegistryHolder._build
    builds: list[object] = []

    def build_then_written(self: RegistryHolder, signature: object) -> object:
        result = real(self, signature)  # type: ignore[arg-type]
        if not builds:
            touch_later(path, edit({12: "    name: Camille Entière"}))
        builds.append(result)
        return result

    monkeypatch.setattr(RegistryHolder, "_build", build_then_written)
    holder = holder_for(path, clock)
    holder.load()
    assert len(builds) == 2
    assert holder.directory.registry.animators["camille"].name == "Camille Entière"
    assert holder.changed() is False
