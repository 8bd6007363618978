"""What teams, incubators and topics are called, and the words that carry no name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.core.text import fold

EntityKind = Literal["startup", "incubator", "topic"]

# Words that carry no name: question words, "référent", "équipe", articles.
FILLER = frozenset(
    """
    a au aux c ce cest d de des du en est et j je l la le les pour qui quel quelle quels
    quelles s se sont sur un une the team equipe equipes startup startups start up
    referent referente referents referentes occupe occupent suit suivi suivie
    cherche veux voudrais savoir contacter contact personne svp stp merci bonjour salut
    incubateur incubateurs incubee incube etat produit projet service
    """.split()
)
_UPPER_TOKEN = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")


@dataclass(frozen=True)
class Entity:
    """`stopped`: a team whose service was stopped (listed after live ones)."""

    kind: EntityKind
    id: str
    name: str
    stopped: bool = False


@dataclass(frozen=True)
class Names:
    """What an entity may be called.

    `acronyms` are matched in any case (an owner's acronym, `ADEME`);
    upper-case words of the name too. Initials of the name and upper-case
    words of `mentions` (a mission) count only when the query is in capitals.
    """

    entity: Entity
    ids: tuple[str, ...] = ()
    former: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()


def content_of(folded: str) -> str:
    return " ".join(t for t in folded.split() if t not in FILLER)


def upper_words(text: str) -> set[str]:
    """Upper-case words of a text, CamelCase split first: `MonEspaceNIS2` gives `nis2`."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return {fold(token) for token in _UPPER_TOKEN.findall(spaced)}


def initials(text: str, *, every_word: bool = False) -> str:
    """The first letters of the words of a name, filler words left out (or not: « LBB »
    is La Bonne Boite); "" unless it has 2 to 6 such words."""
    words = [w for w in fold(text).split() if (every_word or w not in FILLER) and not w.isdigit()]
    return "".join(w[0] for w in words) if 2 <= len(words) <= 6 else ""
