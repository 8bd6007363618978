"""A request typed on one line, where no form can open (`ask`, Tchap, a client without
dialogs): what is the team, what is the request, who to talk to and how.

`convention aides territoires : la convention est bloquée`, or without the colon
`convention aides territoires la convention est bloquée`: the team is the longest run of
opening words that names one team or incubator as surely as `qui` would (the same matcher);
small words at its end go back to the request. When no opening run is sure, nothing is
guessed: the person is asked to put a colon after the team. A confidential request takes a
person and a way to be reached, in either order: `camille tchap`, `par téléphone camille`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.matching.directory import Directory
from bot.core.matching.match import Candidate
from bot.core.matching.names import FILLER, Entity
from bot.core.registry.schema import Category
from bot.core.requests.model import CONTACTS
from bot.core.text import fold
from bot.core.vocabulary import SMALL_WORDS

TEAM_WORDS = 8  # a team's name is looked for in the first words only
STOP_AFTER = 3  # lookups in a row that find nothing close end the search
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class Lead:
    """How a text opens: with `words` words naming `team` (0 and None: no team is sure), the
    names its opening words may be otherwise, and the text after the team."""

    words: int
    team: Entity | None
    guesses: tuple[Candidate, ...]
    rest: str


@dataclass(frozen=True)
class Unclear:
    """Where the team ends cannot be told: the names it may be (none: nothing close)."""

    guesses: tuple[Candidate, ...]


def words_after(text: str, count: int) -> str:
    """The text after its first `count` words, as typed (line breaks kept)."""
    spans = list(_WORD.finditer(text))
    if count <= 0 or not spans:
        return text.strip()
    return text[spans[min(count, len(spans)) - 1].end() :].strip()


def leading_team(directory: Directory, text: str) -> Lead:
    """The longest opening run of words that names a team or an incubator for sure."""
    spans = list(_WORD.finditer(text))[:TEAM_WORDS]
    found: tuple[int, Entity] | None = None
    guesses: tuple[Candidate, ...] = ()
    misses = 0  # lookups in a row that found nothing close: the name is behind
    for count, span in enumerate(spans, start=1):
        if all(_filler(s.group()) for s in spans[:count]):
            continue  # small words only name no team (`pour ma` is no acronym)
        match = directory.matcher.lookup(text[: span.end()])
        best = match.best
        if match.status == "found" and best is not None and best.entity.kind != "topic":
            found = (count, best.entity)
        elif match.status == "ambiguous":
            guesses = tuple(c for c in match.candidates if c.entity.kind != "topic")
        misses = misses + 1 if match.status == "unknown" else 0
        if misses == STOP_AFTER:
            break
    if found is None:
        return Lead(0, None, guesses, text.strip())
    count, team = found
    # Small words at the end belong to the request: « anct le devis ».
    while count > 1 and _filler(spans[count - 1].group()):
        count -= 1
    return Lead(count, team, (), words_after(text, count))


def _filler(word: str) -> bool:
    return all(token in FILLER or token in SMALL_WORDS for token in fold(word).split())


def read_inline(directory: Directory, category: Category, text: str) -> dict[str, str] | Unclear:
    """The form's values, read from one line."""
    if "animator" in category.fields or "contact_method" in category.fields:
        return person_and_method(text)
    team, ask = "", text.strip().lstrip(":").strip()
    if "team" in category.fields:
        split = team_and_ask(directory, text)
        if isinstance(split, Unclear):
            return split
        team, ask = split
    first_line = ask.splitlines()[0].strip() if ask else ""
    return {"team": team, "subject": first_line, "details": ask}


def team_and_ask(directory: Directory, text: str) -> tuple[str, str] | Unclear:
    """`<team> : <request>`, the colon optional when the team's name is sure."""
    before, colon, after = text.partition(":")
    head = before if colon else text
    lead = leading_team(directory, head)
    if lead.team is not None:
        team, ask = " ".join(head.split()[: lead.words]), lead.rest
        if colon:
            ask = f"{ask} : {after.strip()}" if ask else after.strip()
        return team, ask
    if colon:  # the form's check names what is wrong with the team, with close names
        return before.strip(), after.strip()
    return Unclear(lead.guesses)


def person_and_method(text: str) -> dict[str, str]:
    """`<person> <way>` or `<way> <person>`; with no way recognised, the last word is taken for
    it, so that the answer names what was not understood."""
    words = text.split()
    for start in range(max(len(words) - 3, 1), len(words)):  # the way, at the end
        hit = CONTACTS.lookup(" ".join(words[start:]))
        if hit is not None and hit.sure and len(hit.values) == 1:
            return {"animator": _person(words[:start]), "contact_method": hit.values[0]}
    for end in range(min(3, len(words) - 1), 0, -1):  # the way, first
        hit = CONTACTS.lookup(" ".join(words[:end]))
        if hit is not None and hit.sure and len(hit.values) == 1:
            return {"animator": _person(words[end:]), "contact_method": hit.values[0]}
    if len(words) < 2:
        return {"animator": " ".join(words), "contact_method": ""}
    return {"animator": _person(words[:-1]), "contact_method": words[-1]}


def _person(words: list[str]) -> str:
    """Without the small words around the name: « avec Camille par »."""
    kept = list(words)
    while kept and all(t in SMALL_WORDS for t in fold(kept[0]).split()):
        kept.pop(0)
    while kept and all(t in SMALL_WORDS for t in fold(kept[-1]).split()):
        kept.pop()
    return " ".join(kept)
