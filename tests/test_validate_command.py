"""`animation-bot validate`, in process: warnings do not fail a file, and a file whose bytes
are wrong still gets the rest of its problems in the same run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from tests.conftest import CATALOG
from tests.registries import BASE, edit

WARNED = edit({33: "    routing: topic\n    topic: marches-publics"})  # asks a team for nothing


def validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, *extra: str
) -> tuple[int, list[str]]:
    path = tmp_path / "r.yaml"
    path.write_bytes(content)
    code = main(["validate", "--catalog", str(CATALOG), *extra, str(path)])
    out = capsys.readouterr().out.replace(str(path), "r.yaml")
    return code, out.splitlines()


@pytest.fixture(autouse=True)
def _here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's


def test_a_warning_is_printed_and_the_file_is_valid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = validate(tmp_path, capsys, WARNED.encode())
    assert code == 0
    assert lines[0].startswith("r.yaml:35: attention : categories › convention › fields : ")
    assert lines[1].startswith("r.yaml : registre valide (2 personnes")


def test_github_annotations_say_error_or_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = validate(tmp_path, capsys, WARNED.encode(), "--format", "github")
    assert code == 0
    assert lines[0].startswith("::warning file=r.yaml,line=35,title=Registre::categories › ")
    code, lines = validate(
        tmp_path, capsys, edit({12: "    nmae: x"}).encode(), "--format", "github"
    )
    assert code == 1
    assert lines == [
        "::error file=r.yaml,line=12,title=Registre::animators › camille : clé inconnue « nmae » "
        "(tu voulais dire « name » ?)"
    ]


def test_bad_bytes_and_the_rest_of_the_file_in_one_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = edit({12: "    name: Camille L\x00vy", 20: "    referents: [camile]"}).encode()
    code, lines = validate(tmp_path, capsys, raw.replace(b"L\x00vy", b"L\xe9vy\x00"))
    assert code == 1
    assert [line.split(" : ")[0] for line in lines] == [
        "r.yaml:12: caractère interdit U+0000 (NUL) en colonne 23",
        "r.yaml:12: octet 0xE9 invalide en UTF-8, en colonne 20",
        "r.yaml:20: teams › aides-territoires › referents",
    ]


def test_the_base_registry_is_valid_without_a_word(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, lines = validate(tmp_path, capsys, BASE.encode())
    assert code == 0 and len(lines) == 1
