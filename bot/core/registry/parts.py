"""What a registry file holds that passed the schema, item by item, so that the consistency
checks run on every part that can be read, beside the parts that could not.

Each item keeps its index in the file (problems name its line). The identifiers written in
items that failed the schema are kept too: citing such a person or topic elsewhere is not a
second problem, the first one says what to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from bot.core.registry.keys import NAMING_KEYS
from bot.core.registry.schema import (
    Animator,
    Category,
    IncubatorReferent,
    RegistryFile,
    TeamReferent,
    Topic,
)

Item = TypeVar("Item", bound=BaseModel)


@dataclass(frozen=True)
class Section(Generic[Item]):
    """The items of a section that passed the schema, with their index in the file, and the
    identifiers of those that did not."""

    items: tuple[tuple[int, Item], ...] = ()
    broken: frozenset[str] = frozenset()

    def values(self) -> list[Item]:
        return [item for _, item in self.items]


@dataclass(frozen=True)
class Parts:
    animators: Section[Animator] = field(default_factory=Section)
    teams: Section[TeamReferent] = field(default_factory=Section)
    incubators: Section[IncubatorReferent] = field(default_factory=Section)
    topics: Section[Topic] = field(default_factory=Section)
    categories: Section[Category] = field(default_factory=Section)

    @classmethod
    def of(cls, registry: RegistryFile) -> Parts:
        return cls(
            Section(tuple(enumerate(registry.animators))),
            Section(tuple(enumerate(registry.teams))),
            Section(tuple(enumerate(registry.incubators))),
            Section(tuple(enumerate(registry.topics))),
            Section(tuple(enumerate(registry.categories))),
        )

    @classmethod
    def salvage(cls, data: Any) -> Parts:
        """Every item of the file that passes the schema on its own."""
        sections = data if isinstance(data, Mapping) else {}
        return cls(
            _section(sections.get("animators"), Animator),
            _section(sections.get("teams"), TeamReferent),
            _section(sections.get("incubators"), IncubatorReferent),
            _section(sections.get("topics"), Topic),
            _section(sections.get("categories"), Category),
        )


def _section(raw: Any, model: type[Item]) -> Section[Item]:
    if not isinstance(raw, list):
        return Section()
    items: list[tuple[int, Item]] = []
    broken: set[str] = set()
    for index, value in enumerate(raw):
        try:
            items.append((index, model.model_validate(value)))
        except ValidationError:
            names = [value.get(k) for k in NAMING_KEYS] if isinstance(value, dict) else []
            broken |= {n for n in names if isinstance(n, str)}
    return Section(tuple(items), frozenset(broken))
