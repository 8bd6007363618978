"""The beta.gouv.fr snapshot: every public startup and incubator.

The registry only names the teams and incubators that have a referent; the
snapshot lets every other team resolve through its incubator and gives the
names, former names, phases and links that `qui` matches and shows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

BETA_URL = "https://beta.gouv.fr"
MAX_SNAPSHOT_BYTES = 20 * 1024 * 1024
_M = TypeVar("_M", "Startup", "Incubator")

PHASE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "investigation": "investigation",
        "construction": "construction",
        "acceleration": "accélération",
        "consolidation": "consolidation",
        "transfere": "transférée",
        "opere": "opérée au sein du réseau beta.gouv.fr",
        "abandon": "arrêtée",
        "abandon-investigation": "investigation non concluante",
    }
)
ACTIVE_PHASES = frozenset({"investigation", "construction", "acceleration", "consolidation"})


class Startup(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str
    incubator: str
    phase: str
    mission: str = ""
    other_incubators: tuple[str, ...] = ()
    former_ids: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return f"{BETA_URL}/startups/{quote(self.id)}.html"

    @property
    def phase_label(self) -> str:
        return PHASE_LABELS.get(self.phase, self.phase)

    @property
    def active(self) -> bool:
        return self.phase in ACTIVE_PHASES


class Incubator(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str
    owner: str | None = None
    owner_acronym: str | None = None

    @property
    def url(self) -> str:
        return f"{BETA_URL}/incubateurs/{quote(self.id)}.html"


class CatalogError(Exception):
    """The snapshot cannot be read; the message is French and names the file."""


@dataclass(frozen=True)
class Catalog:
    startups: Mapping[str, Startup]
    incubators: Mapping[str, Incubator]
    source: Mapping[str, object] = field(default_factory=dict)


def _read_json(path: Path) -> object:
    try:
        if path.stat().st_size > MAX_SNAPSHOT_BYTES:
            raise CatalogError(f"{path} : fichier trop gros pour un instantané beta.gouv.fr")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CatalogError(f"{path} : fichier introuvable") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CatalogError(f"{path} : illisible ({type(error).__name__})") from error


def _records(path: Path, model: type[_M]) -> dict[str, _M]:
    raw = _read_json(path)
    if not isinstance(raw, list):
        raise CatalogError(f"{path} : une liste d'objets est attendue")
    records: dict[str, _M] = {}
    for index, item in enumerate(raw):
        try:
            record = model.model_validate(item)
        except ValidationError as error:
            raise CatalogError(f"{path} : élément n° {index + 1} invalide") from error
        records[record.id] = record
    return records


def load_catalog(directory: Path) -> Catalog:
    """Read `startups.json`, `incubators.json` and `source.json` from a folder."""
    startups = _records(directory / "startups.json", Startup)
    incubators = _records(directory / "incubators.json", Incubator)
    source_path = directory / "source.json"
    source = _read_json(source_path) if source_path.exists() else {}
    return Catalog(
        startups=MappingProxyType(startups),
        incubators=MappingProxyType(incubators),
        source=MappingProxyType(source if isinstance(source, dict) else {}),
    )
