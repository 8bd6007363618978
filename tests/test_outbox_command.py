"""`animation-bot outbox` in process: every action, its French words and exit codes (the
same, as a real process and beside the running service: `test_outbox_cli.py`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.dead_letters import SECRET, dead_letters


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANIMATION_DATABASE_URL", f"sqlite:///{tmp_path / 'animation.db'}")
    dead_letters(tmp_path)
    return tmp_path


def test_every_action_says_what_it_did(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    said: list[str] = []

    def cli(*args: str) -> tuple[int, str, str]:
        code = main(["outbox", *args])
        out, err = capsys.readouterr()
        said.append(out + err)
        return code, out, err

    assert cli("relance", "1", "2") == (
        0,
        "Message 1 remis en file d'envoi.\nMessage 2 remis en file d'envoi.\n",
        "",
    )
    assert cli("retry", "1", "99") == (
        1,
        "",
        "Le message 1 n'est pas en échec (en attente d'envoi) : je n'y touche pas.\n"
        "Aucun message 99 dans la file d'envoi (voir : outbox liste).\n",
    )
    assert cli("supprime", "3") == (0, "Message 3 supprimé (gardé dans les comptes).\n", "")
    assert cli("drop", "3", "4")[1:] == (
        "Message 4 supprimé (gardé dans les comptes).\n",
        "Le message 3 n'est pas en échec (supprimé) : je n'y touche pas.\n",
    )
    assert cli("relance", "--toutes") == (0, "Aucun à relancer.\n", "")
    assert cli("list") == (0, "Aucun message en échec définitif.\n", "")
    assert cli("relance")[0] == 2 and cli("relance", "1", "--all")[0] == 2
    assert not any(SECRET in output for output in said)
    statuses = sqlite3.connect(workdir / "animation.db").execute(
        "SELECT status, count(*) FROM outbox GROUP BY status ORDER BY status"
    )
    assert statuses.fetchall() == [("dropped", 2), ("pending", 2)]


def test_all_at_once(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["outbox", "relance", "--toutes"]) == 0
    assert capsys.readouterr().out == "4 messages remis en file d'envoi.\n"
