"""The Mattermost side of the bot in process, wired like `bot.app` but with a clock the
tests move, talking to a real (fake) Mattermost server: forms, buttons, deliveries."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.desk import Desk
from bot.core.people import Account
from bot.core.registry.catalog import Catalog
from bot.core.signing import Signer
from bot.mattermost.buttons import Buttons
from bot.mattermost.client import MattermostClient
from bot.mattermost.interactions import Interactions
from bot.mattermost.notifier import MattermostNotifier
from bot.mattermost.render import MattermostRenderer
from bot.mattermost.tokens import Tokens
from bot.service.inbound import Inbound
from bot.service.reloader import RegistryHolder
from bot.service.worker import Worker
from bot.store.engine import make_engine, migrate
from bot.store.outbox import SqlOutbox
from bot.store.requests import SqlStore
from tests.conftest import CATALOG
from tests.fake_mattermost import FakeMattermost, user_id_for
from tests.fakes import FakeClock
from tests.registries import edit

TWO_REFERENTS = {20: "    referents: [camille, dominique]"}
WITH_SACHA = {
    **TWO_REFERENTS,
    17: "    mattermost: dominique.exemple\n"
    "  - id: sacha\n    name: Sacha\n    mattermost: sacha.exemple",
}


@dataclass
class World:
    interactions: Interactions
    holder: RegistryHolder
    worker: Worker
    fake: FakeMattermost
    store: SqlStore
    clock: FakeClock
    tokens: Tokens


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
    tokens = Tokens(Signer("k" * 32), clock)
    buttons = Buttons(tokens, "http://bot/mattermost/action")
    renderer = MattermostRenderer(lambda: holder.directory.registry)
    notifier = MattermostNotifier(client, book=store, buttons=buttons, renderer=renderer)
    worker = Worker(SqlOutbox(engine), {"mattermost": notifier}, clock)
    service = Inbound(
        holder=holder,
        desk=Desk(store, store, clock, ("mattermost",)),
        clock=clock,
        book=store,
        accounts={"mattermost": client},
    )
    interactions = Interactions(
        service=service,
        tokens=tokens,
        buttons=buttons,
        renderer=renderer,
        client=client,
        dialog_url="http://bot/mattermost/dialog",
    )
    yield World(interactions, holder, worker, fake, store, clock, tokens)
    fake.stop()
    engine.dispose()


ALICE = Account("mattermost", user_id_for("alice"), "alice")


def open_and_submit(
    world: World, submission: dict[str, Any], *, later: timedelta = timedelta()
) -> dict[str, Any]:
    category = world.holder.directory.registry.categories["convention"]
    opened = asyncio.run(world.interactions.open_form(category, who=ALICE, trigger_id="trig"))
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


def forged(action: dict[str, Any], token: str) -> dict[str, Any]:
    return {**action, "integration": {**action["integration"], "context": {"token": token}}}
