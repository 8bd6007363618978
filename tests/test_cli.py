"""`animation-bot validate` and `ask`, run as the animators and developers run them."""

from __future__ import annotations

import json
import re
import sqlite3
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
    assert result.stdout.startswith("utilisation : animation-bot [-h] [--version] COMMANDE ...")
    assert "-h, --help     affiche cette aide, puis s'arrête" in result.stdout


def test_version_is_the_installed_one(tmp_path: Path) -> None:
    result = run_cli(["--version"], workdir=tmp_path, env={})
    assert result.returncode == 0
    assert result.stdout.strip() == f"animation-bot {metadata.version('animation-bot')}"


def test_a_mistake_on_the_command_line_is_told_in_french(tmp_path: Path) -> None:
    result = run_cli(["ask", "--inconnue"], workdir=tmp_path, env={})
    assert result.returncode == 2
    assert result.stderr.endswith("animation-bot : erreur : arguments inconnus : --inconnue\n")
    assert "usage" not in result.stderr and "error" not in result.stderr


ASKED = ["ask", "--user", "alice", "demande", "convention", "aides", "territoires", ":", "objet"]


def requests_in(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM requests").fetchone()
    return int(count)


def test_ask_records_nothing_unless_asked(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()  # where the throwaway database goes, and is removed from
    env = {"ANIMATION_REGISTRY": str(REGISTRY), "TMPDIR": str(tmp_path / "tmp")}
    workdir = tmp_path / "work"
    workdir.mkdir()
    database = workdir / "animation.db"  # ANIMATION_DATABASE_URL in the tests' environment
    tried = run_cli(ASKED, workdir=workdir, env=env)
    assert tried.returncode == 0, tried.stderr
    assert tried.stdout.startswith("Ta demande n° 1 est enregistrée")  # as Mattermost shows it
    assert tried.stderr.strip() == (
        "Essai : la demande n° 1 n'est pas enregistrée, et personne n'est prévenu : une base "
        "jetable a servi. Pour l'envoyer vraiment, relance la même commande avec --enregistrer."
    )
    assert list(workdir.iterdir()) == []  # the real database not even created
    assert list((tmp_path / "tmp").iterdir()) == []  # the throwaway one removed

    recorded = run_cli([*ASKED, "--enregistrer"], workdir=workdir, env=env)
    assert recorded.returncode == 0, recorded.stderr
    assert recorded.stderr.strip() == (
        "Demande n° 1 enregistrée dans la vraie base (ANIMATION_DATABASE_URL) : "
        "le service la délivrera."
    )
    assert requests_in(database) == 1
    files = {path: path.read_bytes() for path in workdir.iterdir()}

    again = run_cli(["ask", "--json", *ASKED[1:]], workdir=workdir, env=env)
    assert json.loads(again.stdout)["text"].startswith("Ta demande n° 1 est enregistrée")
    assert "Essai : la demande n° 1 n'est pas enregistrée" in again.stderr
    assert {path: path.read_bytes() for path in workdir.iterdir()} == files  # untouched


def test_ask_reads_the_real_requests_only_when_told(tmp_path: Path) -> None:
    env = {"ANIMATION_REGISTRY": str(REGISTRY)}
    run_cli([*ASKED, "--enregistrer"], workdir=tmp_path, env=env)
    mine = ["ask", "--user", "alice", "mes-demandes"]
    tried = run_cli(mine, workdir=tmp_path, env=env)
    assert tried.stdout.startswith("Tu n'as pas encore fait de demande.")
    assert tried.stderr.startswith("Essai : rien n'est enregistré. Une base jetable, vide au")
    real = run_cli([*mine, "--enregistrer"], workdir=tmp_path, env=env)
    assert real.stdout.startswith("**Tes demandes**\n- n° 1 · Convention")
    assert real.stderr.strip() == "La vraie base (ANIMATION_DATABASE_URL) a servi (--enregistrer)."


def test_ask_says_when_the_real_database_cannot_be_opened(tmp_path: Path) -> None:
    env = {
        "ANIMATION_REGISTRY": str(REGISTRY),
        "ANIMATION_DATABASE_URL": f"sqlite:///{tmp_path / 'absent' / 'animation.db'}",
    }
    result = run_cli([*ASKED, "--enregistrer"], workdir=tmp_path, env=env)
    assert result.returncode == 1
    assert result.stderr == (
        "Base de données injoignable : vérifie ANIMATION_DATABASE_URL (OperationalError).\n"
    )
    assert result.stdout == ""
