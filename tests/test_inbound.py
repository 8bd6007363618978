"""The inbound service, whatever the platform: it answers, apologises rather than fails,
wakes the worker when there is something to send, and lets only the right account act on
the right copy of a request."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Never

import pytest
from sqlalchemy import text

from bot.core.desk import Desk
from bot.core.people import Account
from bot.core.ports import Post
from bot.service.inbound import Click, Inbound, Typed
from bot.service.logs import JsonFormatter
from bot.service.metrics import Metrics
from bot.service.reloader import RegistryHolder
from bot.store.engine import make_engine, migrate
from bot.store.requests import SqlStore
from tests.conftest import CATALOG, REGISTRY
from tests.fakes import FakeAccounts, FakeClock, MemoryRequestStore
from tests.registries import edit

ALICE = Account("mattermost", "u-alice", "alice")
CAMILLE = Account("mattermost", "u-camille", "camille.exemple")


def inbound(
    holder: RegistryHolder,
    store: SqlStore | MemoryRequestStore,
    clock: FakeClock,
    **options: Any,
) -> Inbound:
    """The service on `store`, for a bot that serves Mattermost, where Camille has an id."""
    return Inbound(
        holder=holder,
        desk=Desk(store, store, clock, ("mattermost",)),
        clock=clock,
        book=store,
        accounts={"mattermost": FakeAccounts({"camille.exemple": CAMILLE.id})},
        **options,
    )


@dataclass
class World:
    service: Inbound
    store: MemoryRequestStore
    wakes: list[str]
    metrics: Metrics


@pytest.fixture
def world(clock: FakeClock) -> World:
    holder = RegistryHolder(registry_path=REGISTRY, catalog_dir=CATALOG, clock=clock)
    holder.load()
    store = MemoryRequestStore()
    wakes: list[str] = []
    metrics = Metrics()
    service = inbound(holder, store, clock, metrics=metrics, wake=lambda: wakes.append("wake"))
    return World(service, store, wakes, metrics)


def run(world: World, text: str, who: Account = ALICE, key: str = "") -> str:
    return asyncio.run(world.service.command(Typed(who, "channel", text, key))).text


def test_a_request_wakes_the_worker_and_a_question_does_not(world: World) -> None:
    run(world, "qui domifa")
    assert world.wakes == []
    assert "n° 1 est enregistrée" in run(world, "demande convention demarches simplifiees : x")
    assert world.wakes == ["wake"]


def test_a_failure_is_an_apology_logged_without_what_was_typed(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> Never:
        raise RuntimeError("the database is gone")

    world.store.create = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.INFO, logger="bot.command"):
        answer = run(world, "demande convention demarches simplifiees : mon secret")
    assert answer == world.service.apology()
    assert (
        answer.startswith("Oups, je n'ai pas pu aller au bout") and "dinum@beta.gouv.fr" in answer
    )
    logged = [
        (r.getMessage(), getattr(r, "subcommand", None), getattr(r, "outcome", None))
        for r in caplog.records
    ]
    assert logged == [("command failed", "demande", None), ("command", "demande", "error")]
    assert "mon secret" not in caplog.text
    assert world.wakes == []


def test_refused_commands_are_counted_without_their_text(world: World) -> None:
    world.service.refused("qui mot-de-passe", "direct")
    metrics = world.metrics.render().decode()
    assert 'animation_commands_total{outcome="refused",subcommand="qui"} 1.0' in metrics
    assert "mot-de-passe" not in metrics


def submit(world: World) -> int:
    run(world, "demande convention demarches simplifiees : x")
    return 1


def click(world: World, who: Account, post: str = "p1", action: str = "claim") -> str:
    acted = asyncio.run(
        world.service.act(
            Click(who, 1, action, "camille-exemple", post)  # type: ignore[arg-type]
        )
    )
    return acted.refused or acted.text


def test_only_the_account_the_copy_went_to_may_act_on_it(world: World) -> None:
    submit(world)
    world.store.record_post(1, "camille-exemple", Post("mattermost", "p1", CAMILLE.id, "dm"))
    assert click(world, ALICE) == "not_for_you"
    assert click(world, Account("mattermost", "u-other", "camille.exemple")) == "not_for_you"
    assert click(world, CAMILLE, post="p2") == "unknown_post"
    assert click(world, Account("matrix", CAMILLE.id, CAMILLE.id)) == "unknown_post"
    assert world.wakes == ["wake"]  # the request only: nothing was done since
    assert click(world, CAMILLE).startswith("C'est noté : tu t'occupes de la demande n° 1")
    assert world.wakes == ["wake", "wake"]


def test_nothing_sent_yet_nothing_to_act_on(world: World) -> None:
    submit(world)
    assert click(world, CAMILLE) == "unknown_post"


def test_a_copy_without_its_recipient_asks_the_platform_who_it_went_to(world: World) -> None:
    submit(world)
    world.store.record_post(1, "camille-exemple", Post("mattermost", "p1", None))
    assert click(world, ALICE) == "not_for_you"
    assert click(world, CAMILLE).startswith("C'est noté")


def test_when_the_platform_cannot_say_the_action_is_refused(world: World) -> None:
    world.service.accounts = {"mattermost": FakeAccounts()}
    submit(world)
    world.store.record_post(1, "camille-exemple", Post("mattermost", "p1", None))
    assert click(world, CAMILLE) == "not_for_you"


def test_an_action_that_breaks_is_an_apology(world: World) -> None:
    submit(world)
    world.store.record_post(1, "camille-exemple", Post("mattermost", "p1", CAMILLE.id))

    def broken(*args: object, **kwargs: object) -> Never:
        raise RuntimeError("boom")

    world.store.replace = broken  # type: ignore[method-assign]
    assert click(world, CAMILLE) == world.service.apology()


def test_form_submissions(world: World) -> None:
    service = world.service
    outcome = asyncio.run(
        service.submit(ALICE, category_id="convention", values={"team": "plancton"}, nonce="n1")
    )
    assert set(outcome.errors) == {"team", "subject"} and outcome.request_id is None
    outcome = asyncio.run(service.submit(ALICE, category_id="disparue", values={}, nonce="n2"))
    assert outcome.error.startswith("Ce type de demande n'existe plus")
    outcome = asyncio.run(
        service.submit(
            ALICE, category_id="convention", values={"team": "anct", "subject": "x"}, nonce="n3"
        )
    )
    assert outcome == type(outcome)(request_id=1)
    assert world.wakes == ["wake"]


TOPIC_CATEGORY = (
    "  - id: marche\n"
    "    label: Question sur un marché\n"
    "    description: Une question sur un marché public.\n"
    "    routing: topic\n"
    "    topic: marches-publics\n"
    "    fields: [subject]\n"
)


@pytest.mark.parametrize(
    ("category", "values", "where"),
    [
        ("convention", {"team": "aides territoires", "subject": "x"}, "team"),
        ("marche", {"subject": "x"}, ""),
    ],
)
def test_a_refused_routing_lands_where_the_form_shows_it(
    tmp_path: Path, clock: FakeClock, category: str, values: dict[str, str], where: str
) -> None:
    """Camille (the team's and the topic's referent) is on Tchap only: a Mattermost-only
    bot cannot reach her. The refusal goes under the field when the form has one."""
    registry = tmp_path / "r.yaml"
    registry.write_text(
        edit({13: '    tchap: "@camille:agent.tchap.gouv.fr"'}) + TOPIC_CATEGORY, encoding="utf-8"
    )
    holder = RegistryHolder(registry_path=registry, catalog_dir=CATALOG, clock=clock)
    holder.load()
    store = MemoryRequestStore()
    service = inbound(holder, store, clock)
    outcome = asyncio.run(service.submit(ALICE, category_id=category, values=values, nonce="n"))
    refusal = "Je ne peux pas joindre Camille Exemple depuis ici : écris à l'équipe d'animation"
    if where:
        assert outcome.errors[where].startswith(refusal) and not outcome.error
    else:
        assert outcome.error.startswith(refusal) and not outcome.errors
    assert store.requests == {}


def test_a_database_failure_logs_no_value_of_the_request(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """The outbox table gone: the request's insert fails with its texts as parameters; the
    log says what failed, never with what."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE outbox"))
    holder = RegistryHolder(registry_path=REGISTRY, catalog_dir=CATALOG, clock=clock)
    holder.load()
    store = SqlStore(engine)
    service = inbound(holder, store, clock)
    typed = Typed(ALICE, "direct", "demande convention domifa : licenciement de Bob Martin")
    with caplog.at_level(logging.INFO):
        answer = asyncio.run(service.command(typed)).text
    assert answer == service.apology()
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    # What failed is there to read (the class, the code, the statement), not the message.
    assert "sqlite3.OperationalError (SQLITE_ERROR)" in logged
    assert "[SQL: INSERT INTO outbox" in logged
    for secret in ("Bob Martin", "licenciement", "u-alice", "domifa"):
        assert secret not in logged
    engine.dispose()
