"""Words of someone who is not well. Typed after `qui` (« qui je me sens mal »,
« qui harcèlement »), they get a warm answer and the way to the confidential request,
never the name of a team that happens to share a word.

Recognised on folded words (`text.fold`): word beginnings that say distress on their
own (« harcel » for harcèlement, harcelée…), and phrases that do only together
(« me sens mal », « ça va pas »). Kept narrow on purpose: a word with another common
meaning in team names (« isolation », « pression », « conflit d'usage ») is not here.
"""

from __future__ import annotations

# Beginnings of words that say distress whatever surrounds them.
STEMS = (
    "harcel",
    "souffr",
    "deprim",
    "depress",
    "burnout",
    "epuise",
    "epuisement",
    "angoiss",
    "anxieu",
    "anxiete",
    "pleur",
    "craqu",
    "discrimin",
    "sexis",
    "racis",
    "homophob",
    "transphob",
    "lesbophob",
    "grossophob",
    "validis",
    "humili",
    "menace",
    "agress",
    "maltrait",
    "malaise",
    "suicid",
    "insult",
    "mepris",
    "toxique",
    "intimid",
    "detresse",
    "tristesse",
    "isole",
    "isolee",
    "isolement",
    "demission",
    "demissionner",
    "mourir",
)
# Phrases (folded words in a row) that say it only together.
PHRASES = (
    "mal etre",
    "me sens mal",
    "me sens pas bien",
    "sens mal",
    "suis mal",
    "vais mal",
    "va mal",
    "ca va pas",
    "ca ne va pas",
    "va pas bien",
    "pas bien dans",
    "mal dans mon",
    "mal dans l",
    "mal a l aise",
    "burn out",
    "a bout",
    "au bout du rouleau",
    "en peux plus",
    "plus la force",
    "j ai peur",
    "ai peur de",
    "fais peur",
    "me fait peur",
    "propos deplaces",
    "conflit avec",
    "conflits avec",
    "conflit dans",
    "tensions dans",
    "tension dans",
    "violence au travail",
    "violences au travail",
    "violent avec",
    "violente avec",
    "crie dessus",
    "harcele",
    "je suis seul",
    "je suis seule",
    "me sens seul",
    "me sens seule",
    "triste",
    "pas respecte",
    "pas respectee",
    "suis pas bien",
    "vais pas bien",
    "pas bien du tout",
    "parle mal",
    "quitter mon equipe",
    "quitter l equipe",
    "besoin de parler",
    "parler a quelqu un",
    "en confidentialite",
    "en toute confidentialite",
    "en confidence",
    "idees noires",
    "en finir",
    "me tuer",
    "envie de vivre",
    "signaler un manquement",
    "un manquement",
    "respecte pas les engagements",
    "respecte pas ses engagements",
    "signaler un probleme avec",
)
ALONE = frozenset(
    {"mal", "peur", "conflit", "conflits", "tensions", "violence", "violences", "pas bien"}
)
# Words of someone who may be in danger: the answer gives the national line first.
CRISIS_STEMS = ("suicid", "mourir")
CRISIS_PHRASES = ("idees noires", "en finir", "me tuer", "envie de vivre", "plus vivre")


def distress(folded: str) -> bool:
    """Whether these folded words say that someone is not well."""
    words = folded.split()
    if not words:
        return False
    if " ".join(words) in ALONE:
        return True
    if any(word.startswith(STEMS) for word in words):
        return True
    padded = f" {' '.join(words)} "
    return any(f" {phrase} " in padded for phrase in PHRASES)


def crisis(folded: str) -> bool:
    """Whether the words say someone may be in danger of their life."""
    words = folded.split()
    padded = f" {' '.join(words)} "
    return any(w.startswith(CRISIS_STEMS) for w in words) or any(
        f" {phrase} " in padded for phrase in CRISIS_PHRASES
    )
