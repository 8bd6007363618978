"""Shared fixtures: the shipped registry, a clock you can set, the shared folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.core.matching.directory import Directory
from bot.core.registry.catalog import Catalog, load_catalog
from bot.core.registry.model import Registry, load_registry
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "data" / "referents.yaml"
CATALOG = ROOT / "data" / "betagouv"
SHARED = ROOT.parent / "shared"
TODAY = date(2026, 11, 29)
# The Mattermost side in process (`world`), for the dialog and button tests.
pytest_plugins = ["tests.mattermost_world", "tests.synapse", "tests.stores"]


def shared_file(relative: str) -> Path:
    """A file of ../shared/, or a clean skip when the folder is not there (a fresh clone)."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared/{relative} is not here (it exists only beside the project)")
    return path


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CATALOG)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry(REGISTRY, catalog_dir=CATALOG, today=TODAY)


@pytest.fixture(scope="session")
def directory(registry: Registry) -> Directory:
    return Directory.of(registry)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
