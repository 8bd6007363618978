"""Two replicas on one PostgreSQL behave as one bot: 500 requests, one replica killed."""

from __future__ import annotations

import shutil
import signal
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.store.engine import make_engine
from bot.store.tables import metadata
from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.live import LiveBot, start_connected
from tests.mattermost import command_form, command_headers, encode
from tests.stores import PG_URL

pytestmark = pytest.mark.skipif(
    not PG_URL, reason="ANIMATION_TEST_DATABASE_URL is not set (PostgreSQL tests skipped)"
)
TOKEN = "rep-" + "k" * 22
TRIAGE = "t" * 26
REQUESTS = 500


def fresh_database() -> None:
    assert PG_URL is not None
    engine = make_engine(PG_URL)
    with engine.begin() as connection:
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


def replica(workdir: Path, fake: FakeMattermost) -> LiveBot:
    # One database and one secret shared by every replica.
    return start_connected(
        workdir,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        command_token=TOKEN,
        ANIMATION_DATABASE_URL=str(PG_URL),
        ANIMATION_TRIAGE_CHANNEL_ID=TRIAGE,
        ANIMATION_OUTBOX_LEASE="2",
    )


def test_two_replicas_one_killed_every_dm_exactly_once(tmp_path: Path) -> None:
    fresh_database()
    shutil.copy(REGISTRY, tmp_path / "referents.yaml")
    fake = FakeMattermost().start()
    replicas = [replica(tmp_path, fake), replica(tmp_path, fake)]
    killed = False

    def send(number: int) -> None:
        """Like a load balancer: try the replica for this number, fall back to the other."""
        form = command_form(
            f"demande convention aides territoires : objet {number}",
            token=TOKEN,
            user_name="alice",
            user_id=user_id_for("alice"),
            trigger_id=f"trig-{number}",
        )
        for attempt in range(2):
            bot = replicas[(number + attempt) % 2]
            try:
                response = httpx.post(
                    f"{bot.url}/mattermost/command",
                    content=encode(form),
                    headers=command_headers(TOKEN),
                    timeout=20,
                )
            except httpx.TransportError:
                continue
            assert response.status_code == 200
            assert "est enregistrée" in response.json()["text"], response.text
            return
        raise AssertionError(f"request {number} got no answer")

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            for number in range(REQUESTS):
                pool.submit(send, number)
                if number == REQUESTS // 2:
                    # Kill a replica while both are delivering.
                    while len(fake.posts) < 100:
                        time.sleep(0.01)
                    replicas[0].process.send_signal(signal.SIGKILL)
                    killed = True
            pool.shutdown(wait=True)
        deadline = time.monotonic() + 90
        expected = REQUESTS * 3  # the animator's DM, the requester's, the triage line
        while len(fake.posts) < expected and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # past the lease: a message taken twice would be sent twice by now
        texts = Counter(post["message"] for post in list(fake.posts.values()))
        assert killed
        assert len(fake.posts) == expected, (len(fake.posts), expected)
        assert set(texts.values()) == {1}, texts.most_common(3)
        for place in ("dominique.exemple", "alice"):
            numbers = [p["message"].split("n° ")[1].split(" ")[0] for p in fake.posts_to(place)]
            assert len(numbers) == len(set(numbers)) == REQUESTS
        versions = {httpx.get(f"{replicas[1].url}/healthz").json()["registry"]["version"]}
        assert len(versions) == 1
    finally:
        for bot in replicas:
            bot.stop()
        fake.stop()
