"""Two replicas with Matrix on, one PostgreSQL: one session at a time. The other waits,
says so in `/healthz`, leaves the Matrix messages alone, and takes over when the first
stops."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.conftest import REGISTRY
from tests.live import LiveBot, health, start_bot
from tests.matrix_people import run
from tests.stores import PG_URL
from tests.synapse import Synapse
from tests.test_matrix_e2e import Tchap, matrix_env, with_tchap
from tests.test_replicas import fresh_database
from tests.waiting import wait_for

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not PG_URL, reason="ANIMATION_TEST_DATABASE_URL is not set (PostgreSQL tests skipped)"
    ),
]


def replica(synapse: Synapse, workdir: Path, bot_id: str, people: dict[str, str]) -> LiveBot:
    workdir.mkdir()
    registry = with_tchap(REGISTRY.read_text(encoding="utf-8"), people)
    (workdir / "referents.yaml").write_text(registry, encoding="utf-8")
    settings = {**matrix_env(synapse, workdir, bot_id), "ANIMATION_DATABASE_URL": str(PG_URL)}
    return start_bot(workdir=workdir, env=settings)


def test_one_session_at_a_time_and_a_handover(synapse: Synapse, tmp_path: Path) -> None:
    fresh_database()
    users = {name: synapse.register(f"{name}-rep") for name in ("alice", "dominique")}
    bot_id = synapse.register("bot-rep")
    people = {"dominique.exemple": users["dominique"]}
    first = replica(synapse, tmp_path / "first", bot_id, people)
    second: LiveBot | None = None
    try:
        wait_for(lambda: health(first)["matrix"]["connected"], timeout=60, what="the first")
        second = replica(synapse, tmp_path / "second", bot_id, people)
        handover(first, second, Tchap(synapse, first, bot_id, users, tmp_path))
    finally:  # never left running: it would hold the session for the next tests
        first.stop()
        if second is not None:
            second.stop()


def handover(first: LiveBot, second: LiveBot, world: Tchap) -> None:
    wait_for(lambda: health(second)["matrix"]["problem"], timeout=30, what="the second to wait")
    assert "une autre instance du bot tient la session" in health(second)["matrix"]["problem"]
    assert health(second)["matrix"]["connected"] is False
    run(request_once(world))
    assert health(second)["matrix"]["connected"] is False
    first.process.send_signal(signal.SIGTERM)  # gives the session back as it stops
    assert first.process.wait(timeout=30) in (0, -signal.SIGTERM)
    wait_for(lambda: health(second)["matrix"]["connected"], timeout=30, what="the handover")
    run(answered(world, "qui domifa", "DomiFa"))
    assert "Traceback" not in first.log.read_text(encoding="utf-8")


async def request_once(world: Tchap) -> None:
    """A request through the replica holding the session: the co-animator gets one copy."""
    dominique = await world.person("dominique")
    await answered(world, "demande convention anct : le devis", "est enregistrée")
    await dominique.until(lambda: dominique.from_(world.bot_id, text="📥 Demande"), within=60)
    assert len(dominique.from_(world.bot_id, text="📥 Demande")) == 1
    await dominique.close()


async def answered(world: Tchap, typed: str, expected: str) -> None:
    alice = await world.person("alice")
    room = await alice.direct_room(world.bot_id)
    before = len(alice.received)
    await alice.say(room, typed)
    said = await alice.answer(room, after=before, within=60)
    assert expected in said.body
    await alice.close()
