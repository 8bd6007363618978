"""A wrong `ANIMATION_DATABASE_URL` (unreadable, unreachable, of a kind the bot does not
keep) gets a French sentence and exit code 1 from `outbox`, `purge`, `backup` and
`restore`: never a Python traceback, never the URL (it may hold a password)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.store.backup import BackupError, sqlite_file
from tests.conftest import ROOT

PASSWORD = "pw-S3CRET-9f2e"
UNREADABLE = f"not a url {PASSWORD}"
# Nothing listens on port 9 (discard): the connection is refused at once.
UNREACHABLE = f"postgresql+psycopg://bot:{PASSWORD}@127.0.0.1:9/animation?connect_timeout=2"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("url", [UNREADABLE, UNREACHABLE])
@pytest.mark.parametrize(
    "action", [["liste"], ["relance", "1"], ["relance", "--toutes"], ["supprime", "1"]]
)
def test_outbox_says_the_database_cannot_be_opened(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    action: list[str],
) -> None:
    monkeypatch.setenv("ANIMATION_DATABASE_URL", url)
    assert main(["outbox", *action]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Base de données injoignable : vérifie ANIMATION_DATABASE_URL (")
    assert "Traceback" not in err and PASSWORD not in err


@pytest.mark.parametrize("url", [UNREADABLE, UNREACHABLE])
@pytest.mark.parametrize("trial", [[], ["--essai"]])
def test_purge_says_the_database_cannot_be_opened_without_a_trace(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    url: str,
    trial: list[str],
) -> None:
    monkeypatch.setenv("ANIMATION_REGISTRY", str(ROOT / "data" / "referents.yaml"))
    monkeypatch.setenv("ANIMATION_CATALOG", str(ROOT / "data" / "betagouv"))
    monkeypatch.setenv("ANIMATION_DATABASE_URL", url)
    assert main(["purge", *trial]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("Base de données injoignable : vérifie ANIMATION_DATABASE_URL (")
    assert err.endswith("). La purge n'est pas faite.\n"), err
    assert "Traceback" not in err and "trace" not in err and PASSWORD not in err


def test_an_unreadable_url_is_refused_without_being_repeated() -> None:
    with pytest.raises(BackupError, match="n'est pas une adresse") as refused:
        sqlite_file(UNREADABLE)
    assert PASSWORD not in str(refused.value)


def test_a_database_neither_sqlite_nor_postgresql_is_refused() -> None:
    with pytest.raises(BackupError, match="base mysql"):
        sqlite_file(f"mysql://bot:{PASSWORD}@db/animation")


@pytest.mark.parametrize("command", [["backup", "--out", "sauvegardes"], ["restore", "--from"]])
def test_backup_and_restore_refuse_an_unreadable_url(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
) -> None:
    sqlite3.connect(workdir / "animation.db").execute("CREATE TABLE t (x)").connection.close()
    monkeypatch.setenv("ANIMATION_DATABASE_URL", "sqlite:///animation.db")
    assert main(["backup", "--out", "gardées"]) == 0
    (backup,) = (workdir / "gardées").iterdir()
    capsys.readouterr()
    monkeypatch.setenv("ANIMATION_DATABASE_URL", UNREADABLE)
    args = [*command, str(backup)] if command[0] == "restore" else command
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "n'est pas une adresse de base de données lisible" in err
    assert "Traceback" not in err and PASSWORD not in out + err
    assert not (workdir / "sauvegardes").exists()
