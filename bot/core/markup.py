"""What the bot says, before a platform shows it: CommonMark with placeholders.

The core writes Markdown that both platforms read (`**bold**`, `` `code` ``,
lists) and leaves to each platform's renderer what differs between them: how
a person is mentioned (`@camille.exemple` on Mattermost, a pill on Tchap), how
the command is typed (`/animation` or `!animation`), and the team's channel.

A placeholder is a run of private-use characters. `text.clean` drops such
characters from anything a person types, so nobody can forge one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.core.people import Account

_OPEN, _SEP, _CLOSE = "\ue000", "\ue001", "\ue002"
_PLACEHOLDER = re.compile("\ue000([a-z]+)((?:\ue001[^\ue000-\ue002]*)*)\ue002")

Kind = Literal["mention", "introduce", "account", "command", "channel"]


@dataclass(frozen=True)
class Placeholder:
    """`mention`: a co-animator by registry id; `introduce`: the same, with their full name;
    `account`: someone by chat account (platform, name); `command`: the bot's command
    followed by `args`; `channel`: the équipe d'animation's channel."""

    kind: Kind
    args: tuple[str, ...]


def _make(kind: Kind, *args: str) -> str:
    return _OPEN + kind + "".join(_SEP + arg for arg in args) + _CLOSE


def mention(animator_id: str) -> str:
    return _make("mention", animator_id)


def introduce(animator_id: str) -> str:
    return _make("introduce", animator_id)


def account(who: Account) -> str:
    return _make("account", who.platform, who.name)


def command(args: str = "") -> str:
    return _make("command", args)


def channel() -> str:
    return _make("channel")


def has_placeholders(text: str) -> bool:
    return _OPEN in text


def fill(text: str, render: Callable[[Placeholder], str]) -> str:
    """`text` with each placeholder replaced by what `render` makes of it."""
    if _OPEN not in text:
        return text

    def one(match: re.Match[str]) -> str:
        args = tuple(match.group(2).split(_SEP)[1:])
        return render(Placeholder(match.group(1), args))  # type: ignore[arg-type]

    return _PLACEHOLDER.sub(one, text)
