"""`/animation <texte>`: from what a person typed to the reply, whatever the chat platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bot.answers import Reply, contact_line, who
from bot.directory import Directory
from bot.text import closest, compact, fold, quote_user_text

MAX_TEXT = 2000
SHARE_FLAGS = frozenset({"--partager", "—partager", "–partager"})


@dataclass(frozen=True)
class Invocation:
    """One command: what follows `/animation`, and who typed it."""

    text: str
    user: str
    today: date


Handler = Callable[[Directory, Invocation, str], Reply]


def respond(directory: Directory, invocation: Invocation) -> Reply:
    """The reply to `/animation <text>`; never raises on any text."""
    if len(invocation.text) > MAX_TEXT:
        return Reply(
            f"Ta commande est trop longue (plus de {MAX_TEXT} caractères) : "
            "raccourcis-la, par exemple `/animation qui aides territoires`."
        )
    words = invocation.text.split()
    share = any(w in SHARE_FLAGS for w in words)
    words = [w for w in words if w not in SHARE_FLAGS]
    name, rest = (words[0], " ".join(words[1:])) if words else ("", "")
    handler = HANDLERS.get(compact(fold(name)))
    if handler is None:
        return _unknown(directory, invocation, name, " ".join(words))
    reply = handler(directory, invocation, rest)
    return Reply(reply.text, public=share, data=reply.data)


def help_reply(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    registry = directory.registry
    text = "\n".join(
        [
            "**/animation** : le bot de l'équipe d'animation de beta.gouv.fr. "
            "Il te dit qui suit ton équipe, ton incubateur ou un sujet transverse.",
            "- `/animation qui <équipe, incubateur ou sujet>` : qui le suit, et pourquoi. "
            "Par exemple : `/animation qui aides territoires`",
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


def later_reply(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return Reply(
        "Les demandes ne passent pas encore par le bot. En attendant, écris à la personne "
        "qui suit ton équipe (`/animation qui <ton équipe>`) ou à toute l'équipe d'animation : "
        f"{contact_line(directory.registry)}."
    )


HANDLERS: dict[str, Handler] = {
    "": help_reply,
    "aide": help_reply,
    "help": help_reply,
    "qui": who_reply,
    "contact": contact_reply,
    "contacts": contact_reply,
    "engagements": commitments_reply,
    "engagement": commitments_reply,
    "demande": later_reply,
    "mesdemandes": later_reply,
}
SUBCOMMANDS = ("aide", "qui", "contact", "engagements")


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
