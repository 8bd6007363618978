"""Nothing lost, nothing sent twice: Mattermost down, failing, rate-limiting (the bot killed,
and several replicas: `test_exactly_once.py`)."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.live import LiveBot, connected_env, drained, free_port, start_bot
from tests.mattermost import command_form, command_headers, encode, parse_command_response
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # starts real processes

TOKEN = "dlv-" + "k" * 22
TRIAGE = "t" * 26


def bot_env(workdir: Path, fake: FakeMattermost, port: int) -> dict[str, str]:
    return connected_env(
        workdir,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        port=port,
        command_token=TOKEN,
        ANIMATION_MATTERMOST_TIMEOUT="2",
        ANIMATION_TRIAGE_CHANNEL_ID=TRIAGE,
        ANIMATION_OUTBOX_LEASE="3",
    )


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[FakeMattermost, Path]]:
    shutil.copy(REGISTRY, tmp_path / "referents.yaml")
    fake = FakeMattermost().start()
    yield fake, tmp_path
    fake.stop()


def ask(bot: LiveBot, number: int) -> None:
    text = f"demande convention aides territoires : objet {number}"
    form = command_form(
        text,
        token=TOKEN,
        user_name="alice",
        user_id=user_id_for("alice"),
        trigger_id=f"trigger-{number}",
    )
    response = httpx.post(
        f"{bot.url}/mattermost/command",
        content=encode(form),
        headers=command_headers(TOKEN),
        timeout=10,
    )
    payload = parse_command_response(response)
    assert "est enregistrée" in str(payload["text"]), payload


def delivered(fake: FakeMattermost) -> tuple[Counter[str], Counter[str], Counter[str]]:
    """Request numbers seen in each place: animator DMs, requester DMs, triage posts."""

    def numbers(posts: list[dict[str, object]]) -> Counter[str]:
        return Counter(str(p["message"]).split("n° ")[1].split(" ")[0] for p in posts)

    return (
        numbers(fake.posts_to("dominique.exemple")),
        numbers(fake.posts_to("alice")),
        numbers(fake.posts_in(TRIAGE)),
    )


def retried(bot: LiveBot) -> float:
    """How many deliveries the bot has put off for a retry (`/metrics`)."""
    text = httpx.get(f"{bot.url}/metrics", timeout=5).text
    samples = [
        sample
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "animation_deliveries_total" and sample.labels == {"outcome": "retried"}
    ]
    return samples[0].value if samples else 0.0


def assert_exactly_once(fake: FakeMattermost, count: int) -> None:
    for place in delivered(fake):
        assert len(place) == count
        assert set(place.values()) == {1}, place.most_common(3)


def test_mattermost_down_then_failing_then_rate_limited(setup: tuple[FakeMattermost, Path]) -> None:
    fake, workdir = setup
    port = free_port()
    bot = start_bot(workdir=workdir, port=port, env=bot_env(workdir, fake, port))
    try:
        fake.stop()  # connection refused
        for number in range(20):
            ask(bot, number)
        wait_for(lambda: retried(bot) >= 1, what="a delivery tried while Mattermost is down")
        fake.failing = 500
        fake.start()
        for number in range(20, 35):
            ask(bot, number)
        wait_for(lambda: fake.refused[500] >= 1, what="a delivery refused with 500")
        fake.failing = 429
        for number in range(35, 50):
            ask(bot, number)
        wait_for(lambda: fake.refused[429] >= 1, what="a delivery refused with 429")
        assert all(len(c) == 0 for c in delivered(fake))
        fake.failing = None
        # Once nothing is left to send, nothing more can arrive: count then.
        assert drained(bot, timeout=60) == {"pending": 0, "sent": 150, "dead": 0, "dropped": 0}
        assert_exactly_once(fake, 50)
        assert any(r.path == "/api/v4/posts" for r in fake.requests)
    finally:
        bot.stop()


def test_confidential_request_leaves_nothing_in_logs_or_channels(
    setup: tuple[FakeMattermost, Path],
) -> None:
    fake, workdir = setup
    port = free_port()
    bot = start_bot(workdir=workdir, port=port, env=bot_env(workdir, fake, port))
    try:
        form = command_form(
            "demande mal-etre sacha tchap",
            token=TOKEN,
            user_name="alice",
            user_id=user_id_for("alice"),
            trigger_id="",
        )
        response = httpx.post(
            f"{bot.url}/mattermost/command",
            content=encode(form),
            headers=command_headers(TOKEN),
            timeout=10,
        )
        assert "en toute confidentialité" in str(parse_command_response(response)["text"])
        dm = wait_for(lambda: fake.posts_to("sacha.exemple"), what="the DM")[-1]
        assert dm["message"].startswith("🔒 @alice souhaite échanger avec toi")
        drained(bot)
    finally:
        bot.stop()
    channel_posts = [p for p in fake.posts.values() if not p["channel_id"].startswith("dm")]
    assert channel_posts == []
    log = bot.log.read_text(encoding="utf-8").lower()
    for secret in ("tchap", "sacha", "mal-etre", "mal_etre", "alice"):
        assert secret not in log
