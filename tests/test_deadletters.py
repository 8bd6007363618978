"""Dead letters on real SQLite and real PostgreSQL: listed without their text, sent again
with their key and first attempt kept (so that the notifier looks before posting), or
dropped and still counted; nothing but a dead letter is ever touched."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, update

from bot.core.ports import DeliveryError
from bot.core.requests.model import Request
from bot.mattermost.client import MattermostClient
from bot.service.worker import Worker
from bot.store.deadletters import MASKED, SqlDeadLetters, shown
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from bot.store.tables import outbox as outbox_table
from tests.fake_mattermost import FakeMattermost
from tests.fakes import FakeClock, RecordingNotifier
from tests.stores import ALL, BACKENDS, DRAFT, NOW, fresh_engine, messages

LEASE = timedelta(seconds=20)
BOT = Path(__file__).resolve().parent.parent / "bot"
SECRET = "h2-SECRET-d3tails-9f1c"
REFUSED = DeliveryError("NotEnoughPermissions", retryable=False, status=403)


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from fresh_engine(request.param, tmp_path)


def dead_letter(engine: Engine) -> tuple[SqlOutbox, Request]:
    """A request with a secret in its details; its first message tried, then refused for
    good; the second still pending."""
    request, _ = SqlStore(engine).create(
        replace(DRAFT, details=SECRET), nonce="d", messages_for=messages
    )
    outbox = SqlOutbox(engine)
    first, second = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    assert outbox.sending(first, now=NOW, until=NOW + LEASE)
    assert outbox.dead(first, error="403: NotEnoughPermissions")
    outbox.release([second], at=NOW)
    return outbox, request


def test_dead_letters_are_listed_without_their_text(engine: Engine) -> None:
    _, request = dead_letter(engine)
    (letter,) = SqlDeadLetters(engine).listing()
    assert (letter.platform, letter.kind, letter.request_id) == ("mattermost", "send", request.id)
    assert (letter.attempts, letter.created_at, letter.last_due) == (1, NOW, NOW)
    assert letter.error == "403: NotEnoughPermissions"
    assert SECRET not in repr(letter) and "pour camille" not in repr(letter)


def test_a_letter_sent_again_is_due_now_with_its_key_and_first_attempt(engine: Engine) -> None:
    outbox, _ = dead_letter(engine)
    letters = SqlDeadLetters(engine)
    (letter,) = letters.listing()
    later = NOW + timedelta(hours=3)
    with engine.connect() as connection:
        query = outbox_table.select().where(outbox_table.c.id == letter.id)
        row = connection.execute(query).one()
    assert letters.retry([letter.id], now=later) == [letter.id]
    assert letters.listing() == []
    assert outbox.counts() == {"pending": 2, "sent": 0, "dead": 0, "dropped": 0}
    again = {item.id: item for item in outbox.claim(now=later, lease=LEASE, platforms=ALL)}
    item = again[letter.id]
    assert (item.key, item.tried_at, item.attempts) == (row.key, NOW, 0)


def test_only_dead_letters_are_sent_again_or_dropped(engine: Engine) -> None:
    outbox, _ = dead_letter(engine)
    letters = SqlDeadLetters(engine)
    (dead,) = letters.listing()
    (held,) = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)  # the second, held
    assert letters.retry([held.id, 999], now=NOW) == []
    assert letters.drop([held.id, 999]) == []
    assert outbox.sending(held, now=NOW, until=NOW + LEASE)  # its claim still holds it
    assert outbox.sent(held, now=NOW)
    assert letters.retry([held.id], now=NOW) == [] and letters.drop([held.id]) == []
    assert (letters.status_of(held.id), letters.status_of(dead.id)) == ("sent", "dead")
    assert letters.status_of(999) is None


def test_a_dropped_letter_is_kept_counted_and_never_sent(engine: Engine) -> None:
    outbox, _ = dead_letter(engine)
    letters = SqlDeadLetters(engine)
    (letter,) = letters.listing()
    assert letters.drop([letter.id]) == [letter.id]
    assert letters.drop([letter.id]) == [] and letters.retry([letter.id], now=NOW) == []
    assert letters.status_of(letter.id) == "dropped"
    assert outbox.counts() == {"pending": 1, "sent": 0, "dead": 0, "dropped": 1}
    assert [i.id for i in outbox.claim(now=NOW, lease=LEASE, platforms=ALL)] == [letter.id + 1]


def test_all_dead_letters_at_once(engine: Engine) -> None:
    outbox, _ = dead_letter(engine)
    (second,) = outbox.claim(now=NOW, lease=LEASE, platforms=ALL)
    assert outbox.dead(second, error="no Mattermost account for this person")
    letters = SqlDeadLetters(engine)
    assert [letter.error for letter in letters.listing()] == [
        "403: NotEnoughPermissions",
        "no Mattermost account for this person",
    ]
    assert letters.retry_all(now=NOW) == [second.id - 1, second.id]
    assert letters.retry_all(now=NOW) == []


def test_the_worker_delivers_a_letter_sent_again_once_told_of_its_first_attempt(
    engine: Engine,
) -> None:
    SqlStore(engine).create(replace(DRAFT, details=SECRET), nonce="w", messages_for=messages)
    notifier = RecordingNotifier(failures=[REFUSED])
    clock = FakeClock(NOW)
    worker = Worker(SqlOutbox(engine), {"mattermost": notifier}, clock)
    assert worker.run_once() == 2
    letters = SqlDeadLetters(engine)
    (letter,) = letters.listing()
    clock.moment = NOW + timedelta(days=2)
    assert letters.retry([letter.id], now=clock.now()) == [letter.id]
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert len(notifier.delivered) == 2 and notifier.tried == [None, NOW]
    assert SqlOutbox(engine).counts() == {"pending": 0, "sent": 2, "dead": 0, "dropped": 0}


@pytest.mark.parametrize(
    "written",
    [
        "403: NotEnoughPermissions",
        "429: HTTP 429",
        "HTTP None",
        "ReadTimeout",
        "unexpected KeyError",
        "409: LocalProtocolError",
        "404: M_NOT_FOUND 404",
        "error None",
        "the post to update is on another platform",
        "no Tchap account for this person",
        "Matrix not connected yet",
    ],
)
def test_errors_the_bot_writes_are_shown(written: str) -> None:
    assert shown(written) == written


@pytest.mark.parametrize(
    "written",
    [
        "400: Invalid RootId parameter.",  # a server's words, kept by earlier versions
        f"400: {SECRET}",
        "No such room with id !abc:localhost found.",
        "convention signée avec la DGCL",
        "x" * 200,
        "404: Unable to find user alice martin",  # letters only, a person in them
        "Camille Exemple",
    ],
)
def test_other_errors_are_masked(written: str) -> None:
    assert shown(written) == MASKED


def test_every_sentence_the_bot_writes_as_an_error_is_shown() -> None:
    """The sentences are listed one by one (`SENTENCES`): a new one must be added there."""
    source = "".join(path.read_text(encoding="utf-8") for path in BOT.rglob("*.py"))
    written = set(re.findall(r'DeliveryError\(\s*"([^"{}]+)"', source))
    assert written and all(shown(sentence) == sentence for sentence in written), written


def test_an_error_from_an_earlier_version_is_masked_in_the_list(engine: Engine) -> None:
    dead_letter(engine)
    with engine.begin() as connection:
        connection.execute(update(outbox_table).values(last_error=f"400: « {SECRET} »"))
    assert [letter.error for letter in SqlDeadLetters(engine).listing()] == [MASKED]


def test_a_server_s_words_go_to_the_detail_never_to_the_error_stored() -> None:
    fake = FakeMattermost(failing=400).start()
    try:
        client = MattermostClient(fake.url, fake.token, timeout=2)
        with pytest.raises(DeliveryError) as raised:
            client.create_post("c" * 26, SECRET, props={}, pending_id="k")
    finally:
        fake.stop()
    assert (str(raised.value), raised.value.status) == ("InvalidOrMissingParameters", 400)
    assert raised.value.detail == "fake.failure"  # the body's message, for `install` only
    assert shown(f"400: {raised.value}") == "400: InvalidOrMissingParameters"
