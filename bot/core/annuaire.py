"""The public directory (`/annuaire`): who follows which team, incubator and topic, as the
registry already makes it public, and nothing more.

A person shows with their name and chat handles, their backup and current absence; their
e-mail only when the registry says `public_email: true`; a fictional person is flagged as
such. Teams are the active ones of the beta.gouv.fr snapshot (and any the registry names),
each with its page. The search is the same on the server (`?q=`) and in the browser: each
entry carries its words folded (`text.fold`), and every folded word of the query must be
in them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bot.core.registry.catalog import Incubator, Startup
from bot.core.registry.model import Assignment, Registry, is_absent
from bot.core.registry.schema import Animator
from bot.core.text import compact, fold

Kind = Literal["topic", "incubator", "team"]
MAX_QUERY = 200


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    mattermost: str | None
    tchap: str | None
    email: str | None  # only when public
    fictional: bool
    backup: str | None  # their backup's name
    away_until: date | None  # when away today
    stand_in: str | None  # who stands in meanwhile (their backup, or further along the chain)


@dataclass(frozen=True)
class Entry:
    """`how`: why these people (« référent direct », « par l'incubateur … »)."""

    kind: Kind
    id: str
    name: str
    url: str | None
    detail: str
    referents: tuple[str, ...]  # person ids
    how: str
    search: str  # folded words, for the filter


@dataclass(frozen=True)
class Annuaire:
    today: date
    people: tuple[Person, ...]
    topics: tuple[Entry, ...]
    incubators: tuple[Entry, ...]
    teams: tuple[Entry, ...]
    query: str = ""

    @property
    def fictional(self) -> bool:
        return any(p.fictional for p in self.people)

    @property
    def entries(self) -> tuple[Entry, ...]:
        return (*self.topics, *self.incubators, *self.teams)

    def person(self, person_id: str) -> Person:
        return next(p for p in self.people if p.id == person_id)

    def filtered(self, query: str) -> Annuaire:
        """Only the entries whose words hold every word of `query` (and the people they
        name); all of them for an empty query."""
        query = " ".join(query[:MAX_QUERY].split())
        words = fold(query).split()
        if not words:
            return replace(self, query=query)

        def kept(entries: Sequence[Entry]) -> tuple[Entry, ...]:
            return tuple(e for e in entries if all(w in e.search for w in words))

        topics, incubators, teams = kept(self.topics), kept(self.incubators), kept(self.teams)
        named = {p for e in (*topics, *incubators, *teams) for p in e.referents}
        people = tuple(p for p in self.people if p.id in named or _holds(p, words))
        return Annuaire(self.today, people, topics, incubators, teams, query)


def _holds(person: Person, words: Sequence[str]) -> bool:
    text = fold(" ".join(filter(None, (person.name, person.mattermost, person.tchap))))
    return all(w in text for w in words)


def _person(registry: Registry, animator: Animator, today: date) -> Person:
    backup = registry.animators.get(animator.backup or "")
    away = is_absent(animator, today)
    stand_in = registry.on_duty(animator, today).person if away else None
    return Person(
        id=animator.id,
        name=animator.name,
        mattermost=animator.mattermost,
        tchap=animator.tchap,
        email=animator.email if animator.public_email else None,
        fictional=animator.placeholder,
        backup=backup.name if backup else None,
        away_until=animator.absent_until if away else None,
        stand_in=stand_in.name if stand_in and stand_in.id != animator.id else None,
    )


def _words(registry: Registry, *texts: str | None, referents: Iterable[str] = ()) -> str:
    """The folded words of `texts` and of the people, and each text's words run together
    (`monaidecyber` finds `MonAideCyber`, which folds to « mon aide cyber »)."""
    people = [registry.animators[p] for p in referents]
    handles = [h for a in people for h in (a.name, a.mattermost, a.tchap) if h]
    folded = [fold(t) for t in (*texts, *handles) if t]
    return " ".join([*folded, *(compact(f) for f in folded if " " in f)])


def _team(registry: Registry, startup: Startup) -> Entry:
    assignment: Assignment = registry.for_startup(startup)
    incubator = assignment.incubator
    if assignment.reason == "team":
        how = "référent direct (équipe accompagnée par la DINUM)"
    elif incubator is not None and assignment.animators:
        how = f"par son incubateur, {incubator.name}"
    else:
        how = "personne pour l'instant : écris à l'équipe d'animation"
    referents = tuple(a.id for a in assignment.animators)
    own = registry.teams.get(startup.id)
    home = registry.catalog.incubators.get(startup.incubator)
    return Entry(
        kind="team",
        id=startup.id,
        name=startup.name,
        url=startup.url,
        detail=startup.phase_label,
        referents=referents,
        how=how,
        search=_words(
            registry,
            startup.name,
            startup.id,
            home.name if home else startup.incubator,
            *startup.former_names,
            *(own.aliases if own else ()),
            referents=referents,
        ),
    )


def _incubator(registry: Registry, incubator: Incubator) -> Entry:
    entry = registry.incubator_referents.get(incubator.id)
    referents = tuple(entry.referents) if entry else ()
    owner = incubator.owner_acronym or incubator.owner or ""
    return Entry(
        kind="incubator",
        id=incubator.id,
        name=incubator.name,
        url=incubator.url,
        detail=owner,
        referents=referents,
        how="référent de l'incubateur" if referents else "personne pour l'instant",
        search=_words(
            registry,
            incubator.name,
            incubator.id,
            owner,
            *(entry.aliases if entry else ()),
            referents=referents,
        ),
    )


def annuaire(registry: Registry, *, today: date) -> Annuaire:
    """The whole directory, as of `today` (absences change with the day)."""
    catalog = registry.catalog
    startups = [s for s in catalog.startups.values() if s.active or s.id in registry.teams]
    topics = tuple(
        Entry(
            kind="topic",
            id=t.id,
            name=t.name,
            url=None,
            detail=t.description or "",
            referents=tuple(t.referents),
            how="référent du sujet",
            search=_words(registry, t.name, t.id, t.description, *t.aliases, referents=t.referents),
        )
        for t in registry.data.topics
    )
    return Annuaire(
        today=today,
        people=tuple(_person(registry, a, today) for a in registry.data.animators),
        topics=topics,
        incubators=tuple(
            _incubator(registry, i) for i in sorted(catalog.incubators.values(), key=_by_name)
        ),
        teams=tuple(_team(registry, s) for s in sorted(startups, key=_by_name)),
    )


def _by_name(item: Startup | Incubator) -> str:
    return fold(item.name)
