"""Who is who: registry people, and the chat accounts through which they reach the bot.

A person of the équipe d'animation is one registry `id`. Their `mattermost`
username and `tchap` Matrix id are ways to reach and recognise them; someone
outside the registry (a requester) is known only by a platform account.

The code names platforms by protocol (`matrix`, like the `bot.matrix` package and
the `ANIMATION_MATRIX_*` settings); people read « Tchap », the State's Matrix
service, in the registry and in every sentence (`PLATFORM_NAMES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Platform = Literal["mattermost", "matrix"]
PLATFORM_NAMES: dict[str, str] = {"mattermost": "Mattermost", "matrix": "Tchap"}


@dataclass(frozen=True)
class Account:
    """Someone as a chat platform knows them.

    `id` is the platform's stable user id (a Mattermost user id, a Matrix user
    id), empty when there is none (`animation-bot ask`, offline). `handle` is what
    the registry's field for that platform holds (`Animator.handle`): the
    Mattermost username, or the Matrix user id again.
    """

    platform: Platform
    id: str
    handle: str


def other(platform: Platform) -> Platform:
    return "matrix" if platform == "mattermost" else "mattermost"
