"""Tolerant lookup of teams, incubators and topics, the way people really type them.

A query is compared with every name, id, former id, alias and acronym, in
tiers. Exact forms first: case, accents, punctuation, spacing, filler words
("l'équipe", "qui est référent sur") and word order do not matter. Then
acronyms. Then what tolerates mistakes (`fuzzy`): slips of the keyboard, words
that are only part of a name, weighed by how rare they are, and overall likeness.
An answer is confident only when one entity stands clearly ahead; with a hedge
when one good name stands apart; otherwise the caller gets candidates to choose
from, or the closest names, never a guess. The words around a name (« qui suit »,
« s'il te plaît »: `phrases`) are peeled off first.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from bot.core.matching.fuzzy import Scored, fuzzy
from bot.core.matching.keys import GENERIC, STOPWORDS, Key, KeyTable
from bot.core.matching.match import Candidate, KeyKind, Match, decide, decide_exact
from bot.core.matching.names import Entity, Names, content_of, initials, upper_words
from bot.core.matching.phrases import only_grammar, peel
from bot.core.text import clean, compact, fold

MAX_QUERY = 200
STOPPED_PENALTY = 3.0  # a fuzzy hit on a stopped team counts a little less
_RANK = {"found": 4, "likely": 3, "ambiguous": 2, "unknown": 1, "empty": 0}
# Acronyms, by where they come from: the name's own capitals, the owner's, an alias
# (100); the initials of the name (97); a capital word of a team's mission (95).
_OWN, _INITIALS, _MENTION = 100.0, 97.0, 95.0
SHORT_ACRONYM = 2  # acronyms this short count only in capitals: « ma », « mi » are words
# What is never a name in a query: a ping of the whole channel, a link's address.
_NOISE = re.compile(
    r"<!\w+>|(?<![\w@])@(?:here|channel|all|everyone)\b|\]\([^)]*\)|https?://\S+"
    r"|:[a-z0-9_+\-]+:"  # an emoji's short name, « :smile: »
)
# The whole network, not one of its teams: `qui beta.gouv.fr` asks for the team's contact.
NETWORK = frozenset({"beta", "beta gouv", "beta gouv fr", "betagouv", "beta gov"})

# Penalties that rank exact hits: how much the query and the key had to be
# reduced to meet (full, without filler words, without spaces), and which
# kind of key met (a current name beats an id, which beats a former id).
_FORM_PENALTY = (0.0, 1.0, 2.0, 2.0)
_KEY_PENALTY = {"name": 0.0, "alias": 0.0, "id": 0.5, "former": 1.0}


def _forms(folded: str, content: str | None = None) -> tuple[str, str, str, str]:
    content = content_of(folded) if content is None else content
    return folded, content, compact(folded), compact(content)


class Matcher:
    """An index over every name; built once per registry, then read-only."""

    def __init__(self, names: Iterable[Names]) -> None:
        self.entities: list[Entity] = []
        self.keys: list[Key] = []
        self.exact: dict[str, dict[int, float]] = defaultdict(dict)
        self.acronyms: dict[str, dict[int, float]] = defaultdict(dict)
        self.capital_acronyms: dict[str, dict[int, float]] = defaultdict(dict)
        self.lexicon: set[str] = set()
        for item in names:
            self._add(item)
        self.table = KeyTable(self.keys, self.entities, lexicon=frozenset(self.lexicon))
        self.incubator_names = [
            index
            for index, key in enumerate(self.keys)
            if key.kind in ("name", "alias") and self.entities[key.entity].kind == "incubator"
        ]

    def _add(self, item: Names) -> None:
        index = len(self.entities)
        self.entities.append(item.entity)
        keyed: list[tuple[str, KeyKind]] = [(item.entity.name, "name")]
        keyed += [(t, "id") for t in item.ids] + [(t, "former") for t in item.former]
        keyed += [(t, "alias") for t in item.aliases]
        for text, kind in keyed:
            self._add_key(index, text, kind)
        name = item.entity.name
        own = {fold(a) for a in item.acronyms}
        if any(c.islower() for c in name):  # in an all-caps name, words are not acronyms
            own |= upper_words(name)
        capitals = {initials(name): _INITIALS, initials(name, every_word=True): _INITIALS}
        for acronym in own:
            if len(compact(acronym)) <= SHORT_ACRONYM:  # « MA » in capitals; « ma » is a word
                capitals[acronym] = _OWN
            else:
                self.acronyms[compact(acronym)][index] = _OWN
        for text in item.mentions:
            capitals |= {word: _MENTION for word in upper_words(text)}
            self.lexicon.update(fold(text).split())
        for acronym, score in capitals.items():
            if acronym:
                known = self.capital_acronyms[compact(acronym)].get(index, 0.0)
                self.capital_acronyms[compact(acronym)][index] = max(known, score)

    def _add_key(self, entity: int, text: str, kind: KeyKind) -> None:
        folded = fold(text)
        if not folded:
            return
        key_index = len(self.keys)
        content = content_of(folded)
        self.keys.append(Key(entity, text, kind, folded, content))
        for rank, form in enumerate(_forms(folded, content)):
            if form:
                score = 100.0 - _FORM_PENALTY[rank] - _KEY_PENALTY[kind]
                scores = self.exact[form]
                scores[key_index] = max(scores.get(key_index, 0.0), score)

    def lookup(self, query: str) -> Match:
        """The names `query` may mean: the query as typed if it is exactly a name, else
        without the words around a name (« qui suit », « stp »: `phrases.peel`)."""
        text = clean(_NOISE.sub(" ", query[:MAX_QUERY]))
        folded = fold(text)
        peeled = peel(folded, names=self.table.words.weight)
        if peeled in NETWORK or (only_grammar(peeled) and not self._named(text, folded)):
            return Match("empty")  # « qui suit mon équipe » names no team
        peeled_off = set(folded.split()) - set(peeled.split())
        if not peeled or peeled_off <= STOPWORDS:
            return self._lookup(text, folded)  # nothing, or only small words, to take off
        named = self._named(text, folded)
        if named is not None and named.status == "found":
            return named  # a name that holds such words (« OnStage ») is a name
        without = self._lookup(text, peeled)
        if _RANK[without.status] >= _RANK["ambiguous"] or named is not None:
            return named if named and _RANK[named.status] > _RANK[without.status] else without
        if not peeled_off & self.table.words.weight.keys():
            return without  # what went is in no name: the whole query says nothing more
        whole = self._lookup(text, folded)  # the words around were part of a name, maybe
        return whole if _RANK[whole.status] > _RANK[without.status] else without

    def _lookup(self, text: str, folded: str) -> Match:
        content = content_of(folded)
        if not content:
            return Match("empty")
        named = self._named(text, folded, content)
        if named is not None:
            return self._with_live_namesakes(named, folded)
        kinds = self._kinds_of_incubator(folded)
        if kinds is not None:
            return kinds
        return decide(self._best_per_entity(fuzzy(self.table, folded, content), fuzzy=True))

    def _with_live_namesakes(self, named: Match, folded: str) -> Match:
        """A stopped team named exactly, when live ones' names begin the same way (« mes
        aides »: Mes Aides Réno, Mes aides France Travail): a choice, live ones first."""
        best = named.best
        if named.status != "found" or best is None or not best.entity.stopped:
            return named
        words = [w for w in folded.split() if w not in STOPWORDS]
        keys = set.intersection(*(self.table.words.keys_meeting([w]) for w in words or [""]))
        live = {
            self.keys[k].entity
            for k in keys
            if self.keys[k].kind == "name"
            and self.keys[k].folded.startswith(folded + " ")
            and not self.entities[self.keys[k].entity].stopped
        }
        if not live:
            return named
        others = [Candidate(self.entities[e], best.score, self.entities[e].name) for e in live]
        demoted = Candidate(best.entity, best.score - 1, best.matched, best.kind)
        ranked = [*sorted(others, key=lambda c: c.entity.name), demoted]
        return Match("ambiguous", tuple(ranked[:8]), exact=True)

    def _kinds_of_incubator(self, folded: str) -> Match | None:
        """Only words that say what kind of place an incubator is (« la fabrique numérique »,
        « l'atelier numérique »): the incubators so called, to choose from."""
        words = [w for w in folded.split() if w not in STOPWORDS]
        if not words or not all(w in GENERIC for w in words):
            return None
        found = {
            self.keys[k].entity: self.keys[k]
            for k in self.incubator_names
            if set(words) <= set(self.keys[k].folded.split())
        }
        if len(found) < 2:
            return None
        ranked = sorted(found, key=lambda e: self.entities[e].name)
        return Match(
            "ambiguous",
            tuple(Candidate(self.entities[e], 80.0, found[e].text) for e in ranked[:8]),
        )

    def _named(self, text: str, folded: str, content: str | None = None) -> Match | None:
        """What the exact tiers find: a name, an id, an alias, a former name, an acronym."""
        exact = self._exact(folded)
        if exact:
            return decide_exact(exact)
        content = content_of(folded) if content is None else content
        acronym = self._acronym(_capitals(text, folded), content) if content else []
        return decide_exact(acronym) if acronym else None

    def _exact(self, folded: str) -> list[Candidate]:
        scored: list[Scored] = []
        for rank, form in enumerate(_forms(folded)):
            for key, score in self.exact.get(form, {}).items():
                scored.append((key, score - _FORM_PENALTY[rank]))
        return self._best_per_entity(scored)

    def _acronym(self, capitals: bool, content: str) -> list[Candidate]:
        key = compact(content)
        found = dict(self.capital_acronyms.get(key, {})) if capitals else {}
        for entity, score in self.acronyms.get(key, {}).items():
            found[entity] = max(found.get(entity, 0.0), score)

        def order(entity: int) -> tuple[float, bool, str]:
            return (-found[entity], self.entities[entity].stopped, self.entities[entity].name)

        return [
            Candidate(self.entities[i], found[i], key.upper(), "acronym")
            for i in sorted(found, key=order)
        ]

    def _best_per_entity(self, scored: Iterable[Scored], *, fuzzy: bool = False) -> list[Candidate]:
        """The best key of each entity, best first; a stopped team is ranked after a live
        one it ties with, and, when the hit is fuzzy, a little lower."""
        best: dict[int, tuple[float, Key]] = {}
        for key_index, raw in scored:
            key = self.keys[key_index]
            stopped = self.entities[key.entity].stopped
            score = raw - STOPPED_PENALTY if fuzzy and stopped else raw
            if key.entity not in best or score > best[key.entity][0]:
                best[key.entity] = (score, key)

        def order(item: tuple[int, tuple[float, Key]]) -> tuple[float, bool, str]:
            entity = self.entities[item[0]]
            return (-item[1][0], entity.stopped, entity.name)

        return [
            Candidate(self.entities[i], score, key.text, key.kind)
            for i, (score, key) in sorted(best.items(), key=order)
        ]


def _capitals(text: str, folded: str) -> bool:
    """Whether the words of `text` that make `folded` are written in capitals (an
    acronym: « qui suit le RNB » is `rnb`, in capitals)."""
    wanted = set(folded.split())
    words = [w for w in text.split() if set(fold(w).split()) & wanted]
    letters = [c for word in words for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)
