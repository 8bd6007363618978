"""Tchap round trips on this machine, against a real Synapse. Prints a table.

    python bench/matrix_bench.py [--rounds 200]

Starts Synapse (from PyPI, SQLite, as the tests do) and `animation-bot serve` with
Matrix on, then, once both are warm (Synapse's cold start and the first key exchange
excluded), times from the moment a person's client sends until the answer arrives,
decrypted, in that person's client (a real nio client with encryption):
0. the floor: a message from one person to another in an encrypted direct room;
1. `qui …` in an encrypted direct room with the bot (12 queries in rotation);
2. `!animation qui …` in a room without encryption;
3. `demande …` inline in the direct room, until the co-animator's client has the
   request in its own encrypted direct room with the bot (through the outbox).
Needs `pip install -e ".[test]"` (matrix-synapse).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nio import RoomCreateResponse

from tests.matrix_people import ENCRYPTED, Person
from tests.synapse import new_synapse
from tests.test_matrix_e2e import Tchap, start_tchap

QUERIES = (
    "domifa",
    "aides territoires",
    "anct",
    "démarche numérique",
    "signal conso",
    "france vae",
    "l'équipe mon suivi justice",
    "rnb",
    "agorassociations",
    "tps",
    "domifaa",
    "une équipe qui n'existe pas",
)
WARM_UP = 10
PEOPLE = 6  # who write to the bot in turn
PACE = 1.1 / PEOPLE  # seconds from one command to the next: under a message a second each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="commands per measure")
    args = parser.parse_args()
    logging.getLogger("nio").setLevel(logging.ERROR)  # key-sharing chatter of the clients
    with tempfile.TemporaryDirectory(prefix="animation-matrix-bench-") as folder:
        home = Path(folder)
        synapse = new_synapse(home / "synapse").start()
        tchap = None
        try:
            (home / "bot").mkdir()
            tchap = start_tchap(synapse, home / "bot", "bench")
            rows = asyncio.run(_measure(tchap, args.rounds))
        finally:
            if tchap is not None:
                tchap.bot.stop()
            synapse.stop()
    print("| round trip | rounds | median ms | p95 ms | max ms |")
    print("| --- | --- | --- | --- | --- |")
    for label, times in rows:
        cuts = statistics.quantiles(times, n=20)
        print(
            f"| {label} | {len(times)} | {statistics.median(times):.0f} | {cuts[18]:.0f} "
            f"| {max(times):.0f} |"
        )


async def _measure(tchap: Tchap, rounds: int) -> list[tuple[str, list[float]]]:
    for n in range(PEOPLE - 1):
        tchap.users[f"p{n}"] = tchap.synapse.register(f"p{n}-bench")
    people = [await tchap.person(name) for name in ("alice", *(f"p{n}" for n in range(PEOPLE - 1)))]
    direct = [await someone.direct_room(tchap.bot_id) for someone in people]
    rooms = [await someone.room(tchap.bot_id) for someone in people]
    dominique = await tchap.person("dominique")

    def asking(where: list[str], prefix: str) -> Callable[[int], Awaitable[None]]:
        async def ask(turn: int) -> None:
            someone, room = people[turn % PEOPLE], where[turn % PEOPLE]
            before = len(someone.received)
            await someone.say(room, prefix + "qui " + QUERIES[turn % len(QUERIES)])
            said = await someone.answer(room, after=before)
            assert "trop vite" not in said.body, "over the rate limit: pace slower"

        return ask

    async def request(turn: int) -> None:
        before = len(dominique.received)
        await people[turn % PEOPLE].say(direct[turn % PEOPLE], f"demande convention anct : {turn}")
        await dominique.answer(None, after=before)

    zoe = await tchap.person("zoe")
    floor = await _floor(people[0], zoe)
    rows = [
        ("floor: a message between two people, encrypted (one hop)", await _timed(floor, rounds)),
        ("`qui`, encrypted direct room", await _timed(asking(direct, ""), rounds)),
        (
            "`!animation qui`, room without encryption",
            await _timed(asking(rooms, "!animation "), rounds),
        ),
        ("`demande` → co-animator's encrypted DM", await _timed(request, max(rounds // 5, 20))),
    ]
    await _close(*people, dominique, zoe)
    return rows


async def _floor(alice: Person, zoe: Person) -> Callable[[int], Awaitable[None]]:
    """Synapse and the clients alone: a command to the bot and its answer are two such hops."""
    created = await alice.nio.room_create(
        is_direct=True, invite=[zoe.user_id], initial_state=[ENCRYPTED]
    )
    assert isinstance(created, RoomCreateResponse), created
    room = created.room_id
    await zoe.until(lambda: room in zoe.nio.rooms, what="the invitation")
    await alice.until(lambda: zoe.user_id in alice.members(room), what="zoe to join")

    async def hop(turn: int) -> None:
        before = len(zoe.received)
        await alice.say(room, f"bonjour {turn}")
        await zoe.answer(room, after=before)

    return hop


async def _timed(action: Callable[[int], Awaitable[None]], rounds: int) -> list[float]:
    """Each command's round trip; commands spaced so that nobody goes over the bot's rate
    limit (one message a second per person, sustained), the spacing not counted."""
    times = []
    for turn in range(-WARM_UP, rounds):
        start = time.perf_counter()
        await action(turn)
        elapsed = time.perf_counter() - start
        if turn >= 0:
            times.append(elapsed * 1000)
        await asyncio.sleep(max(0.0, PACE - elapsed))
    return times


async def _close(*people: Person) -> None:
    for someone in people:
        await someone.close()


if __name__ == "__main__":
    main()
