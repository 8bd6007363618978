"""Dialogs and buttons in process, with a clock we move: expiry, reassignment, races."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.registry.catalog import Catalog
from bot.core.requests.desk import Desk
from bot.core.signing import Signer
from bot.mattermost.client import MattermostClient
from bot.mattermost.interactions import FORM_LIFETIME, Interactions
from bot.mattermost.notifier import Buttons, MattermostNotifier
from bot.service.reloader import RegistryHolder
from bot.service.worker import Worker
from bot.store.outbox import Outbox
from bot.store.requests import SqlStore, make_engine, migrate
from tests.conftest import CATALOG, FakeClock
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.test_validation import edit

TWO_REFERENTS = {20: "    referents: [camille, dominique]"}


@dataclass
class World:
    interactions: Interactions
    worker: Worker
    fake: FakeMattermost
    store: SqlStore
    clock: FakeClock


@pytest.fixture
def world(tmp_path: Path, clock: FakeClock, catalog: Catalog) -> Iterator[World]:
    registry = tmp_path / "r.yaml"
    registry.write_text(edit(TWO_REFERENTS), encoding="utf-8")
    holder = RegistryHolder(registry_path=registry, catalog_dir=CATALOG, clock=clock)
    holder.load()
    engine = make_engine(f"sqlite:///{tmp_path / 'i.db'}")
    migrate(engine)
    store = SqlStore(engine)
    fake = FakeMattermost().start()
    client = MattermostClient(fake.url, fake.token, timeout=5)
    signer = Signer("k" * 32)
    buttons = Buttons(
        book=store, signer=signer, clock=clock, action_url="http://bot/mattermost/action"
    )
    worker = Worker(Outbox(engine), MattermostNotifier(client, book=store, buttons=buttons), clock)
    interactions = Interactions(
        holder=holder,
        desk=Desk(store, clock),
        signer=signer,
        clock=clock,
        buttons=buttons,
        client=client,
        public_url="http://bot",
        wake=lambda: None,
    )
    yield World(interactions, worker, fake, store, clock)
    fake.stop()
    engine.dispose()


def open_and_submit(
    world: World, submission: dict[str, Any], *, later: timedelta = timedelta()
) -> dict[str, Any]:
    category = world.interactions.holder.directory.registry.categories["convention"]
    opened = asyncio.run(
        world.interactions.open_form(
            category, user_id=user_id_for("alice"), user_name="alice", trigger_id="trig"
        )
    )
    assert opened
    dialog = world.fake.dialogs[-1]["dialog"]
    world.clock.moment += later
    return asyncio.run(
        world.interactions.submit(
            {
                "type": "dialog_submission",
                "callback_id": dialog["callback_id"],
                "state": dialog["state"],
                "user_id": user_id_for("alice"),
                "submission": submission,
                "cancelled": False,
            }
        )
    )


def test_expired_form_is_refused(world: World) -> None:
    answer = open_and_submit(
        world,
        {"team": "aides territoires", "subject": "x"},
        later=timedelta(seconds=FORM_LIFETIME + 1),
    )
    assert answer == {"error": "Ce formulaire a expiré : relance `/animation demande`."}
    assert world.store.of_requester(user_id_for("alice")) == []


def test_cancel_closes_without_storing(world: World) -> None:
    assert asyncio.run(world.interactions.submit({"cancelled": True})) == {}


def deliver(world: World) -> None:
    while world.worker.run_once():
        pass


def dm_buttons(world: World, username: str) -> tuple[str, dict[str, Any]]:
    post = world.fake.posts_to(username)[-1]
    actions = {a["id"]: a for att in post["props"]["attachments"] for a in att["actions"]}
    return post["id"], actions


def click(
    world: World, user: str, post_id: str, action: dict[str, Any], option: str | None = None
) -> dict[str, Any]:
    context = dict(action["integration"]["context"])
    if option:
        context["selected_option"] = option
    return asyncio.run(
        world.interactions.click(
            {
                "user_id": user_id_for(user),
                "user_name": user,
                "post_id": post_id,
                "context": context,
            }
        )
    )


def test_two_animators_clicking_at_once_one_wins(world: World) -> None:
    assert open_and_submit(world, {"team": "aides territoires", "subject": "x"}) == {}
    deliver(world)
    camille_post, camille = dm_buttons(world, "camille.exemple")
    dominique_post, dominique = dm_buttons(world, "dominique.exemple")
    answers: dict[str, dict[str, Any]] = {}
    barrier = threading.Barrier(2)

    def go(user: str, post: str, action: dict[str, Any]) -> None:
        barrier.wait()
        answers[user] = click(world, user, post, action)

    threads = [
        threading.Thread(target=go, args=("camille.exemple", camille_post, camille["claim"])),
        threading.Thread(target=go, args=("dominique.exemple", dominique_post, dominique["claim"])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    texts = sorted(a["ephemeral_text"] for a in answers.values())
    assert texts[0].startswith("C'est noté : tu t'occupes de la demande")
    assert texts[1].startswith("Trop tard : @") and texts[1].endswith("s'en occupe déjà.")
    deliver(world)  # the loser's DM is updated to show who has it
    loser = (
        "camille.exemple"
        if "Trop tard" in answers["camille.exemple"]["ephemeral_text"]
        else "dominique.exemple"
    )
    assert "✅ Prise en charge par @" in world.fake.posts_to(loser)[-1]["message"]


def test_wrong_post_or_wrong_person_is_refused(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    assert click(world, "camille.exemple", "another-post", actions["claim"])[
        "ephemeral_text"
    ].startswith("Ce message ne vient pas du bot")
    assert (
        click(world, "bob", post_id, actions["close"])["ephemeral_text"]
        == "Ce bouton ne t'est pas destiné."
    )


def test_no_reassign_menu_when_nobody_else_is_there(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    assert set(actions) == {"claim", "close"}  # both animators already have it
    forged = dict(actions["close"], integration=dict(actions["close"]["integration"]))
    answer = click(world, "camille.exemple", post_id, forged)
    assert answer["ephemeral_text"].startswith("Demande n° 1 close")


def test_reassign_to_someone_new(world: World, catalog: Catalog) -> None:
    registry = world.interactions.holder.registry_path
    registry.write_text(
        edit(
            {
                **TWO_REFERENTS,
                17: "    mattermost: dominique.exemple\n"
                "  - id: sacha\n    name: Sacha\n    mattermost: sacha.exemple",
            }
        ),
        encoding="utf-8",
    )
    world.interactions.holder.refresh()
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    answer = click(world, "camille.exemple", post_id, actions["reassign"], option="sacha")
    assert answer["ephemeral_text"] == "Demande n° 1 réaffectée à @sacha.exemple."
    assert answer["update"]["props"]["attachments"] == []
    deliver(world)
    assert world.fake.posts_to("sacha.exemple")[-1]["message"].startswith("📥 Demande n° 1")
    assert "est maintenant suivie par @sacha.exemple" in world.fake.posts_to("alice")[-1]["message"]
