"""`animation-bot validate` and `ask`, run as the animators and developers run them."""

from __future__ import annotations

import json
import re
from importlib import metadata
from pathlib import Path

import pytest

from tests.conftest import REGISTRY
from tests.live import run_cli
from tests.registries import BASE, edit

pytestmark = pytest.mark.slow  # starts real processes

LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<message>.+)$")


def test_validate_shipped_registry(tmp_path: Path) -> None:
    result = run_cli(["validate", str(REGISTRY)], workdir=tmp_path, env={})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "registre valide" in result.stdout


def test_validate_prints_path_line_message_for_each_problem(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(BASE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit({12: "    nmae: Camille", 31: "    label: no"}), encoding="utf-8")
    result = run_cli(["validate", str(good), str(bad)], workdir=tmp_path, env={})
    assert result.returncode == 1
    problems = [
        LINE.match(line) for line in result.stdout.splitlines() if line.startswith(str(bad))
    ]
    assert [(m["line"], m["message"].split(" : ")[1][:15]) for m in problems if m] == [
        ("12", "clé inconnue « "),
        ("31", "« no » est lu c"),
    ]
    assert f"{good} : registre valide" in result.stdout


def test_validate_default_path_and_missing_file(tmp_path: Path) -> None:
    result = run_cli(["validate"], workdir=tmp_path, env={})
    assert result.returncode == 1
    assert result.stdout.strip() == "data/referents.yaml:1: fichier introuvable"


def test_validate_names_every_bad_byte_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"# \x1b[31m\n" + BASE.encode().replace(b"Camille", b"Cam\xe9lle\x00", 1))
    result = run_cli(["validate", str(bad)], workdir=tmp_path, env={})
    assert result.returncode == 1
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f"{bad}:1: caractère interdit U+001B (ESC) en colonne 3 : supprime-le ou remplace-le",
        f"{bad}:13: caractère interdit U+0000 (NUL) en colonne 18 : supprime-le ou remplace-le",
        f"{bad}:13: octet 0xE9 invalide en UTF-8, en colonne 14 : enregistre le fichier en UTF-8 "
        "(souvent, un accent saisi dans un autre encodage)",
    ]


def test_ask_prints_what_the_person_would_see(tmp_path: Path) -> None:
    result = run_cli(
        ["ask", "--user", "alice", "qui", "aides", "territoires"],
        workdir=tmp_path,
        env={"ANIMATION_REGISTRY": str(REGISTRY)},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "L'équipe **Aides-territoires** est suivie par @dominique.exemple"
    )


def test_ask_json_gives_the_candidates(tmp_path: Path) -> None:
    result = run_cli(
        ["ask", "--json", "qui", "friches"],
        workdir=tmp_path,
        env={"ANIMATION_REGISTRY": str(REGISTRY)},
    )
    payload = json.loads(result.stdout)
    assert payload["response_type"] == "ephemeral"
    assert payload["data"]["status"] == "ambiguous"
    assert {"urbanvitaliz", "recommandations-collaboratives"} <= {
        c["id"] for c in payload["data"]["candidates"]
    }


def test_ask_with_a_broken_registry_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\n", encoding="utf-8")
    result = run_cli(["ask", "aide"], workdir=tmp_path, env={"ANIMATION_REGISTRY": str(bad)})
    assert result.returncode == 1
    assert f"{bad}:1: champ obligatoire « contact » manquant" in result.stderr


def test_bad_configuration_is_explained(tmp_path: Path) -> None:
    result = run_cli(["validate"], workdir=tmp_path, env={"ANIMATION_RELOAD_INTERVAL": "zéro"})
    assert result.returncode == 2
    assert "ANIMATION_RELOAD_INTERVAL" in result.stderr


def test_python_dash_m_bot_is_the_same_program(tmp_path: Path) -> None:
    result = run_cli(["--help"], workdir=tmp_path, env={})
    assert result.returncode == 0
    assert "serve" in result.stdout and "validate" in result.stdout and "ask" in result.stdout


def test_version_is_the_installed_one(tmp_path: Path) -> None:
    result = run_cli(["--version"], workdir=tmp_path, env={})
    assert result.returncode == 0
    assert result.stdout.strip() == f"animation-bot {metadata.version('animation-bot')}"
