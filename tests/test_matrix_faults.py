"""Nothing lost, nothing doubled on Tchap: the homeserver down for 30 s during 20 requests;
the bot killed right after a send, and right after people wrote to it."""

from __future__ import annotations

import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fake_mattermost import FakeMattermost
from tests.live import drained, health, start_bot
from tests.matrix_people import Person, run
from tests.mattermost import parse_command_response, send_command
from tests.synapse import Synapse
from tests.test_matrix_e2e import Tchap, matrix_env, start_tchap
from tests.waiting import wait_for

pytestmark = pytest.mark.slow
TOKEN = "mx-" + "k" * 22
OUTAGE = 30  # seconds the homeserver stays down: the scenario, not a wait for a result


def copies(sacha: Person, bot: str) -> Counter[str]:
    """Request numbers of the copies Sacha received (an edit is not a copy)."""
    return Counter(
        s.body.split("n° ")[1].split(" ")[0]
        for s in sacha.from_(bot, text="📥 Demande n° ")
        if "m.new_content" not in s.source["content"]
    )


@pytest.fixture
def over_mattermost(synapse: Synapse, tmp_path: Path) -> Iterator[tuple[Tchap, FakeMattermost]]:
    """A bot on Tchap and on a (fake) Mattermost, where Sacha is on Tchap only."""
    fake = FakeMattermost().start()
    tag = f"f{time.monotonic_ns() % 10**6}"
    world = start_tchap(synapse, tmp_path, tag)
    world.bot.stop()
    registry = (tmp_path / "referents.yaml").read_text(encoding="utf-8")
    (tmp_path / "referents.yaml").write_text(
        registry.replace("    mattermost: sacha.exemple\n", ""), encoding="utf-8"
    )
    env = matrix_env(synapse, tmp_path, world.bot_id) | {
        "ANIMATION_MATTERMOST_URL": fake.url,
        "ANIMATION_MATTERMOST_TOKEN": fake.token,
    }
    world.bot = start_bot(workdir=tmp_path, env=env)
    wait_for(lambda: health(world.bot)["matrix"]["connected"], timeout=60, what="Matrix")
    yield world, fake
    world.bot.stop()
    fake.stop()


def test_homeserver_down_during_twenty_requests(
    over_mattermost: tuple[Tchap, FakeMattermost],
) -> None:
    world, _ = over_mattermost

    async def before() -> None:  # Sacha's device exists: the copies can be encrypted for it
        sacha = await world.person("sacha")
        await sacha.close()

    run(before())
    world.synapse.stop()
    down_since = time.monotonic()
    for number in range(20):
        answer = send_command(
            world.bot.url, f"demande convention domifa : objet {number}", token=TOKEN
        )
        assert "est enregistrée" in str(parse_command_response(answer)["text"])
    wait_for(lambda: not health(world.bot)["matrix"]["connected"], what="Matrix seen down")
    time.sleep(max(0.0, OUTAGE - (time.monotonic() - down_since)))
    world.synapse.start()
    assert drained(world.bot, timeout=120)["dead"] == 0

    async def after() -> None:
        sacha = await world.person("sacha")
        await sacha.until(lambda: len(copies(sacha, world.bot_id)) >= 20, within=60, what="20")
        counted = copies(sacha, world.bot_id)
        assert len(counted) == 20 and set(counted.values()) == {1}, counted
        reactions = Counter((r[2], r[3]) for r in sacha.reactions if r[1] == world.bot_id)
        assert len(reactions) == 40 and set(reactions.values()) == {1}
        assert sacha.undecryptable == 0
        await sacha.close()

    run(after())


def test_killed_right_after_a_send_then_restarted(synapse: Synapse, tmp_path: Path) -> None:
    world = start_tchap(synapse, tmp_path, f"k{time.monotonic_ns() % 10**6}")
    env = matrix_env(synapse, tmp_path, world.bot_id)

    async def ask() -> None:
        alice = await world.person("alice")
        sacha = await world.person("sacha")
        room = await alice.direct_room(world.bot_id)
        for number in range(3):
            await alice.say(room, f"demande convention domifa : objet {number}")
        await sacha.until(lambda: copies(sacha, world.bot_id), what="a first copy")
        world.bot.process.send_signal(signal.SIGKILL)  # it has just sent
        world.bot.process.wait()
        world.bot = start_bot(workdir=tmp_path, env=env)
        wait_for(lambda: drained(world.bot, timeout=60), what="all sent")
        await sacha.until(lambda: len(copies(sacha, world.bot_id)) >= 3, what="3 copies")
        await alice.until(lambda: len(alice.from_(world.bot_id, text="est enregistrée")) >= 3)
        for _ in range(3):  # whatever else would come, would come now
            await sacha.step()
            await alice.step()
        assert set(copies(sacha, world.bot_id).values()) == {1}
        confirmations = Counter(s.body[:20] for s in alice.from_(world.bot_id, text="enregistrée"))
        assert len(confirmations) == 3 and set(confirmations.values()) == {1}
        await alice.close()
        await sacha.close()

    try:
        run(ask())
    finally:
        world.bot.stop()


def test_what_was_written_while_the_bot_was_down_is_answered_once(
    synapse: Synapse, tmp_path: Path
) -> None:
    world = start_tchap(synapse, tmp_path, f"d{time.monotonic_ns() % 10**6}")
    env = matrix_env(synapse, tmp_path, world.bot_id)

    async def talk() -> None:
        alice = await world.person("alice")
        room = await alice.direct_room(world.bot_id)
        asked = [await alice.say(room, "qui domifa"), await alice.say(room, "contact")]
        world.bot.process.send_signal(signal.SIGKILL)  # right after people wrote
        world.bot.process.wait()
        asked += [await alice.say(room, "qui anct"), await alice.say(room, "engagements")]
        world.bot = start_bot(workdir=tmp_path, env=env)

        def answered() -> Counter[str]:
            return Counter(
                s.source["content"].get("m.relates_to", {}).get("m.in_reply_to", {}).get("event_id")
                for s in alice.from_(world.bot_id)
            )

        await alice.until(lambda: all(answered()[e] for e in asked), what="every answer")
        drained(world.bot)
        for _ in range(3):
            await alice.step()
        assert [answered()[e] for e in asked] == [1, 1, 1, 1]
        await alice.close()

    try:
        run(talk())
    finally:
        world.bot.stop()
        httpx.Client().close()
