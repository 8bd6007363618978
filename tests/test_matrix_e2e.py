"""The bot on Tchap, end to end: `animation-bot serve` against a real Synapse, and people
writing to it with real encrypted clients."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REGISTRY
from tests.live import LiveBot, health, start_bot
from tests.matrix_people import Person, person, run
from tests.synapse import Synapse
from tests.waiting import wait_for

pytestmark = pytest.mark.slow


@dataclass
class Tchap:
    """The bot on a homeserver, and who is there: requesters and the co-animators the
    registry gives a Tchap id."""

    synapse: Synapse
    bot: LiveBot
    bot_id: str
    users: dict[str, str]  # name -> user id
    home: Path

    async def person(self, name: str) -> Person:
        user_id = self.users[name]
        return await person(
            self.synapse.url, user_id, self.synapse.users[user_id], self.home / f"people-{name}"
        )


def with_tchap(registry: str, people: dict[str, str]) -> str:
    """The shipped registry, where these co-animators also have a Tchap id."""
    for animator, user_id in people.items():
        line = f"    mattermost: {animator}\n"
        registry = registry.replace(line, f'{line}    tchap: "{user_id}"\n')
    return registry


def matrix_env(synapse: Synapse, workdir: Path, bot_id: str) -> dict[str, str]:
    return {
        "ANIMATION_COMMAND_TOKENS": "mx-" + "k" * 22,
        "ANIMATION_REGISTRY": str(workdir / "referents.yaml"),
        "ANIMATION_SECRET": "s" * 32,
        "ANIMATION_MATRIX_HOMESERVER": synapse.url,
        "ANIMATION_MATRIX_USER": bot_id,
        "ANIMATION_MATRIX_PASSWORD": synapse.users[bot_id],
        "ANIMATION_MATRIX_STORE": str(workdir / "matrix-store"),
        "ANIMATION_RETRY_MAX_DELAY": "0.5",
        "ANIMATION_MATTERMOST_TIMEOUT": "2",
        "ANIMATION_OUTBOX_LEASE": "3",
    }


def start_tchap(synapse: Synapse, workdir: Path, tag: str) -> Tchap:
    users = {
        name: synapse.register(f"{name}-{tag}") for name in ("alice", "sacha", "dominique", "zoe")
    }
    bot_id = synapse.register(f"bot-{tag}")
    shipped = REGISTRY.read_text(encoding="utf-8")
    people = {"sacha.exemple": users["sacha"], "dominique.exemple": users["dominique"]}
    (workdir / "referents.yaml").write_text(with_tchap(shipped, people), encoding="utf-8")
    bot = start_bot(workdir=workdir, env=matrix_env(synapse, workdir, bot_id))
    wait_for(lambda: health(bot)["matrix"]["connected"], timeout=60, what="the bot on Matrix")
    return Tchap(synapse, bot, bot_id, users, workdir)


@pytest.fixture(scope="module")
def tchap(synapse: Synapse, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tchap]:
    world = start_tchap(synapse, tmp_path_factory.mktemp("tchap"), "e2e")
    yield world
    world.bot.stop()


def test_qui_in_an_encrypted_direct_room(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        room = await alice.direct_room(tchap.bot_id)
        for typed in ("qui domifa", "!animation qui domifa"):
            before = len(alice.received)
            await alice.say(room, typed)
            answer = await alice.answer(room, after=before)
            assert "L'équipe **DomiFa** est suivie par Sacha Exemple" in answer.body
            assert (
                f'<a href="https://matrix.to/#/{tchap.users["sacha"]}">Sacha Exemple</a>'
                in answer.html
            )
            assert answer.source["content"]["m.mentions"] == {}
        assert alice.undecryptable == 0
        await alice.close()

    run(talk())


def test_in_a_room_only_the_command_is_for_the_bot_and_private_answers_go_direct(
    tchap: Tchap,
) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        zoe = await tchap.person("zoe")
        room = await alice.room(tchap.bot_id, tchap.users["zoe"])
        await alice.say(room, "qui domifa")  # people talking among themselves
        before = len(alice.received)
        asked = await alice.say(room, "!animation qui domifa")
        answer = await alice.answer(room, after=before)
        assert answer.body.startswith("L'équipe **DomiFa** est suivie par Sacha Exemple")
        assert answer.source["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == asked
        assert len([s for s in alice.received if s.room == room and s.sender == tchap.bot_id]) == 1
        before = len(alice.received)
        await alice.say(room, "!animation mes-demandes")
        note = await alice.answer(room, after=before)
        assert note.body == "Je te réponds en message privé."
        elsewhere = await alice.until(
            lambda: [s for s in alice.from_(tchap.bot_id) if s.room != room],
            what="the answer in private",
        )
        assert "Tu n'as pas encore fait de demande" in elsewhere[0].body
        await zoe.until(lambda: zoe.from_(tchap.bot_id, text="privé"), what="zoe sees the note")
        assert not zoe.from_(tchap.bot_id, text="demande")  # the list stays with alice
        await alice.close()
        await zoe.close()

    run(talk())


def test_a_room_history_before_the_bot_came_is_not_answered(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        answer = await alice.nio.room_create(name="Avant le bot")
        room = str(answer.room_id)
        await alice.until(lambda: room in alice.nio.rooms, what="the new room")
        await alice.say(room, "!animation qui anct")  # before the bot is there
        await alice.nio.room_invite(room, tchap.bot_id)
        await alice.until(lambda: tchap.bot_id in alice.members(room), what="the bot to join")
        before = len(alice.received)
        await alice.say(room, "!animation contact")
        first = await alice.answer(room, after=before)
        assert first.body.startswith("Pour joindre toute l'équipe d'animation")
        assert not alice.from_(tchap.bot_id, text="Incubateur des Territoires")
        await alice.close()

    run(talk())


def test_a_request_asked_step_by_step_then_claimed_and_closed_by_reactions(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        sacha = await tchap.person("sacha")
        zoe = await tchap.person("zoe")
        room = await alice.direct_room(tchap.bot_id)
        said: list[str] = []
        for typed in ("demande", "1", "domifa", "La convention est bloquée", "passer", "envoyer"):
            before = len(alice.received)
            await alice.say(room, typed)
            said.append((await alice.answer(room, after=before)).body)
        assert said[0].startswith(
            "Quel est le sujet de ta demande ? Réponds par le numéro ou par son nom :"
        )
        assert said[1].endswith("Quelle est ton équipe, ou ton incubateur ?")
        assert said[4].startswith("Voici ta demande : **Convention, devis, service fait**")
        assert said[5].startswith("Ta demande n° ") and "envoyée à Sacha Exemple" in said[5]
        number = said[5].split("n° ")[1].split(" ")[0]

        # The co-animator's copy: an encrypted direct message, ✋ and ✅ already there.
        copy = (
            await sacha.until(
                lambda: sacha.from_(tchap.bot_id, text=f"📥 Demande n° {number}"), what="the copy"
            )
        )[0]
        assert "La convention est bloquée" in copy.body and sacha.undecryptable == 0
        await sacha.until(
            lambda: {r[3] for r in sacha.reactions if r[2] == copy.event_id} == {"✋", "✅"},
            what="the bot's reactions",
        )

        # Someone else in that room reacts: nothing happens, and they are told why.
        await sacha.nio.room_invite(copy.room, tchap.users["zoe"])
        await zoe.until(lambda: copy.room in zoe.nio.rooms, what="zoe in the room")
        await zoe.react(copy.room, copy.event_id, "✋")
        why = await zoe.until(lambda: zoe.from_(tchap.bot_id, text="ne t'a pas été transmise"))
        assert why[0].room != copy.room

        # ✋ then ✅ by the co-animator: the copy shows it, the requester is told each time.
        await sacha.react(copy.room, copy.event_id, "✋")
        await alice.until(lambda: alice.from_(tchap.bot_id, text="a pris en charge ta demande"))
        edited = await sacha.until(lambda: sacha.from_(tchap.bot_id, text="✅ Prise en charge par"))
        assert edited[0].source["content"]["m.relates_to"]["rel_type"] == "m.replace"
        assert not alice.from_(tchap.bot_id, text="Zoe")  # the stranger changed nothing
        await sacha.react(copy.room, copy.event_id, "✅")
        await alice.until(
            lambda: alice.from_(tchap.bot_id, text=f"Ta demande n° {number} est close")
        )
        await sacha.until(lambda: sacha.from_(tchap.bot_id, text="☑️ Close par"))
        for person_ in (alice, sacha, zoe):
            await person_.close()

    run(talk())


def test_an_inline_request_in_a_room_is_answered_in_private(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        dominique = await tchap.person("dominique")
        room = await alice.room(tchap.bot_id)
        before = len(alice.received)
        await alice.say(room, "!animation demande convention anct : le devis attend")
        note = await alice.answer(room, after=before)
        assert note.body == "Je te réponds en message privé."
        private = await alice.until(
            lambda: [s for s in alice.from_(tchap.bot_id, text="est enregistrée") if s.room != room]
        )
        number = private[0].body.split("n° ")[1].split(" ")[0]
        await dominique.until(
            lambda: dominique.from_(tchap.bot_id, text=f"📥 Demande n° {number}"), what="the copy"
        )
        await alice.close()
        await dominique.close()

    run(talk())


def test_the_co_animator_reassigns_by_replying_to_the_copy(tchap: Tchap) -> None:
    async def talk() -> None:
        alice = await tchap.person("alice")
        dominique = await tchap.person("dominique")
        sacha = await tchap.person("sacha")
        room = await alice.direct_room(tchap.bot_id)
        before = len(alice.received)
        await alice.say(room, "demande convention anct : à confier")
        number = (await alice.answer(room, after=before)).body.split("n° ")[1].split(" ")[0]
        copy = (
            await dominique.until(
                lambda: dominique.from_(tchap.bot_id, text=f"📥 Demande n° {number}")
            )
        )[0]
        assert "réponds à ce message : `réaffecter Prénom Nom`" in copy.body
        await dominique.say(copy.room, "réaffecter Sacha Exemple", reply_to=copy.event_id)
        await dominique.until(
            lambda: dominique.from_(tchap.bot_id, text=f"Demande n° {number} réaffectée à Sacha")
        )
        edited = dominique.from_(tchap.bot_id, text="↪️ Réaffectée à Sacha Exemple")
        assert edited[0].source["content"]["m.relates_to"]["event_id"] == copy.event_id
        await sacha.until(lambda: sacha.from_(tchap.bot_id, text=f"📥 Demande n° {number}"))
        await alice.until(lambda: alice.from_(tchap.bot_id, text="Sacha Exemple"))
        for person_ in (alice, dominique, sacha):
            await person_.close()

    run(talk())
