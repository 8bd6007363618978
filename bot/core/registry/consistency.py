"""What a schema cannot check in `referents.yaml`: the parts must fit together.

It runs on every item that passed the schema (`Parts`), also when others did not, so that
one pass reports everything; every message is led by the key at fault (`keys`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core.registry.absences import check_backups
from bot.core.registry.catalog import Catalog
from bot.core.registry.category_checks import check_categories
from bot.core.registry.keys import located
from bot.core.registry.parts import Parts
from bot.core.registry.problems import Problem, Severity
from bot.core.registry.yamlsafe import Document
from bot.core.registry.yamlsafe import Path as DocPath
from bot.core.text import did_you_mean, fold

STOPPED = frozenset({"abandon", "abandon-investigation"})


def check_consistency(
    parts: Parts, *, document: Document, catalog: Catalog, today: date
) -> list[Problem]:
    checker = Checker(parts, document, catalog, today)
    checker.run()
    return checker.problems


class Checker:
    def __init__(self, parts: Parts, document: Document, catalog: Catalog, today: date):
        self.parts = parts
        self.document = document
        self.catalog = catalog
        self.today = today
        self.problems: list[Problem] = []
        self.animators = {a.id: a for a in parts.animators.values()}
        self.people = set(self.animators) | parts.animators.broken  # written, even if broken
        self.topics = {t.id for t in parts.topics.values()} | parts.topics.broken

    def add(self, path: DocPath, message: str, severity: Severity = "error") -> None:
        self.problems.append(located(self.document, path, message, severity))

    def run(self) -> None:
        animators = self.parts.animators.items
        self.unique("animators", [(i, a.id) for i, a in animators], "id", "personne")
        for platform, what in (
            ("mattermost", "identifiant Mattermost"),
            ("tchap", "identifiant Tchap"),
        ):
            handles = [(i, getattr(a, platform)) for i, a in animators]
            self.unique("animators", handles, platform, what)
        self._animators()
        check_backups(
            self.parts.animators, self.people, cited=self._cited(), today=self.today, add=self.add
        )
        self._teams()
        self._incubators()
        topics = self.parts.topics.items
        self.unique("topics", [(i, t.id) for i, t in topics], "id", "sujet")
        for index, topic in topics:
            self.referents(("topics", index), topic.referents)
        self._aliases()
        categories = self.parts.categories.items
        self.unique("categories", [(i, c.id) for i, c in categories], "id", "catégorie")
        check_categories(self.parts.categories, self.topics, add=self.add)

    def unique(
        self, name: str, values: Sequence[tuple[int, str | None]], key: str, what: str
    ) -> None:
        seen: dict[str, int] = {}
        for index, value in values:
            if value is None:
                continue
            if value in seen:
                first = self.document.line_of((name, seen[value], key))
                self.add((name, index, key), f"{what} « {value} » en double (déjà ligne {first})")
            else:
                seen[value] = index

    def referents(self, path: DocPath, ids: Sequence[str]) -> None:
        for index, animator_id in enumerate(ids):
            if animator_id not in self.people:
                hint = did_you_mean(animator_id, self.animators)
                self.add(
                    (*path, "referents", index),
                    f"personne « {animator_id} » inconnue : elle doit figurer dans "
                    f"« animators »{hint}",
                )
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            self.add((*path, "referents"), f"« {', '.join(twice)} » est cité deux fois")

    def _cited(self) -> set[str]:
        parts = self.parts
        lists = [
            *(t.referents for t in parts.teams.values()),
            *(i.referents for i in parts.incubators.values()),
            *(t.referents for t in parts.topics.values()),
        ]
        return {person for people in lists for person in people}

    def _animators(self) -> None:
        for index, animator in self.parts.animators.items:
            if animator.mattermost is None and animator.tchap is None:
                self.add(
                    ("animators", index),
                    "indique au moins un moyen de joindre cette personne, « mattermost » ou "
                    "« tchap »",
                )
            if animator.public_email and animator.email is None:
                self.add(
                    ("animators", index, "public_email"),
                    "« public_email: true » demande aussi « email » : l'adresse à montrer dans "
                    "l'annuaire public",
                )

    def _teams(self) -> None:
        former = {old: s.id for s in self.catalog.startups.values() for old in s.former_ids}
        seen: dict[str, int] = {}
        for index, team in self.parts.teams.items:
            path: DocPath = ("teams", index, "startup")
            if team.startup in seen:
                first = self.document.line_of(("teams", seen[team.startup], "startup"))
                self.add(path, f"équipe « {team.startup} » en double (déjà ligne {first})")
            seen.setdefault(team.startup, index)
            if team.startup in former:
                self.add(
                    path,
                    f"« {team.startup} » est un ancien identifiant : écris « "
                    f"{former[team.startup]} »",
                )
            elif team.startup not in self.catalog.startups:
                hint = did_you_mean(team.startup, self.catalog.startups)
                self.add(path, f"équipe « {team.startup} » inconnue de beta.gouv.fr{hint}")
            elif self.catalog.startups[team.startup].phase in STOPPED:
                startup = self.catalog.startups[team.startup]
                self.add(
                    path,
                    f"l'équipe « {team.startup} » est arrêtée sur beta.gouv.fr "
                    f"({startup.phase_label}) : retire-la du registre",
                )
            self.referents(("teams", index), team.referents)

    def _incubators(self) -> None:
        seen: dict[str, int] = {}
        for index, entry in self.parts.incubators.items:
            path: DocPath = ("incubators", index, "incubator")
            if entry.incubator in seen:
                first = self.document.line_of(("incubators", seen[entry.incubator], "incubator"))
                self.add(path, f"incubateur « {entry.incubator} » en double (déjà ligne {first})")
            seen.setdefault(entry.incubator, index)
            if entry.incubator not in self.catalog.incubators:
                hint = did_you_mean(entry.incubator, self.catalog.incubators)
                self.add(path, f"incubateur « {entry.incubator} » inconnu de beta.gouv.fr{hint}")
            self.referents(("incubators", index), entry.referents)

    def _aliases(self) -> None:
        names = self._catalog_names()
        owners: dict[str, str] = {}
        parts = self.parts
        sections = (
            ("teams", [(i, t.startup, t.aliases) for i, t in parts.teams.items]),
            ("incubators", [(i, e.incubator, e.aliases) for i, e in parts.incubators.items]),
            ("topics", [(i, t.id, t.aliases) for i, t in parts.topics.items]),
        )
        for section, entries in sections:
            for index, owner, aliases in entries:
                for position, alias in enumerate(aliases):
                    key = fold(alias)
                    path: DocPath = (section, index, "aliases", position)
                    if key in owners and owners[key] != owner:
                        self.add(path, f"l'alias « {alias} » est déjà pris par « {owners[key]} »")
                    elif key in names and names[key] != owner:
                        self.add(path, f"l'alias « {alias} » est déjà le nom de « {names[key]} »")
                    owners.setdefault(key, owner)

    def _catalog_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for startup in self.catalog.startups.values():
            for text in (startup.name, startup.id, *startup.former_ids):
                names.setdefault(fold(text), startup.id)
        for incubator in self.catalog.incubators.values():
            names.setdefault(fold(incubator.name), incubator.id)
            names.setdefault(fold(incubator.id), incubator.id)
        return names
