"""`animation-bot ask`: what `/animation TEXTE` answers, offline, as the person would see it.

It changes nothing unless asked: by default it runs on a throwaway database, migrated in a
temporary folder and removed after, so that a request can be tried without being stored
(and delivered by the service). The real database is then not even opened, so reading
subcommands (`mes-demandes`, `stats`) see an empty store. `--enregistrer` uses the real one
(`ANIMATION_DATABASE_URL`), for writing and reading alike. What happened is said on stderr,
so that `--json` stays a document.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bot.cli.support import load_directory, unreachable
from bot.core.clock import SystemClock
from bot.core.commands import Invocation, respond
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.reply import Reply
from bot.mattermost.render import MattermostRenderer
from bot.mattermost.wire import command_response
from bot.service.settings import Settings

TRIAL = (
    "Essai : rien n'est enregistré. Une base jetable, vide au départ, a servi : "
    "`mes-demandes` et `stats` n'y trouvent rien. Pour utiliser la vraie base "
    "(ANIMATION_DATABASE_URL), ajoute --enregistrer."
)
REAL = "La vraie base (ANIMATION_DATABASE_URL) a servi (--enregistrer)."


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ask = sub.add_parser(
        "ask", help="répond à /animation TEXTE sans Mattermost, sans rien enregistrer"
    )
    ask.add_argument(
        "--user", default="moi", metavar="NOM", help="nom de la personne qui demande (« moi »)"
    )
    ask.add_argument("--json", action="store_true", help="réponse structurée, pour un programme")
    ask.add_argument(
        "--enregistrer",
        action="store_true",
        help="utilise la vraie base (ANIMATION_DATABASE_URL) : une demande faite ainsi est "
        "enregistrée, et le service la délivre",
    )
    ask.add_argument("text", nargs="*", metavar="TEXTE", help="ce qui suit /animation")
    ask.set_defaults(run=ask_command)


def ask_command(args: argparse.Namespace, settings: Settings) -> int:
    directory = load_directory(settings)
    if directory is None:
        return 1
    if args.enregistrer:
        reply = _answer(args, settings, directory)
        if reply is None:
            return 1
        print(_recorded(reply), file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="animation-bot-essai-") as folder:
        trial = f"sqlite:///{Path(folder) / 'essai.db'}"
        reply = _answer(args, settings.model_copy(update={"database_url": trial}), directory)
    if reply is None:
        return 1
    print(_not_recorded(reply), file=sys.stderr)
    return 0


def _answer(args: argparse.Namespace, settings: Settings, directory: Directory) -> Reply | None:
    """The reply, printed as the person would see it, on the database `settings` name; None
    when that database cannot be opened (said on stderr)."""
    from bot.app import desk_for, open_store

    clock = SystemClock()
    try:
        store, _ = open_store(settings)
    except Exception as error:  # any driver error: say which kind, never the URL's password
        print(unreachable(error), file=sys.stderr)
        return None
    try:
        # Offline, there is no platform user id: the username stands for the person.
        who = Account("mattermost", "", args.user)
        desk = desk_for(settings, store, clock, None)
        reply = respond(directory, Invocation(" ".join(args.text), who, clock.today(), desk=desk))
    finally:
        store.engine.dispose()
    text = MattermostRenderer(lambda: directory.registry).reply(reply.text)
    if args.json:
        response = command_response(text, shared=reply.visibility == "shared")
        print(json.dumps({**response, "data": dict(reply.data)}, ensure_ascii=False, indent=2))
    else:
        print(text)
    return reply


def _not_recorded(reply: Reply) -> str:
    if reply.submitted is None:
        return TRIAL
    return (
        f"Essai : la demande n° {reply.submitted} n'est pas enregistrée, et personne n'est "
        "prévenu : une base jetable a servi. Pour l'envoyer vraiment, relance la même "
        "commande avec --enregistrer."
    )


def _recorded(reply: Reply) -> str:
    if reply.submitted is None:
        return REAL
    return (
        f"Demande n° {reply.submitted} enregistrée dans la vraie base (ANIMATION_DATABASE_URL) : "
        "le service la délivrera."
    )
