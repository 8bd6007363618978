"""The request form of each category, and checking what a person submitted. Platform-free."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bot.core import markup
from bot.core.matching.directory import Directory
from bot.core.matching.distress import distress
from bot.core.matching.names import Entity
from bot.core.people import Account
from bot.core.registry.schema import Category
from bot.core.requests.model import CONTACT_METHODS, CONTACTS, Draft
from bot.core.text import clean, closest, fold, quote_user_text, shorten

FieldKind = Literal["text", "textarea", "select"]
CONFIDENTIAL_INTRO = (
    "🔒 Seule la personne que tu choisis sera prévenue. Ne raconte rien ici : "
    "elle te contactera par le moyen que tu indiques."
)


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: FieldKind
    optional: bool = False
    max_length: int = 150
    placeholder: str = ""
    help: str = ""
    options: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Form:
    title: str
    intro: str
    fields: tuple[Field, ...]
    submit: str = "Envoyer"


def form_for(directory: Directory, category: Category) -> Form:
    fields = tuple(_field(directory, category, name) for name in category.fields)
    if category.confidential:
        return Form("Demande confidentielle", f"**{category.label}**\n{CONFIDENTIAL_INTRO}", fields)
    intro = (
        f"**{category.label}** : {category.description}\n"
        f"{_who_receives(directory, category)} la recevra en message direct ; "
        "le bot t'écrira à chaque étape."
    )
    return Form("Nouvelle demande", intro, fields)


def _who_receives(directory: Directory, category: Category) -> str:
    topic = directory.registry.topics.get(category.topic or "")
    if category.routing == "topic" and topic is not None:
        return f"La personne référente du sujet « {topic.name} »"
    if category.routing == "choice":
        return "La personne que tu choisis"
    return "La personne qui suit ton équipe"


def _field(directory: Directory, category: Category, name: str) -> Field:
    if name == "team":
        return Field(
            "team",
            "Équipe ou incubateur",
            "text",
            placeholder="ex. : Aides-territoires",
            help="Le nom de ton équipe ou de ton incubateur, comme sur beta.gouv.fr.",
        )
    if name == "subject":
        return Field("subject", "Objet", "text", placeholder="En quelques mots")
    if name == "details":
        return Field(
            "details",
            "Détails",
            "textarea",
            optional=True,
            max_length=3000,
            help="Ce qui aidera à te répondre vite : dates, montants, personnes concernées.",
        )
    if name == "animator":
        people = directory.registry.animators.values()
        return Field(
            "animator",
            "Personne choisie",
            "select",
            options=tuple((a.id, a.name) for a in people),
            help="N'importe quelle personne de l'équipe d'animation, "
            "pas forcément ta référente ou ton référent.",
        )
    return Field(
        "contact_method", "Comment te joindre ?", "select", options=tuple(CONTACT_METHODS.items())
    )


def read_submission(
    directory: Directory,
    category: Category,
    values: Mapping[str, object],
    *,
    requester: Account,
    nonce: str,
) -> Draft | dict[str, str]:
    """A draft ready to route, or field errors in French, shown under each field."""
    errors: dict[str, str] = {}
    text: dict[str, str] = {name: clean(str(values.get(name) or "")) for name in category.fields}
    for field in form_for(directory, category).fields:
        if not field.optional and not text.get(field.name):
            errors[field.name] = "Ce champ est nécessaire."
    team = None
    if "team" in category.fields and text.get("team"):
        team = _team(directory, text["team"], errors)
    chosen = _option(directory, "animator", text.get("animator", ""), errors)
    method = _option(directory, "contact_method", text.get("contact_method", ""), errors)
    if not category.confidential:
        _personal(directory, category, text, str(values.get("details") or ""), errors)
    if errors:
        return errors
    details = str(values.get("details") or "")
    return Draft(
        category=category,
        requester=requester,
        nonce=nonce,
        team=team,
        subject=shorten(text.get("subject", ""), 150),
        details=shorten(details.replace("\x00", ""), 3000) if "details" in category.fields else "",
        chosen=chosen,
        contact_method=method or "",
    )


def _personal(
    directory: Directory,
    category: Category,
    text: Mapping[str, str],
    details: str,
    errors: dict[str, str],
) -> None:
    """Words of someone who is not well, in a request that is not confidential: it is held,
    never sent, and the confidential way is offered (its copy would reach the team's
    referent, could be reassigned, and would say more than a confidential request ever
    does)."""
    said = " ".join((text.get("subject", ""), details))
    if not distress(fold(clean(said))):
        return
    ways = [c for c in directory.registry.categories.values() if c.confidential]
    commands = " ou ".join(f"`{markup.command(f'demande {c.word}')}`" for c in ways)
    field = "subject" if "subject" in category.fields else "details"
    errors[field] = shorten(
        "Rien n'est envoyé : ta demande parle de quelque chose de personnel. Pour en "
        f"parler en toute confidentialité, avec la personne de ton choix : 🔒 {commands}. "
        "Si c'est bien une demande de ce type, écris-la sans détail personnel.",
        300,
    )


def _team(directory: Directory, typed: str, errors: dict[str, str]) -> Entity | None:
    match = directory.matcher.lookup(typed)
    names = ", ".join(c.entity.name for c in match.candidates[:4])
    answer = match.answer  # sure, or the one good name (« domifaa »): the summary shows it
    if answer is not None and answer.entity.kind != "topic":
        return answer.entity
    if match.status == "ambiguous":
        errors["team"] = shorten(f"Plusieurs équipes correspondent : {names}. Précise le nom.", 300)
    elif answer is not None:
        errors["team"] = (
            "C'est un sujet transverse, pas une équipe : indique ton équipe ou ton incubateur."
        )
    else:
        close = f" Noms proches : {names}." if names else ""
        errors["team"] = shorten(f"Je ne trouve pas cette équipe sur beta.gouv.fr.{close}", 300)
    return None


def choice_of(directory: Directory, name: str, typed: str) -> str | None:
    """The value of the select `name` (`animator`, `contact_method`) a person means."""
    return _option(directory, name, typed, {})


def _option(directory: Directory, name: str, typed: str, errors: dict[str, str]) -> str | None:
    """A select's value, also when typed by hand (`/animation demande mal-etre camille tchap`)."""
    if not typed:
        return None
    if name == "contact_method":
        return _contact_method(typed, errors)
    people = directory.registry.animators.values()
    choices = {
        fold(label): a.id
        for a in people
        for label in (a.id, a.name, a.mattermost, a.tchap)
        if label is not None
    }
    key = fold(typed)
    found = choices.get(key) or choices.get(closest(key, choices, cutoff=80) or "")
    if found is None:
        errors[name] = f"Choix inconnu {quote_user_text(typed, limit=60)}."
    return found


def _contact_method(typed: str, errors: dict[str, str]) -> str | None:
    """`tchap`, `mail`, `courriel`, `téléphone`, `visio`, `message privé`…, typos tolerated."""
    hit = CONTACTS.lookup(typed)
    if hit is not None and hit.sure and len(hit.values) == 1:
        return hit.values[0]
    known = ", ".join(CONTACT_METHODS.values())
    if hit is not None:
        guesses = " ou ".join(f"« {CONTACT_METHODS[v]} »" for v in hit.values)
        errors["contact_method"] = (
            f"Je ne comprends pas bien {quote_user_text(typed, limit=60)} : "
            f"tu voulais dire {guesses} ?"
        )
    else:
        errors["contact_method"] = (
            f"Choix inconnu {quote_user_text(typed, limit=60)}. Les moyens possibles : {known}."
        )
    return None


def check_field(directory: Directory, category: Category, name: str, typed: str) -> str | None:
    """What would be wrong with this one answer, in French; None when it is good."""
    text = clean(typed)
    field = next(f for f in form_for(directory, category).fields if f.name == name)
    if not text:
        return None if field.optional else "Ce champ est nécessaire."
    errors: dict[str, str] = {}
    if name == "team":
        _team(directory, text, errors)
    elif name in ("animator", "contact_method"):
        _option(directory, name, text, errors)
    return errors.get(name)
