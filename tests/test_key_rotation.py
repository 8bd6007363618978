"""Rotating ANIMATION_SECRET with the real service under uvicorn, restarted on the same
address: a button signed with the old key works while both keys are listed, and is
refused in French once the old key is dropped, the request left as it was."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.mattermost.interactions import BUTTON_REFUSED
from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost
from tests.live import LiveBot, connected_env, drained, free_port, start_bot
from tests.mattermost import buttons_of, click_button, parse_command_response, send_command
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # starts real processes

TOKEN = "rot-" + "k" * 22
OLD, NEW = "o" * 43, "n" * 43
ANIMATOR = "dominique.exemple"  # Aides-territoires' referent in the shipped registry


@pytest.fixture
def fake() -> Iterator[FakeMattermost]:
    server = FakeMattermost().start()
    yield server
    server.stop()


class Deployment:
    """One bot's working directory and address, started again with other keys."""

    def __init__(self, workdir: Path, fake: FakeMattermost) -> None:
        shutil.copy(REGISTRY, workdir / "referents.yaml")
        self.workdir, self.fake, self.port = workdir, fake, free_port()

    def start(self, secret: str) -> LiveBot:
        env = connected_env(
            self.workdir,
            mattermost_url=self.fake.url,
            mattermost_token=self.fake.token,
            port=self.port,
            command_token=TOKEN,
            ANIMATION_SECRET=secret,
        )
        return start_bot(workdir=self.workdir, env=env, port=self.port)

    def stored(self, number: int) -> tuple[dict[str, Any], int]:
        """The request as stored, every column; and how many messages the outbox holds."""
        connection = sqlite3.connect(self.workdir / "animation.db")
        connection.row_factory = sqlite3.Row
        try:
            row = connection.execute("SELECT * FROM requests WHERE id = ?", (number,)).fetchone()
            (messages,) = connection.execute("SELECT COUNT(*) FROM outbox").fetchone()
        finally:
            connection.close()
        return dict(row), int(messages)


def ask_for_help(bot: LiveBot, fake: FakeMattermost, subject: str) -> dict[str, Any]:
    """A request made inline; the co-animator's direct message, with its buttons."""
    sent = len(fake.posts_to(ANIMATOR))
    text = f"demande convention aides territoires : {subject}"
    answer = parse_command_response(send_command(bot.url, text, token=TOKEN))
    assert "est enregistrée" in str(answer["text"]), answer
    post: dict[str, Any] = wait_for(lambda: fake.posts_to(ANIMATOR)[sent:])[0]
    return post


def number_of(post: dict[str, Any]) -> int:
    return int(post["message"].split("n° ")[1].split(" ")[0])


def test_old_buttons_work_during_the_rotation_and_stop_after(
    tmp_path: Path, fake: FakeMattermost
) -> None:
    deployment = Deployment(tmp_path, fake)
    before = deployment.start(OLD)
    try:
        first = ask_for_help(before, fake, "première")
        second = ask_for_help(before, fake, "seconde")
        drained(before)
    finally:
        before.stop()

    during = deployment.start(f"{NEW},{OLD}")  # the new key prepended
    try:
        claimed = click_button(buttons_of(first)["claim"], user=ANIMATOR, post_id=first["id"])
        drained(during)
    finally:
        during.stop()
    assert claimed["ephemeral_text"].startswith(
        f"C'est noté : tu t'occupes de la demande n° {number_of(first)}."
    )
    signed_by_new = buttons_of(claimed["update"])  # the copy's buttons, signed again

    after = deployment.start(NEW)  # the old key dropped
    try:
        untouched, messages = deployment.stored(number_of(second))
        refused = click_button(buttons_of(second)["claim"], user=ANIMATOR, post_id=second["id"])
        assert deployment.stored(number_of(second)) == (untouched, messages)
        closed = click_button(signed_by_new["close"], user=ANIMATOR, post_id=first["id"])
    finally:
        after.stop()
    assert refused == {"ephemeral_text": BUTTON_REFUSED["forged"]}
    assert refused["ephemeral_text"].startswith("Ce bouton n'est plus valide")
    assert (
        closed["ephemeral_text"]
        == f"Demande n° {number_of(first)} close. La personne est prévenue."
    )
    assert untouched["status"] == "open" and untouched["claimed_by"] is None
