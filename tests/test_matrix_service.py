"""The Matrix side as an operator sees it: an unreadable message answered, `/healthz` and
`/metrics` saying how the sync goes (never who or where), and SIGTERM stopping it cleanly."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import free_port, health, run_cli
from tests.matrix_people import run
from tests.synapse import Synapse
from tests.test_matrix_e2e import Tchap, matrix_env, start_tchap

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tchap(synapse: Synapse, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tchap]:
    world = start_tchap(synapse, tmp_path_factory.mktemp("service"), "svc")
    yield world
    world.bot.stop()


def test_a_message_the_bot_cannot_decrypt_is_answered(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        room = await alice.direct_room(tchap.bot_id)
        before = len(alice.received)
        # An encrypted event whose key never reached the bot, as a broken session sends it.
        unreadable = {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "AwgAEhBc2VjcmV0IGxvc3Q",
            "sender_key": alice.nio.olm.account.identity_keys["curve25519"],
            "session_id": "a-session-the-bot-never-got",
            "device_id": alice.nio.device_id,
        }
        answer = await asyncio.to_thread(
            httpx.put,
            f"{tchap.synapse.url}/_matrix/client/v3/rooms/{room}/send/m.room.encrypted/"
            f"{uuid.uuid4().hex}",
            json=unreadable,
            headers={"Authorization": f"Bearer {alice.nio.access_token}"},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        said = await alice.answer(room, after=before)
        assert said.body.startswith("Je n'ai pas pu lire ton message")
        assert "Renvoie-le" in said.body
        assert health(tchap.bot)["matrix"]["undecryptable"] >= 1
        await alice.close()

    run(talk())


def test_health_and_metrics_say_how_the_sync_goes_and_nothing_personal(tchap: Tchap) -> None:
    state = health(tchap.bot)["matrix"]
    assert state["connected"] is True and state["problem"] is None
    assert state["rooms"] >= 1 and state["last_sync"].startswith("20")
    metrics = httpx.get(f"{tchap.bot.url}/metrics", timeout=5).text
    assert "animation_matrix_connected 1.0" in metrics
    assert "animation_matrix_last_sync_timestamp " in metrics
    for personal in ("@", "!", "localhost"):
        assert personal not in state.__repr__().replace(state["last_sync"], "")
    assert "localhost" not in metrics


def test_sigterm_stops_the_sync_and_the_service_cleanly(synapse: Synapse, tmp_path: Path) -> None:
    world = start_tchap(synapse, tmp_path, "term")
    world.bot.process.send_signal(signal.SIGTERM)
    assert world.bot.process.wait(timeout=30) in (0, -signal.SIGTERM)
    log = world.bot.log.read_text(encoding="utf-8")
    assert "Application shutdown complete" in log and "Traceback" not in log


def doctor(tchap: Tchap, **changes: str) -> tuple[int, str]:
    settings = {**matrix_env(tchap.synapse, tchap.home, tchap.bot_id), **changes}
    result = run_cli(["doctor"], workdir=tchap.home, env=settings)
    return result.returncode, result.stdout


def test_doctor_checks_the_homeserver_the_session_and_the_store(tchap: Tchap) -> None:
    code, out = doctor(tchap)
    assert code == 0, out
    assert f"✓ Tchap : serveur {tchap.synapse.url} joignable" in out
    assert f"✓ Tchap : session valable pour {tchap.bot_id} (appareil " in out
    assert "✓ Mattermost non configuré : seul Tchap est servi" in out
    assert "✓ Tchap : comptes acceptés des serveurs localhost" in out


def test_doctor_says_what_to_fix_on_the_matrix_side(tchap: Tchap, tmp_path: Path) -> None:
    code, out = doctor(tchap, ANIMATION_MATRIX_HOMESERVER=f"http://127.0.0.1:{free_port()}")
    assert code == 1 and "✗ Tchap : serveur" in out and "ANIMATION_MATRIX_HOMESERVER" in out
    assert "session" not in out  # nothing asked of a server that is not there

    fresh = tmp_path / "fresh-store"
    code, out = doctor(tchap, ANIMATION_MATRIX_STORE=str(fresh))
    assert code == 0 and "✓ Tchap : pas encore de session" in out
    # Left empty, as in .env.example, a variable is not set: no password to log in with.
    code, out = doctor(tchap, ANIMATION_MATRIX_STORE=str(fresh), ANIMATION_MATRIX_PASSWORD="")
    assert code == 1 and "définis ANIMATION_MATRIX_PASSWORD" in out
    unset = {**matrix_env(tchap.synapse, tchap.home, tchap.bot_id)}
    del unset["ANIMATION_MATRIX_PASSWORD"]
    result = run_cli(
        ["doctor"], workdir=tchap.home, env={**unset, "ANIMATION_MATRIX_STORE": str(fresh)}
    )
    assert result.returncode == 1 and "définis ANIMATION_MATRIX_PASSWORD" in result.stdout
    assert not fresh.exists()  # doctor never logs in: no new device, no session written

    fresh.mkdir()
    stored = json.loads((tchap.home / "matrix-store" / "session.json").read_text("utf-8"))
    (fresh / "session.json").write_text(json.dumps({**stored, "access_token": "revoked"}), "utf-8")
    code, out = doctor(tchap, ANIMATION_MATRIX_STORE=str(fresh))
    assert code == 1 and "✗ Tchap : session du bot valable" in out
    assert f"supprime {fresh / 'session.json'}" in out and "revoked" not in out

    code, out = doctor(tchap, ANIMATION_MATRIX_USER=tchap.users["zoe"])
    assert code == 1 and f"celle d'un autre compte que {tchap.users['zoe']}" in out

    (tmp_path / "a-file").write_text("", "utf-8")
    code, out = doctor(tchap, ANIMATION_MATRIX_STORE=str(tmp_path / "a-file" / "store"))
    assert code == 1 and f"✗ Tchap : dossier {tmp_path / 'a-file' / 'store'} utilisable" in out
    code, out = doctor(tchap, ANIMATION_MATRIX_STORE=str(tmp_path / "new" / "store"))
    assert code == 0 and "✓ Tchap : dossier" in out
