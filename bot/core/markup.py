"""What the bot says, before a platform shows it: CommonMark with placeholders.

The core writes Markdown that both platforms read (`**bold**`, `` `code` ``,
lists) and leaves to each platform's renderer what differs between them: how
a person is mentioned (`@camille.exemple` on Mattermost, a pill on Tchap), how
the command is typed (`/animation` or `!animation`), and the team's channel.

A placeholder is a run of private-use characters. `text.clean` drops such
characters from anything a person types, so nobody can forge one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.core.people import Account

_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"

PlaceholderKind = Literal["mention", "introduce", "account", "command", "channel", "visibility"]


@dataclass(frozen=True)
class Placeholder:
    """`mention`: a co-animator by registry id; `introduce`: the same, with their full name;
    `account`: someone by chat account (platform, name); `command`: the bot's command
    followed by `args`; `channel`: the équipe d'animation's channel; `visibility`: who sees
    the bot's answers where it is used, and how to show one to others."""

    kind: PlaceholderKind
    args: tuple[str, ...]


# Each placeholder is `OPEN kind (SEP arg)* CLOSE`, written out in full below: this is the
# busiest path of every answer.
_CHANNEL = f"{_OPEN}channel{_CLOSE}"
_VISIBILITY = f"{_OPEN}visibility{_CLOSE}"


def mention(animator_id: str) -> str:
    return f"{_OPEN}mention{_SEP}{animator_id}{_CLOSE}"


def introduce(animator_id: str) -> str:
    return f"{_OPEN}introduce{_SEP}{animator_id}{_CLOSE}"


def account(who: Account) -> str:
    return f"{_OPEN}account{_SEP}{who.platform}{_SEP}{who.handle}{_CLOSE}"


def command(args: str = "") -> str:
    return f"{_OPEN}command{_SEP}{args}{_CLOSE}"


def channel() -> str:
    return _CHANNEL


def visibility() -> str:
    return _VISIBILITY


def has_placeholders(text: str) -> bool:
    return _OPEN in text


def fill(text: str, render: Callable[[str], str]) -> str:
    """`text` with each placeholder replaced by what `render` makes of it. `render` gets the
    placeholder's code (`parse` reads it), the same for the same placeholder: a renderer
    may keep what it made of each."""
    if _OPEN not in text:
        return text
    first, *pieces = text.split(_OPEN)
    out = [first]
    for piece in pieces:
        code, _, rest = piece.partition(_CLOSE)
        out += (render(code), rest)
    return "".join(out)


def parse(code: str) -> Placeholder:
    kind, *args = code.split(_SEP)
    return Placeholder(kind, tuple(args))  # type: ignore[arg-type]
