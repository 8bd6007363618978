"""What someone typed to the bot, whatever the chat platform, to the reply."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from bot.core import markup
from bot.core.answers.requests import demande, mes_demandes
from bot.core.answers.stats import stats_reply
from bot.core.answers.team import commitments_reply, contact_reply, help_reply, help_text
from bot.core.answers.who import who
from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.people import Account
from bot.core.reply import Reply
from bot.core.text import closest, compact, fold, quote_user_text

MAX_TEXT = 2000
_SHARE = re.compile(r"(?<!\S)(?:--|—|–)partager(?!\S)")
NOT_SHARED = (
    "Cette réponse reste visible de toi seulement : elle concerne tes demandes, "
    "et rien de ce qui touche une demande n'est montré au canal."
)


@dataclass(frozen=True)
class Invocation:
    """One command: what was typed after the command's name, by whom, on which day, and the
    desk that takes requests. `command_id` is the platform's id for this very command (a
    trigger or event id): the same command delivered twice stores one request."""

    text: str
    who: Account
    today: date
    desk: Desk
    command_id: str = ""


Subcommand = Callable[[Directory, Invocation, str], Reply]


def respond(directory: Directory, invocation: Invocation) -> Reply:
    """The reply to the bot's command followed by `text`; never raises on any text."""
    if len(invocation.text) > MAX_TEXT:
        return Reply(
            f"Ta commande est trop longue (plus de {MAX_TEXT} caractères) : "
            f"raccourcis-la, par exemple `{markup.command('qui aides territoires')}`."
        )
    text, share = _without_share_flag(invocation.text)
    name, rest, subcommand = _subcommand(text)
    if subcommand is None:
        reply = _unknown(directory, invocation, name, " ".join(text.split()))
    else:
        reply = subcommand(directory, invocation, rest)
    return shared(reply) if share else reply


def _subcommand(text: str) -> tuple[str, str, Subcommand | None]:
    """The subcommand's name as typed, what follows it, and the subcommand: named in one
    word (`mes-demandes`) or two (`mes demandes`)."""
    words = text.split()
    for size in (1, 2):
        found = SUBCOMMANDS.get(compact(fold(" ".join(words[:size]))))
        if found is not None and len(words) >= size:
            rest = text.strip().split(None, size)
            return " ".join(words[:size]), rest[size] if len(rest) > size else "", found
    return (words[0] if words else ""), "", None


def shared(reply: Reply) -> Reply:
    """The reply once its author asked to show it to the channel: shown if it may be, else
    kept private with a sentence that says why."""
    if reply.visibility == "private":
        return replace(reply, text=f"{NOT_SHARED}\n\n{reply.text}")
    return replace(reply, visibility="shared")


def canonical(text: str) -> str:
    """The subcommand a text asks for, by its name in `SUBCOMMANDS`; `autre` when there is none.

    Logs and metrics use it: it never carries what was typed.
    """
    words = _without_share_flag(text)[0].split(None, 1)
    name = compact(fold(words[0])) if words else ""
    return name if name in SUBCOMMANDS else "autre"


def _without_share_flag(text: str) -> tuple[str, bool]:
    """The text without `--partager` (a word on its own), and whether it was there."""
    if "partager" not in text:  # the usual case, without a regular expression
        return text, False
    kept = _SHARE.sub(" ", text)
    return kept, kept != text


def _help(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return help_reply(directory)


def _who(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return who(directory, rest, today=invocation.today)


def _contact(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return contact_reply(directory)


def _commitments(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return commitments_reply(directory)


def _demande(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return demande(
        directory,
        rest,
        who=invocation.who,
        command_id=invocation.command_id,
        desk=invocation.desk,
    )


def _mes_demandes(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return mes_demandes(directory, who=invocation.who, desk=invocation.desk)


def _stats(directory: Directory, invocation: Invocation, rest: str) -> Reply:
    return stats_reply(directory, desk=invocation.desk)


# Folded names (`compact(fold(...))`), synonyms included.
SUBCOMMANDS: dict[str, Subcommand] = {
    "": _help,
    "aide": _help,
    "help": _help,
    "qui": _who,
    "contact": _contact,
    "contacts": _contact,
    "engagements": _commitments,
    "engagement": _commitments,
    "demande": _demande,
    "demandes": _demande,
    "mesdemandes": _mes_demandes,
    "stats": _stats,
    "stat": _stats,
    "statistiques": _stats,
    "chiffres": _stats,
}
# Subcommands that read or write the request store (the service runs them off the event loop).
STORE_SUBCOMMANDS = frozenset(
    {"demande", "demandes", "mesdemandes", "stats", "stat", "statistiques", "chiffres"}
)
NAMES = ("aide", "qui", "demande", "mes-demandes", "stats", "contact", "engagements")


def _unknown(directory: Directory, invocation: Invocation, name: str, text: str) -> Reply:
    """Not a subcommand. What reads as a `qui` (a team, a co-animator, words of someone not
    well: `/animation domifa`, `/animation c'est qui le référent de …`) is answered as one;
    anything else gets the help, with the subcommand it may have meant."""
    reading = directory.read(text)
    if reading.distress or reading.person or reading.match.answer is not None:
        return who(directory, text, today=invocation.today)
    guess = closest(fold(name), NAMES, cutoff=60) if len(name) >= 3 else None
    rest = text[len(name) :].strip()
    if guess == "qui" and rest:
        aimed = who(directory, rest, today=invocation.today)
        if aimed.data.get("status") in ("found", "likely") or "person" in aimed.data:
            return aimed  # « quii domifa »: what was meant is clear
    hint = f"tu voulais dire `{guess}` ?" if guess is not None else "voici ce que je sais faire."
    head = f"Je ne connais pas la commande {quote_user_text(name, limit=40)} : {hint}"
    return Reply(f"{head}\n\n{help_text(directory)}")
