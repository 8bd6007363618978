"""Which type of request a person means, from the words they use, and in which order the
types are offered.

Each category is named by its id, its label and the label's parts, and its `keywords` in the
registry (`devis`, `bon de commande`, `harcèlement`…), read by `vocabulary`: case, accents,
plurals, small words and slips do not matter. The grammar of `demande`:

- `demande <type> [la suite]`: the type's words open the text (the longest phrase that
  does), unless those words begin a longer team name (`aides territoires` is a team, not
  `aide`); what follows is the request itself;
- otherwise the type is looked for anywhere in the text (after the team's name, if it
  opens it): then the type's form opens, nothing is sent from the words;
- two types named (`question sur la convention`), or a phrase only close to one: the person
  is asked which, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matching.directory import Directory
from bot.core.registry.model import Registry
from bot.core.registry.schema import Category
from bot.core.requests.inline import leading_team, words_after
from bot.core.vocabulary import Hit, Vocabulary

NEARBY = 6  # words after the type's in which another type makes it a question


@dataclass(frozen=True)
class TypeReading:
    """The types a text names (one: found; several: ask which), what follows the type's words
    when they open it (`opens`), and whether it is sure (one type, written or with a slip)."""

    categories: tuple[Category, ...] = ()
    rest: str = ""
    opens: bool = False
    sure: bool = False

    @property
    def category(self) -> Category | None:
        """The one type meant, when it is sure."""
        return self.categories[0] if self.sure and len(self.categories) == 1 else None


def vocabulary(registry: Registry) -> Vocabulary:
    return Vocabulary(
        (term, category.id)
        for category in registry.categories.values()
        for term in category.terms()
    )


def read_type(directory: Directory, text: str) -> TypeReading:
    registry = directory.registry
    words = vocabulary(registry)
    lead = leading_team(directory, text)
    hit = words.opening(text)
    if hit is None or lead.words > hit.words:  # `aides territoires …` opens with a team
        values = words.within(lead.rest if lead.team else text)
        return TypeReading(tuple(registry.categories[v] for v in values), sure=len(values) == 1)
    rest, others = _after_type(directory, words, hit, words_after(text, hit.words))
    named = tuple(registry.categories[v] for v in (*hit.values, *others))
    return TypeReading(named, rest, opens=True, sure=hit.sure and not others)


def _after_type(
    directory: Directory, words: Vocabulary, hit: Hit, rest: str
) -> tuple[str, tuple[str, ...]]:
    """What follows the type's words, past more words of the same type (`soutien financement`,
    `signaler un manquement`), and the other types named right after them, before any team or
    colon (`question sur la convention`: a question, or a convention?)."""
    while (following := words.opening(rest)) is not None and following.sure:
        if following.values != hit.values or leading_team(directory, rest).words > following.words:
            break
        rest = words_after(rest, following.words)
    head = rest.partition(":")[0]
    if not head.strip() or leading_team(directory, head).team is not None:
        return rest, ()
    nearby = words.within(" ".join(head.split()[:NEARBY]))
    return rest, tuple(v for v in nearby if v not in hit.values)


def offered(registry: Registry) -> list[Category]:
    """The categories as they are offered: confidential ones last."""
    return sorted(registry.categories.values(), key=lambda c: c.confidential)
