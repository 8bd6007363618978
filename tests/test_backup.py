"""Backups and restores of the SQLite database and of the Matrix store, in process: a copy
made while another connection writes is one consistent snapshot; the manifest catches a
file changed, missing or added; a restore never writes over data, nor under a process
that has the database open, unless told to, and then only when nobody has it open."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli.backup import libpq_url
from bot.store import restore
from bot.store.backup import DATABASE, MATRIX, BackupError, back_up, sqlite_file
from bot.store.engine import make_engine, migrate, schema_revisions

MOMENT = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def writing_database(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE pairs (n INTEGER, twice INTEGER)")
    return connection


def matrix_store(folder: Path) -> Path:
    """A store as nio and the bot leave it: nio's SQLite file, the session, the sync token,
    the lock."""
    folder.mkdir()
    keys = sqlite3.connect(folder / "@bot:localhost_DEVICE.db")
    keys.execute("CREATE TABLE accounts (device TEXT, pickle BLOB)")
    keys.execute("INSERT INTO accounts VALUES ('DEVICE', x'00ff')")
    keys.commit()
    keys.close()
    (folder / "session.json").write_text('{"device_id": "DEVICE"}', encoding="utf-8")
    (folder / "session.json").chmod(0o600)
    (folder / "next-batch").write_text("s42", encoding="utf-8")
    (folder / "lock").touch()
    return folder


def test_a_copy_made_while_writes_go_on_is_one_snapshot(tmp_path: Path) -> None:
    connection = writing_database(tmp_path / "live.db")
    stop = threading.Event()

    def write() -> None:  # each transaction adds a row and its double: never one alone
        n = 0
        while not stop.is_set():
            n += 1
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO pairs VALUES (?, NULL)", (n,))
            connection.execute("UPDATE pairs SET twice = n * 2 WHERE n = ?", (n,))
            connection.execute("COMMIT")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        folders = [
            back_up(
                tmp_path / f"out{i}",
                moment=MOMENT,
                database=tmp_path / "live.db",
                matrix_store=None,
            )
            for i in range(3)
        ]
    finally:
        stop.set()
        writer.join()
    for folder in folders:
        copy = sqlite3.connect(folder / DATABASE)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        rows = copy.execute("SELECT count(*), count(twice) FROM pairs").fetchone()
        assert rows[0] == rows[1]
        copy.close()
        assert sorted(p.name for p in folder.iterdir()) == [DATABASE, "manifest.json"]


def test_the_manifest_says_what_when_and_each_file(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'animation.db'}")
    migrate(engine)
    engine.dispose()
    store = matrix_store(tmp_path / "matrix")
    folder = back_up(
        tmp_path / "out",
        moment=MOMENT,
        database=tmp_path / "animation.db",
        matrix_store=store,
        skip={"lock"},
    )
    assert folder.name == "animation-bot-2026-11-29T10-00-00Z"
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["created_at"] == MOMENT.isoformat()
    assert manifest["database"] == {"kind": "sqlite", "file": DATABASE, "schema_revision": head()}
    assert [(f["path"], f["sqlite"]) for f in manifest["files"]] == [
        (DATABASE, True),
        (f"{MATRIX}/@bot:localhost_DEVICE.db", True),
        (f"{MATRIX}/next-batch", False),
        (f"{MATRIX}/session.json", False),
    ]
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in manifest["files"])
    assert {p.stat().st_mode & 0o777 for p in folder.rglob("*")} <= {0o600, 0o700}
    with pytest.raises(BackupError, match="existe déjà"):
        back_up(tmp_path / "out", moment=MOMENT, database=None, matrix_store=None)


def test_a_missing_database_leaves_no_backup_behind(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="n'existe pas"):
        back_up(tmp_path / "out", moment=MOMENT, database=tmp_path / "none.db", matrix_store=None)
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:///animation.db", Path("animation.db")),
        ("sqlite:////app/state/animation.db", Path("/app/state/animation.db")),
        ("postgresql+psycopg://bot:pw@db/animation", None),
    ],
)
def test_the_database_file_of_a_url(url: str, file: Path | None) -> None:
    assert sqlite_file(url) == file


def test_a_database_in_memory_is_refused() -> None:
    with pytest.raises(BackupError, match="en mémoire"):
        sqlite_file("sqlite://")


def backup_of_a_store(tmp_path: Path) -> Path:
    store = matrix_store(tmp_path / "matrix")
    return back_up(
        tmp_path / "out", moment=MOMENT, database=None, matrix_store=store, skip={"lock"}
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda folder: (folder / MATRIX / "next-batch").write_text("s43", encoding="utf-8"),
        lambda folder: (folder / MATRIX / "session.json").unlink(),
        lambda folder: (folder / MATRIX / "extra.json").write_text("{}", encoding="utf-8"),
    ],
    ids=["changed", "missing", "added"],
)
def test_a_backup_changed_is_refused_whole(
    tmp_path: Path, change: Callable[[Path], object]
) -> None:
    folder = backup_of_a_store(tmp_path)
    change(folder)
    with pytest.raises(BackupError, match="je ne restaure rien"):
        restore.read_manifest(folder)


def test_a_folder_that_is_no_backup_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="introuvable"):
        restore.read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("[]", encoding="utf-8")
    with pytest.raises(BackupError, match="illisible"):
        restore.read_manifest(tmp_path)


def test_the_store_comes_back_identical_and_an_old_one_is_set_aside(tmp_path: Path) -> None:
    folder = backup_of_a_store(tmp_path)
    manifest = restore.read_manifest(folder)
    target = tmp_path / "restored"
    assert restore.restore_folder(folder / MATRIX, target, moment=MOMENT) is None
    original = tmp_path / "matrix"
    assert (target / "session.json").read_bytes() == (original / "session.json").read_bytes()
    assert (target / "session.json").stat().st_mode & 0o777 == 0o600
    assert (target / "next-batch").read_text(encoding="utf-8") == "s42"
    keys = sqlite3.connect(target / "@bot:localhost_DEVICE.db")
    assert keys.execute("SELECT device, pickle FROM accounts").fetchall() == [("DEVICE", b"\0\xff")]
    keys.close()
    assert not (target / "lock").exists() and manifest.matrix_store == MATRIX
    with pytest.raises(BackupError, match="n'est pas vide"):
        restore.check_folder_target(target, replace=False)
    restore.check_folder_target(target, replace=True)
    aside = restore.restore_folder(folder / MATRIX, target, moment=MOMENT)
    assert aside == tmp_path / "restored.avant-restauration-2026-11-29T10-00-00Z"
    assert (aside / "next-batch").exists() and (target / "next-batch").exists()


def test_a_database_is_never_restored_over_data_or_under_a_process(tmp_path: Path) -> None:
    live = writing_database(tmp_path / "live.db")
    live.execute("INSERT INTO pairs VALUES (1, 2)")
    folder = back_up(
        tmp_path / "out", moment=MOMENT, database=tmp_path / "live.db", matrix_store=None
    )
    target = tmp_path / "target.db"
    restore.check_sqlite_target(target, replace=False)  # nothing there yet
    restore.restore_sqlite(folder / DATABASE, target)
    assert target.stat().st_mode & 0o777 == 0o600
    with pytest.raises(BackupError, match="contient déjà des données"):
        restore.check_sqlite_target(target, replace=False)
    restore.check_sqlite_target(target, replace=True)
    with pytest.raises(BackupError, match="ouverte par un autre processus"):
        restore.check_sqlite_target(tmp_path / "live.db", replace=True)
    with pytest.raises(BackupError, match="ouverte par un autre processus"):
        restore.restore_sqlite(folder / DATABASE, tmp_path / "live.db")
    live.close()
    restore.restore_sqlite(folder / DATABASE, tmp_path / "live.db")
    again = sqlite3.connect(target)
    assert again.execute("SELECT * FROM pairs").fetchall() == [(1, 2)]
    again.close()


def head() -> str | None:
    """The latest revision this version of the bot knows."""
    return schema_revisions(make_engine("sqlite://"))[1]


@pytest.mark.parametrize("revision", [None, "0001", "0005", "0006"])
def test_known_revisions_are_restored(revision: str | None) -> None:
    restore.check_revision(revision)


def test_a_backup_from_a_newer_version_is_refused() -> None:
    with pytest.raises(BackupError, match="ne connaît pas"):
        restore.check_revision("0099")


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("postgresql+psycopg://bot:pw@db:5433/animation", "postgresql://bot@db:5433/animation"),
        (
            "postgresql+psycopg://bot@db/a?sslmode=require&password=pw",
            "'postgresql://bot@db/a?sslmode=require'",
        ),
        ("postgresql+psycopg:///animation", "postgresql:///animation"),
    ],
)
def test_pg_dump_is_given_the_url_without_its_password(url: str, said: str) -> None:
    assert libpq_url(url) == said


def test_a_file_gone_while_the_store_is_copied_is_left_out(tmp_path: Path) -> None:
    store = matrix_store(tmp_path / "matrix")
    (store / "next-batch.new").symlink_to(tmp_path / "renamed-meanwhile")  # listed, then gone
    folder = back_up(tmp_path / "out", moment=MOMENT, database=None, matrix_store=store)
    assert sorted(p.name for p in (folder / MATRIX).iterdir()) == [
        "@bot:localhost_DEVICE.db",
        "lock",
        "next-batch",
        "session.json",
    ]
