"""`animation-bot backup` and `animation-bot restore`: the SQLite database and the Matrix
store, copied while the service runs, and put back; PostgreSQL is pg_dump's job, and the
commands say exactly how."""

from __future__ import annotations

import argparse
import shlex
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.matrix.storelock import LOCK, StoreLock
from bot.service.settings import Settings
from bot.store import restore
from bot.store.backup import (
    DATABASE,
    DUMP,
    MATRIX,
    BackupError,
    back_up,
    schema_revision,
    sqlite_file,
)
from bot.store.engine import make_engine, migrate, schema_revisions

KEEP_IT_SAFE = (
    "Elle contient des données personnelles (les demandes, qui les a faites) et, avec "
    "Tchap, la session et les clés de chiffrement du bot : garde-la aussi bien que la "
    "base, hors de portée. ANIMATION_SECRET et les jetons Mattermost n'y sont pas : "
    "garde-les à part."
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    backup = sub.add_parser("backup", help="sauvegarde la base SQLite et le magasin Matrix")
    backup.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DOSSIER",
        help="où écrire la sauvegarde (un nouveau sous-dossier daté)",
    )
    backup.set_defaults(run=backup_command)
    put_back = sub.add_parser("restore", help="restaure une sauvegarde faite par backup")
    put_back.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="DOSSIER",
        help="le dossier d'une sauvegarde (celui qui contient manifest.json)",
    )
    put_back.add_argument(
        "--remplacer",
        action="store_true",
        help="écrase la base et met de côté le magasin Matrix présents (service arrêté)",
    )
    put_back.set_defaults(run=restore_command)


def backup_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        database = sqlite_file(settings.database_url)
        folder = back_up(
            args.out,
            moment=datetime.now(UTC),
            database=database,
            matrix_store=settings.matrix_store,
            skip={LOCK},
        )
    except (BackupError, OSError, sqlite3.Error) as error:
        print(_failure("Sauvegarde", error), file=sys.stderr)
        return 1
    print(f"Sauvegarde écrite dans {folder}.")
    if database is not None:
        print(f"La base SQLite {database} y est, au schéma {schema_revision(folder / DATABASE)}.")
    if database is None:
        print(
            "La base PostgreSQL se sauvegarde avec pg_dump (cohérent pendant que le service "
            "tourne) ; lance :",
            f"  pg_dump --format=custom --file={shlex.quote(str(folder / DUMP))} "
            f"{libpq_url(settings.database_url)}",
            "Le mot de passe se donne par PGPASSWORD ou ~/.pgpass, jamais dans la commande.",
            sep="\n",
        )
    if (folder / MATRIX).is_dir():
        print(f"Le magasin Matrix {settings.matrix_store} y est aussi.")
    print(KEEP_IT_SAFE)
    return 0


def restore_command(args: argparse.Namespace, settings: Settings) -> int:
    moment = datetime.now(UTC)
    try:
        manifest = restore.read_manifest(args.source)
        database = sqlite_file(settings.database_url)
        _check(manifest, database, replace=args.remplacer, store=settings.matrix_store)
        if database is not None:
            _restore_database(manifest, database, settings.database_url)
        if manifest.matrix_store:
            _restore_store(manifest, settings.matrix_store, moment=moment)
    except (BackupError, OSError, sqlite3.Error) as error:
        print(_failure("Restauration", error), file=sys.stderr)
        return 1
    if database is None:
        _say_pg_restore(manifest, settings.database_url, replace=args.remplacer)
    else:
        print(f"Sauvegarde du {manifest.created_at} restaurée : tu peux démarrer le service.")
    return 0


def _check(
    manifest: restore.Manifest, database: Path | None, *, replace: bool, store: Path
) -> None:
    """Everything that could refuse, before anything is written."""
    kind = manifest.database.get("kind")
    if (kind == "sqlite") != (database is not None):
        where = "SQLite" if database is not None else "PostgreSQL"
        raise BackupError(
            f"Cette sauvegarde est celle d'une base {kind}, mais ANIMATION_DATABASE_URL désigne "
            f"une base {where} : je ne restaure rien."
        )
    if database is not None:
        restore.check_revision(manifest.database.get("schema_revision"))
        restore.check_sqlite_target(database, replace=replace)
    if manifest.matrix_store:
        restore.check_folder_target(store, replace=replace)
        _held_by_nobody(store)


def _restore_database(manifest: restore.Manifest, database: Path, url: str) -> None:
    restore.restore_sqlite(manifest.folder / str(manifest.database["file"]), database)
    engine = make_engine(url)
    try:
        migrate(engine)  # a backup of an earlier version is brought to this one's schema
        current, _ = schema_revisions(engine)
    finally:
        engine.dispose()
    print(f"Base SQLite {database} restaurée (schéma {current}).")


def _say_pg_restore(manifest: restore.Manifest, url: str, *, replace: bool) -> None:
    """The database is pg_restore's to put back: its exact command, for the dump there."""
    dump = manifest.folder / DUMP
    clean = "--clean --if-exists " if replace else ""
    print(
        "La base PostgreSQL se restaure avec pg_restore, service arrêté, dans une base vide "
        "(createdb) ou, avec --remplacer, par-dessus celle qui est là ; lance :",
        f"  pg_restore --no-owner --exit-on-error {clean}--dbname={libpq_url(url)} "
        f"{shlex.quote(str(dump))}",
        "Puis démarre le service : il migre le schéma à son démarrage.",
        sep="\n",
    )
    if not dump.is_file():
        print(f"{DUMP} n'est pas dans la sauvegarde : donne le chemin de ton dump à la place.")


def _restore_store(manifest: restore.Manifest, store: Path, *, moment: datetime) -> None:
    lock = StoreLock(store) if store.is_dir() else None
    if lock is not None and not lock.take():
        raise BackupError(f"Un service utilise le magasin Matrix {store} : arrête-le d'abord.")
    try:
        aside = restore.restore_folder(manifest.folder / MATRIX, store, moment=moment)
    finally:
        if lock is not None:
            lock.release()
    print(f"Magasin Matrix {store} restauré." + (f" L'ancien est dans {aside}." if aside else ""))


def _held_by_nobody(store: Path) -> None:
    if store.is_dir() and (store / LOCK).exists():
        lock = StoreLock(store)
        if not lock.take():
            raise BackupError(f"Un service utilise le magasin Matrix {store} : arrête-le d'abord.")
        lock.release()


def _failure(what: str, error: Exception) -> str:
    """A refusal as it is; a system's or SQLite's error by its class and file, never more."""
    if isinstance(error, BackupError):
        return str(error)
    where = f" ({error.filename})" if isinstance(error, OSError) and error.filename else ""
    return f"{what} impossible : {type(error).__name__}{where}."


def libpq_url(url: str) -> str:
    """The database URL as libpq reads it (pg_dump, pg_restore), its password left out."""
    parsed = make_url(url).set(drivername="postgresql")._replace(password=None)  # `set` keeps it
    parsed = parsed.difference_update_query(["password"])
    return shlex.quote(parsed.render_as_string(hide_password=False))
