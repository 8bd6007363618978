"""Two replicas on one PostgreSQL behave as one bot: 500 requests, one replica killed."""

from __future__ import annotations

import shutil
import signal
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.core.registry.model import load_registry
from bot.store.engine import make_engine
from bot.store.tables import metadata
from tests.conftest import CATALOG, REGISTRY, TODAY
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.live import LiveBot, drained, start_connected
from tests.mattermost import command_form, command_headers, encode
from tests.stores import PG_URL
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.slow,
    # Its own waits add up to more than the default 180 s on a machine busy with other work.
    pytest.mark.timeout(400),
    pytest.mark.skipif(
        not PG_URL, reason="ANIMATION_TEST_DATABASE_URL is not set (PostgreSQL tests skipped)"
    ),
]
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
        ANIMATION_MATTERMOST_TIMEOUT="1",
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
            sent = []
            for number in range(REQUESTS):
                sent.append(pool.submit(send, number))
                if number == REQUESTS // 2:
                    # Kill a replica while both are delivering.
                    wait_for(lambda: len(fake.posts) >= 100, timeout=60, what="100 posts")
                    replicas[0].process.send_signal(signal.SIGKILL)
                    killed = True
            for future in sent:
                future.result()  # each request was answered « enregistrée », by one replica
        expected = REQUESTS * 3  # the animator's DM, the requester's, the triage line
        # The killed replica's leases expire and the other sends what it held: once the
        # shared outbox is drained, nothing more can arrive.
        assert drained(replicas[1], timeout=90) == {
            "pending": 0,
            "sent": expected,
            "dead": 0,
            "dropped": 0,
        }
        texts = Counter(post["message"] for post in list(fake.posts.values()))
        assert killed
        assert len(fake.posts) == expected, (len(fake.posts), expected)
        assert set(texts.values()) == {1}, texts.most_common(3)
        for place in ("dominique.exemple", "alice"):
            numbers = [p["message"].split("n° ")[1].split(" ")[0] for p in fake.posts_to(place)]
            assert len(numbers) == len(set(numbers)) == REQUESTS
        served = httpx.get(f"{replicas[1].url}/healthz").json()["registry"]["version"]
        assert served == load_registry(REGISTRY, catalog_dir=CATALOG, today=TODAY).version
    finally:
        for bot in replicas:
            bot.stop()
        fake.stop()
