"""A wrong `ANIMATION_DATABASE_URL` (unreadable, unreachable) gets a French sentence and
exit code 1 from `outbox`: never a Python traceback, never the URL (it may hold a
password)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main

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
