"""`animation-bot`: its parser (in French, `french`), and serve and validate."""

from __future__ import annotations

import argparse
import logging
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr, ValidationError

from bot import __version__
from bot.cli import ask, backup, outbox
from bot.cli.french import FrenchParser
from bot.cli.purge import register as register_purge
from bot.cli.tools import (
    annuaire_command,
    coverage_command,
    doctor_command,
    github_annotations,
    import_trello_command,
    install_command,
    sync_command,
)
from bot.core.clock import SystemClock
from bot.core.registry.catalog import CatalogError, load_catalog
from bot.core.registry.model import RegistryError, build_registry, read_registry
from bot.service.logs import configure as configure_logging
from bot.service.settings import Settings, explain, load_settings

VERSION_HELP = "affiche la version, puis s'arrête"


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    # Every command logs the same way (JSON lines, client libraries' bodies withheld): the
    # service says how it runs; the others, which print their answers, only what goes wrong.
    configure_logging(level=logging.INFO if args.run is _serve else logging.WARNING)
    try:
        settings = load_settings()  # the secret's length too: before anything else
    except ValidationError as error:
        print(explain(error), file=sys.stderr)
        return 2
    result: int = args.run(args, settings)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="animation-bot",
        description="Le bot de l'équipe d'animation de beta.gouv.fr, sur Mattermost et Tchap.",
        epilog="L'aide d'une commande : animation-bot COMMANDE --help",
    )
    parser.add_argument(
        "--version", action="version", version=f"animation-bot {__version__}", help=VERSION_HELP
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    serve = sub.add_parser("serve", help="lance le service HTTP")
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="ADRESSE", help="adresse d'écoute (127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port d'écoute (8000)")
    serve.add_argument("--dev", action="store_true", help="mode essai : clé de signature jetable")
    serve.set_defaults(run=_serve)

    validate = sub.add_parser("validate", help="vérifie des fichiers de registre")
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="FICHIER",
        help="fichiers de registre (data/referents.yaml)",
    )
    validate.add_argument(
        "--catalog", type=Path, metavar="DOSSIER", help="dossier de l'instantané beta.gouv.fr"
    )
    validate.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github : annotations GitHub Actions (::error file=…,line=…::…)",
    )

    cover = sub.add_parser("coverage", help="qui suit quoi, et ce qui manque")
    cover.add_argument("--format", choices=("markdown", "text"), help="markdown (PR) ou texte")
    cover.set_defaults(run=coverage_command)
    validate.set_defaults(run=_validate)

    install = sub.add_parser("install", help="déclare /animation sur une équipe Mattermost")
    install.add_argument(
        "--team", required=True, metavar="ÉQUIPE", help="nom court de l'équipe Mattermost"
    )
    install.add_argument(
        "--url", metavar="ADRESSE", help="adresse publique du bot (ANIMATION_PUBLIC_URL sinon)"
    )
    install.add_argument(
        "--admin-token",
        metavar="JETON",
        help="jeton d'une personne administratrice, utilisé une fois",
    )
    install.set_defaults(run=install_command)

    doctor = sub.add_parser("doctor", help="vérifie toute la configuration")
    doctor.add_argument(
        "--team",
        metavar="ÉQUIPE",
        help="nom court de l'équipe Mattermost où /animation est déclarée",
    )
    doctor.set_defaults(run=doctor_command)

    sync = sub.add_parser("sync-startups", help="met à jour l'instantané beta.gouv.fr")
    sync.add_argument(
        "--from", dest="source", metavar="SOURCE", help="adresse de l'API ou dossier d'une copie"
    )
    sync.set_defaults(run=sync_command)

    trello = sub.add_parser("import-trello", help="brouillon de registre depuis un export Trello")
    trello.add_argument(
        "board", type=Path, metavar="TABLEAU.json", help="l'export JSON du tableau Trello"
    )
    trello.add_argument(
        "--output",
        type=Path,
        metavar="FICHIER",
        help="fichier du brouillon (sinon : sortie standard)",
    )
    trello.set_defaults(run=import_trello_command)

    site = sub.add_parser("annuaire", help="écrit l'annuaire public en fichiers statiques")
    site.add_argument(
        "--out", type=Path, required=True, metavar="DOSSIER", help="où écrire les fichiers"
    )
    site.add_argument(
        "--chiffres",
        action="store_true",
        help="ajoute les chiffres des demandes, lus dans ANIMATION_DATABASE_URL",
    )
    site.set_defaults(run=annuaire_command)
    backup.register(sub)
    outbox.register(sub)

    ask.register(sub)
    register_purge(sub)
    return parser


def _validate(args: argparse.Namespace, settings: Settings) -> int:
    paths = args.paths or [settings.registry]
    try:
        catalog = load_catalog(args.catalog or settings.catalog)
    except CatalogError as error:
        print(error, file=sys.stderr)
        return 1
    failed = False
    for path in paths:
        try:
            text, bytes_problems = read_registry(path)
            registry = build_registry(
                text, catalog=catalog, today=SystemClock().today(), path=path, prior=bytes_problems
            )
        except RegistryError as error:
            failed = True
            lines = error.lines() if args.format == "text" else github_annotations(error)
            print("\n".join(lines))
            continue
        if registry.warnings:
            notes = RegistryError(path, registry.warnings)
            print("\n".join(notes.lines() if args.format == "text" else github_annotations(notes)))
        data = registry.data
        print(
            f"{path} : registre valide ({len(data.animators)} personnes, "
            f"{len(data.teams)} équipes, "
            f"{len(data.incubators)} incubateurs, {len(data.topics)} sujets, "
            f"{len(data.categories)} catégories)."
        )
    return 1 if failed else 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import build
    from bot.service.server import limits_of, serve

    if settings.secret is None:
        if not args.dev:
            print(
                "ANIMATION_SECRET n'est pas défini : le service refuse de démarrer sans clé de "
                "signature. Pour un essai local, ajoute --dev.",
                file=sys.stderr,
            )
            return 2
        settings = settings.model_copy(update={"secret": SecretStr(secrets.token_urlsafe(32))})
        print(
            "Mode essai : clé de signature jetable, les formulaires en cours ne survivront pas "
            "à un redémarrage.",
            file=sys.stderr,
        )
    if not settings.command_tokens:
        print(
            "ANIMATION_COMMAND_TOKENS est vide : toutes les commandes /animation de Mattermost "
            "seront refusées (401).",
            file=sys.stderr,
        )
    if settings.matrix_homeserver:
        print(
            f"Tchap : le bot se connecte à {settings.matrix_homeserver} en tant que "
            f"{settings.matrix_user} (session et clés dans {settings.matrix_store}).",
            file=sys.stderr,
        )
    try:
        app = build(settings).app
    except RegistryError as error:
        print(
            "Le registre n'est pas valide, le service ne démarre pas :",
            *error.lines(),
            sep="\n",
            file=sys.stderr,
        )
        return 1
    except CatalogError as error:
        print(
            f"Instantané beta.gouv.fr illisible, le service ne démarre pas : {error}",
            file=sys.stderr,
        )
        return 1
    serve(app, host=args.host, port=args.port, limits=limits_of(settings))
    return 0
