"""A co-animator's buttons on Mattermost, in process with a clock we move: races, refusals,
reassignment, and tokens or copies made by earlier versions."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import text

from bot.core.registry.catalog import Catalog
from bot.core.signing import Signer
from bot.mattermost.interactions import CLICK_REFUSED
from bot.mattermost.tokens import BUTTON_LIFETIME, Tokens
from tests.fake_mattermost import user_id_for
from tests.mattermost_world import (
    WITH_SACHA,
    World,
    click,
    deliver,
    dm_buttons,
    forged,
    open_and_submit,
)
from tests.registries import edit

NOT_FOR_YOU = CLICK_REFUSED["not_for_you"]
FORGED = (
    "Ce bouton n'est plus valide : il a été modifié, ou signé avec une clé que le bot "
    "n'accepte plus. Retrouve la demande avec `/animation mes-demandes` ; si tu dois "
    "encore agir dessus, préviens la personne qui administre le bot."
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
    assert click(world, "bob", post_id, actions["close"])["ephemeral_text"] == NOT_FOR_YOU


def test_no_reassign_menu_when_nobody_else_is_there(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    assert set(actions) == {"claim", "close"}  # both animators already have it
    answer = click(world, "camille.exemple", post_id, actions["close"])
    assert answer["ephemeral_text"] == "Demande n° 1 close. La personne est prévenue."


def test_forged_buttons_are_refused_and_change_nothing(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    genuine = actions["close"]["integration"]["context"]["token"]
    body, mac = genuine.split(".")
    # Its claims rewritten (another request, another action) under the genuine signature:
    claims = json.loads(base64.urlsafe_b64decode(body + "=="))
    claims |= {"request": 2, "action": "claim"}
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    # Signed with another key, claims intact:
    other_key = Tokens(Signer("z" * 32), world.clock).button(1, "close", "camille")
    for token in (f"{tampered}.{mac}", other_key, genuine[:-4] + "AAAA", "x.y", ""):
        answer = click(world, "camille.exemple", post_id, forged(actions["close"], token))
        assert answer == {"ephemeral_text": FORGED}
    request = world.store.get(1)
    assert request is not None and request.status == "open"


def test_expired_button_is_refused(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    world.clock.moment += BUTTON_LIFETIME + timedelta(seconds=1)
    answer = click(world, "camille.exemple", post_id, actions["claim"])
    assert answer == {"ephemeral_text": "Ce bouton a expiré : utilise `/animation mes-demandes`."}
    request = world.store.get(1)
    assert request is not None and request.status == "open"


def test_the_same_username_on_another_account_is_refused(world: World) -> None:
    """Buttons are authorised by the account the message went to, never by a name."""
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    context = dict(actions["claim"]["integration"]["context"])
    answer = asyncio.run(
        world.interactions.click(
            {
                "user_id": user_id_for("impostor"),
                "user_name": "camille.exemple",
                "post_id": post_id,
                "context": context,
            }
        )
    )
    assert answer == {"ephemeral_text": NOT_FOR_YOU}


def test_a_button_of_a_request_reassigned_away_is_refused(world: World) -> None:
    world.holder.registry_path.write_text(edit(WITH_SACHA), encoding="utf-8")
    world.holder.refresh()  # the change seen
    world.holder.refresh()  # and the same at the next check: loaded
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    dominique_post, dominique = dm_buttons(world, "dominique.exemple")
    moved = click(world, "camille.exemple", post_id, actions["reassign"], option="sacha")
    assert moved["ephemeral_text"] == "Demande n° 1 réaffectée à @sacha.exemple."
    # Dominique's copy still shows its buttons until the update reaches her.
    answer = click(world, "dominique.exemple", dominique_post, dominique["claim"])
    assert (
        answer["ephemeral_text"]
        == "Cette demande ne t'est pas adressée : elle est envoyée à @sacha.exemple."
    )


def test_buttons_signed_before_the_claims_had_names_still_work(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    old = world.tokens.signer.sign(
        {"k": "btn", "r": 1, "a": "claim", "for": "camille"},
        now=world.clock.now(),
        ttl_seconds=3600,
    )
    answer = click(world, "camille.exemple", post_id, forged(actions["claim"], old))
    assert answer["ephemeral_text"].startswith("C'est noté : tu t'occupes de la demande n° 1")


def test_a_copy_sent_before_recipients_were_recorded_asks_mattermost(world: World) -> None:
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    with world.store.engine.begin() as connection:  # as revision 0002 leaves an older copy
        connection.execute(text("UPDATE request_posts SET recipient_id = NULL"))
    refused = click(world, "bob", post_id, actions["claim"])
    assert refused == {"ephemeral_text": NOT_FOR_YOU}
    answer = click(world, "camille.exemple", post_id, actions["claim"])
    assert answer["ephemeral_text"].startswith("C'est noté : tu t'occupes de la demande n° 1")


def test_reassign_to_someone_new(world: World, catalog: Catalog) -> None:
    world.holder.registry_path.write_text(edit(WITH_SACHA), encoding="utf-8")
    world.holder.refresh()  # the change seen
    world.holder.refresh()  # and the same at the next check: loaded
    open_and_submit(world, {"team": "aides territoires", "subject": "x"})
    deliver(world)
    post_id, actions = dm_buttons(world, "camille.exemple")
    answer = click(world, "camille.exemple", post_id, actions["reassign"], option="sacha")
    assert answer["ephemeral_text"] == "Demande n° 1 réaffectée à @sacha.exemple."
    assert answer["update"]["props"]["attachments"] == []
    deliver(world)
    assert world.fake.posts_to("sacha.exemple")[-1]["message"].startswith("📥 Demande n° 1")
    assert (
        "est maintenant envoyée à @sacha.exemple ;" in world.fake.posts_to("alice")[-1]["message"]
    )
