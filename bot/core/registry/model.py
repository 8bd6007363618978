"""The registry: `referents.yaml` plus the beta.gouv.fr snapshot, as one immutable value.

A `Registry` is built only from a file that passed every check, and never
changes: a reload builds a new one and swaps it in whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bot.core.people import Account, Platform
from bot.core.registry.catalog import Catalog, Incubator, Startup, load_catalog
from bot.core.registry.characters import decode, readable
from bot.core.registry.problems import errors
from bot.core.registry.schema import (
    Animator,
    Category,
    IncubatorReferent,
    RegistryFile,
    TeamReferent,
    Topic,
)
from bot.core.registry.validation import validate_text
from bot.core.registry.yamlsafe import MAX_YAML_BYTES, Problem

Reason = Literal["team", "incubator", "topic", "none"]


class RegistryError(Exception):
    """The registry cannot be used; `problems` say why, line by line."""

    def __init__(self, path: Path, problems: Sequence[Problem]) -> None:
        super().__init__(f"{path}: {len(problems)} problème(s)")
        self.path = path
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        return [f"{self.path}:{p.line}: {p.text}" for p in self.problems]


@dataclass(frozen=True)
class Assignment:
    """Who answers for a team, an incubator or a topic, and why."""

    animators: tuple[Animator, ...]
    reason: Reason
    incubator: Incubator | None = None


@dataclass(frozen=True)
class OnDuty:
    """The person to reach for `requested`, who may be away and replaced."""

    requested: Animator
    person: Animator

    @property
    def replaced(self) -> bool:
        return self.person.id != self.requested.id


@dataclass(frozen=True)
class Registry:
    data: RegistryFile
    catalog: Catalog
    version: str
    animators: Mapping[str, Animator]
    teams: Mapping[str, TeamReferent]
    incubator_referents: Mapping[str, IncubatorReferent]
    topics: Mapping[str, Topic]
    categories: Mapping[str, Category]
    by_account: Mapping[tuple[Platform, str], Animator]
    warnings: tuple[Problem, ...] = ()  # what the checks found worth saying, not wrong

    @classmethod
    def of(
        cls,
        data: RegistryFile,
        *,
        catalog: Catalog,
        version: str,
        warnings: Sequence[Problem] = (),
    ) -> Registry:
        return cls(
            data=data,
            catalog=catalog,
            version=version,
            animators=MappingProxyType({a.id: a for a in data.animators}),
            teams=MappingProxyType({t.startup: t for t in data.teams}),
            incubator_referents=MappingProxyType({i.incubator: i for i in data.incubators}),
            topics=MappingProxyType({t.id: t for t in data.topics}),
            categories=MappingProxyType({c.id: c for c in data.categories}),
            by_account=MappingProxyType(
                {
                    (platform, handle): a
                    for a in data.animators
                    for platform in ("mattermost", "matrix")
                    if (handle := a.handle(platform)) is not None
                }
            ),
            warnings=tuple(warnings),
        )

    def animator_of(self, account: Account) -> Animator | None:
        """The co-animator behind a chat account, recognised by the registry's field for it."""
        return self.by_account.get((account.platform, account.handle))

    def _people(self, ids: Sequence[str]) -> tuple[Animator, ...]:
        return tuple(self.animators[i] for i in ids)

    def for_startup(self, startup: Startup) -> Assignment:
        """The team's own referent, else its incubator's (the first that has one)."""
        own = self.teams.get(startup.id)
        if own is not None:
            return Assignment(self._people(own.referents), "team")
        for incubator_id in (startup.incubator, *startup.other_incubators):
            incubator = self.catalog.incubators.get(incubator_id)
            assignment = self.for_incubator(incubator) if incubator else None
            if assignment and assignment.animators:
                return Assignment(assignment.animators, "incubator", incubator)
        return Assignment((), "none", self.catalog.incubators.get(startup.incubator))

    def for_incubator(self, incubator: Incubator) -> Assignment:
        entry = self.incubator_referents.get(incubator.id)
        if entry is None:
            return Assignment((), "none", incubator)
        return Assignment(self._people(entry.referents), "incubator", incubator)

    def for_topic(self, topic: Topic) -> Assignment:
        return Assignment(self._people(topic.referents), "topic")

    def on_duty(self, animator: Animator, today: date) -> OnDuty:
        """Follow backups while people are away; validation guarantees no loop."""
        person, seen = animator, {animator.id}
        while is_absent(person, today) and person.backup and person.backup not in seen:
            seen.add(person.backup)
            person = self.animators[person.backup]
        return OnDuty(requested=animator, person=person)


def is_absent(animator: Animator, today: date) -> bool:
    return animator.absent_until is not None and animator.absent_until >= today


def build_registry(
    text: str,
    *,
    catalog: Catalog,
    today: date,
    path: Path,
    prior: Sequence[Problem] = (),
) -> Registry:
    """Check a registry text fully, then build it; raise `RegistryError` otherwise, with every
    problem. `prior`: those of the file's bytes (`read_registry`), reported with the rest."""
    data, found = validate_text(text, catalog=catalog, today=today)
    problems = sorted(dict.fromkeys([*prior, *found]), key=lambda p: p.line)
    if data is None or errors(problems):
        raise RegistryError(path, problems)
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(str(catalog.source.get("commit", "")).encode())
    digest.update(str(len(catalog.startups)).encode())
    return Registry.of(data, catalog=catalog, version=digest.hexdigest()[:12], warnings=problems)


def read_registry_text(path: Path) -> str:
    """Read a registry file, refusing oversize files, bytes that are not UTF-8 and forbidden
    characters, every one of them, with a French message."""
    text, problems = read_registry(path)
    if problems:
        raise RegistryError(path, problems)
    return text


def read_registry(path: Path) -> tuple[str, list[Problem]]:
    """A registry file's text, and the problems of its bytes: each byte that is not UTF-8 is
    named, and reads as U+FFFD so that the rest of the file can be checked. Raises
    `RegistryError` only when there is nothing to read (missing, unreadable, too large)."""
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError as error:
        raise RegistryError(path, [Problem(1, "fichier introuvable")]) from error
    except OSError as error:
        raise RegistryError(path, [Problem(1, f"lecture impossible ({error.strerror})")]) from error
    if len(raw) > MAX_YAML_BYTES:
        raise RegistryError(path, [Problem(1, "fichier trop gros (plus de 1 Mio)")])
    text, problems = decode(raw)
    return (readable(text) if problems else text), problems


def load_registry(path: Path, *, catalog_dir: Path, today: date) -> Registry:
    text, problems = read_registry(path)
    catalog = load_catalog(catalog_dir)
    return build_registry(text, catalog=catalog, today=today, path=path, prior=problems)
