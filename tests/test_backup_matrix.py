"""The Matrix store through a backup, with a real Synapse: backed up while the bot syncs,
wiped, restored, the bot comes back as the same device without its password, alone on
its account, and still reads what is written to it encrypted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import httpx
import pytest

from tests.conftest import REGISTRY
from tests.live import LiveBot, health, run_cli, start_bot
from tests.matrix_people import person, run
from tests.synapse import Synapse
from tests.test_matrix_e2e import matrix_env
from tests.waiting import wait_for

pytestmark = pytest.mark.slow

BOT = "@bot-backup:localhost"


def connected(workdir: Path, env: dict[str, str]) -> LiveBot:
    bot = start_bot(workdir=workdir, env=env)
    wait_for(lambda: health(bot)["matrix"]["connected"], timeout=60, what="the bot on Matrix")
    return bot


def devices(synapse: Synapse, store: Path) -> tuple[str, list[str]]:
    """The bot's device, and every device of its account as the homeserver knows them."""
    session = json.loads((store / "session.json").read_text(encoding="utf-8"))
    answer = httpx.get(
        f"{synapse.url}/_matrix/client/v3/devices",
        headers={"Authorization": f"Bearer {session['access_token']}"},
        timeout=10,
    )
    return session["device_id"], sorted(device["device_id"] for device in answer.json()["devices"])


def asks(synapse: Synapse, alice_id: str, home: Path) -> None:
    """Alice, from her one device, writes to the bot in their encrypted direct room."""

    async def talk() -> None:
        alice = await person(synapse.url, alice_id, synapse.users[alice_id], home)
        room = await alice.direct_room(BOT)
        before = len(alice.received)
        await alice.say(room, "qui domifa")
        answer = await alice.answer(room, after=before)
        assert "L'équipe **DomiFa** est suivie par" in answer.body
        assert alice.undecryptable == 0
        await alice.close()

    run(talk())


def test_a_restored_store_is_the_same_device_without_a_password(
    synapse: Synapse, tmp_path: Path
) -> None:
    workdir = tmp_path / "state"
    workdir.mkdir()
    shutil.copy(REGISTRY, workdir / "referents.yaml")
    bot_id = synapse.register(BOT.split(":")[0][1:])
    alice_id = synapse.register("alice-backup")
    env = matrix_env(synapse, workdir, bot_id)
    store = workdir / "matrix-store"
    bot = connected(workdir, env)
    try:
        asks(synapse, alice_id, tmp_path / "alice")
        saved = run_cli(["backup", "--out", str(tmp_path / "saves")], workdir=workdir, env=env)
        assert saved.returncode == 0, saved.stderr
    finally:
        bot.stop()
    device = devices(synapse, store)
    (folder,) = (tmp_path / "saves").iterdir()
    for path in [*workdir.glob("animation.db*"), store]:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    restored = run_cli(["restore", "--from", str(folder)], workdir=workdir, env=env)
    assert restored.returncode == 0, restored.stderr
    without_password = {k: v for k, v in env.items() if k != "ANIMATION_MATRIX_PASSWORD"}
    bot = connected(workdir, without_password)
    try:
        assert devices(synapse, store) == device  # the same device, and no new one
        asks(synapse, alice_id, tmp_path / "alice")
    finally:
        bot.stop()
