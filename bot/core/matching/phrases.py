"""The words around a name in what people type after `qui`: a small grammar, peeled off
both ends of the (folded) query until the name is left.

A query is: greetings and openers (« bonjour », « peux-tu me dire »), a question
(« qui suit », « c'est qui le référent de »), talk about oneself (« ma startup c'est »,
« je bosse sur »), what the name is (« l'équipe », « l'incubateur »), the name, then
more of the same and politeness at the end (« chez vous ? », « s'il te plaît »,
« merci »). Each part is optional and may repeat; what is peeled is only ever whole
phrases at either end, so a name that holds such words keeps them in the middle, and
the matcher also tries the query as typed. The words people often mistype
(« suit », « référent », « incubateur ») are recognised with one slip.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from rapidfuzz.distance import OSA

# Folded phrases (see `text.fold`): lowercase ASCII words.
_OPENERS = """
bonjour | bonsoir | salut | coucou | hello | hey | re | yo | hi | slt | bjr | bsr | cc
ki | c ki | c ki qui | ref | refs | le ref | la ref | les refs | ref de
who is | who s | who is in charge of | who s in charge of | who follows | in charge of
j ai une question sur | j ai une question pour | question sur | une question sur
qui pourrait m aider pour | qui peut m aider pour | qui pourrait m aider
pourrait m aider pour | peut m aider pour | pourrait m aider | peut m aider
on est rattache a quel incubateur | a quel incubateur
excuse moi | excusez moi | desole de deranger | une question | petite question | question
dis moi | dites moi | tu peux me dire | peux tu me dire | pourrais tu me dire
pouvez vous me dire | pourriez vous me dire | merci de me dire | tu sais | tu saurais
sais tu | savez vous | vous savez | est ce que tu sais | est ce que vous savez
je voudrais savoir | j aimerais savoir | je veux savoir | je cherche | je recherche
on s adresse a qui pour | on s adresse a qui | a qui je parle pour | a qui parler pour
a qui je m adresse pour | a qui m adresser pour | a qui
qui est ce qui | qui est ce | c est qui qui | c est qui | qui c est | qui est | qui sont
quel est | quelle est | quels sont | quelles sont | qui
le ou la | la ou le | les | le | la | l | un | une | des | du | de | d
referent e | referente | referent | referents | referentes | referent es
personne referente | personne a contacter | personne | contact | contacts
interlocuteur | interlocutrice | correspondant | correspondante | coach
contact animation | cote animation | l equipe d animation | equipe d animation
d animation | animation
animateur | animatrice | responsable | charge | chargee
suit | suivent | suivi par | s occupe | s occupent | s occupe de | gere | gerent
est en charge de | a en charge | est responsable de | accompagne | accompagnent
anime | animent | pilote | pilotent | nous suit | me suit | suit l equipe
pour | sur | chez | a | au | aux | en | dans | avec | concernant | niveau
ma startup c est | mon equipe c est | notre equipe c est | notre startup c est
ma team c est | mon produit c est | mon incubateur c est | notre incubateur c est
mon produit s appelle | ma startup s appelle | notre produit | notre equipe
ma startup | mon equipe | ma team | mon produit | notre startup | mon incubateur
notre incubateur | je suis dans l equipe | je suis dans | je suis chez | je suis intra sur
je suis coach de | je suis | je bosse sur | je bosse pour | je bosse chez | je travaille sur
je travaille pour | je travaille chez | je travaille dans | je fais partie de
on bosse sur | on est | on est l equipe | nous sommes | nous sommes l equipe | on | nous
equipe | equipes | l equipe | la startup | startup | startups | start up | le produit
produit | le service | service | le projet | projet | team | la team
incubateur | l incubateur | incubateurs | les startups de | les equipes de
c est | c | est | s
"""
_CLOSERS = """
s il te plait | s il vous plait | stp | svp | please | pls | plz | merci | merci beaucoup
merci d avance | d avance | merci bien | mille mercis | bonne journee | a plus
chez vous | chez toi | dans l equipe | de l equipe | en ce moment | actuellement
qui est notre referent | qui est notre referente | qui est ma referente
qui est mon referent | qui nous suit | qui suit | qui | c est qui | svp merci
c qui notre referent | c qui notre referente | c est qui notre referent | c qui
qui contacter | qui je contacte | a qui je m adresse | a qui m adresser | a qui parler
et on a besoin d aide | on a besoin d aide | besoin d aide | qui est notre coach
qui je contacte pour un devis | please
il | te | vous | s
"""


# Words of the grammar that people often mistype, understood with one slip (« qui siut »).
_TOLERANT = frozenset(
    """
    suit suivent gere gerent occupe referent referente referents incubateur equipe
    startup charge plait merci bonjour
    """.split()
)


Phrase = tuple[str, ...]


def _phrases(text: str) -> tuple[Phrase, ...]:
    found = {tuple(p.split()) for line in text.splitlines() for p in line.split("|")}
    return tuple(sorted((p for p in found if p), key=len, reverse=True))  # longest first


def _by(phrases: tuple[Phrase, ...], end: int) -> dict[str, tuple[Phrase, ...]]:
    """Phrases by their first (`end` 0) or last (`end` -1) word, longest first."""
    index: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        index.setdefault(phrase[end], []).append(phrase)
    return {word: tuple(found) for word, found in index.items()}


OPENERS = _phrases(_OPENERS)
CLOSERS = _phrases(_CLOSERS)
_STARTING = _by(OPENERS, 0)
_ENDING = _by(CLOSERS, -1)
_GRAMMAR = frozenset(word for phrase in OPENERS + CLOSERS for word in phrase)


def peel(folded: str, *, names: Container[str] = frozenset()) -> str:
    """The folded query without the phrases around the name; "" when nothing else is
    left (« bonjour », « merci »). A word of `names` (the words of every name) is never
    taken for a slip of a word of the grammar (« suite » is not « suit »)."""
    words = [_grammar_word(word, names) for word in folded.split()]
    start, end = 0, len(words)
    moved = True
    while moved and start < end:
        moved = False
        step = _match(words, start, end, _STARTING.get(words[start], ()), at_start=True)
        if step:
            start += step
            moved = True
        if start < end:
            step = _match(words, start, end, _ENDING.get(words[end - 1], ()), at_start=False)
            if step:
                end -= step
                moved = True
    return " ".join(folded.split()[start:end])


def _match(
    words: list[str], start: int, end: int, phrases: Iterable[Phrase], *, at_start: bool
) -> int:
    """The length of the longest phrase at that end of `words[start:end]`, leaving at
    least one word; 0 if none."""
    for phrase in phrases:
        size = len(phrase)
        if size >= end - start:
            continue
        part = words[start : start + size] if at_start else words[end - size : end]
        if tuple(part) == phrase:
            return size
    return 0


def _grammar_word(typed: str, names: Container[str]) -> str:
    """The word of the grammar `typed` is, allowing one slip for the often mistyped ones;
    else `typed` itself."""
    if typed in _GRAMMAR or len(typed) < 4 or typed in names:
        return typed
    for word in _TOLERANT:
        if OSA.distance(typed, word, score_cutoff=1) <= 1:
            return word
    return typed


# What people say of their own team without naming it (« qui suit mon équipe »).
_ABOUT_ONESELF = frozenset(
    """
    mon ma mes notre nos me nous on equipe equipes startup team produit projet service
    referent referente referents coach incubateur qui suit est le la les de d l personne
    animation contact
    """.split()
)


def only_grammar(peeled: str) -> bool:
    """Whether what is left after peeling still names nothing (« mon équipe », « mon
    référent »)."""
    words = peeled.split()
    return bool(words) and all(word in _ABOUT_ONESELF for word in words)
