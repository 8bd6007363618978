"""`import-trello` on a board export built here in Trello's real JSON format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.matching.directory import Directory
from bot.tools.trello import draft, list_kind
from tests.conftest import REGISTRY
from tests.live import run_cli


def board() -> dict[str, Any]:
    return {
        "id": "b1",
        "name": "beta.gouv.fr - référentes",
        "closed": False,
        "labels": [{"id": "lab1", "idBoard": "b1", "name": "DINUM", "color": "green"}],
        "members": [
            {"id": "m1", "fullName": "Camille Martin", "username": "camillemartin"},
            {"id": "m2", "fullName": "Dominique Durand", "username": "dominique_durand2"},
        ],
        "lists": [
            {"id": "l1", "name": "Startups accompagnées par la DINUM", "closed": False, "pos": 1},
            {"id": "l2", "name": "Incubateurs partenaires", "closed": False, "pos": 2},
            {"id": "l3", "name": "Sujets transverses", "closed": False, "pos": 3},
            {"id": "l4", "name": "Vieille liste", "closed": True, "pos": 4},
        ],
        "cards": [
            {
                "id": "c1",
                "name": "Aides territoires",
                "idList": "l1",
                "idMembers": ["m1"],
                "idLabels": ["lab1"],
                "closed": False,
                "desc": "",
            },
            {
                "id": "c2",
                "name": "Démarches simplifiées (DS)",
                "idList": "l1",
                "idMembers": ["m2"],
                "idLabels": [],
                "closed": False,
            },
            {"id": "c3", "name": "la bonne", "idList": "l1", "idMembers": ["m1"], "closed": False},
            {
                "id": "c4",
                "name": "Projet imaginaire",
                "idList": "l1",
                "idMembers": ["m2"],
                "closed": False,
            },
            {
                "id": "c5",
                "name": "Incubateur des territoires",
                "idList": "l2",
                "idMembers": ["m2"],
                "closed": False,
            },
            {
                "id": "c6",
                "name": "Fabrique des ministères sociaux",
                "idList": "l2",
                "idMembers": ["m1", "m2"],
                "closed": False,
            },
            {
                "id": "c7",
                "name": "Marchés publics",
                "idList": "l3",
                "idMembers": ["m1"],
                "closed": False,
            },
            {"id": "c8", "name": "Archivée", "idList": "l1", "idMembers": ["m1"], "closed": True},
            {
                "id": "c9",
                "name": "Dans une liste archivée",
                "idList": "l4",
                "idMembers": ["m1"],
                "closed": False,
            },
            {"id": "c10", "name": "Domifa", "idList": "l1", "idMembers": [], "closed": False},
        ],
    }


def test_lists_are_told_apart_by_name() -> None:
    assert list_kind("Incubateurs partenaires") == "incubators"
    assert list_kind("Sujets transverses") == "topics"
    assert list_kind("Équipes DINUM") == "teams"


def test_cards_are_placed_or_listed_never_guessed(directory: Directory) -> None:
    result = draft(board(), directory)
    assert set(result.animators) == {"camille-martin", "dominique-durand"}
    assert result.animators["dominique-durand"]["mattermost"] == "dominique_durand2"
    assert result.teams == {
        "aides-territoires": ["camille-martin"],
        "demarches-simplifiees.fr": ["dominique-durand"],
    }
    assert result.incubators == {
        "anct": ["dominique-durand"],
        "sgmas": ["camille-martin", "dominique-durand"],
    }
    assert list(result.topics) == ["marches-publics"]
    assert result.skipped == 2  # an archived card, a card in an archived list
    unplaced = {u.card: u for u in result.unplaced}
    assert set(unplaced) == {"la bonne", "Projet imaginaire", "Domifa"}
    assert unplaced["la bonne"].why == "plusieurs noms possibles"
    assert (
        "La Bonne Boite" in unplaced["la bonne"].closest
        or "La bonne alternance" in unplaced["la bonne"].closest
    )
    assert unplaced["Projet imaginaire"].why == "aucun nom assez proche"
    assert unplaced["Domifa"].why == "aucune personne sur la carte"


@pytest.mark.slow
def test_command_writes_a_draft_that_validate_reads(tmp_path: Path) -> None:
    export = tmp_path / "board.json"
    export.write_text(json.dumps(board()), encoding="utf-8")
    out = tmp_path / "draft.yaml"
    result = run_cli(
        ["import-trello", str(export), "--output", str(out)],
        workdir=tmp_path,
        env={"ANIMATION_REGISTRY": str(REGISTRY)},
    )
    assert result.returncode == 0, result.stderr
    assert (
        "2 personnes, 2 équipes, 2 incubateurs et 1 sujet repris ; cartes archivées ignorées : 2."
        in result.stderr
    )
    assert (
        "- « Projet imaginaire » (liste « Startups accompagnées par la DINUM ») : "
        "aucun nom assez proche" in result.stderr
    )
    assert "Le brouillon passe `animation-bot validate`." in result.stderr
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert [a["id"] for a in document["animators"]] == ["camille-martin", "dominique-durand"]
    assert {t["id"] for t in document["topics"]} == {"marches-publics"}
    checked = run_cli(["validate", str(out)], workdir=tmp_path, env={})
    assert checked.returncode == 0, checked.stdout


@pytest.mark.slow
def test_not_a_board(tmp_path: Path) -> None:
    export = tmp_path / "board.json"
    export.write_text(json.dumps({"name": "x"}), encoding="utf-8")
    result = run_cli(
        ["import-trello", str(export)], workdir=tmp_path, env={"ANIMATION_REGISTRY": str(REGISTRY)}
    )
    assert result.returncode == 1
    assert "n'est pas un export JSON de tableau Trello" in result.stderr
