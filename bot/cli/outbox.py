"""`animation-bot outbox`: the dead letters (messages a platform refused for good), listed
without their text, sent again, or given up. French actions, English ones accepted."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from bot.cli.support import unreachable
from bot.service.settings import Settings
from bot.store.deadletters import DeadLetter, SqlDeadLetters
from bot.store.engine import make_engine, migrate

STATUS_WORDS = {"pending": "en attente d'envoi", "sent": "déjà envoyé", "dropped": "supprimé"}
HEADER = ("id", "plateforme", "type", "demande", "essais", "créé (UTC)", "dernier essai (UTC)")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("outbox", help="messages en échec définitif : liste, relance, supprime")
    actions = parser.add_subparsers(
        dest="action", required=True, metavar="ACTION", help="ce qu'il faut faire"
    )
    listing = actions.add_parser("liste", aliases=["list"], help="les messages en échec")
    listing.set_defaults(run=_guarded(_list))
    again = actions.add_parser("relance", aliases=["retry"], help="les remet en file d'envoi")
    again.add_argument("ids", nargs="*", type=int, metavar="ID", help="numéros des messages")
    again.add_argument("--toutes", "--all", action="store_true", help="tous les messages en échec")
    again.set_defaults(run=_guarded(_retry))
    drop = actions.add_parser("supprime", aliases=["drop"], help="les abandonne (gardés, comptés)")
    drop.add_argument("ids", nargs="+", type=int, metavar="ID", help="numéros des messages")
    drop.set_defaults(run=_guarded(_drop))


Action = Callable[[argparse.Namespace, Settings], int]


def _guarded(action: Action) -> Action:
    """The action, its database unreachable or its URL unreadable said in French by the
    error's class (never the URL, which may hold a password), exit code 1."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return action(args, settings)
        except SQLAlchemyError as error:
            print(unreachable(error), file=sys.stderr)
            return 1

    return run


def _letters(settings: Settings) -> SqlDeadLetters:
    engine = make_engine(settings.database_url)
    migrate(engine)  # as every command does: the schema this version reads
    return SqlDeadLetters(engine)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    letters = _letters(settings).listing()
    if not letters:
        print("Aucun message en échec définitif.")
        return 0
    print(f"{_messages(len(letters))} en échec définitif (leur texte n'est jamais affiché) :")
    rows = [HEADER, *(_row(letter) for letter in letters)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADER))]
    for letter, row in zip((None, *letters), rows, strict=True):
        cells = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        print(f"{cells}  {'erreur' if letter is None else letter.error}".rstrip())
    print(
        "Relance : animation-bot outbox relance ID… (ou --toutes) ; "
        "abandon : animation-bot outbox supprime ID…"
    )
    return 0


def _row(letter: DeadLetter) -> tuple[str, ...]:
    return (
        str(letter.id),
        letter.platform,
        letter.kind,
        "" if letter.request_id is None else f"n° {letter.request_id}",
        str(letter.attempts),
        _moment(letter.created_at),
        _moment(letter.last_due),
    )


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _retry(args: argparse.Namespace, settings: Settings) -> int:
    letters = _letters(settings)
    now = datetime.now(UTC)
    if args.toutes:
        if args.ids:
            print("Donne des numéros ou --toutes, pas les deux.", file=sys.stderr)
            return 2
        done = letters.retry_all(now=now)
        print(f"{_messages(len(done))} remis en file d'envoi." if done else "Aucun à relancer.")
        return 0
    if not args.ids:
        print("Donne le numéro d'un message (outbox liste), ou --toutes.", file=sys.stderr)
        return 2
    return _each(
        letters, args.ids, lambda ids: letters.retry(ids, now=now), "remis en file d'envoi"
    )


def _drop(args: argparse.Namespace, settings: Settings) -> int:
    letters = _letters(settings)
    return _each(letters, args.ids, letters.drop, "supprimé (gardé dans les comptes)")


def _each(
    letters: SqlDeadLetters,
    ids: Sequence[int],
    act: Callable[[Sequence[int]], list[int]],
    done_words: str,
) -> int:
    """Act on each id; a line for each, and exit 1 if any was not a dead letter."""
    done = set(act(ids))
    for message_id in ids:
        if message_id in done:
            print(f"Message {message_id} {done_words}.")
        else:
            print(_refusal(message_id, letters.status_of(message_id)), file=sys.stderr)
    return 0 if done >= set(ids) else 1


def _refusal(message_id: int, status: str | None) -> str:
    if status is None:
        return f"Aucun message {message_id} dans la file d'envoi (voir : outbox liste)."
    words = STATUS_WORDS.get(status, status)
    return f"Le message {message_id} n'est pas en échec ({words}) : je n'y touche pas."


def _messages(count: int) -> str:
    return f"{count} message{'s' if count > 1 else ''}"
