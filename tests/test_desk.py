"""The request desk on the memory store: who is told what, on which platform; actions and
their follow-ups; each person's list."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.core.desk import Desk
from bot.core.matching.directory import Directory
from bot.core.matching.names import Entity
from bot.core.people import Account
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.requests.lifecycle import RoutingError
from bot.core.requests.messages import Message, Recipient
from bot.core.requests.model import Draft
from bot.mattermost.render import MattermostRenderer
from tests.fakes import FakeClock, MemoryRequestStore
from tests.registries import TODAY, edit

ALICE = Account("mattermost", "u-alice", "alice")
ZOE = Account("matrix", "@zoe:agent.tchap.gouv.fr", "@zoe:agent.tchap.gouv.fr")
TCHAP_ONLY = {17: '    tchap: "@dominique:agent.tchap.gouv.fr"'}  # Dominique: on Tchap only
ANCT_TEAM = Entity("incubator", "anct", "L'Incubateur des Territoires (ANCT)")
AT_TEAM = Entity("startup", "aides-territoires", "Aides-territoires")


def directory(catalog: Catalog, changes: Mapping[int, str | None] | None = None) -> Directory:
    registry = build_registry(edit(changes or {}), catalog=catalog, today=TODAY, path=Path("t"))
    return Directory.of(registry)


@pytest.fixture
def store() -> MemoryRequestStore:
    return MemoryRequestStore()


@pytest.fixture
def desk(store: MemoryRequestStore, clock: FakeClock) -> Desk:
    return Desk(store, store, clock, ("mattermost", "matrix"), triage={"mattermost": "triage"})


def ask(desk: Desk, directory: Directory, who: Account, team: Entity, nonce: str = "n") -> int:
    draft = Draft(
        directory.registry.categories["convention"], who, nonce, team=team, subject="Objet"
    )
    return desk.submit(directory, draft).request.id


def sent(store: MemoryRequestStore) -> list[tuple[str, str, Recipient]]:
    return [(m.kind, m.platform, m.to) for m in store.outbox.messages()]


def shown(directory: Directory, message: Message) -> str:
    return MattermostRenderer(lambda: directory.registry).text(message.text)


def test_everyone_is_told_where_they_are(
    desk: Desk, store: MemoryRequestStore, catalog: Catalog
) -> None:
    here = directory(catalog)
    ask(desk, here, ALICE, AT_TEAM)
    assert sent(store) == [
        ("send", "mattermost", Recipient("animator", "camille")),
        ("send", "mattermost", Recipient("user_id", "u-alice")),
        ("send", "mattermost", Recipient("channel", "triage")),
    ]


def test_a_coanimator_without_an_account_here_is_told_on_the_other_platform(
    desk: Desk, store: MemoryRequestStore, catalog: Catalog
) -> None:
    here = directory(catalog, TCHAP_ONLY)
    ask(desk, here, ALICE, ANCT_TEAM)
    messages = store.outbox.messages()
    assert (messages[0].platform, messages[0].to) == ("matrix", Recipient("animator", "dominique"))
    confirmation = shown(here, messages[1])
    assert (messages[1].platform, messages[1].to) == ("mattermost", Recipient("user_id", "u-alice"))
    assert "\nJe transmets ta demande à Dominique Exemple sur Tchap." in confirmation


def test_nobody_the_bot_cannot_reach_gets_a_request(
    store: MemoryRequestStore, clock: FakeClock, catalog: Catalog
) -> None:
    mattermost_only = Desk(store, store, clock, ("mattermost",))
    with pytest.raises(RoutingError) as refused:
        ask(mattermost_only, directory(catalog, TCHAP_ONLY), ALICE, ANCT_TEAM)
    assert str(refused.value) == (
        "Je ne peux pas joindre Dominique Exemple depuis ici : écris à l'équipe d'animation "
        "(dinum@beta.gouv.fr), elle fera suivre ta demande."
    )
    assert store.requests == {}


def test_only_reachable_people_are_offered_for_a_reassignment(
    store: MemoryRequestStore, clock: FakeClock, catalog: Catalog
) -> None:
    here = directory(catalog, TCHAP_ONLY)
    mattermost_only = Desk(store, store, clock, ("mattermost",))
    number = ask(mattermost_only, here, ALICE, AT_TEAM)
    assert store.outbox.messages()[0].choices == ()  # Dominique is on Tchap only
    outcome = mattermost_only.act(here, number, "reassign", "camille", target="dominique")
    assert outcome.text == "Choisis une autre personne de l'équipe d'animation."
    request = store.get(number)
    assert request is not None and request.assignees == ("camille",)


def test_a_requester_on_tchap_is_answered_on_tchap(
    desk: Desk, store: MemoryRequestStore, catalog: Catalog
) -> None:
    here = directory(catalog, TCHAP_ONLY)
    ask(desk, here, ZOE, ANCT_TEAM)
    assert sent(store)[:2] == [
        ("send", "matrix", Recipient("animator", "dominique")),
        ("send", "matrix", Recipient("user_id", ZOE.id)),
    ]
    assert "n'a pas de compte" not in store.outbox.messages()[1].text


def test_offline_requesters_are_addressed_by_name(
    desk: Desk, store: MemoryRequestStore, catalog: Catalog
) -> None:
    ask(desk, directory(catalog), Account("mattermost", "", "alice"), AT_TEAM)
    assert sent(store)[1] == ("send", "mattermost", Recipient("username", "alice"))


def test_a_claim_updates_the_other_copies_and_tells_the_requester(
    desk: Desk, store: MemoryRequestStore, catalog: Catalog
) -> None:
    here = directory(catalog, {20: "    referents: [camille, dominique]"})
    number = ask(desk, here, ALICE, AT_TEAM)
    before = len(store.outbox.rows)
    outcome = desk.act(here, number, "claim", "dominique")
    assert outcome.text.startswith(f"C'est noté : tu t'occupes de la demande n° {number}")
    follow_up = store.outbox.messages()[before:]
    assert [(m.kind, m.to) for m in follow_up] == [
        ("update", Recipient("animator", "camille")),
        ("send", Recipient("user_id", "u-alice")),
    ]
    assert follow_up[0].buttons == ()  # camille no longer has it to act on
    assert shown(here, follow_up[1]).startswith("👋 @dominique.exemple a pris en charge")


def test_reassigning_sends_the_new_copy_and_strips_the_old(
    desk: Desk, store: MemoryRequestStore, catalog: Catalog
) -> None:
    here = directory(catalog)
    number = ask(desk, here, ALICE, AT_TEAM)
    before = len(store.outbox.rows)
    assert desk.act(here, number, "reassign", "camille", target="camille").text == (
        "Choisis une autre personne de l'équipe d'animation."
    )
    desk.act(here, number, "reassign", "camille", target="dominique")
    follow_up = store.outbox.messages()[before:]
    assert [(m.kind, m.to, m.buttons) for m in follow_up[:1]] == [
        ("send", Recipient("animator", "dominique"), ("claim", "reassign", "close"))
    ]
    # Camille acted: her own copy is updated by the platform's answer, without buttons.
    acted = desk.copy_for(
        here.registry, store.requests[number], animator_id="camille", kind="update"
    )
    assert acted.buttons == () and "↪️ Réaffectée à" in acted.text
    assert shown(here, follow_up[-1]).startswith(
        "↪️ Ta demande n° 1 est maintenant envoyée à @dominique.exemple ;"
    )


def test_the_same_nonce_is_one_request_and_one_opening(
    store: MemoryRequestStore, clock: FakeClock, catalog: Catalog
) -> None:
    events: list[str] = []
    desk = Desk(store, store, clock, ("mattermost",), observer=lambda r, e: events.append(e))
    here = directory(catalog)
    assert ask(desk, here, ALICE, AT_TEAM, "same") == ask(desk, here, ALICE, AT_TEAM, "same")
    assert events == ["opened"]
    assert len(store.outbox.rows) == 2  # no triage configured: the copy and the confirmation


def test_a_coanimator_is_recognised_on_either_platform(desk: Desk, catalog: Catalog) -> None:
    here = directory(catalog, TCHAP_ONLY)
    ask(desk, here, ALICE, ANCT_TEAM)
    on_tchap = Account("matrix", "@dominique:agent.tchap.gouv.fr", "@dominique:agent.tchap.gouv.fr")
    assert "Les demandes qui te sont adressées" in desk.listing(here, on_tchap)
    for impostor in (
        Account("mattermost", "u-x", "dominique"),  # not her Mattermost name
        Account("mattermost", "u-x", on_tchap.handle),  # her Tchap id, but on Mattermost
        Account("matrix", "@camille.exemple:t.fr", "camille.exemple"),  # a Mattermost name
    ):
        assert "Les demandes qui te sont adressées" not in desk.listing(here, impostor)
    assert "**Tes demandes**" in desk.listing(here, ALICE)
