"""The large registry of bench/registry_load.py is a real one: it validates and answers."""

from __future__ import annotations

import random
from pathlib import Path

from bench.registry_load import scaled_registry, scaled_snapshot
from bot.core.matching.directory import Directory
from bot.core.registry.model import load_registry
from tests.conftest import CATALOG, REGISTRY, TODAY


def test_a_scaled_registry_validates_and_resolves_its_copies(tmp_path: Path) -> None:
    scaled_snapshot(CATALOG, tmp_path / "betagouv", 3, random.Random(1))  # noqa: S311 (made-up names)
    path = tmp_path / "referents.yaml"
    path.write_text(scaled_registry(REGISTRY, 3), encoding="utf-8")
    registry = load_registry(path, catalog_dir=tmp_path / "betagouv", today=TODAY)
    shipped = load_registry(REGISTRY, catalog_dir=CATALOG, today=TODAY)
    assert len(registry.catalog.startups) == 3 * len(shipped.catalog.startups)
    assert len(registry.data.incubators) == 3 * len(shipped.data.incubators)
    assert len(registry.categories) == 3 * len(shipped.categories)
    startup = registry.catalog.startups["domifa-2"]
    assignment = registry.for_startup(startup)
    assert assignment.incubator is not None and assignment.incubator.id.endswith("-2")
    assert assignment.animators
    assert all(person.id.endswith("-2") for person in assignment.animators)
    assert Directory.of(registry).matcher.lookup("domifa").status == "found"
