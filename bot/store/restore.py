"""Restoring a backup made by `bot/store/backup.py`: its manifest checked first, then the
SQLite database written back through the backup API, and the Matrix store put in place.

Nothing is written before every check has passed: each file's size and hash, the
schema revision known to this version, and targets that are empty, or that the
operator asked to replace while no service uses them.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

from bot.store.backup import FORMAT, MANIFEST, BackupError, describe
from bot.store.engine import MIGRATIONS

RUNNING = (
    "{target} est ouverte par un autre processus : arrête le service (toutes ses répliques) "
    "avant de restaurer."
)


@dataclass(frozen=True)
class Manifest:
    """A backup's manifest, its files checked."""

    folder: Path
    created_at: str
    database: dict[str, Any]
    matrix_store: str | None


def read_manifest(folder: Path) -> Manifest:
    """The manifest of the backup in `folder`, once every file matches it: the same files,
    sizes and hashes, nothing more and nothing less."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} n'est pas une sauvegarde : {MANIFEST} est introuvable.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        listed = {entry["path"]: entry for entry in manifest["files"]}
        database, created_at = manifest["database"], manifest["created_at"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{path} est illisible : ce n'est pas un manifeste du bot.") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} : format {manifest.get('format')!r} inconnu de cette version.")
    found = {copied.path: copied for copied in describe(folder)}
    for name in sorted(set(listed) | set(found)):
        problem = _mismatch(listed.get(name), found.get(name))
        if problem:
            raise BackupError(
                f"Sauvegarde altérée ou incomplète, je ne restaure rien : {name} {problem}."
            )
    return Manifest(folder, str(created_at), dict(database), manifest.get("matrix_store"))


def _mismatch(listed: dict[str, Any] | None, found: Any) -> str | None:
    if found is None:
        return "manque"
    if listed is None:
        return "n'est pas dans le manifeste"
    if (listed.get("size"), listed.get("sha256")) != (found.size, found.sha256):
        return "n'a plus la taille ou l'empreinte SHA-256 du manifeste"
    return None


def check_revision(revision: str | None) -> None:
    """A backup from a newer version of the bot, whose schema this one does not know, is
    refused: its migrations could not run."""
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    try:
        known = revision is None or bool(ScriptDirectory.from_config(config).get_revision(revision))
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"La sauvegarde est au schéma {revision}, que cette version du bot ne connaît pas : "
            "restaure-la avec la version qui l'a faite, ou une plus récente."
        )


def check_sqlite_target(target: Path, *, replace: bool) -> None:
    """Refused: a database with tables, unless `replace`; one another process has open."""
    if not target.exists():
        return
    connection = _exclusive(target)
    try:
        (tables,) = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
    finally:
        connection.close()
    if tables and not replace:
        raise BackupError(
            f"La base {target} contient déjà des données : je ne l'écrase pas. Service arrêté, "
            "relance avec --remplacer pour la remplacer par la sauvegarde."
        )


def restore_sqlite(copy: Path, target: Path) -> None:
    """Write the database `copy` over `target` through the backup API, holding `target`
    exclusively so that no process opens it meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    new = not target.exists()
    connection = _exclusive(target)
    if new:  # personal data: readable by the service's account only, like the backup
        os.chmod(target, 0o600)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        source.backup(connection)
        (verdict,) = connection.execute("PRAGMA quick_check").fetchone()
    finally:
        source.close()
        connection.close()
    if verdict != "ok":
        raise BackupError(f"La base restaurée {target} est incohérente ({verdict}).")


def _exclusive(target: Path) -> sqlite3.Connection:
    """A connection holding `target` alone. In WAL mode, every process with the database
    open keeps a lock on it, idle or not: a running service is seen."""
    connection = sqlite3.connect(target, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")  # the lock stays, in this locking mode
    except sqlite3.OperationalError:
        connection.close()
        raise BackupError(RUNNING.format(target=target)) from None
    return connection


def check_folder_target(target: Path, *, replace: bool) -> None:
    if target.exists() and any(target.iterdir()) and not replace:
        raise BackupError(
            f"Le magasin Matrix {target} n'est pas vide : je ne l'écrase pas. Service arrêté, "
            "relance avec --remplacer (l'ancien est alors mis de côté, pas effacé)."
        )


def restore_folder(copy: Path, target: Path, *, moment: datetime) -> Path | None:
    """Put a copy of the folder `copy` at `target`; a folder already there is moved aside,
    never deleted. Where it went, if there was one."""
    staging = target.with_name(f"{target.name}.restauration")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(copy, staging)
    os.chmod(staging, 0o700)
    aside = None
    if target.exists():
        stamp = moment.strftime("%Y-%m-%dT%H-%M-%SZ")
        aside = target.with_name(f"{target.name}.avant-restauration-{stamp}")
        target.rename(aside)
    staging.rename(target)
    return aside
