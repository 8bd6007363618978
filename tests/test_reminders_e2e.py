"""Reminders from the real `animation-bot serve`, against the fake Mattermost: a request left
unclaimed long enough is escalated by the worker's loop, from the database alone, and its
messages reach Mattermost once."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.core.clock import SystemClock
from bot.core.people import Account
from bot.core.requests.model import Request
from bot.store.engine import make_engine, migrate
from bot.store.requests import SqlStore
from bot.store.tables import reminders
from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.live import connected_env, drained, free_port, start_bot
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # starts real processes


def forgotten(workdir: Path) -> int:
    """A request for Aides-territoires' referent made twelve days ago, nobody claimed it."""
    engine = make_engine(f"sqlite:///{workdir / 'animation.db'}")
    migrate(engine)
    request = Request(
        id=0,
        category_id="convention",
        confidential=False,
        requester=Account("mattermost", user_id_for("alice"), "alice"),
        assignees=("dominique-exemple",),
        status="open",
        created_at=SystemClock().now() - timedelta(days=12),
        team_kind="startup",
        team_id="aides-territoires",
        team_name="Aides-territoires",
        subject="Convention DGCL",
        routing_reason="référente ou référent de l'incubateur ANCT",
    )
    stored, _ = SqlStore(engine).create(request, nonce="old", messages_for=lambda r: [])
    engine.dispose()
    return stored.id


def test_the_worker_escalates_a_forgotten_request(tmp_path: Path) -> None:
    shutil.copy(REGISTRY, tmp_path / "referents.yaml")
    number = forgotten(tmp_path)
    fake = FakeMattermost().start()
    port = free_port()
    env = connected_env(
        tmp_path,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        port=port,
        command_token="rmd-" + "k" * 22,
        ANIMATION_REMINDER_INTERVAL="0.2",
    )
    bot = start_bot(workdir=tmp_path, env=env, port=port)
    try:
        backup = wait_for(lambda: fake.posts_to("alex.exemple"), timeout=30, what="the backup")
        drained(bot)
        told = fake.posts_to("dominique.exemple")
        requester = fake.posts_to("alice")
    finally:
        bot.stop()
        fake.stop()
    assert len(backup) == len(told) == len(requester) == 1
    assert f"La demande n° {number} attend depuis le" in backup[0]["message"]
    assert "Convention DGCL" in backup[0]["message"]
    assert backup[0]["props"]["attachments"]  # the buttons: the backup may claim it
    assert "Je l'envoie aussi à @alex.exemple, en relais" in told[0]["message"]
    assert "pas encore prise en charge" in requester[0]["message"]
    engine = make_engine(f"sqlite:///{tmp_path / 'animation.db'}")
    with engine.connect() as connection:
        steps = sorted(connection.execute(select(reminders.c.step)).scalars())
    engine.dispose()
    assert steps == ["escalation", "reminder"]
