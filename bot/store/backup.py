"""Backups of what the bot keeps on disk: its SQLite database and the Matrix store.

A SQLite file is copied through SQLite's online backup API, never as bytes: the copy
is one consistent snapshot even while the service writes (WAL mode lets it go on
writing meanwhile), and it is made self-contained (rollback journal, no `-wal` beside
it). Every file copied is listed in `manifest.json` with its size and SHA-256, which a
restore checks first (`bot/store/restore.py`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
DUMP = "database.pgdump"  # where the PostgreSQL dump goes, made by pg_dump, not listed
MATRIX = "matrix-store"
FORMAT = 1
SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")  # a SQLite file's companions: part of its copy


class BackupError(Exception):
    """A backup or a restore cannot be made; the message says why, in French."""


@dataclass(frozen=True)
class Copied:
    """One file of a backup, by its path inside the backup folder."""

    path: str
    size: int
    sha256: str
    sqlite: bool


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite database URL; None for a PostgreSQL one. Any other (or no URL at
    all) is refused, without repeating it: it may hold a password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BackupError(
            "ANIMATION_DATABASE_URL n'est pas une adresse de base de données lisible "
            "(sqlite:///fichier.db ou postgresql+psycopg://…) : je ne fais rien."
        ) from None
    if parsed.get_backend_name() == "postgresql":
        return None
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            f"ANIMATION_DATABASE_URL désigne une base {parsed.get_backend_name()} : le bot ne "
            "sait sauvegarder et restaurer que SQLite et PostgreSQL."
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas.")
    return Path(parsed.database)


def is_sqlite(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, checked, in one self-contained file."""
    if not source.is_file():
        raise BackupError(f"La base SQLite {source} n'existe pas : rien à sauvegarder.")
    origin = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(target)
    try:
        origin.backup(copy)  # every page in one step: one snapshot, writers go on
        copy.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
    finally:
        copy.close()
        origin.close()
    if verdict != "ok":
        raise BackupError(f"La copie de {source} est incohérente ({verdict}).")


def schema_revision(database: Path) -> str | None:
    """The Alembic revision a SQLite file is at; None before any migration."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        found = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        row = found and connection.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        connection.close()
    return str(row[0]) if row else None


def copy_folder(source: Path, target: Path, *, skip: Collection[str] = ()) -> None:
    """Every file under `source` into `target`: SQLite ones through the backup API, the
    others as they are. Names in `skip` (a lock) and SQLite's companion files are left
    out, and so is a file gone meanwhile (a temporary one, renamed into place)."""
    for path in sorted(source.rglob("*")):
        if path.is_dir() or path.name in skip or path.name.endswith(SIDECARS):
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            if is_sqlite(path):
                copy_sqlite(path, destination)
            else:
                shutil.copy2(path, destination)
        except FileNotFoundError:
            continue


def describe(folder: Path) -> list[Copied]:
    """Every file of a backup folder but its manifest, with its size and hash."""
    return [
        Copied(path=name, size=path.stat().st_size, sha256=sha256(path), sqlite=is_sqlite(path))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and (name := path.relative_to(folder).as_posix()) not in (MANIFEST, DUMP)
    ]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fresh_folder(out: Path, moment: datetime) -> Path:
    """A new folder in `out` named after `moment` (UTC), readable by its owner only; an
    existing one is never written into."""
    out.mkdir(parents=True, exist_ok=True)
    folder = out / f"animation-bot-{moment.strftime('%Y-%m-%dT%H-%M-%SZ')}"
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        raise BackupError(f"{folder} existe déjà : je n'écris pas par-dessus.") from None
    return folder


def back_up(
    out: Path,
    *,
    moment: datetime,
    database: Path | None,
    matrix_store: Path | None,
    skip: Collection[str] = (),
) -> Path:
    """A new backup folder in `out`: the SQLite `database` if given, the Matrix store if it
    exists, and the manifest. Its path."""
    folder = fresh_folder(out, moment)
    try:
        described: dict[str, object] = {"kind": "postgresql", "file": DUMP}  # by pg_dump
        if database is not None:
            copy_sqlite(database, folder / DATABASE)
            revision = schema_revision(folder / DATABASE)
            described = {"kind": "sqlite", "file": DATABASE, "schema_revision": revision}
        if matrix_store is not None and matrix_store.is_dir():
            copy_folder(matrix_store, folder / MATRIX, skip=skip)
        for path in folder.rglob("*"):
            os.chmod(path, 0o700 if path.is_dir() else 0o600)  # personal data: the owner's
        write_manifest(folder, moment=moment, database=described)
    except BaseException:
        shutil.rmtree(folder)  # no half backup left to be mistaken for a whole one
        raise
    return folder


def write_manifest(folder: Path, *, moment: datetime, database: dict[str, object]) -> None:
    """What the backup holds, when it was made, and each file's size and hash."""
    manifest = {
        "format": FORMAT,
        "created_at": moment.isoformat(),
        "bot_version": version("animation-bot"),
        "database": database,
        "matrix_store": MATRIX if (folder / MATRIX).is_dir() else None,
        "files": [asdict(copied) for copied in describe(folder)],
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
