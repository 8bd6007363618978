"""`animation-bot outbox`, run as an operator runs it: dead letters listed without a word
of what they say, sent again or dropped, refusals in French with exit code 1; and, with
the real service running, a letter sent again reaches Mattermost exactly once."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.conftest import REGISTRY
from tests.dead_letters import SECRET, dead_letters
from tests.fake_mattermost import FakeMattermost
from tests.live import connected_env, drained, free_port, health, run_cli, start_bot
from tests.mattermost import parse_command_response, send_command
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # starts real processes

TOKEN = "obx-" + "k" * 22


def test_dead_letters_listed_sent_again_and_dropped_without_their_text(tmp_path: Path) -> None:
    dead_letters(tmp_path)
    listing = run_cli(["outbox", "liste"], workdir=tmp_path, env={})
    assert listing.returncode == 0 and listing.stderr == ""
    lines = listing.stdout.splitlines()
    assert lines[0] == "4 messages en échec définitif (leur texte n'est jamais affiché) :"
    assert lines[1].split() == [
        *("id", "plateforme", "type", "demande", "essais", "créé", "(UTC)"),
        *("dernier", "essai", "(UTC)", "erreur"),
    ]
    assert lines[2].split()[:6] == ["1", "mattermost", "send", "n°", "1", "1"]
    assert lines[2].endswith("403: NotEnoughPermissions") and lines[5].endswith("(masqué)")
    again = run_cli(["outbox", "relance", "1", "99"], workdir=tmp_path, env={})
    assert (again.returncode, again.stdout) == (1, "Message 1 remis en file d'envoi.\n")
    assert again.stderr == "Aucun message 99 dans la file d'envoi (voir : outbox liste).\n"
    dropped = run_cli(["outbox", "supprime", "2"], workdir=tmp_path, env={})
    assert (dropped.returncode, dropped.stdout) == (
        0,
        "Message 2 supprimé (gardé dans les comptes).\n",
    )
    for result in (listing, again, dropped):
        assert SECRET not in result.stdout + result.stderr


def test_a_letter_sent_again_reaches_mattermost_once(tmp_path: Path) -> None:
    shutil.copy(REGISTRY, tmp_path / "referents.yaml")
    fake = FakeMattermost().start()
    port = free_port()
    env = connected_env(
        tmp_path,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        port=port,
        command_token=TOKEN,
    )
    bot = start_bot(workdir=tmp_path, env=env, port=port)
    try:
        fake.failing = 403  # the bot's token lost its rights: every message refused for good
        text = f"demande convention aides territoires : {SECRET}"
        reply = parse_command_response(send_command(bot.url, text, token=TOKEN))
        assert "est enregistrée" in str(reply["text"])
        wait_for(lambda: health(bot)["outbox"]["dead"] == 2, what="two dead letters")
        fake.failing = None
        listing = run_cli(["outbox", "liste"], workdir=tmp_path, env=env)
        assert SECRET not in listing.stdout + listing.stderr
        assert "403: NotEnoughPermissions" in listing.stdout
        assert run_cli(["outbox", "relance", "--toutes"], workdir=tmp_path, env=env).returncode == 0
        assert drained(bot) == {"pending": 0, "sent": 2, "dead": 0, "dropped": 0}
        (dm,) = fake.posts_to("dominique.exemple")
        assert SECRET in dm["message"] and len(fake.posts_to("alice")) == 1
        # A letter whose post had reached Mattermost after all (its answer lost, say): sent
        # again, it is found there by its key, not posted twice.
        database = sqlite3.connect(tmp_path / "animation.db")
        with database:
            database.execute("UPDATE outbox SET status = 'dead' WHERE id = 1")
        database.close()
        posts = len(fake.posts)
        assert run_cli(["outbox", "relance", "1"], workdir=tmp_path, env=env).returncode == 0
        assert drained(bot) == {"pending": 0, "sent": 2, "dead": 0, "dropped": 0}
        assert len(fake.posts) == posts and len(fake.posts_to("dominique.exemple")) == 1
        metrics = httpx.get(f"{bot.url}/metrics", timeout=5).text
        assert 'animation_outbox_messages{state="dropped"} 0.0' in metrics
    finally:
        bot.stop()
        fake.stop()
    assert SECRET not in bot.log.read_text(encoding="utf-8")
