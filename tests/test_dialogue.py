"""Conversations on a platform that pushes events, on the shared fakes: each event handled
once, answers where they belong, requests asked step by step, reactions and replies on a
co-animator's copy, and a flood that does not hold up the others."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.desk import Desk
from bot.core.people import Account
from bot.core.ports import Post
from bot.core.requests.messages import Message, Recipient
from bot.service.dialogue import TOO_FAST, UNREADABLE, Dialogue, Reacted, Written
from bot.service.inbound import Inbound, Place
from bot.service.limits import RateLimit
from bot.service.reloader import RegistryHolder
from tests.conftest import CATALOG, REGISTRY
from tests.fakes import FakeClock, MemoryRequestStore
from tests.fakes_inbox import MemoryInbox

ZOE = Account("matrix", "@zoe:t.fr", "@zoe:t.fr")
SACHA = Account("matrix", "@sacha:t.fr", "@sacha:t.fr")
REGISTRY_WITH_TCHAP = "    mattermost: sacha.exemple\n"


@dataclass
class World:
    dialogue: Dialogue
    store: MemoryRequestStore
    inbox: MemoryInbox
    seconds: list[float]

    def sent(self) -> list[Message]:
        return self.store.outbox.messages()


@pytest.fixture
def world(tmp_path: Path, clock: FakeClock) -> World:
    registry = tmp_path / "r.yaml"
    text = REGISTRY.read_text(encoding="utf-8")
    registry.write_text(
        text.replace(REGISTRY_WITH_TCHAP, f'{REGISTRY_WITH_TCHAP}    tchap: "{SACHA.id}"\n'),
        encoding="utf-8",
    )
    holder = RegistryHolder(registry_path=registry, catalog_dir=CATALOG, clock=clock)
    holder.load()
    store = MemoryRequestStore()
    inbox = MemoryInbox(store.outbox)
    service = Inbound(
        holder=holder,
        desk=Desk(store, store, clock, ("mattermost", "matrix")),
        clock=clock,
        book=store,
        accounts={},
    )
    seconds = [0.0]
    limit = RateLimit(clock=lambda: seconds[0])
    dialogue = Dialogue(service=service, inbox=inbox, book=store, limit=limit, wake=lambda: None)
    return World(dialogue, store, inbox, seconds)


def write(
    world: World,
    text: str,
    *,
    event: str,
    who: Account = ZOE,
    where: Place = "direct",
    prefixed: bool = False,
    replying_to: str | None = None,
) -> list[Message]:
    before = len(world.sent())
    room = "!dm" if where == "direct" else "!room"
    asyncio.run(
        world.dialogue.written(Written(who, where, room, event, text, prefixed, replying_to))
    )
    return world.sent()[before:]


def test_a_command_is_answered_in_its_room_once(world: World) -> None:
    answers = write(world, "qui domifa", event="$1")
    assert [(m.to, m.reply_to) for m in answers] == [(Recipient("channel", "!dm"), "$1")]
    assert "Sacha Exemple" in answers[0].text or "\ue000" in answers[0].text
    assert write(world, "qui domifa", event="$1") == []  # delivered again: handled already


def test_what_concerns_a_person_leaves_the_room_for_their_direct_room(world: World) -> None:
    answers = write(world, "mes-demandes", event="$2", where="channel", prefixed=True)
    assert [(m.to, m.text[:30]) for m in answers] == [
        (Recipient("channel", "!room"), "Je te réponds en message privé"),
        (Recipient("user_id", ZOE.id), "Tu n'as pas encore fait de dem"),
    ]


def test_a_request_asked_in_a_room_goes_on_in_private_and_is_sent_once(world: World) -> None:
    answers = write(world, "demande mal-etre", event="$3", where="channel", prefixed=True)
    assert answers[0].text == "Je te réponds en message privé."
    assert answers[1].to == Recipient("user_id", ZOE.id)
    assert "Seule la personne que tu choisis sera prévenue" in answers[1].text
    assert "mal" not in answers[0].text  # nothing of a confidential subject in the room
    for number, typed in enumerate(["2", "1"]):
        write(world, typed, event=f"$4{number}")
    sent = write(world, "envoyer", event="$5")
    # The desk's messages only: the copy for the chosen person, the confirmation to Zoe.
    assert [(m.to.kind, m.confidential) for m in sent] == [("animator", True), ("user_id", False)]
    request = world.store.get(1)
    assert request is not None and request.confidential and request.requester == ZOE
    assert world.inbox.conversation("matrix", ZOE.id) is None  # over


def test_a_request_sent_inline_gets_one_confirmation(world: World) -> None:
    answers = write(world, "demande convention domifa : objet", event="$6")
    kinds = [(m.to.kind, m.text[:10]) for m in answers]
    assert kinds == [("animator", "📥 Demande "), ("user_id", "Ta demande")]


def test_two_types_named_are_offered_among_themselves(world: World) -> None:
    (asked,) = write(world, "demande une question sur ma convention", event="$61")
    assert asked.text.startswith("Ta demande peut être de plusieurs types :")
    assert "\n1. Question administrative ou marché public\n2. Convention, devis" in asked.text
    (team,) = write(world, "2", event="$62")
    assert team.text.endswith("Quelle est ton équipe, ou ton incubateur ?")


def test_colon_less_requests_on_tchap(world: World) -> None:
    answers = write(world, "demande convention aides territoires convention bloquée", event="$63")
    assert [m.to.kind for m in answers] == ["animator", "user_id"]
    request = world.store.get(1)
    assert request is not None and (request.team_id, request.subject) == (
        "aides-territoires",
        "convention bloquée",
    )


def copy_on_matrix(world: World) -> None:
    write(world, "demande convention domifa : objet", event="$7")
    world.store.record_post(1, "sacha-exemple", Post("matrix", "$copy", SACHA.id, "!sacha"))


def react(world: World, who: Account, key: str, event: str) -> list[Message]:
    before = len(world.sent())
    asyncio.run(world.dialogue.reacted(Reacted(who, "!sacha", event, "$copy", key)))
    return world.sent()[before:]


def test_reactions_on_the_copy_act_for_its_recipient_only(world: World) -> None:
    copy_on_matrix(world)
    refused = react(world, ZOE, "✋", "$r1")
    assert [(m.to, m.text[:30]) for m in refused] == [
        (Recipient("user_id", ZOE.id), "Cette demande ne t'a pas été t")
    ]
    assert react(world, SACHA, "👍", "$r2") == []  # not an action
    claimed = react(world, SACHA, "✋\ufe0f", "$r3")
    texts = {(m.kind, m.to.kind): m.text for m in claimed}
    assert "✅ Prise en charge" in texts[("update", "animator")]  # the copy shows it
    assert "a pris en charge ta demande n° 1" in texts[("send", "user_id")]  # requester told
    assert "tu t'occupes de la demande n° 1" in texts[("send", "channel")]
    (said,) = [m for m in claimed if m.to.kind == "channel"]
    assert said.reply_to == "$copy"  # an answer to the copy, not to the reaction
    request = world.store.get(1)
    assert request is not None and request.claimed_by == "sacha-exemple"
    assert react(world, SACHA, "✋", "$r3") == []  # the same reaction again


def test_a_reply_reassigns_the_copy(world: World) -> None:
    copy_on_matrix(world)
    answers = write(world, "réaffecter Camille Exemple", event="$8", who=SACHA, replying_to="$copy")
    assert answers[-1].text.startswith("Demande n° 1 réaffectée à")
    request = world.store.get(1)
    assert request is not None and request.assignees == ("camille-exemple",)
    other = write(world, "réaffecter Camille", event="$9", who=SACHA, replying_to="$elsewhere")
    assert other[0].text == "Ce message n'est pas une demande que je t'ai transmise."


def test_an_unreadable_message_is_answered_with_what_to_do(world: World) -> None:
    assert asyncio.run(world.dialogue.tell(ZOE, "!dm", "$u", UNREADABLE))
    assert not asyncio.run(world.dialogue.tell(ZOE, "!dm", "$u", UNREADABLE))  # once
    assert [(m.to, m.text) for m in world.sent()] == [(Recipient("channel", "!dm"), UNREADABLE)]


def test_a_flood_is_set_aside_without_holding_up_the_others(world: World) -> None:
    answered = [write(world, "contact", event=f"$f{n}") for n in range(45)]
    assert sum(1 for a in answered if a and a[0].text != TOO_FAST) == 30
    assert sum(1 for a in answered if a and a[0].text == TOO_FAST) == 1
    alice = Account("matrix", "@alice:t.fr", "@alice:t.fr")
    assert write(world, "contact", event="$other", who=alice)  # someone else: answered
    world.seconds[0] += 10  # ten seconds later, Zoe may write again
    assert write(world, "contact", event="$later")[0].text.startswith("Pour joindre")


def test_an_event_that_keeps_failing_is_set_aside_with_an_apology(world: World) -> None:
    assert "1." in write(world, "demande", event="$d")[0].text  # a guided request started
    asyncio.run(world.dialogue.failed(ZOE, "!dm", "$poison"))
    (apology,) = world.sent()[-1:]
    assert apology.reply_to == "$poison" and "recommence-la avec « demande »" in apology.text
    assert world.inbox.conversation("matrix", ZOE.id) is None  # it may be what failed
    assert world.inbox.seen("matrix", "$poison")


def test_old_marks_are_tidied_once_an_hour(world: World, clock: FakeClock) -> None:
    write(world, "aide", event="$old")
    clock.moment += timedelta(days=8)
    asyncio.run(world.dialogue.tidy())
    assert not world.inbox.seen("matrix", "$old")
    write(world, "aide", event="$recent")
    world.inbox.handled_at[("matrix", "$recent")] -= timedelta(days=8)
    clock.moment += timedelta(minutes=59)
    asyncio.run(world.dialogue.tidy())
    assert world.inbox.seen("matrix", "$recent")  # not an hour since the last time
    clock.moment += timedelta(minutes=2)
    asyncio.run(world.dialogue.tidy())
    assert not world.inbox.seen("matrix", "$recent")


def test_the_rate_limit_forgets_old_warnings() -> None:
    seconds = [0.0]
    limit = RateLimit(clock=lambda: seconds[0])
    for n in range(10_000):
        assert limit.warn(f"@p{n}:t.fr")
    seconds[0] = 61.0  # a minute on: those warnings hold nobody back any more
    assert limit.warn("@late:t.fr") and limit.warn("@p1:t.fr")
    assert len(limit._warned) <= 2
