"""The answer to someone who is not well (`qui je me sens mal`, `qui harcèlement`): warm
words and the way to the confidential request, never a team's name in their place.

The seed's promise: people must feel safe raising a problem. So the answer says who
will know (only the person they choose), that nothing goes to a channel, and how to
start, in one command.
"""

from __future__ import annotations

from bot.core import markup
from bot.core.matching.distress import crisis
from bot.core.matching.match import Match
from bot.core.registry.model import Registry
from bot.core.reply import Reply
from bot.core.text import clean, fold, md_escape

CRISIS = (
    "Si tu penses au suicide ou si tu es en danger, appelle tout de suite le **3114** "
    "(numéro national de prévention du suicide, gratuit, jour et nuit), ou le **15**."
)


def care(registry: Registry, match: Match, *, query: str = "") -> Reply:
    """The reply; private, whatever was asked. Words of danger get the national line first.
    If the words were also, exactly, a team's name, one line says how to find it."""
    confidential = [c for c in registry.categories.values() if c.confidential]
    lines = [CRISIS] if crisis(fold(clean(query))) else []
    lines += [
        "Merci de me l'écrire. Ce que tu vis compte, et tu n'as pas à le garder pour toi.",
        "Tu peux en parler en toute confidentialité avec la personne de l'équipe d'animation "
        "que tu choisis : elle seule sera prévenue, rien n'est publié dans un canal.",
    ]
    for category in confidential:
        lines.append(
            f"🔒 {md_escape(category.label)} : `{markup.command(f'demande {category.word}')}`"
        )
    lines.append(
        "Tu choisis la personne et la façon dont elle te recontacte (Tchap, e-mail, "
        "appel) ; ne raconte rien ici, c'est elle qui prendra contact avec toi."
    )
    if match.status == "found" and match.exact and match.best is not None:
        entity = match.best.entity
        lines.append(
            f"Si tu cherchais **{md_escape(entity.name)}** : `{markup.command(f'qui {entity.id}')}`"
        )
    return Reply("\n".join(lines), "private")
