"""`animation-bot` commands for administrators and animators: install, doctor,
coverage, sync-startups, import-trello, and the GitHub annotations of `validate`."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.support import load_directory
from bot.core.clock import SystemClock
from bot.core.registry.model import RegistryError, read_registry_text
from bot.service.settings import Settings


def github_annotations(error: RegistryError) -> list[str]:
    """GitHub Actions workflow commands: an error shown on the right line of the PR's diff."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    return [
        f"::{p.severity} file={prop(str(error.path))},line={p.line},title=Registre::"
        f"{data(p.message)}"
        for p in error.problems
    ]


def coverage_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools import coverage

    directory = load_directory(settings)
    if directory is None:
        return 1
    report = coverage.coverage(directory.registry, today=SystemClock().today())
    fmt = args.format or ("text" if sys.stdout.isatty() else "markdown")
    print(coverage.markdown(report) if fmt == "markdown" else coverage.text(report))
    return 0


def install_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.mattermost.client import MattermostClient
    from bot.mattermost.install import InstallError, config_lines, install, reach

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
    reached = reach(public_url, mattermost_url=settings.mattermost_url)
    if reached.problem:  # the command would fail at every use: not registered
        print(f"Installation refusée : {reached.problem}.", file=sys.stderr)
        return 2
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
    if reached.doubt:  # said last, where it is seen
        print(f"\n⚠ Attention : {reached.doubt}.", file=sys.stderr)
    return 0


def doctor_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import doctor

    checks = doctor.run(settings, team=args.team, today=SystemClock().today())
    for check in checks:
        print(check.line())
    failed = sum(not c.ok for c in checks)
    summary = f"\n{len(checks) - failed} vérification(s) sur {len(checks)} réussie(s)."
    warned = sum(c.ok and bool(c.warning) for c in checks)
    print(summary + (f" Avertissement(s) à lire : {warned}." if warned else ""))
    return 1 if failed else 0


def sync_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.tools.snapshot import SnapshotError
    from bot.tools.sync import API, sync

    try:
        print(sync(settings.catalog, args.source or API))
    except SnapshotError as error:
        print(f"Instantané non mis à jour : {error}", file=sys.stderr)
        return 1
    return 0


def import_trello_command(args: argparse.Namespace, settings: Settings) -> int:
    import yaml

    from bot.core.registry.validation import validate_text
    from bot.tools import trello

    directory = load_directory(settings)
    if directory is None:
        return 1
    try:
        if args.board.stat().st_size > 20 * 1024 * 1024:
            raise trello.TrelloError("fichier trop gros pour un export de tableau")
        board = json.loads(args.board.read_text(encoding="utf-8"))
        result = trello.draft(board, directory)
    except (OSError, ValueError, trello.TrelloError) as error:
        print(f"Import impossible : {error}", file=sys.stderr)
        return 1
    current = yaml.safe_load(read_registry_text(settings.registry))
    document = trello.registry_document(result, current)
    header = (
        "# Brouillon importé du tableau Trello : relis-le, surtout les identifiants Mattermost.\n"
    )
    text = header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        print(text)
    print(trello.report(result), file=sys.stderr)
    _, problems = validate_text(
        text, catalog=directory.registry.catalog, today=SystemClock().today()
    )
    where = args.output or "brouillon"
    if problems:
        print("Ce qu'il reste à corriger dans le brouillon :", file=sys.stderr)
        print("\n".join(f"{where}:{p.line}: {p.text}" for p in problems), file=sys.stderr)
    else:
        print("Le brouillon passe `animation-bot validate`.", file=sys.stderr)
    return 0


def annuaire_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.stats import figures, since
    from bot.site.build import build
    from bot.site.routes import PAGE_MONTHS

    directory = load_directory(settings)
    if directory is None:
        return 1
    registry, clock = directory.registry, SystemClock()
    shown = None
    if args.chiffres:
        from bot.app import open_store

        now = clock.now()
        store, _ = open_store(settings)
        facts = store.facts(since=since(now, PAGE_MONTHS))
        shown = figures(facts, registry.data.categories, now=now, months=PAGE_MONTHS)
    try:
        page = build(registry, today=clock.today(), out=args.out, figures=shown)
    except OSError as error:
        print(f"Annuaire non écrit dans {args.out} : {error.strerror}", file=sys.stderr)
        return 1
    print(f"Annuaire écrit : {page}")
    return 0
