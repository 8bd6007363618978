"""`animation-bot install`: register `/animation` on a Mattermost team, or update it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.core.ports import DeliveryError
from bot.mattermost.client import MattermostClient

TRIGGER = "animation"
DESCRIPTION = "Qui suit mon équipe ? Faire une demande à l'équipe d'animation de beta.gouv.fr."
HINT = "[aide | qui <équipe> | demande | mes-demandes | stats | contact | engagements]"


def local_only(url: str) -> bool:
    """Whether `url` names this machine only (127.0.0.0/8, ::1, localhost, or 0.0.0.0 and ::,
    which are where to listen, not addresses): a server elsewhere cannot reach it there."""
    host = (urlsplit(url).hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


@dataclass(frozen=True)
class Reach:
    """Whether a Mattermost server can call the bot back at its public address: `problem`
    when it surely cannot, `doubt` when it may not; both empty when nothing says so."""

    problem: str = ""
    doubt: str = ""


def reach(public_url: str, *, mattermost_url: str | None) -> Reach:
    """A server elsewhere never reaches a local address: every /animation would fail. On
    this machine too (or unknown), it reaches the bot there only outside a container."""
    if not local_only(public_url):
        return Reach()
    if mattermost_url and not local_only(mattermost_url):
        return Reach(
            problem=(
                f"{public_url} est une adresse locale : le serveur Mattermost ({mattermost_url}) "
                "ne peut pas joindre le bot là, et chaque /animation échouerait. Donne "
                "l'adresse par laquelle il joint le bot (ANIMATION_PUBLIC_URL, ou --url). Si "
                "Mattermost tourne sur cette même machine, donne aussi son adresse locale dans "
                "ANIMATION_MATTERMOST_URL (http://127.0.0.1:8065)"
            )
        )
    return Reach(
        doubt=(
            f"{public_url} est une adresse locale : elle ne convient que si Mattermost tourne "
            "sur cette même machine, hors conteneur. Sinon, donne l'adresse par laquelle il "
            "joint le bot (ANIMATION_PUBLIC_URL, ou --url)"
        )
    )


class InstallError(Exception):
    """What to change on the server, in French."""


@dataclass(frozen=True)
class Installed:
    created: bool
    token: str


def command_body(team_id: str, public_url: str) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "trigger": TRIGGER,
        "method": "P",
        "url": public_url.rstrip("/") + "/mattermost/command",
        "username": "animation",
        "auto_complete": True,
        "auto_complete_desc": DESCRIPTION,
        "auto_complete_hint": HINT,
        "display_name": "Équipe d'animation",
        "description": DESCRIPTION,
    }


def install(client: MattermostClient, *, team: str, public_url: str) -> Installed:
    try:
        team_id = client.team_id(team)
        existing = next((c for c in client.commands(team_id) if c.get("trigger") == TRIGGER), None)
        body = command_body(team_id, public_url)
        if existing is None:
            created = client.request("post", "/commands", body)
            return Installed(True, str(created.get("token", "")))
        updated = client.request("put", f"/commands/{existing['id']}", {**existing, **body})
        return Installed(False, str(updated.get("token") or existing.get("token", "")))
    except DeliveryError as error:
        raise InstallError(explain(error, team=team)) from None


def explain(error: DeliveryError, *, team: str) -> str:
    if error.status is None:
        return (
            "Mattermost ne répond pas à l'adresse ANIMATION_MATTERMOST_URL : vérifie l'adresse "
            "(https://…, sans /api/v4) et que ce serveur peut le joindre."
        )
    if error.status == 401:
        return (
            "Mattermost refuse le jeton : vérifie ANIMATION_MATTERMOST_TOKEN (ou --admin-token), "
            "et qu'il n'a pas été révoqué."
        )
    if error.status == 403:
        return (
            f"Ce compte n'a pas le droit de gérer les commandes slash de l'équipe « {team} » : "
            "donne-lui le rôle d'administrateur de l'équipe, ou relance avec --admin-token "
            "et le jeton d'une personne administratrice."
        )
    if error.status == 404:
        return (
            f"Équipe « {team} » introuvable : donne son nom court, celui de l'adresse "
            "https://…/<équipe>/channels/…, et vérifie que le compte en est membre."
        )
    if error.status == 501:
        return (
            "Les commandes slash personnalisées sont désactivées : Console système → "
            "Intégrations → Intégrations personnalisées → « Activer les commandes slash "
            "personnalisées » (EnableCommands)."
        )
    return f"Mattermost a refusé l'opération (HTTP {error.status}) : {error.detail or error}"


def config_lines(installed: Installed, *, mattermost_url: str, public_url: str) -> list[str]:
    return [
        f"ANIMATION_COMMAND_TOKENS={installed.token}",
        f"ANIMATION_MATTERMOST_URL={mattermost_url}",
        f"ANIMATION_PUBLIC_URL={public_url}",
    ]
