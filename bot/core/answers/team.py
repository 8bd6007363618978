"""`aide`, `contact`, `engagements`: what the bot does, and how to reach the whole team."""

from __future__ import annotations

from bot.core import markup
from bot.core.answers.requests import type_words
from bot.core.matching.directory import Directory
from bot.core.reply import Reply


def help_text(directory: Directory) -> str:
    command = markup.command
    return "\n".join(
        [
            f"**{command()}** : le bot de l'équipe d'animation de beta.gouv.fr. "
            "Il te dit qui suit ton équipe, ton incubateur ou un sujet transverse.",
            f"- `{command('qui <équipe, incubateur ou sujet>')}` : qui le suit, et pourquoi. "
            f"Par exemple : `{command('qui aides territoires')}`",
            f"- `{command('demande <type> <ton équipe> : <ta demande>')}` : envoyer une demande "
            f"à la bonne personne. Types : {type_words(directory)} ; "
            f"`{command('demande')}` seul les montre tous. Le « : » est facultatif : "
            f"`{command('demande convention aides territoires la convention est bloquée')}`",
            f"- `{command('mes-demandes')}` : où en sont tes demandes.",
            f"- `{command('stats')}` : les demandes reçues par l'équipe et le temps de "
            "réponse, sans aucun nom.",
            f"- `{command('contact')}` : comment joindre toute l'équipe d'animation.",
            f"- `{command('engagements')}` : les engagements de l'équipe, en bref.",
            f"- `{command('aide')}` : ce message.",
            markup.visibility(),
            f"En savoir plus sur l'équipe : {directory.registry.data.contact.page}",
        ]
    )


def help_reply(directory: Directory) -> Reply:
    return Reply(help_text(directory))


def contact_reply(directory: Directory) -> Reply:
    contact = directory.registry.data.contact
    text = "\n".join(
        [
            f"Pour joindre toute l'équipe d'animation : {contact.email}, "
            f"ou le canal {markup.channel()}.",
            f"Pour savoir qui suit ton équipe : `{markup.command('qui <ton équipe>')}`.",
            "Pour un sujet personnel ou sensible, préfère un message direct à un canal ou un "
            "salon.",
            f"La page de l'équipe : {contact.page}",
        ]
    )
    return Reply(text)


def commitments_reply(directory: Directory) -> Reply:
    commitments = directory.registry.data.commitments
    lines = ["**Les engagements de l'équipe d'animation**"]
    lines += [f"- {item}" for item in commitments.items]
    lines.append(f"Le texte complet : {commitments.link}")
    return Reply("\n".join(lines))
