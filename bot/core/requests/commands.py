"""`/animation demande [catégorie] [texte]` and `/animation mes-demandes`."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.core.answers.who import Reply, contact_line
from bot.core.matching.directory import Directory
from bot.core.registry.model import Registry
from bot.core.registry.schema import Category
from bot.core.requests.forms import form_for, inline_values, read_submission
from bot.core.requests.lifecycle import RoutingError
from bot.core.text import compact, fold

if TYPE_CHECKING:
    from bot.core.commands import Invocation


def find_category(registry: Registry, text: str) -> tuple[Category | None, str]:
    """The category named first (`convention`, `mal-etre`), or described (`je me sens mal`)."""
    words = text.split()
    if not words:
        return None, ""
    by_id = {compact(fold(c.id)): c for c in registry.categories.values()}
    first = by_id.get(compact(fold(words[0])))
    if first is not None:
        return first, text.split(None, 1)[1] if len(words) > 1 else ""
    labels = {c.id: fold(f"{c.id} {c.label}") for c in registry.categories.values()}
    best = process.extractOne(fold(text), labels, scorer=fuzz.token_set_ratio, score_cutoff=80)
    return (registry.categories[best[2]], "") if best else (None, "")


def inline_usage(category: Category) -> str:
    if category.confidential:
        return f"`/animation demande {category.id} <personne> <tchap, email, appel ou mattermost>`"
    return f"`/animation demande {category.id} <ton équipe> : <ta demande>`"


def demande(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    registry = directory.registry
    categories = tuple(registry.categories.values())
    if not rest.strip():
        lines = ["Quel est le sujet de ta demande ?"]
        for choice in sorted(categories, key=lambda c: c.confidential):
            lock = "🔒 " if choice.confidential else ""
            lines.append(f"- {lock}`{choice.id}` : {choice.description}")
        lines.append("Choisis ci-dessous, ou écris par exemple : `/animation demande convention`")
        return Reply("\n".join(lines), choices=categories)
    category, text = find_category(registry, rest)
    if category is None:
        known = ", ".join(f"`{c.id}`" for c in categories)
        return Reply(f"Je ne connais pas ce type de demande. Les types possibles : {known}.")
    if not text.strip():
        fallback = f"Pour envoyer ta demande sans formulaire : {inline_usage(category)}" + (
            "\n🔒 Seule la personne que tu choisis sera prévenue." if category.confidential else ""
        )
        return Reply(fallback, dialog=category)
    return _inline(directory, invocation, category, text)


def _inline(directory: Directory, invocation: Invocation, category: Category, text: str) -> Reply:
    desk = invocation.desk
    if desk is None:
        contact = contact_line(directory.registry)
        return Reply(f"Les demandes ne sont pas disponibles ici : écris à {contact}.")
    nonce = (
        f"inline:{invocation.user_id}:{invocation.trigger_id}"
        if invocation.trigger_id
        else uuid.uuid4().hex
    )
    draft = read_submission(
        directory,
        category,
        inline_values(category, text),
        requester_id=invocation.user_id,
        requester_name=invocation.user,
        nonce=nonce[:64],
    )
    if isinstance(draft, dict):
        labels = {f.name: f.label for f in form_for(directory, category).fields}
        problems = "\n".join(
            f"- {labels.get(name, name)} : {message}" for name, message in draft.items()
        )
        return Reply(
            f"Ta demande n'est pas partie :\n{problems}\nFormat : {inline_usage(category)}"
        )
    try:
        submitted = desk.submit(directory, draft)
    except RoutingError as error:
        return Reply(str(error))
    return Reply(submitted.confirmation, submitted=submitted.request.id)


def mes_demandes(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    if invocation.desk is None:
        contact = contact_line(directory.registry)
        return Reply(f"Le suivi des demandes n'est pas disponible ici : écris à {contact}.")
    return Reply(
        invocation.desk.listing(directory, user_id=invocation.user_id, username=invocation.user)
    )
