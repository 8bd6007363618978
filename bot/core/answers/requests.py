"""`demande [type] [texte]` and `mes-demandes`. Both concern the person who asks: their
replies are private, whatever they ask. How the type and the rest are read: `categories`
and `inline`."""

from __future__ import annotations

import hashlib
import uuid

from bot.core import markup
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.registry.schema import Category
from bot.core.reply import Reply
from bot.core.requests.categories import TypeReading, offered, read_type
from bot.core.requests.forms import CONFIDENTIAL_INTRO, form_for, read_submission
from bot.core.requests.inline import Unclear, read_inline
from bot.core.requests.lifecycle import RoutingError
from bot.core.text import quote_user_text

LOCK = "🔒 Seule la personne que tu choisis sera prévenue."


def inline_usage(category: Category) -> str:
    command = markup.command(f"demande {category.word}")
    if "animator" in category.fields or "contact_method" in category.fields:
        return f"`{command} <personne> <tchap, mail, téléphone ou mattermost>`"
    if "team" in category.fields:
        return f"`{command} <ton équipe> : <ta demande>`"
    return f"`{command} <ta demande>`"


def type_words(directory: Directory) -> str:
    """`convention`, `partenariat`, …, 🔒 `mal-être`: the word of each type, as the help lists
    them (each one is understood: the tests check)."""
    return ", ".join(
        f"{'🔒 ' if c.confidential else ''}`{c.word}`" for c in offered(directory.registry)
    )


def menu(directory: Directory) -> Reply:
    """`demande` alone: every type, with the words that ask for it."""
    lines = ["Quel est le sujet de ta demande ?"]
    for category in offered(directory.registry):
        lock = "🔒 " if category.confidential else ""
        others = ", ".join(f"`{word}`" for word in category.keywords[1:4])
        also = f" (ou {others})" if others else ""
        lines.append(f"- {lock}`{category.word}`{also} : {category.description}")
    example = offered(directory.registry)[0]
    lines.append(f"Choisis ci-dessous, ou écris le type puis ta demande : {inline_usage(example)}")
    return Reply("\n".join(lines), "private", choices=tuple(directory.registry.categories.values()))


def demande(directory: Directory, rest: str, *, who: Account, command_id: str, desk: Desk) -> Reply:
    if not rest.strip():
        return menu(directory)
    reading = read_type(directory, rest)
    category = reading.category
    if category is None:
        return _which(directory, rest, reading)
    if not reading.opens:  # named somewhere in the text: its form, nothing sent from the words
        return _form(category, typed=rest)
    if not reading.rest:
        return _form(category)
    return _inline(directory, category, reading.rest, who=who, command_id=command_id, desk=desk)


def _echo(text: str) -> str:
    return f"Ce que tu as écrit, pour le reprendre : {quote_user_text(text, limit=300)}"


def _which(directory: Directory, typed: str, reading: TypeReading) -> Reply:
    """No type, or several, or only close to one: ask, with the words that work."""
    if not reading.categories:
        lines = [
            f"Je ne connais pas ce type de demande : {quote_user_text(typed, limit=60)}.",
            f"Les types : {type_words(directory)}. Choisis ci-dessous, ou commence par le "
            f"mot du type : {inline_usage(offered(directory.registry)[0])}",
            _echo(typed),
        ]
        everything = tuple(directory.registry.categories.values())
        return Reply("\n".join(lines), "private", choices=everything)
    several = len(reading.categories) > 1
    lines = ["Ta demande peut être de plusieurs types :" if several else "Tu veux dire :"]
    lines += [f"- `{c.word}` : {c.label}" for c in reading.categories]
    lines.append(
        "Choisis ci-dessous, ou recommence par le mot du type : "
        f"`{markup.command(f'demande {reading.categories[0].word} …')}`"
    )
    if not any(c.confidential for c in reading.categories):
        lines.append(_echo(typed))
    return Reply("\n".join(lines), "private", choices=reading.categories)


def _form(category: Category, *, typed: str = "") -> Reply:
    """The type's form (a question at a time on Tchap), and the way without one."""
    lines = [f"Pour envoyer ta demande sans formulaire : {inline_usage(category)}"]
    if typed:
        lines = [
            f"J'ouvre une demande **{category.label}** : rien n'est encore envoyé.",
            f"Sans formulaire, commence par le mot du type : {inline_usage(category)}",
        ]
    if category.confidential:
        lines.append(CONFIDENTIAL_INTRO if typed else LOCK)
    elif typed:
        lines.append(_echo(typed))
    return Reply("\n".join(lines), "private", form=category)


def nonce_of(who: Account, command_id: str) -> str:
    """The same command delivered twice (same person, same id) gives the same nonce; a command
    without an id, a new one."""
    if not command_id:
        return uuid.uuid4().hex
    key = f"{who.platform}\0{who.id}\0{who.handle}\0{command_id}"
    return hashlib.sha256(key.encode()).hexdigest()


def _inline(
    directory: Directory,
    category: Category,
    text: str,
    *,
    who: Account,
    command_id: str,
    desk: Desk,
) -> Reply:
    values = read_inline(directory, category, text)
    if isinstance(values, Unclear):
        return _unclear(category, text, values)
    nonce = nonce_of(who, command_id)
    draft = read_submission(directory, category, values, requester=who, nonce=nonce)
    if isinstance(draft, dict) and category.confidential:
        return _not_understood(directory, category, draft)
    if isinstance(draft, dict):
        labels = {f.name: f.label for f in form_for(directory, category).fields}
        problems = "\n".join(
            f"- {labels.get(name, name)} : {message}" for name, message in draft.items()
        )
        head = f"Ta demande n'est pas partie :\n{problems}\nFormat : {inline_usage(category)}"
        return Reply(f"{head}\n{_echo(text)}", "private")
    try:
        submitted = desk.submit(directory, draft)
    except RoutingError as error:
        return Reply(str(error), "private")
    return Reply(submitted.confirmation, "private", submitted=submitted.request.id)


def _not_understood(directory: Directory, category: Category, errors: dict[str, str]) -> Reply:
    """A confidential request whose person or way to be reached was not understood: what is
    missing, the people to choose from, and the form again. Nothing typed is echoed."""
    missing = [
        what
        for name, what in (
            ("animator", "la personne à qui parler"),
            ("contact_method", "le moyen de te joindre"),
        )
        if name in errors
    ]
    people = ", ".join(a.name for a in directory.registry.animators.values())
    lines = [
        f"Ta demande n'est pas partie : je n'ai pas reconnu {' ni '.join(missing)}.",
        f"Écris seulement la personne et le moyen : {inline_usage(category)}",
        f"Les personnes de l'équipe d'animation : {people}.",
        CONFIDENTIAL_INTRO,
    ]
    return Reply("\n".join(lines), "private", form=category)


def _unclear(category: Category, text: str, unclear: Unclear) -> Reply:
    """The team cannot be told apart from the request: the names it may be, and the colon."""
    names = [c.entity.name for c in unclear.guesses[:4]]
    lines = ["Ta demande n'est pas partie : je ne sais pas où s'arrête le nom de ton équipe."]
    if names:
        lines.append(f"Le début peut correspondre à : {', '.join(names)}.")
        first = unclear.guesses[0].entity.id
        example = markup.command(f"demande {category.word} {first} : ta demande")
        lines.append(f"Sépare ton équipe de ta demande par « : », par exemple : `{example}`")
    else:
        lines.append("Je ne trouve ni équipe ni incubateur au début de ta demande.")
        lines.append(f"Écris ton équipe, puis « : », puis ta demande : {inline_usage(category)}")
    lines.append(_echo(text))
    return Reply("\n".join(lines), "private")


def mes_demandes(directory: Directory, *, who: Account, desk: Desk) -> Reply:
    return Reply(desk.listing(directory, who), "private")
