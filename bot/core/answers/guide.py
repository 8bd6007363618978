"""A request, asked one question at a time: for platforms without forms (Tchap).

The conversation is a value (`Guide`) that the platform keeps between messages:
which category, which field comes next, what was answered. « annuler » ends it
at any point; a summary comes before anything is sent, and « envoyer » sends it.
A confidential category asks only who to talk to and how, like its form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.registry.schema import Category
from bot.core.requests.categories import offered, read_type
from bot.core.requests.forms import Field, check_field, form_for, read_submission
from bot.core.requests.lifecycle import RoutingError
from bot.core.text import compact, fold, quote_block, quote_user_text

LIFETIME = timedelta(days=1)
QUIT = frozenset({"annuler", "annule", "stop", "arreter", "abandonner"})
SEND = frozenset({"envoyer", "envoie", "oui", "valider", "ok"})
SKIP = frozenset({"passer", "rien", "non", "aucun"})
QUESTIONS = {
    "team": "Quelle est ton équipe, ou ton incubateur ?",
    "subject": "En quelques mots, quel est l'objet de ta demande ?",
    "details": (
        "Des détails qui aideront à te répondre vite (dates, montants, personnes concernées) ? "
        "Réponds « passer » s'il n'y en a pas."
    ),
    "animator": "À qui veux-tu parler ? N'importe quelle personne de l'équipe d'animation :",
    "contact_method": "Comment veux-tu qu'on te joigne ?",
}


@dataclass(frozen=True)
class Guide:
    """Where a guided request stands. `field`: the index of the next question in the
    category's fields (their count: the summary). `nonce`: the request's, so that
    « envoyer » twice sends one request. `among`: the categories offered while none is chosen
    (empty: all of them)."""

    category: str | None
    field: int
    values: tuple[tuple[str, str], ...]
    nonce: str
    started: datetime
    among: tuple[str, ...] = ()

    def expired(self, now: datetime) -> bool:
        return now - self.started > LIFETIME

    def to_json(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "field": self.field,
            "values": [list(pair) for pair in self.values],
            "nonce": self.nonce,
            "started": self.started.isoformat(),
            "among": list(self.among),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Guide:
        return cls(
            category=data.get("category"),
            field=int(data.get("field", 0)),
            values=tuple((str(k), str(v)) for k, v in data.get("values", ())),
            nonce=str(data.get("nonce", "")),
            started=datetime.fromisoformat(str(data["started"])),
            among=tuple(str(c) for c in data.get("among", ())),
        )


@dataclass(frozen=True)
class Step:
    """What to say now, and the conversation after it (None: it is over)."""

    text: str
    guide: Guide | None
    submitted: int | None = None


def start(
    directory: Directory,
    category: Category | None,
    *,
    nonce: str,
    now: datetime,
    among: tuple[Category, ...] = (),
) -> Step:
    """The first question. `among`: the categories to choose from (all when empty or all)."""
    everything = len(among) >= len(directory.registry.categories)
    ids = () if everything else tuple(c.id for c in among)
    guide = Guide(category.id if category else None, 0, (), nonce, now, ids)
    if category is None:
        return Step(_categories(directory, guide), guide)
    return Step(f"{form_for(directory, category).intro}\n\n{_question(directory, guide)}", guide)


def answer(directory: Directory, guide: Guide, typed: str, *, who: Account, desk: Desk) -> Step:
    word = compact(fold(typed))
    if word in QUIT:
        return Step("C'est annulé : rien n'a été envoyé.", None)
    category = directory.registry.categories.get(guide.category or "")
    if category is None and guide.category is not None:  # removed from the registry meanwhile
        anew = replace(guide, category=None, field=0, values=(), among=())
        return Step(f"Ce type de demande n'existe plus.\n\n{_categories(directory, anew)}", anew)
    if category is None:
        return _choose(directory, guide, typed)
    guide = _realigned(category, guide)
    if guide.field >= len(category.fields):
        if word in SEND:
            return _send(directory, category, guide, who=who, desk=desk)
        again = (
            f"Réponds « envoyer » pour l'envoyer, ou « annuler ».\n\n{_summary(directory, guide)}"
        )
        return Step(again, guide)
    name = category.fields[guide.field]
    value = _chosen_option(_field(directory, category, name), typed)
    if name == "details" and word in SKIP:
        value = ""
    error = check_field(directory, category, name, value)
    if error is not None:
        return Step(f"{error}\n\n{_question(directory, guide)}", guide)
    after = _realigned(category, replace(guide, values=(*guide.values, (name, value))))
    return Step(_question(directory, after), after)


def _realigned(category: Category, guide: Guide) -> Guide:
    """The answers still asked by the category as the registry says it now, in its order,
    and the next question the first one not answered (its fields may have changed)."""
    given = dict(guide.values)
    values = tuple((name, given[name]) for name in category.fields if name in given)
    unanswered = [n for n, name in enumerate(category.fields) if name not in given]
    field = unanswered[0] if unanswered else len(category.fields)
    return replace(guide, field=field, values=values)


def _choose(directory: Directory, guide: Guide, typed: str) -> Step:
    """A category by its number in the list shown, or by the words of any category."""
    categories = _offered(directory, guide)
    word = typed.strip()
    if word.isdigit() and 1 <= int(word) <= len(categories):
        return start(directory, categories[int(word) - 1], nonce=guide.nonce, now=guide.started)
    reading = read_type(directory, typed)
    if reading.category is not None:
        return start(directory, reading.category, nonce=guide.nonce, now=guide.started)
    if reading.categories:
        narrowed = replace(guide, among=tuple(c.id for c in reading.categories))
        return Step(_categories(directory, narrowed), narrowed)
    return Step(
        "Je n'ai pas compris : réponds par un numéro de 1 à "
        f"{len(categories)}, ou « annuler ».\n\n{_categories(directory, guide)}",
        guide,
    )


def _offered(directory: Directory, guide: Guide) -> list[Category]:
    """The categories listed, in their order: those of `among` still in the registry, else all."""
    registry = directory.registry
    among = [registry.categories[c] for c in guide.among if c in registry.categories]
    return among or offered(registry)


def _categories(directory: Directory, guide: Guide) -> str:
    categories = _offered(directory, guide)
    if len(categories) == len(directory.registry.categories):
        head = "Quel est le sujet de ta demande ? Réponds par le numéro ou par son nom :"
    elif len(categories) > 1:
        head = "Ta demande peut être de plusieurs types : réponds par le numéro ou par son nom :"
    else:
        head = "Tu veux dire ce type de demande ? Réponds par son numéro ou par son nom :"
    lines = [head]
    for number, category in enumerate(categories, start=1):
        lock = "🔒 " if category.confidential else ""
        lines.append(f"{number}. {lock}{category.label}")
    lines.append("« annuler » pour arrêter à tout moment.")
    return "\n".join(lines)


def _field(directory: Directory, category: Category, name: str) -> Field:
    return next(f for f in form_for(directory, category).fields if f.name == name)


def _chosen_option(field: Field, typed: str) -> str:
    """A numbered option's value when the answer is its number; else what was typed."""
    word = typed.strip()
    if field.options and word.isdigit() and 1 <= int(word) <= len(field.options):
        return field.options[int(word) - 1][0]
    return typed


def _question(directory: Directory, guide: Guide) -> str:
    category = directory.registry.categories[guide.category or ""]
    if guide.field >= len(category.fields):
        return f"{_summary(directory, guide)}\nRéponds « envoyer » pour l'envoyer, ou « annuler »."
    field = _field(directory, category, category.fields[guide.field])
    lines = [QUESTIONS[field.name]]
    lines += [f"{n}. {label}" for n, (_, label) in enumerate(field.options, start=1)]
    return "\n".join(lines)


def _summary(directory: Directory, guide: Guide) -> str:
    category = directory.registry.categories[guide.category or ""]
    labels = {f.name: f for f in form_for(directory, category).fields}
    lines = [f"Voici ta demande : **{category.label}**"]
    for name, value in guide.values:
        field = labels[name]
        shown = dict(field.options).get(value, value)
        if name == "details":
            shown = f"\n{quote_block(shown)}" if shown else " aucun"
            lines.append(f"- {field.label} :{shown}")
        else:
            lines.append(f"- {field.label} : {quote_user_text(shown, limit=150)}")
    return "\n".join(lines)


def _send(
    directory: Directory, category: Category, guide: Guide, *, who: Account, desk: Desk
) -> Step:
    draft = read_submission(
        directory, category, dict(guide.values), requester=who, nonce=guide.nonce
    )
    if isinstance(draft, dict):  # the registry changed meanwhile: ask that field again
        name = next(iter(draft))
        again = _back_to(category, guide, name)
        return Step(f"{draft[name]}\n\n{_question(directory, again)}", again)
    try:
        submitted = desk.submit(directory, draft)
    except RoutingError as error:
        if "animator" in category.fields:  # choose someone else
            again = _back_to(category, guide, "animator")
            return Step(f"{error}\n\n{_question(directory, again)}", again)
        return Step(str(error), None)
    return Step(submitted.confirmation, None, submitted=submitted.request.id)


def _back_to(category: Category, guide: Guide, name: str) -> Guide:
    """The conversation back at the question for `name`, the answers from there forgotten."""
    position: dict[str, int] = {f: i for i, f in enumerate(category.fields)}
    field = position[name]
    values = tuple(pair for pair in guide.values if position.get(pair[0], 0) < field)
    return replace(guide, field=field, values=values)
