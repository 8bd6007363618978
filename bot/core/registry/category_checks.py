"""The request categories must work: a routing that can find someone, the fields it needs,
confidential ones that ask nothing of the story, and words (`keywords`) that lead to one
category only, read as `demande` reads them (`vocabulary`)."""

from __future__ import annotations

from collections.abc import Callable, Collection

from bot.core.registry.parts import Section
from bot.core.registry.problems import Severity
from bot.core.registry.schema import Category
from bot.core.registry.yamlsafe import Path as DocPath
from bot.core.text import did_you_mean
from bot.core.vocabulary import key_of

Add = Callable[[DocPath, str, Severity], None]


def check_categories(categories: Section[Category], topics: Collection[str], *, add: Add) -> None:
    for index, category in categories.items:
        _routing(("categories", index), category, topics, add)
    _words(categories, add)


def _routing(path: DocPath, category: Category, topics: Collection[str], add: Add) -> None:
    fields = category.fields
    twice = sorted({f for f in fields if fields.count(f) > 1})
    if twice:
        add((*path, "fields"), f"« {', '.join(twice)} » est demandé deux fois", "error")
    if category.routing == "topic":
        if category.topic is None:
            add(
                (*path, "routing"),
                "« routing: topic » demande aussi « topic: <id du sujet> »",
                "error",
            )
        elif category.topic not in topics:
            hint = did_you_mean(category.topic, topics)
            add((*path, "topic"), f"sujet « {category.topic} » inconnu{hint}", "error")
    elif category.topic is not None:
        add((*path, "topic"), "« topic » ne sert qu'avec « routing: topic »", "error")
    if category.routing == "team" and "team" not in fields:
        add((*path, "fields"), "« routing: team » demande le champ « team »", "error")
    elif category.routing != "team" and "team" in fields:
        add(
            (*path, "fields"),
            f"avec « routing: {category.routing} », l'équipe ne décide pas qui reçoit la "
            "demande : « team » serait demandé pour rien, retire-le",
            "warning",
        )
    if category.routing == "choice" and "animator" not in fields:
        add((*path, "fields"), "« routing: choice » demande le champ « animator »", "error")
    if category.confidential:
        _confidential(path, category, add)


def _confidential(path: DocPath, category: Category, add: Add) -> None:
    if category.routing != "choice":
        add(
            (*path, "routing"),
            "une catégorie confidentielle doit laisser choisir la personne : « routing: choice »",
            "error",
        )
    told = [f for f in category.fields if f in ("subject", "details")]
    if told:
        add(
            (*path, "fields"),
            f"une catégorie confidentielle ne demande pas le récit ({', '.join(told)}) : "
            "seulement qui contacter et comment",
            "error",
        )


def _words(categories: Section[Category], add: Add) -> None:
    """Each word leads to one category: its id, its label's words, its keywords. Ids and
    labels first: a keyword that takes another type's is the one at fault."""
    owners: dict[str, str] = {}
    terms: list[tuple[DocPath, str, Category]] = []
    for index, c in categories.items:
        terms.append((("categories", index, "id"), c.id, c))
    for index, c in categories.items:
        terms += [(("categories", index, "label"), term, c) for term in c.label_terms()]
    for index, c in categories.items:
        terms += [(("categories", index, "keywords", n), w, c) for n, w in enumerate(c.keywords)]
    for where, term, category in terms:
        key = key_of(term)
        if not key:
            add(
                where,
                f"« {term} » n'a que des petits mots, que la lecture ignore (« de », « un », "
                "« pour »…) : écris le mot que les gens emploient",
                "error",
            )
        elif owners.get(key, category.id) != category.id:
            add(
                where,
                f"« {term} » désigne déjà la catégorie « {owners[key]} » : un mot ne peut "
                "mener qu'à un seul type de demande",
                "error",
            )
        owners.setdefault(key, category.id)
