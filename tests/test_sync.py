"""`sync-startups` from saved API documents (built here in the API's shape; no network)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.matching.directory import Directory
from bot.core.registry.catalog import load_catalog
from bot.core.registry.model import build_registry
from tests.live import run_cli
from tests.registries import BASE

CURRENT = [
    {
        "id": "aides-territoires",
        "name": "Aides-territoires",
        "incubator": "anct",
        "phase": "acceleration",
        "mission": "Trouver des aides",
    },
    {
        "id": "domifa",
        "name": "DomiFa",
        "incubator": "sgmas",
        "phase": "construction",
        "mission": "Domiciliation",
    },
    {"id": "ancienne", "name": "Ancienne", "incubator": "anct", "phase": "abandon", "mission": "x"},
    {
        "id": "signalement",
        "name": "Signalement",
        "incubator": "dinum",
        "phase": "acceleration",
        "mission": "y",
        "former_ids": ["signal"],
    },
]
INCUBATORS = [
    {
        "id": "anct",
        "name": "L'Incubateur des Territoires (ANCT)",
        "owner": "ANCT",
        "owner_acronym": "ANCT",
    },
    {"id": "sgmas", "name": "Fabrique numérique des ministères sociaux", "owner_acronym": "MSS"},
    {"id": "dinum", "name": "DINUM", "owner_acronym": "DINUM"},
]


def startup(
    ident: str, name: str, incubators: list[str], phases: list[tuple[str, str]], **attributes: Any
) -> dict[str, Any]:
    relationships = (
        {"incubators": {"data": [{"type": "incubator", "id": i} for i in incubators]}}
        if len(incubators) > 1
        else {"incubator": {"data": {"type": "incubator", "id": incubators[0]}}}
    )
    return {
        "id": ident,
        "type": "startup",
        "attributes": {
            "name": name,
            "phases": [{"name": p, "start": s} for p, s in phases],
            **attributes,
        },
        "relationships": relationships,
    }


def api_copy(directory: Path) -> Path:
    directory.mkdir()
    startups = {
        "data": [
            startup(
                "aides-territoires",
                "Aides-territoires",
                ["anct"],
                [("construction", "2019-01-01"), ("acceleration", "2021-03-01")],
                pitch="Trouver des aides",
            ),
            startup(
                "domifa",
                "DomiFa",
                ["sgmas", "anct"],
                [("construction", "2020-01-01"), ("consolidation", "2026-06-01")],
            ),
            startup(
                "signalement",
                "SignalConso",
                ["dinum"],
                [("acceleration", "2019-01-01")],
                redirect_from=["/startups/signal-conso.html"],
            ),
            startup("nouvelle", "Nouvelle équipe", ["dinum"], [("investigation", "2026-11-01")]),
        ]
    }
    incubators = {
        "data": [
            {"id": i["id"], "type": "incubator", "attributes": {"title": i["name"]}}
            for i in INCUBATORS
        ]
    }
    (directory / "startups.json").write_text(json.dumps(startups), encoding="utf-8")
    (directory / "incubators.json").write_text(json.dumps(incubators), encoding="utf-8")
    return directory


def catalog_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "betagouv"
    directory.mkdir()
    (directory / "startups.json").write_text(json.dumps(CURRENT), encoding="utf-8")
    (directory / "incubators.json").write_text(json.dumps(INCUBATORS), encoding="utf-8")
    (directory / "README.md").write_text("CC BY-NC-SA 4.0 — beta.gouv.fr", encoding="utf-8")
    return directory


@pytest.mark.slow
def test_sync_from_a_saved_copy(tmp_path: Path) -> None:
    snapshot = catalog_dir(tmp_path)
    source = api_copy(tmp_path / "api")
    result = run_cli(
        ["sync-startups", "--from", str(source)],
        workdir=tmp_path,
        env={"ANIMATION_CATALOG": str(snapshot)},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Instantané mis à jour : 4 équipes, 3 incubateurs." in out
    assert "- nouvelles équipes : 1 (Nouvelle équipe)" in out
    assert (
        "- équipes renommées : 1 (Signalement → SignalConso) ; les anciens noms restent reconnus"
        in out
    )
    assert "- changements d'incubateur : 0" in out
    assert "- changements de phase : 1 (domifa : construction → consolidation)" in out
    assert "- équipes disparues : 1 (Ancienne)" in out
    catalog = load_catalog(snapshot)
    domifa = catalog.startups["domifa"]
    assert (domifa.incubator, domifa.other_incubators, domifa.phase) == (
        "sgmas",
        ("anct",),
        "consolidation",
    )
    signal = catalog.startups["signalement"]
    assert signal.former_names == ("Signalement",)
    assert set(signal.former_ids) == {"signal", "signal-conso"}
    assert catalog.incubators["anct"].owner_acronym == "ANCT"  # kept from the old snapshot
    assert (snapshot / "README.md").read_text(encoding="utf-8").startswith("CC BY-NC-SA")
    assert json.loads((snapshot / "source.json").read_text(encoding="utf-8"))["licence"].startswith(
        "CC BY-NC-SA"
    )
    assert not list(snapshot.glob(".*.tmp*"))


@pytest.mark.slow
def test_old_names_still_match_after_a_rename(tmp_path: Path) -> None:
    snapshot = catalog_dir(tmp_path)
    run_cli(
        ["sync-startups", "--from", str(api_copy(tmp_path / "api"))],
        workdir=tmp_path,
        env={"ANIMATION_CATALOG": str(snapshot)},
    )
    text = BASE.replace("  - incubator: anct\n", "  - incubator: dinum\n")
    registry = build_registry(
        text.replace("aides-territoires", "domifa"),
        catalog=load_catalog(snapshot),
        today=__import__("datetime").date(2026, 11, 29),
        path=Path("t"),
    )
    match = Directory.of(registry).matcher.lookup("Signalement")
    assert (
        match.status == "found" and match.best is not None and match.best.entity.id == "signalement"
    )


@pytest.mark.slow
def test_broken_source_leaves_the_snapshot_alone(tmp_path: Path) -> None:
    snapshot = catalog_dir(tmp_path)
    before = (snapshot / "startups.json").read_text(encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "startups.json").write_text("[1, 2", encoding="utf-8")
    (broken / "incubators.json").write_text("{}", encoding="utf-8")
    result = run_cli(
        ["sync-startups", "--from", str(broken)],
        workdir=tmp_path,
        env={"ANIMATION_CATALOG": str(snapshot)},
    )
    assert result.returncode == 1
    assert "Instantané non mis à jour : startups.json : JSON illisible" in result.stderr
    assert (snapshot / "startups.json").read_text(encoding="utf-8") == before
