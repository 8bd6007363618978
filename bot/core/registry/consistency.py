"""What a schema cannot check in `referents.yaml`: the parts must fit together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.core.registry.catalog import Catalog
from bot.core.registry.schema import Animator, Category, RegistryFile
from bot.core.registry.yamlsafe import Document, Problem
from bot.core.registry.yamlsafe import Path as DocPath
from bot.core.text import did_you_mean, fold, french_date

STOPPED = frozenset({"abandon", "abandon-investigation"})


def check_consistency(
    registry: RegistryFile, *, document: Document, catalog: Catalog, today: date
) -> list[Problem]:
    checker = _Checker(registry, document, catalog, today)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, registry: RegistryFile, document: Document, catalog: Catalog, today: date):
        self.registry = registry
        self.document = document
        self.catalog = catalog
        self.today = today
        self.problems: list[Problem] = []
        self.animators = {a.id: a for a in registry.animators}

    def add(self, path: DocPath, message: str) -> None:
        self.problems.append(Problem(self.document.line_of(path), message))

    def run(self) -> None:
        self._unique("animators", [a.id for a in self.registry.animators], "id", "personne")
        for platform, what in (
            ("mattermost", "identifiant Mattermost"),
            ("tchap", "identifiant Tchap"),
        ):
            handles = [getattr(a, platform) for a in self.registry.animators]
            self._unique("animators", handles, platform, what, skip_empty=True)
        self._animators()
        self._teams()
        self._incubators()
        self._unique("topics", [t.id for t in self.registry.topics], "id", "sujet")
        for index, topic in enumerate(self.registry.topics):
            self._referents(("topics", index), topic.referents)
        self._aliases()
        self._unique("categories", [c.id for c in self.registry.categories], "id", "catégorie")
        for index, category in enumerate(self.registry.categories):
            self._category(("categories", index), category)

    def _unique(
        self,
        section: str,
        values: Sequence[str | None],
        key: str,
        what: str,
        *,
        skip_empty: bool = False,
    ) -> None:
        seen: dict[str | None, int] = {}
        for index, value in enumerate(values):
            if skip_empty and value is None:
                continue
            if value in seen:
                first = self.document.line_of((section, seen[value], key))
                self.add(
                    (section, index, key), f"{what} « {value} » en double (déjà ligne {first})"
                )
            else:
                seen[value] = index

    def _referents(self, path: DocPath, ids: Sequence[str]) -> None:
        for index, animator_id in enumerate(ids):
            if animator_id not in self.animators:
                hint = did_you_mean(animator_id, self.animators)
                self.add(
                    (*path, "referents", index),
                    f"personne « {animator_id} » inconnue : elle doit figurer dans "
                    f"« animators »{hint}",
                )
        if len(set(ids)) != len(ids):
            self.add((*path, "referents"), "la même personne est citée deux fois")

    def _animators(self) -> None:
        for index, animator in enumerate(self.registry.animators):
            if animator.mattermost is None and animator.tchap is None:
                self.add(
                    ("animators", index, "id"),
                    f"« {animator.id} » : indique au moins un moyen de joindre cette personne, "
                    "« mattermost » ou « tchap »",
                )
            path: DocPath = ("animators", index, "backup")
            if animator.backup is None:
                continue
            if animator.backup == animator.id:
                self.add(path, f"« {animator.id} » ne peut pas être sa propre personne de relais")
            elif animator.backup not in self.animators:
                hint = did_you_mean(animator.backup, self.animators)
                self.add(path, f"personne de relais « {animator.backup} » inconnue{hint}")
            elif self._absent(animator) and self._absent(self.animators[animator.backup]):
                backup = self.animators[animator.backup]
                until = french_date(backup.absent_until) if backup.absent_until else ""
                loop = (
                    " (et le relais revient au point de départ)"
                    if backup.backup == animator.id
                    else ""
                )
                self.add(
                    path,
                    f"« {animator.id} » est indisponible et sa personne de relais « {backup.id} » "
                    f"aussi, jusqu'au {until}{loop} : "
                    "choisis une personne présente",
                )

    def _absent(self, animator: Animator) -> bool:
        return animator.absent_until is not None and animator.absent_until >= self.today

    def _teams(self) -> None:
        former = {old: s.id for s in self.catalog.startups.values() for old in s.former_ids}
        seen: dict[str, int] = {}
        for index, team in enumerate(self.registry.teams):
            path: DocPath = ("teams", index, "startup")
            if team.startup in seen:
                self.add(path, f"équipe « {team.startup} » en double")
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
            self._referents(("teams", index), team.referents)

    def _incubators(self) -> None:
        seen: set[str] = set()
        for index, entry in enumerate(self.registry.incubators):
            path: DocPath = ("incubators", index, "incubator")
            if entry.incubator in seen:
                self.add(path, f"incubateur « {entry.incubator} » en double")
            seen.add(entry.incubator)
            if entry.incubator not in self.catalog.incubators:
                hint = did_you_mean(entry.incubator, self.catalog.incubators)
                self.add(path, f"incubateur « {entry.incubator} » inconnu de beta.gouv.fr{hint}")
            self._referents(("incubators", index), entry.referents)

    def _aliases(self) -> None:
        names = self._catalog_names()
        owners: dict[str, str] = {}
        sections = (
            ("teams", [(t.startup, t.aliases) for t in self.registry.teams]),
            ("incubators", [(i.incubator, i.aliases) for i in self.registry.incubators]),
            ("topics", [(t.id, t.aliases) for t in self.registry.topics]),
        )
        for section, entries in sections:
            for index, (owner, aliases) in enumerate(entries):
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

    def _category(self, path: DocPath, category: Category) -> None:
        fields = category.fields
        if len(set(fields)) != len(fields):
            self.add((*path, "fields"), "un même champ est demandé deux fois")
        topics = {t.id for t in self.registry.topics}
        if category.routing == "topic":
            if category.topic is None:
                self.add(
                    (*path, "routing"), "« routing: topic » demande aussi « topic: <id du sujet> »"
                )
            elif category.topic not in topics:
                self.add(
                    (*path, "topic"),
                    f"sujet « {category.topic} » inconnu{did_you_mean(category.topic, topics)}",
                )
        elif category.topic is not None:
            self.add((*path, "topic"), "« topic » ne sert qu'avec « routing: topic »")
        if category.routing == "team" and "team" not in fields:
            self.add((*path, "fields"), "« routing: team » demande le champ « team »")
        if category.routing == "choice" and "animator" not in fields:
            self.add((*path, "fields"), "« routing: choice » demande le champ « animator »")
        if category.confidential:
            if category.routing != "choice":
                self.add(
                    (*path, "routing"),
                    "une catégorie confidentielle doit laisser choisir la personne : "
                    "« routing: choice »",
                )
            told = [f for f in fields if f in ("subject", "details")]
            if told:
                self.add(
                    (*path, "fields"),
                    f"une catégorie confidentielle ne demande pas le récit ({', '.join(told)}) : "
                    "seulement qui contacter et comment",
                )
