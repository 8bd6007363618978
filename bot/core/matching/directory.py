"""A registry with its search indexes: what one reload produces and `qui` reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.matching.animators import AnimatorIndex
from bot.core.matching.distress import distress
from bot.core.matching.matcher import MAX_QUERY, Matcher
from bot.core.matching.names import Entity, Names
from bot.core.matching.reading import Reading
from bot.core.registry.model import Registry
from bot.core.text import clean, fold

STOPPED_PHASES = frozenset({"abandon", "abandon-investigation"})


@dataclass(frozen=True)
class Directory:
    registry: Registry
    matcher: Matcher
    animators: AnimatorIndex

    @classmethod
    def of(cls, registry: Registry) -> Directory:
        return cls(
            registry=registry,
            matcher=Matcher(names_of(registry)),
            animators=AnimatorIndex(registry.animators.values()),
        )

    def read(self, query: str) -> Reading:
        """What `qui <query>` asks for. Words of distress are heard first, whatever else
        is there; a team named exactly wins over a co-animator of the same name."""
        match = self.matcher.lookup(query)
        folded = fold(clean(query[:MAX_QUERY]))
        named = match.status == "found" and match.exact
        if distress(folded):
            return Reading(match, distress=True)
        person = self.animators.find(folded)
        if person is not None and not named:
            return Reading(match, person=person)
        return Reading(match)


def names_of(registry: Registry) -> Iterator[Names]:
    """Every name people may use for a startup, an incubator or a topic."""
    for startup in registry.catalog.startups.values():
        own = registry.teams.get(startup.id)
        yield Names(
            Entity("startup", startup.id, startup.name, startup.phase in STOPPED_PHASES),
            ids=(startup.id,),
            former=(*startup.former_ids, *startup.former_names),
            aliases=tuple(own.aliases) if own else (),
            mentions=(startup.mission,),
        )
    for incubator in registry.catalog.incubators.values():
        entry = registry.incubator_referents.get(incubator.id)
        yield Names(
            Entity("incubator", incubator.id, incubator.name),
            ids=(incubator.id,),
            aliases=tuple(entry.aliases) if entry else (),
            acronyms=(incubator.owner_acronym,) if incubator.owner_acronym else (),
        )
    for topic in registry.topics.values():
        yield Names(
            Entity("topic", topic.id, topic.name), ids=(topic.id,), aliases=tuple(topic.aliases)
        )
