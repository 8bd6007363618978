"""`demande [catégorie] [texte]` and `mes-demandes`. Both concern the person who asks: their
replies are private, whatever they ask."""

from __future__ import annotations

import hashlib
import uuid

from bot.core import markup
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.registry.schema import Category
from bot.core.reply import Reply
from bot.core.requests.categories import find_category, offered
from bot.core.requests.forms import form_for, inline_values, read_submission
from bot.core.requests.lifecycle import RoutingError


def inline_usage(category: Category) -> str:
    if category.confidential:
        return (
            f"`{markup.command(f'demande {category.id}')} <personne> "
            "<tchap, email, appel ou mattermost>`"
        )
    return f"`{markup.command(f'demande {category.id}')} <ton équipe> : <ta demande>`"


def demande(directory: Directory, rest: str, *, who: Account, command_id: str, desk: Desk) -> Reply:
    registry = directory.registry
    categories = tuple(registry.categories.values())
    if not rest.strip():
        lines = ["Quel est le sujet de ta demande ?"]
        for choice in offered(registry):
            lock = "🔒 " if choice.confidential else ""
            lines.append(f"- {lock}`{choice.id}` : {choice.description}")
        lines.append(
            f"Choisis ci-dessous, ou écris par exemple : `{markup.command('demande convention')}`"
        )
        return Reply("\n".join(lines), "private", choices=categories)
    category, text = find_category(registry, rest)
    if category is None:
        known = ", ".join(f"`{c.id}`" for c in categories)
        return Reply(
            f"Je ne connais pas ce type de demande. Les types possibles : {known}.", "private"
        )
    if not text.strip():
        fallback = f"Pour envoyer ta demande sans formulaire : {inline_usage(category)}" + (
            "\n🔒 Seule la personne que tu choisis sera prévenue." if category.confidential else ""
        )
        return Reply(fallback, "private", form=category)
    return _inline(directory, category, text, who=who, command_id=command_id, desk=desk)


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
    draft = read_submission(
        directory,
        category,
        inline_values(category, text),
        requester=who,
        nonce=nonce_of(who, command_id),
    )
    if isinstance(draft, dict):
        labels = {f.name: f.label for f in form_for(directory, category).fields}
        problems = "\n".join(
            f"- {labels.get(name, name)} : {message}" for name, message in draft.items()
        )
        return Reply(
            f"Ta demande n'est pas partie :\n{problems}\nFormat : {inline_usage(category)}",
            "private",
        )
    try:
        submitted = desk.submit(directory, draft)
    except RoutingError as error:
        return Reply(str(error), "private")
    return Reply(submitted.confirmation, "private", submitted=submitted.request.id)


def mes_demandes(directory: Directory, *, who: Account, desk: Desk) -> Reply:
    return Reply(desk.listing(directory, who), "private")
