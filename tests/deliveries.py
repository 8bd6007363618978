"""Requests sent to live bots, and where their messages landed on the fake Mattermost: the
tests of « every message exactly once » count with these."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import httpx

from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.live import LiveBot, connected_env
from tests.mattermost import command_form, command_headers, encode, parse_command_response

TOKEN = "dlv-" + "k" * 22
TRIAGE = "t" * 26
PLACES = ("dominique.exemple", "alice", TRIAGE)  # the co-animator, the requester, triage


def defaults_env(workdir: Path, fake: FakeMattermost, port: int, **more: str) -> dict[str, str]:
    """What an operator sets and nothing more: the lease, timeouts and retries as shipped."""
    env = connected_env(
        workdir,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        port=port,
        command_token=TOKEN,
        ANIMATION_TRIAGE_CHANNEL_ID=TRIAGE,
        **more,
    )
    tuned = ("ANIMATION_RETRY_MAX_DELAY", "ANIMATION_OUTBOX_LEASE", "ANIMATION_MATTERMOST_TIMEOUT")
    return {name: value for name, value in env.items() if name not in tuned or name in more}


def ask(bots: Sequence[LiveBot], number: int) -> None:
    """Request `number`, sent to one bot, or to the next when that one is down (a load
    balancer); it must be answered « enregistrée »."""
    form = command_form(
        f"demande convention aides territoires : objet {number}",
        token=TOKEN,
        user_name="alice",
        user_id=user_id_for("alice"),
        trigger_id=f"trigger-{number}",
    )
    for attempt in range(len(bots)):
        bot = bots[(number + attempt) % len(bots)]
        try:
            response = httpx.post(
                f"{bot.url}/mattermost/command",
                content=encode(form),
                headers=command_headers(TOKEN),
                timeout=20,
            )
        except httpx.TransportError:
            continue
        assert "est enregistrée" in str(parse_command_response(response)["text"])
        return
    raise AssertionError(f"request {number} got no answer")


def landed(fake: FakeMattermost) -> dict[str, Counter[str]]:
    """For each place, how many posts each request number has there."""

    def numbers(posts: list[dict[str, object]]) -> Counter[str]:
        return Counter(str(p["message"]).split("n° ")[1].split(" ")[0] for p in posts)

    return {
        "dominique.exemple": numbers(fake.posts_to("dominique.exemple")),
        "alice": numbers(fake.posts_to("alice")),
        TRIAGE: numbers(fake.posts_in(TRIAGE)),
    }


def lost_and_doubled(fake: FakeMattermost, count: int) -> tuple[int, int]:
    """How many of the `count` requests' messages are missing, and how many came twice or
    more, over every place (each request has one message in each)."""
    lost = doubled = 0
    for place in landed(fake).values():
        lost += count - len(place)
        doubled += sum(1 for times in place.values() if times > 1)
    return lost, doubled
