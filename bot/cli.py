"""`animation-bot`: serve, validate, ask."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import SecretStr, ValidationError

from bot.catalog import CatalogError, load_catalog
from bot.commands import Invocation, respond
from bot.directory import Directory
from bot.logs import configure as configure_logging
from bot.mattermost_form import command_response
from bot.ports import SystemClock
from bot.registry import RegistryError, build_registry, read_registry_text
from bot.settings import Settings, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ValidationError as error:
        fields = ", ".join(f"ANIMATION_{str(e['loc'][0]).upper()}" for e in error.errors())
        print(f"Configuration invalide : vérifie {fields}.", file=sys.stderr)
        return 2
    result: int = args.run(args, settings)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="animation-bot",
        description="Le bot Mattermost de l'équipe d'animation de beta.gouv.fr.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDE")

    serve = sub.add_parser("serve", help="lance le service HTTP")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--dev", action="store_true", help="mode essai : clé de signature jetable")
    serve.set_defaults(run=_serve)

    validate = sub.add_parser("validate", help="vérifie des fichiers de registre")
    validate.add_argument("paths", nargs="*", type=Path, metavar="FICHIER")
    validate.add_argument("--catalog", type=Path, help="dossier de l'instantané beta.gouv.fr")
    validate.add_argument(
        "--format",
        choices=("text", "github"),
        default="text",
        help="github : annotations GitHub Actions (::error file=…,line=…::…)",
    )

    cover = sub.add_parser("coverage", help="qui suit quoi, et ce qui manque")
    cover.add_argument("--format", choices=("markdown", "text"), help="markdown (PR) ou texte")
    cover.set_defaults(run=_coverage)
    validate.set_defaults(run=_validate)

    install = sub.add_parser("install", help="déclare /animation sur une équipe Mattermost")
    install.add_argument("--team", required=True, help="nom court de l'équipe Mattermost")
    install.add_argument("--url", help="adresse publique du bot (ANIMATION_PUBLIC_URL sinon)")
    install.add_argument(
        "--admin-token", help="jeton d'une personne administratrice, utilisé une fois"
    )
    install.set_defaults(run=_install)

    doctor = sub.add_parser("doctor", help="vérifie toute la configuration")
    doctor.add_argument(
        "--team", help="nom court de l'équipe Mattermost où /animation est déclarée"
    )
    doctor.set_defaults(run=_doctor)

    sync = sub.add_parser("sync-startups", help="met à jour l'instantané beta.gouv.fr")
    sync.add_argument("--from", dest="source", help="adresse de l'API ou dossier d'une copie")
    sync.set_defaults(run=_sync)

    ask = sub.add_parser("ask", help="répond à /animation TEXTE sans Mattermost")
    ask.add_argument("--user", default="moi", help="nom de la personne qui demande")
    ask.add_argument("--json", action="store_true", help="réponse structurée, pour un programme")
    ask.add_argument("text", nargs="*", metavar="TEXTE")
    ask.set_defaults(run=_ask)
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
            registry = build_registry(
                read_registry_text(path), catalog=catalog, today=SystemClock().today(), path=path
            )
        except RegistryError as error:
            failed = True
            lines = error.lines() if args.format == "text" else github_annotations(error)
            print("\n".join(lines))
            continue
        data = registry.data
        print(
            f"{path} : registre valide ({len(data.animators)} personnes, "
            f"{len(data.teams)} équipes, "
            f"{len(data.incubators)} incubateurs, {len(data.topics)} sujets, "
            f"{len(data.categories)} catégories)."
        )
    return 1 if failed else 0


def _load_directory(settings: Settings) -> Directory | None:
    try:
        registry = build_registry(
            read_registry_text(settings.registry),
            catalog=load_catalog(settings.catalog),
            today=SystemClock().today(),
            path=settings.registry,
        )
    except RegistryError as error:
        print("Le registre n'est pas valide :", *error.lines(), sep="\n", file=sys.stderr)
        return None
    except CatalogError as error:
        print(error, file=sys.stderr)
        return None
    return Directory.of(registry)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import open_store
    from bot.desk import Desk

    directory = _load_directory(settings)
    if directory is None:
        return 1
    clock = SystemClock()
    store, _ = open_store(settings)
    invocation = Invocation(
        text=" ".join(args.text),
        user=args.user,
        today=clock.today(),
        user_id=f"cli:{args.user}",
        desk=Desk(store, clock, triage_channel=settings.triage_channel_id),
    )
    reply = respond(directory, invocation)
    response = command_response(reply.text, public=reply.public)
    if args.json:
        print(json.dumps({**response, "data": dict(reply.data)}, ensure_ascii=False, indent=2))
    else:
        print(response["text"])
    return 0


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from bot.app import build

    configure_logging()
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
            "ANIMATION_COMMAND_TOKENS est vide : toutes les commandes seront refusées (401).",
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
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_config=None,  # our handlers: JSON lines off a terminal
        access_log=False,
        timeout_graceful_shutdown=20,
    )
    return 0


def _install(args: argparse.Namespace, settings: Settings) -> int:
    from bot.install import InstallError, config_lines, install
    from bot.mattermost import MattermostClient

    token = args.admin_token or (
        settings.mattermost_token.get_secret_value() if settings.mattermost_token else ""
    )
    if not settings.mattermost_url or not token:
        print(
            "Définis ANIMATION_MATTERMOST_URL et ANIMATION_MATTERMOST_TOKEN (ou --admin-token).",
            file=sys.stderr,
        )
        return 2
    public_url = args.url or settings.public_url
    try:
        client = MattermostClient(
            settings.mattermost_url, token, timeout=settings.mattermost_timeout
        )
        done = install(client, team=args.team, public_url=public_url)
    except (InstallError, ValueError) as error:
        print(f"Installation impossible : {error}", file=sys.stderr)
        return 1
    verb = "créée" if done.created else "mise à jour (pas de doublon)"
    print(f"Commande /animation {verb} sur l'équipe « {args.team} ».")
    print("Ajoute ces lignes à la configuration du bot (.env ou variables d'environnement) :")
    for line in config_lines(done, mattermost_url=settings.mattermost_url, public_url=public_url):
        print(f"  {line}")
    return 0


def _doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot import doctor

    checks = doctor.run(settings, team=args.team, today=SystemClock().today())
    for check in checks:
        print(check.line())
    failed = sum(not c.ok for c in checks)
    print(f"\n{len(checks) - failed} vérification(s) sur {len(checks)} réussie(s).")
    return 1 if failed else 0


def github_annotations(error: RegistryError) -> list[str]:
    """GitHub Actions workflow commands: an error shown on the right line of the PR's diff."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    return [
        f"::error file={prop(str(error.path))},line={p.line},title=Registre::{data(p.message)}"
        for p in error.problems
    ]


def _coverage(args: argparse.Namespace, settings: Settings) -> int:
    from bot import coverage

    directory = _load_directory(settings)
    if directory is None:
        return 1
    report = coverage.coverage(directory.registry, today=SystemClock().today())
    fmt = args.format or ("text" if sys.stdout.isatty() else "markdown")
    print(coverage.markdown(report) if fmt == "markdown" else coverage.text(report))
    return 0


def _sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.snapshot import SnapshotError
    from bot.sync import API, sync

    try:
        print(sync(settings.catalog, args.source or API))
    except SnapshotError as error:
        print(f"Instantané non mis à jour : {error}", file=sys.stderr)
        return 1
    return 0
