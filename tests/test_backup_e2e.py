"""`animation-bot backup` and `restore` end to end: the real service takes requests while it
is backed up; stopped, its state wiped and restored, it starts again with every request
of the backup, each button still working, and the messages that were waiting go out,
each once. PostgreSQL: the pg_dump and pg_restore commands printed, run as they are."""

from __future__ import annotations

import shlex
import shutil
import sqlite3
import subprocess
import threading
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store.backup import DATABASE, MATRIX
from bot.store.engine import migrate, schema_revisions
from bot.store.requests import SqlStore
from tests.conftest import REGISTRY
from tests.fake_mattermost import FakeMattermost
from tests.live import LiveBot, connected_env, drained, free_port, run_cli, start_bot
from tests.mattermost import buttons_of, click_button, parse_command_response, send_command
from tests.stores import DRAFT, PG_URL, empty_engine, messages

pytestmark = pytest.mark.slow  # starts real processes

TOKEN = "bkp-" + "k" * 22
SECRET = "h2-S3CRET-sauvegarde-41d7"


def ask(bot: LiveBot, number: int) -> None:
    text = f"demande convention aides territoires : objet {number}"
    reply = parse_command_response(
        send_command(bot.url, text, token=TOKEN, trigger_id=f"trigger-{number}")
    )
    assert "est enregistrée" in str(reply["text"]), reply


def numbers(posts: list[dict[str, object]]) -> Counter[str]:
    return Counter(str(p["message"]).split("n° ")[1].split(" ")[0] for p in posts)


def a_matrix_store(folder: Path) -> None:
    folder.mkdir()
    (folder / "session.json").write_text('{"device_id": "DEVICE"}', encoding="utf-8")
    keys = sqlite3.connect(folder / "@bot:localhost_DEVICE.db")
    with keys:
        keys.execute("CREATE TABLE accounts (device TEXT)")
        keys.execute("INSERT INTO accounts VALUES ('DEVICE')")
    keys.close()


def backed_up_while_taking_requests(
    bot: LiveBot, workdir: Path, env: dict[str, str], out: Path
) -> Path:
    stop = threading.Event()

    def keep_asking() -> None:  # until the backup is done (a bound all the same)
        for number in range(100, 200):
            if stop.is_set():
                return
            ask(bot, number)

    asking = threading.Thread(target=keep_asking)
    asking.start()
    try:
        result = run_cli(["backup", "--out", str(out)], workdir=workdir, env=env)
    finally:
        stop.set()
        asking.join()
    assert result.returncode == 0, result.stderr
    assert "Elle contient des données personnelles" in result.stdout
    (folder,) = out.iterdir()
    return folder


def test_backed_up_while_it_runs_then_restored_and_it_goes_on(tmp_path: Path) -> None:
    workdir = tmp_path / "state"
    workdir.mkdir()
    shutil.copy(REGISTRY, workdir / "referents.yaml")
    a_matrix_store(workdir / "matrix")
    fake = FakeMattermost().start()
    port = free_port()
    env = connected_env(
        workdir,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        port=port,
        command_token=TOKEN,
        ANIMATION_MATRIX_STORE=str(workdir / "matrix"),
    )
    bot = start_bot(workdir=workdir, env=env, port=port)
    try:
        for number in range(3):
            ask(bot, number)
        drained(bot)
        fake.stop()  # Mattermost down: the messages of the next requests wait
        for number in range(3, 5):
            ask(bot, number)
        folder = backed_up_while_taking_requests(bot, workdir, env, tmp_path / "saves")
    finally:
        bot.stop()
    copy = sqlite3.connect(folder / DATABASE)
    (requests,) = copy.execute("SELECT count(*) FROM requests").fetchone()
    per_request = copy.execute("SELECT count(*) FROM outbox GROUP BY request_id").fetchall()
    copy.close()
    assert requests >= 5 and per_request == [(2,)] * requests  # one snapshot: whole requests

    for path in [*workdir.glob("animation.db*"), workdir / "matrix"]:
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    restored = run_cli(["restore", "--from", str(folder)], workdir=workdir, env=env)
    assert restored.returncode == 0, restored.stderr
    assert "restaurée" in restored.stdout
    assert (workdir / "matrix" / "session.json").read_text() == '{"device_id": "DEVICE"}'

    fake.start()
    bot = start_bot(workdir=workdir, env=env, port=port)
    try:
        assert drained(bot)["pending"] == 0
        every = {str(n): 1 for n in range(1, requests + 1)}
        assert numbers(fake.posts_to("dominique.exemple")) == every
        assert numbers(fake.posts_to("alice")) == every
        mine = str(
            parse_command_response(send_command(bot.url, "mes-demandes", token=TOKEN))["text"]
        )
        assert f"n° {requests} · Convention" in mine  # the latest first
        first = fake.posts_to("dominique.exemple")[0]
        claimed = click_button(
            buttons_of(first)["claim"], user="dominique.exemple", post_id=first["id"]
        )
        assert "tu t'occupes de la demande" in claimed["ephemeral_text"]
        ask(bot, 200)
        drained(bot)
        assert numbers(fake.posts_to("alice"))[str(requests + 1)] == 1
    finally:
        bot.stop()
        fake.stop()


def command_line(output: str, program: str) -> list[str]:
    (line,) = [line for line in output.splitlines() if line.strip().startswith(program + " ")]
    return shlex.split(line)


@pytest.mark.skipif(not PG_URL, reason="ANIMATION_TEST_DATABASE_URL is not set")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_postgresql_with_the_pg_dump_and_pg_restore_said(tmp_path: Path) -> None:
    engine = empty_engine("postgresql", tmp_path)
    migrate(engine)
    SqlStore(engine).create(replace(DRAFT, details=SECRET), nonce="p", messages_for=messages)
    url = make_url(str(PG_URL)).set(password="h2-hunter2")
    env = {
        "ANIMATION_DATABASE_URL": url.render_as_string(hide_password=False),
        "ANIMATION_MATRIX_STORE": str(tmp_path / "no-store"),
    }
    saved = run_cli(["backup", "--out", str(tmp_path / "saves")], workdir=tmp_path, env=env)
    assert saved.returncode == 0, saved.stderr
    assert "h2-hunter2" not in saved.stdout + saved.stderr
    (folder,) = (tmp_path / "saves").iterdir()
    assert not (folder / MATRIX).exists()
    subprocess.run(command_line(saved.stdout, "pg_dump"), check=True, timeout=60)
    empty_engine("postgresql", tmp_path).dispose()  # every table dropped
    said = run_cli(["restore", "--from", str(folder)], workdir=tmp_path, env=env)
    assert said.returncode == 0, said.stderr
    assert "h2-hunter2" not in said.stdout + said.stderr
    subprocess.run(command_line(said.stdout, "pg_restore"), check=True, timeout=60)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT details FROM requests")).scalars().all() == [SECRET]
        assert (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == schema_revisions(engine)[1]
        )
    engine.dispose()
