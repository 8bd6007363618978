"""`/animation <texte>`: from what a person typed to the reply, whatever the chat platform."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.core.answers.who import Reply, who
from bot.core.matching.directory import Directory
from bot.core.requests.commands import demande, mes_demandes
from bot.core.requests.desk import Desk
from bot.core.text import closest, compact, fold, quote_user_text

MAX_TEXT = 2000
_SHARE = re.compile(r"(?<!\S)(?:--|—|–)partager(?!\S)")


@dataclass(frozen=True)
class Invocation:
    """One command: what follows `/animation`, who typed it, and the desk for requests."""

    text: str
    user: str
    today: date
    user_id: str = ""
    trigger_id: str = ""
    desk: Desk | None = None


Handler = Callable[[Directory, Invocation, str], Reply]


def respond(directory: Directory, invocation: Invocation) -> Reply:
    """The reply to `/animation <text>`; never raises on any text."""
    if len(invocation.text) > MAX_TEXT:
        return Reply(
            f"Ta commande est trop longue (plus de {MAX_TEXT} caractères) : "
            "raccourcis-la, par exemple `/animation qui aides territoires`."
        )
    text, share = _without_share_flag(invocation.text)
    parts = text.strip().split(None, 1)
    name, rest = (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")
    handler = HANDLERS.get(compact(fold(name)))
    if handler is None:
        return _unknown(directory, invocation, name, " ".join(text.split()))
    reply = handler(directory, invocation, rest)
    if share and not (reply.dialog or reply.choices or reply.submitted):
        return replace(reply, public=True)
    return reply


def canonical(text: str) -> str:
    """The subcommand a text asks for, by its handler's name; `autre` when there is none.

    Logs and metrics use it: it never carries what was typed.
    """
    words = text.split(None, 1)
    name = compact(fold(words[0])) if words else ""
    return name if name in HANDLERS else "autre"


def _without_share_flag(text: str) -> tuple[str, bool]:
    """The text without `--partager` (a word on its own), and whether it was there."""
    kept = _SHARE.sub(" ", text)
    return kept, kept != text


def help_reply(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    registry = directory.registry
    text = "\n".join(
        [
            "**/animation** : le bot de l'équipe d'animation de beta.gouv.fr. "
            "Il te dit qui suit ton équipe, ton incubateur ou un sujet transverse.",
            "- `/animation qui <équipe, incubateur ou sujet>` : qui le suit, et pourquoi. "
            "Par exemple : `/animation qui aides territoires`",
            "- `/animation demande [type]` : envoyer une demande à la bonne personne "
            "(convention, partenariat, question, soutien, ou en confidence). "
            "Par exemple : `/animation demande convention`",
            "- `/animation mes-demandes` : où en sont tes demandes.",
            "- `/animation contact` : comment joindre toute l'équipe d'animation.",
            "- `/animation engagements` : les engagements de l'équipe, en bref.",
            "- `/animation aide` : ce message.",
            "Les réponses ne sont visibles que par toi. Ajoute `--partager` pour les montrer "
            "au canal : `/animation qui aides territoires --partager`.",
            f"En savoir plus sur l'équipe : {registry.data.contact.page}",
        ]
    )
    return Reply(text)


def contact_reply(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    contact = directory.registry.data.contact
    text = "\n".join(
        [
            f"Pour joindre toute l'équipe d'animation : {contact.email}, "
            f"ou le canal ~{contact.channel} sur Mattermost.",
            "Pour savoir qui suit ton équipe : `/animation qui <ton équipe>`.",
            "Pour un sujet personnel ou sensible, préfère un message direct ou Tchap "
            "plutôt qu'un canal.",
            f"La page de l'équipe : {contact.page}",
        ]
    )
    return Reply(text)


def commitments_reply(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    commitments = directory.registry.data.commitments
    lines = ["**Les engagements de l'équipe d'animation**"]
    lines += [f"- {item}" for item in commitments.items]
    lines.append(f"Le texte complet : {commitments.link}")
    return Reply("\n".join(lines))


def who_reply(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return who(directory, rest, today=invocation.today)


HANDLERS: dict[str, Handler] = {
    "": help_reply,
    "aide": help_reply,
    "help": help_reply,
    "qui": who_reply,
    "contact": contact_reply,
    "contacts": contact_reply,
    "engagements": commitments_reply,
    "engagement": commitments_reply,
    "demande": demande,
    "demandes": demande,
    "mesdemandes": mes_demandes,
}
# Subcommands that read or write the request store (the web adapter runs them off the loop).
STORE_SUBCOMMANDS = frozenset({"demande", "demandes", "mesdemandes"})
SUBCOMMANDS = ("aide", "qui", "demande", "mes-demandes", "contact", "engagements")


def _unknown(directory: Directory, invocation: Invocation, name: str, text: str) -> Reply:
    guess = closest(fold(name), SUBCOMMANDS, cutoff=60)
    if guess is not None:
        hint = f"tu voulais dire `{guess}` ?"
    elif (match := directory.matcher.lookup(text)).status == "found" and match.best:
        hint = f"tu voulais dire `/animation qui {match.best.entity.id}` ?"
    else:
        hint = "voici ce que je sais faire."
    head = f"Je ne connais pas la commande {quote_user_text(name, limit=40)} : {hint}"
    body = help_reply(directory, invocation, "").text
    return Reply(f"{head}\n\n{body}")
