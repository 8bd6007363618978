"""No personal data in any log line, whatever fails: the real bot (`serve` under uvicorn),
markers typed into every field, then every failure path in turn (Mattermost down, 5xx, 429,
4xx, slow, quoting the request in its errors; the registry broken on reload; the database
read-only or cut off; malformed and interrupted bodies), and the whole log searched for every
marker, also folded and URL- or JSON-encoded. Metrics and /healthz too."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.service.logs import WITHHELD
from tests.fake_mattermost import FakeMattermost
from tests.hostile_typing import Person
from tests.hostile_world import (
    ANIMATOR_USERNAME,
    CLICKER,
    REQUESTER,
    QuotingMattermost,
    Relay,
    leaked,
    registry_with_our_animator,
    sqlite_read_only,
)
from tests.live import LiveBot, connected_env, drained, free_port, health, run_cli, start_bot
from tests.stores import PG_URL, empty_engine
from tests.waiting import wait_for

pytestmark = pytest.mark.slow  # starts real processes

TOKEN = "pd-" + "k" * 23
SECRET = "s" * 32  # as `connected_env` sets it: the tests sign forms and buttons with it
# The bot's own sessions (by their application name), not the other tests' ones.
TERMINATE = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
READ_ONLY = "default_transaction_read_only"
# The bot's own sessions (by their application name), not those of other tests.
TERMINATE = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"
READ_ONLY = "default_transaction_read_only"
USERS = ("alice", "camille.exemple", "dominique.exemple", "alex.exemple", "sacha.exemple")


@pytest.fixture
def fake() -> Iterator[QuotingMattermost]:
    server = QuotingMattermost(usernames=(*USERS, REQUESTER, CLICKER, ANIMATOR_USERNAME))
    server.start()
    yield server
    server.stop()


def start(workdir: Path, fake: FakeMattermost, **more: str) -> tuple[LiveBot, Person]:
    registry_with_our_animator(workdir)
    port = free_port()
    env = connected_env(
        workdir,
        mattermost_url=fake.url,
        mattermost_token=fake.token,
        port=port,
        command_token=TOKEN,
        ANIMATION_MATTERMOST_TIMEOUT="1",
        ANIMATION_TRIAGE_CHANNEL_ID="t" * 26,
        ANIMATION_RELOAD_INTERVAL="0.2",
        **more,
    )
    assert env["ANIMATION_SECRET"] == SECRET
    bot = start_bot(workdir=workdir, env=env, port=port)
    return bot, Person(bot, TOKEN, SECRET)


def logged(bot: LiveBot) -> list[dict[str, object]]:
    lines = bot.log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def saying(bot: LiveBot, message: str, **fields: object) -> Callable[[], bool]:
    def said() -> bool:
        return any(
            line["message"] == message and fields.items() <= line.items() for line in logged(bot)
        )

    return said


def first_copy(fake: FakeMattermost) -> str:
    """The id of the first request's copy, which the co-animator who follows ANCT got."""
    return str(wait_for(lambda: fake.posts_to("dominique.exemple"), what="the copy")[0]["id"])


def mattermost_failing(person: Person, fake: QuotingMattermost, bot: LiveBot) -> None:
    """Down, then each kind of refusal, then slow, then quoting the request in its errors."""
    fake.stop()
    person.requests()
    wait_for(saying(bot, "delivery failed, will retry", status=None), what="Mattermost down")
    fake.start()
    for status in (500, 429, 400, 403, 404):
        fake.failing = status
        fake.refused.clear()
        person.requests()
        wait_for(lambda: sum(fake.refused.values()) > 0, what=f"calls refused with {status}")
        fake.failing = None
    fake.hold_after = len(fake.posts)  # posts stored, their answers held: the bot times out
    person.requests()
    wait_for(fake.holding.is_set, what="a post held")
    fake.hold_after = None
    fake.release.set()
    for status, bare in ((500, False), (400, False), (502, True)):
        fake.quoting, fake.bare = status, bare
        person.requests()
        wait_for(lambda: fake.quoted > 3, what="errors quoting the request")
        fake.quoting, fake.quoted = None, 0
    drained(bot, timeout=60)


def registry_broken(person: Person, bot: LiveBot, workdir: Path, post_id: str) -> None:
    path = workdir / "referents.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("version: 1", "version: 2"), encoding="utf-8")
    wait_for(lambda: health(bot)["registry"]["last_error"], what="the reload refused")
    person.requests()
    person.clicks(1, post_id, last="claim")
    path.write_text(good, encoding="utf-8")
    wait_for(lambda: health(bot)["registry"]["last_error"] is None, what="the registry back")


def store_failing(
    person: Person, fake: FakeMattermost, bot: LiveBot, post_id: str, fail: Callable[[], None]
) -> None:
    """Messages waiting when the store fails: the worker sends them, then cannot record it;
    and everything people do meanwhile."""
    fake.failing = 503
    person.requests()
    wait_for(lambda: fake.refused[503] > 0, what="messages left waiting")
    fail()
    fake.failing = None
    wait_for(saying(bot, "outbox worker failed; retrying"), timeout=30, what="the worker failing")
    person.requests()
    person.clicks(1, post_id, last="close")
    wait_for(saying(bot, "action failed"), what="a click failing on the store")


def assert_nothing_personal(bot: LiveBot) -> None:
    outside = httpx.get(f"{bot.url}/metrics", timeout=5).text + json.dumps(health(bot))
    assert leaked(outside) == []
    bot.stop()
    log = bot.log.read_text(encoding="utf-8")
    assert leaked(log) == [], [line for line in log.splitlines() if leaked(line)][:3]
    lines = logged(bot)
    assert len(lines) == len([line for line in log.splitlines() if line.strip()])  # all JSON
    said = {str(line["message"]) for line in lines}
    assert {"form submission failed", "command failed", "registry reload refused"} & said
    assert sum("request interrupted" in message for message in said) == 1
    assert WITHHELD in said  # mattermostdriver's lines were there, and withheld


def test_every_failure_on_sqlite_leaves_no_personal_data(
    tmp_path: Path, fake: QuotingMattermost
) -> None:
    bot, person = start(tmp_path, fake)
    try:
        person.requests()
        post_id = first_copy(fake)
        person.clicks(1, post_id)
        person.malformed()
        drained(bot)
        mattermost_failing(person, fake, bot)
        registry_broken(person, bot, tmp_path, post_id)
        database = tmp_path / "animation.db"
        store_failing(person, fake, bot, post_id, lambda: sqlite_read_only(database, on=True))
        wait_for(saying(bot, "form submission failed"), what="a form failing on the store")
        sqlite_read_only(database, on=False)
        drained(bot, timeout=60)
        assert_nothing_personal(bot)
        env = {"ANIMATION_REGISTRY": str(tmp_path / "referents.yaml")}
        for moment, done in (("2100-01-01", "closes : 0"), ("2100-06-01", "anonymisées : 0")):
            purged = run_cli(
                ["purge", "--maintenant", moment, "--confirmer"], workdir=tmp_path, env=env
            )
            assert purged.returncode == 0 and done not in purged.stdout, purged.stdout
            assert leaked(purged.stdout + purged.stderr) == []  # the confidential ones, erased
    finally:
        bot.stop()


@pytest.mark.skipif(not PG_URL, reason="ANIMATION_TEST_DATABASE_URL is not set (PostgreSQL)")
def test_postgresql_read_only_or_cut_off_leaves_no_personal_data(
    tmp_path: Path, fake: QuotingMattermost
) -> None:
    assert PG_URL is not None
    empty_engine("postgresql", tmp_path).dispose()  # no table: the bot migrates it
    url = make_url(PG_URL)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432)).restore()
    name = f"animation-hostile-{free_port()}"
    through = url.set(host="127.0.0.1", port=relay.port, query={"application_name": name})
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")

    def read_only(on: bool) -> None:
        setting = f"SET {READ_ONLY} = on" if on else f"RESET {READ_ONLY}"
        with admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{url.database}" {setting}'))
            connection.execute(text(TERMINATE), {"name": name})  # new sessions follow it

    bot, person = start(
        tmp_path, fake, ANIMATION_DATABASE_URL=through.render_as_string(hide_password=False)
    )
    try:
        person.requests()
        post_id = first_copy(fake)
        person.malformed()
        drained(bot)
        store_failing(person, fake, bot, post_id, lambda: read_only(True))
        read_only(False)
        drained(bot, timeout=60)
        relay.cut()
        person.requests()
        person.clicks(1, post_id, last="close")
        wait_for(saying(bot, "command failed"), what="a command failing, the database away")
        relay.restore()
        drained(bot, timeout=60)
        assert_nothing_personal(bot)
    finally:
        bot.stop()
        read_only(False)
        relay.cut()
        admin.dispose()
