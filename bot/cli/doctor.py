"""`animation-bot doctor`: the whole configuration checked, one line per check, with a fix."""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.core.ports import DeliveryError
from bot.core.registry.catalog import CatalogError, load_catalog
from bot.core.registry.model import RegistryError, build_registry, read_registry_text
from bot.matrix.checkup import Account, checkup
from bot.mattermost.client import MattermostClient
from bot.mattermost.install import reach
from bot.mattermost.tokens import BUTTON_LIFETIME
from bot.service.settings import SECRET_ADVICE, Settings, key_problems
from bot.store.engine import make_engine, schema_revisions


@dataclass(frozen=True)
class Check:
    """`fix`: what to do when it failed. `warning`: what to look at although it passed."""

    ok: bool
    label: str
    fix: str = ""
    warning: str = ""

    def line(self) -> str:
        if not self.ok:
            return f"✗ {self.label}\n    → {self.fix}"
        if self.warning:
            return f"⚠ {self.label}\n    → {self.warning}"
        return f"✓ {self.label}"


def run(settings: Settings, *, team: str | None, today: date) -> list[Check]:
    checks = [_registry(settings, today), _database(settings), _secret(settings)]
    mattermost = bool(settings.mattermost_url or settings.mattermost_token)
    if mattermost or not settings.matrix_homeserver:
        checks += [_tokens(settings), *_mattermost_side(settings, team), _public_url(settings)]
    else:
        checks.append(Check(True, "Mattermost non configuré : seul Tchap est servi"))
    if settings.matrix_homeserver:
        checks += _matrix_side(settings)
    return checks


def _mattermost_side(settings: Settings, team: str | None) -> list[Check]:
    client = _client(settings)
    if client is None:
        return [
            Check(
                False,
                "Mattermost : ANIMATION_MATTERMOST_URL et ANIMATION_MATTERMOST_TOKEN",
                "définis-les (l'adresse du serveur et le jeton du compte de bot)",
            )
        ]
    return _mattermost(client, settings, team)


def _matrix_side(settings: Settings) -> list[Check]:
    account = Account(
        homeserver=settings.matrix_homeserver or "",
        user=settings.matrix_user,
        password=settings.matrix_password is not None,
        store=settings.matrix_store,
        allowed=settings.allowed_servers(),
    )
    return [Check(f.ok, f.label, f.fix) for f in checkup(account)]


def _registry(settings: Settings, today: date) -> Check:
    try:
        text = read_registry_text(settings.registry)
        build_registry(
            text, catalog=load_catalog(settings.catalog), today=today, path=settings.registry
        )
    except RegistryError as error:
        return Check(
            False, f"registre {settings.registry}", "corrige : " + " ; ".join(error.lines()[:3])
        )
    except CatalogError as error:
        return Check(False, f"instantané beta.gouv.fr {settings.catalog}", str(error))
    return Check(True, f"registre {settings.registry} valide")


def _database(settings: Settings) -> Check:
    label = "base de données joignable et à jour"
    try:
        engine = make_engine(settings.database_url)
        current, head = schema_revisions(engine)
        engine.dispose()
    except Exception as error:  # any driver error: say which kind, never the URL's password
        return Check(False, label, f"vérifie ANIMATION_DATABASE_URL ({type(error).__name__})")
    if current != head:
        return Check(
            False,
            label,
            f"schéma en version {current or 'vide'} au lieu de {head} : "
            "lance `animation-bot serve` une fois, il le met à jour",
        )
    return Check(True, label)


def _secret(settings: Settings) -> Check:
    keys = settings.signing_keys()
    if not keys:
        return Check(False, "ANIMATION_SECRET défini et assez long", SECRET_ADVICE)
    # The settings refuse a short or repeated key before `doctor` runs; checked again here,
    # by each key's place in the list, never its value.
    problems = key_problems(keys)
    if problems:
        return Check(
            False, "ANIMATION_SECRET : des clés assez longues, chacune une fois", problems[0]
        )
    if len(keys) == 1:
        return Check(True, "ANIMATION_SECRET défini : 1 clé de signature")
    return Check(
        True,
        f"ANIMATION_SECRET défini : {len(keys)} clés de signature (la première signe ; les "
        "autres vérifient encore ce qu'elles ont signé : retire-les "
        f"{BUTTON_LIFETIME.days} jours après la rotation)",
    )


def _tokens(settings: Settings) -> Check:
    if not settings.command_tokens:
        return Check(
            False,
            "ANIMATION_COMMAND_TOKENS défini",
            "lance `animation-bot install --team <équipe>` et recopie le jeton affiché",
        )
    return Check(True, f"{len(settings.command_tokens)} jeton(s) de commande slash")


def _client(settings: Settings) -> MattermostClient | None:
    if not (settings.mattermost_url and settings.mattermost_token):
        return None
    try:
        return MattermostClient(
            settings.mattermost_url,
            settings.mattermost_token.get_secret_value(),
            timeout=settings.mattermost_timeout,
        )
    except ValueError:
        return None


def _attempt(label: str, fix: str, action: Callable[[], bool]) -> Check:
    try:
        return Check(action(), label, fix)
    except DeliveryError as error:
        return Check(False, label, f"{fix} (Mattermost : {error.status or 'injoignable'})")


def _pinged(client: MattermostClient) -> Callable[[], bool]:
    def ping() -> bool:
        client.ping()
        return True

    return ping


def _mattermost(client: MattermostClient, settings: Settings, team: str | None) -> list[Check]:
    reach = _attempt(
        "Mattermost joignable",
        "vérifie ANIMATION_MATTERMOST_URL (https://…, sans /api/v4)",
        _pinged(client),
    )
    if not reach.ok:
        return [reach]
    checks = [
        reach,
        _attempt(
            "jeton du bot accepté, compte du bot trouvé",
            "crée un compte de bot et un jeton, puis mets-le dans ANIMATION_MATTERMOST_TOKEN",
            lambda: bool(client.me()),
        ),
    ]
    if not checks[-1].ok:
        return checks
    if team:
        checks.append(
            _attempt(
                f"le bot est membre de l'équipe « {team} »",
                "ajoute le compte du bot à l'équipe (Menu de l'équipe → Ajouter des membres)",
                lambda: client.is_member(team_id=client.team_id(team)),
            )
        )
    if settings.triage_channel_id:
        checks.append(
            _attempt(
                "le bot est membre du canal de tri",
                "ajoute le compte du bot au canal ANIMATION_TRIAGE_CHANNEL_ID",
                lambda: client.is_member(channel_id=settings.triage_channel_id),
            )
        )
    return checks


def _public_url(settings: Settings) -> Check:
    reached = reach(settings.public_url, mattermost_url=settings.mattermost_url)
    if reached.problem:
        return Check(
            False,
            f"adresse publique {settings.public_url} joignable par Mattermost",
            reached.problem,
        )
    label = f"adresse publique {settings.public_url} joignable d'ici"
    fix = (
        "vérifie ANIMATION_PUBLIC_URL : c'est l'adresse par laquelle Mattermost joint le bot ; "
        "sur une adresse privée, ajoute-la à AllowedUntrustedInternalConnections côté Mattermost"
    )
    return Check(_answers(settings.public_url), label, fix, warning=reached.doubt)


def _answers(public_url: str) -> bool:
    """Whether the bot's /healthz answers 200 at that address, from here."""
    url = public_url.rstrip("/") + "/healthz"
    if not url.startswith(("http://", "https://")):
        return False
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (http(s) checked)
            return bool(response.status == 200)
    except OSError:
        return False
