"""A registry with its search index: what one reload produces and `qui` reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.matching.matcher import Matcher
from bot.core.matching.names import Entity, Names
from bot.core.registry.model import Registry


@dataclass(frozen=True)
class Directory:
    registry: Registry
    matcher: Matcher

    @classmethod
    def of(cls, registry: Registry) -> Directory:
        return cls(registry=registry, matcher=Matcher(names_of(registry)))


def names_of(registry: Registry) -> Iterator[Names]:
    """Every name people may use for a startup, an incubator or a topic."""
    for startup in registry.catalog.startups.values():
        own = registry.teams.get(startup.id)
        yield Names(
            Entity("startup", startup.id, startup.name),
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
