"""Request forms (Mattermost dialogs), in process with a clock we move."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot.mattermost.tokens import FORM_LIFETIME
from tests.mattermost_world import ALICE, World, open_and_submit


def test_expired_form_is_refused(world: World) -> None:
    answer = open_and_submit(
        world,
        {"team": "aides territoires", "subject": "x"},
        later=FORM_LIFETIME + timedelta(seconds=1),
    )
    assert answer == {"error": "Ce formulaire a expiré : relance `/animation demande`."}
    assert world.store.of_requester(ALICE) == []


def test_cancel_closes_without_storing(world: World) -> None:
    assert asyncio.run(world.interactions.submit({"cancelled": True})) == {}
