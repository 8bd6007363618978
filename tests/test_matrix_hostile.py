"""Hostile input through Matrix, in a direct room and in a room with others: the texts of the
Mattermost tests (10 KB, NUL, bidi, `@room`, HTML), with HTML in `formatted_body` too.
Never a crash, never a ping, never HTML that is not escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.matrix_people import Person, run
from tests.synapse import Synapse
from tests.test_matrix_e2e import Tchap, start_tchap

pytestmark = pytest.mark.slow

HOSTILE = [
    "qui " + "x" * 10_000,
    "qui \x00domifa\x00",
    "qui \u202edomifa\u202c",
    "qui @room",
    "qui <b>gras</b><script>alert(1)</script><img src=x onerror=alert(1)>",
    "demande convention <a href='javascript:alert(1)'>x</a> : @room <i>",
]
INJECTED = "<img src=x onerror=alert(1)><a href='javascript:alert(1)'>@room</a>"
RAW = ("<script", "<b>", "<img", "<i>", "<a href='javascript", "javascript:")


@pytest.fixture(scope="module")
def tchap(synapse: Synapse, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tchap]:
    world = start_tchap(synapse, tmp_path_factory.mktemp("hostile"), "hostile")
    yield world
    world.bot.stop()


async def each_answered(person: Person, room: str, prefix: str) -> None:
    for typed in HOSTILE:
        before = len(person.received)
        await person.say(room, prefix + typed, html=f"{INJECTED}{prefix}{typed}")
        said = await person.answer(room, after=before)
        assert said.source["content"]["m.mentions"] == {}
        assert "@room" not in said.body.replace("@\u200broom", "")
        # What the person typed may be echoed back to them, escaped, in a code element (a
        # request not sent, to copy again): no tag there, and no link anywhere else.
        outside_code = re.sub(r"<code>.*?</code>", "", said.html, flags=re.DOTALL)
        for raw in RAW:
            assert raw not in (outside_code if raw == "javascript:" else said.html), said.html
        assert len(said.body) <= 16_000


def test_in_a_direct_room(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        await each_answered(alice, await alice.direct_room(tchap.bot_id), "")
        await alice.close()

    run(talk())


def test_in_a_room_with_others_nobody_is_pinged(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        zoe = await tchap.person("zoe")
        room = await alice.room(tchap.bot_id, tchap.users["zoe"])
        await zoe.until(lambda: room in zoe.nio.rooms, what="zoe in the room")
        await each_answered(alice, room, "!animation ")
        await zoe.step()
        from_bot = zoe.from_(tchap.bot_id)
        assert from_bot and all(s.source["content"]["m.mentions"] == {} for s in from_bot)
        await alice.close()
        await zoe.close()

    run(talk())
