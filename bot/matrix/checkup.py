"""What `doctor` checks on the Matrix side: the homeserver, the bot's session, its store.

Never a login: logging in makes a new device, which could not read the messages
encrypted for the current one. A stored session is checked with `whoami`.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bot.matrix.client import SESSION, anew

VERSIONS = "/_matrix/client/versions"
WHOAMI = "/_matrix/client/v3/account/whoami"


@dataclass(frozen=True)
class Finding:
    ok: bool
    label: str
    fix: str = ""


@dataclass(frozen=True)
class Account:
    homeserver: str
    user: str | None
    password: bool  # whether one is configured, never its value
    store: Path
    allowed: frozenset[str]
    timeout: float = 5


def checkup(account: Account) -> list[Finding]:
    home = account.homeserver.rstrip("/")
    reach = Finding(
        _status(home + VERSIONS, account.timeout) == 200,
        f"Tchap : serveur {home} joignable",
        "vérifie ANIMATION_MATRIX_HOMESERVER (https://…, l'adresse du serveur Matrix, "
        "par exemple https://matrix.agent.dinum.tchap.gouv.fr)",
    )
    findings = [reach, _user(account), _store(account.store)]
    if reach.ok and all(f.ok for f in findings):
        findings.append(_session(account, home))
    servers = ", ".join(sorted(account.allowed))
    findings.append(Finding(True, f"Tchap : comptes acceptés des serveurs {servers}"))
    return findings


def _user(account: Account) -> Finding:
    user = account.user or ""
    ok = user.startswith("@") and ":" in user
    return Finding(
        ok,
        f"Tchap : compte du bot {user or '(aucun)'}",
        "mets dans ANIMATION_MATRIX_USER l'identifiant complet du bot, @nom:serveur",
    )


def _store(store: Path) -> Finding:
    folder = store.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # `serve` creates the missing folders
    ok = folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)
    return Finding(
        ok,
        f"Tchap : dossier {store} utilisable",
        f"crée {store} et donne au bot le droit d'y écrire (ANIMATION_MATRIX_STORE) ; "
        "garde-le comme la base de données : c'est là que sont les clés de chiffrement",
    )


def _session(account: Account, home: str) -> Finding:
    path = account.store / SESSION
    if not path.exists():
        return Finding(
            account.password,
            "Tchap : pas encore de session, `serve` se connectera une fois",
            "définis ANIMATION_MATRIX_PASSWORD pour la première connexion du bot",
        )
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        token, device = str(saved["access_token"]), str(saved["device_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return Finding(False, f"Tchap : session {path} lisible", anew(path))
    who = _whoami(home + WHOAMI, token, account.timeout)
    if who is None:
        return Finding(False, "Tchap : session du bot valable", anew(path))
    return Finding(
        who == account.user,
        f"Tchap : session valable pour {who} (appareil {device})",
        f"cette session est celle d'un autre compte que {account.user} : " + anew(path),
    )


def _status(url: str, timeout: float) -> int | None:
    if not _http(url):
        return None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (_http)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def _whoami(url: str, token: str, timeout: float) -> str | None:
    """The account the token belongs to; None when refused or unreachable."""
    if not _http(url):
        return None
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (_http)
            return str(json.load(response).get("user_id"))
    except (OSError, ValueError):
        return None


def _http(url: str) -> bool:
    return url.startswith(("http://", "https://"))
