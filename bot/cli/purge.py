"""`animation-bot purge`: retention applied now, by hand (the worker does it every five
minutes). Prints how many, in French, never what: no person, no word of a request.

Exit codes: 0 done (or counted, with `--essai`); 1 nothing done (registry not valid,
database unreachable); 2 bad usage (argparse) or configuration (`main`).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.support import load_registry, unreachable
from bot.core.clock import PARIS, SystemClock
from bot.core.requests.retention import Tally
from bot.core.text import french_date
from bot.service.settings import Settings
from bot.store.engine import make_engine, schema_revisions
from bot.store.requests import SqlStore

MOMENT = "AAAA-MM-JJ[THH:MM]"


@dataclass(frozen=True)
class At:
    """A clock stopped at the moment `--maintenant` gives."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment

    def today(self) -> date:
        return self.moment.astimezone(PARIS).date()


def moment(text: str) -> datetime:
    """`2027-06-01` or `2027-06-01T09:30`, Paris time unless an offset is given."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"date attendue au format {MOMENT}, par exemple 2027-06-01 ou 2027-06-01T09:30"
        ) from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)).astimezone(UTC)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    purge = sub.add_parser(
        "purge", help="anonymise les demandes dont la durée de conservation est passée"
    )
    purge.add_argument(
        "--essai",
        "--dry-run",
        dest="dry_run",
        action="store_true",
        help="compte ce qui serait fait, sans rien changer",
    )
    purge.add_argument(
        "--maintenant",
        type=moment,
        metavar=MOMENT,
        help="compte les durées jusqu'à ce moment plutôt que jusqu'à maintenant (heure de "
        "Paris) : avec --essai, pour voir à l'avance ce qu'une date effacera ; sans, "
        "efface vraiment ce qui serait dû à ce moment-là",
    )
    purge.add_argument(
        "--confirmer",
        action="store_true",
        help="avec --maintenant plus tard qu'aujourd'hui et sans --essai : efface vraiment "
        "ce qui serait dû à ce moment-là",
    )
    purge.set_defaults(run=purge_command)


def lines(done: Tally, *, dry_run: bool, months: int) -> list[str]:
    opened = f"demandes confidentielles ouvertes depuis {months} mois ou plus"
    said = (
        (f"{opened}, à clore", f"{opened}, closes", done.closed),
        ("demandes closes à anonymiser", "demandes closes anonymisées", done.anonymised),
        ("messages à effacer", "messages effacés", done.messages),
        ("conversations en cours à effacer", "conversations en cours effacées", done.drafts),
    )
    return [f"- {todo if dry_run else did} : {count}" for todo, did, count in said]


def opened_store(settings: Settings, *, dry_run: bool) -> SqlStore | None:
    """The store, migrated; for a trial, as it is, and None (said why) if it is not current:
    a trial changes nothing, not even the schema."""
    from bot.app import open_store

    if not dry_run:
        return open_store(settings)[0]
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not Path(url.database or "").is_file():
        print(f"La base {url.database} n'existe pas : rien à compter.", file=sys.stderr)
        return None
    engine = make_engine(settings.database_url)
    current, latest = schema_revisions(engine)
    if current != latest:
        print(
            "La base n'est pas à jour, et un essai ne change rien, pas même son schéma. Pour "
            "voir ce que la première purge fera : `animation-bot backup`, `animation-bot "
            "restore` de cette sauvegarde vers une autre base (qu'il met à jour), puis "
            "`purge --essai` sur celle-ci.",
            file=sys.stderr,
        )
        return None
    return SqlStore(engine)


def purge_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import purge_for

    registry = load_registry(settings)
    if registry is None:
        return 1
    clock = At(args.maintenant) if args.maintenant else SystemClock()
    if not (args.dry_run or args.confirmer) and clock.now() > SystemClock().now():
        print(
            "--maintenant est plus tard qu'aujourd'hui : la purge effacerait dès maintenant ce "
            "qui ne sera dû qu'à ce moment-là. Ajoute --essai pour compter, ou --confirmer si "
            "c'est bien ce que tu veux. Rien n'est changé.",
            file=sys.stderr,
        )
        return 2
    try:
        store = opened_store(settings, dry_run=args.dry_run)
        if store is None:
            return 1
        purge = purge_for(settings, store, lambda: registry, clock, rounds=None)
        done = purge.backlog() if args.dry_run else purge.purge()
    except SQLAlchemyError as error:  # its class only: no trace, never the URL
        print(unreachable(error, "La purge n'est pas faite."), file=sys.stderr)
        return 1
    day = french_date(clock.now().astimezone(PARIS).date())
    head = f"Purge faite au {day} :"
    if args.dry_run:
        head = f"Essai, rien n'est changé. Une purge au {day} ferait :"
    months = settings.confidential_max_open_months
    print(head, *lines(done, dry_run=args.dry_run, months=months), sep="\n")
    return 0
