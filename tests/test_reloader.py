"""The registry holder: last good registry kept, new one swapped in whole."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.core.registry.model import RegistryError
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


def test_first_load_refuses_a_broken_file(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(edit({12: "    nmae: x"}), encoding="utf-8")
    holder = holder_for(path, clock)
    with pytest.raises(RegistryError) as raised:
        holder.load()
    assert raised.value.lines() == [
        f"{path}:12: clé inconnue « nmae » (tu voulais dire « name » ?)"
    ]
    with pytest.raises(RuntimeError):
        _ = holder.directory


def test_refresh_swaps_only_valid_files(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(BASE, encoding="utf-8")
    holder = holder_for(path, clock)
    holder.load()
    first = holder.directory
    assert holder.refresh() is False  # nothing changed

    touch_later(path, edit({31: "    label: no"}))
    assert holder.refresh() is False
    assert holder.directory is first
    assert holder.last_error is not None
    (message,) = holder.last_error.messages
    assert message.startswith(f"{path}:31: « no » est lu comme un booléen (vrai/faux) par YAML")

    touch_later(path, edit({12: "    name: Camille Nouveau"}))
    assert holder.refresh() is True
    assert holder.directory is not first
    assert holder.directory.registry.animators["camille"].name == "Camille Nouveau"
    assert holder.last_error is None
    assert holder.reloads == 1


def test_a_deleted_file_keeps_the_last_good_registry(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(BASE, encoding="utf-8")
    holder = holder_for(path, clock)
    holder.load()
    version = holder.directory.registry.version
    path.unlink()
    assert holder.refresh() is False
    assert holder.directory.registry.version == version
    assert holder.last_error is not None and "fichier introuvable" in holder.last_error.messages[0]


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
    assert holder.refresh() is True
    assert holder.directory.registry.catalog.startups["domifa"].name == "DomiFa 2"
