"""`animation-bot sync-startups`: refresh the beta.gouv.fr snapshot, atomically."""

from __future__ import annotations

import json
import os
import tempfile
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.core.registry.catalog import Incubator, Startup
from bot.tools import snapshot

API = "https://beta.gouv.fr/api/v2.6"
MAX_DOCUMENT = 50 * 1024 * 1024


def _read(source: str, name: str) -> Any:
    if source.startswith(("http://", "https://")):
        url = f"{source.rstrip('/')}/{name}"
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (http(s) only)
            data = response.read(MAX_DOCUMENT + 1)
    else:
        path = Path(source) / name if Path(source).is_dir() else Path(source).parent / name
        data = path.read_bytes()[: MAX_DOCUMENT + 1]
    if len(data) > MAX_DOCUMENT:
        raise snapshot.SnapshotError(f"{name} : document trop gros")
    try:
        return json.loads(data)
    except ValueError as error:
        raise snapshot.SnapshotError(f"{name} : JSON illisible") from error


def _current(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    return {str(r["id"]): r for r in json.loads(path.read_text(encoding="utf-8"))}


def _write(path: Path, payload: Any) -> None:
    """Write next to the target, then rename: readers see the old file or the new one."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(payload, out, ensure_ascii=False, indent=1)
        out.write("\n")
    os.replace(temporary, path)


def sync(catalog_dir: Path, source: str = API) -> str:
    """Refresh `catalog_dir` from the API (or a saved copy); returns the French summary."""
    try:
        startups_doc, incubators_doc = (
            _read(source, "startups.json"),
            _read(source, "incubators.json"),
        )
    except OSError as error:
        raise snapshot.SnapshotError(
            f"lecture impossible de {source} ({type(error).__name__})"
        ) from error
    before = _current(catalog_dir / "startups.json")
    startups = snapshot.startups(startups_doc, before)
    incubators = snapshot.incubators(incubators_doc, _current(catalog_dir / "incubators.json"))
    try:
        for record in startups:
            Startup.model_validate(record)
        for record in incubators:
            Incubator.model_validate(record)
    except ValidationError as error:
        raise snapshot.SnapshotError(
            "les documents ne ressemblent pas à l'API de beta.gouv.fr"
        ) from error
    if not startups or not incubators:
        raise snapshot.SnapshotError("aucune équipe ou aucun incubateur : instantané non remplacé")
    counts: dict[str, int] = {}
    for record in incubators:
        counts[record["id"]] = sum(1 for s in startups if s["incubator"] == record["id"])
        record["startup_count"] = counts[record["id"]]
    _write(catalog_dir / "startups.json", startups)
    _write(catalog_dir / "incubators.json", incubators)
    _write(
        catalog_dir / "source.json",
        {
            "source": source,
            "synced_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "startups": len(startups),
            "incubators": len(incubators),
            "licence": "CC BY-NC-SA 4.0, beta.gouv.fr (betagouv/beta.gouv.fr)",
        },
    )
    found = snapshot.changes(before, startups)
    return snapshot.summary(found, startups_count=len(startups), incubators_count=len(incubators))
