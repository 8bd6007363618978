"""What the core says, as Tchap shows it, and how what a sync brings is read: pills, the
command's prefix, replies, the history before the bot came, events read by their JSON."""

from __future__ import annotations

from pathlib import Path

import pytest
from nio import MegolmEvent, ReactionEvent, RoomMemberEvent, RoomMessageText

from bot.core import markup
from bot.core.people import Account
from bot.core.registry.catalog import Catalog
from bot.core.registry.model import build_registry
from bot.core.text import md_escape, quote_user_text
from bot.matrix.events import Event, addressed, after_joining, event_of, without_quote
from bot.matrix.render import MAX_CHARACTERS, MatrixRenderer, with_actions
from tests.registries import TODAY, edit

CAMILLE = "@camille:agent.tchap.gouv.fr"


@pytest.fixture
def renderer(catalog: Catalog) -> MatrixRenderer:
    text = edit({13: f'    mattermost: camille.exemple\n    tchap: "{CAMILLE}"'})
    registry = build_registry(text, catalog=catalog, today=TODAY, path=Path("t"))
    return MatrixRenderer(lambda: registry)


def test_people_are_pills_in_html_and_names_in_the_text(renderer: MatrixRenderer) -> None:
    said = f"**X** est suivie par {markup.introduce('camille')} et {markup.mention('dominique')}."
    content = renderer.content(said)
    assert content["body"] == "**X** est suivie par Camille Exemple et Dominique Exemple."
    assert content["formatted_body"] == (
        f'<p><strong>X</strong> est suivie par <a href="https://matrix.to/#/{CAMILLE}">'
        "Camille Exemple</a> et Dominique Exemple.</p>"
    )
    assert content["m.mentions"] == {}  # nobody is notified


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        (f"`{markup.command('qui domifa')}`", "`!animation qui domifa`"),
        (markup.channel(), "~incubateur-animation (Mattermost)"),
        (markup.account(Account("mattermost", "u", "alice")), "alice (Mattermost)"),
        (markup.account(Account("matrix", "@z:t.fr", "@z:t.fr")), "@\u200bz:t.fr"),
        (
            markup.visibility(),
            "Dans un salon, tout le monde voit mes réponses ; ce qui ne concerne que toi (tes "
            "demandes) part en message privé. En message privé, `!animation` est facultatif : "
            "`qui aides territoires`.",
        ),
    ],
)
def test_placeholders(renderer: MatrixRenderer, said: str, shown: str) -> None:
    assert renderer.content(said)["body"] == shown


def test_what_people_typed_stays_text(renderer: MatrixRenderer) -> None:
    typed = "<script>alert(1)</script> <b>x</b> @room [lien](javascript:alert(1))"
    content = renderer.content(f"{quote_user_text(typed, limit=200)} {md_escape(typed)}")
    html = content["formatted_body"]
    for raw in ("<script", "<b>", "href"):  # no tag, no link: everything typed is text
        assert raw not in html
    assert "&lt;script&gt;" in html
    assert "@room" not in content["body"]


def test_replies_and_edits(renderer: MatrixRenderer) -> None:
    reply = renderer.content("ok", reply_to="$asked")
    assert reply["m.relates_to"] == {"m.in_reply_to": {"event_id": "$asked"}}
    edit_ = renderer.edit("✅ Prise en charge", of="$copy")
    assert edit_["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$copy"}
    assert edit_["m.new_content"]["body"] == "✅ Prise en charge"
    assert edit_["body"] == "* ✅ Prise en charge"


def test_one_event_at_most(renderer: MatrixRenderer) -> None:
    content = renderer.content("\n".join(f"ligne {n} " + "x" * 50 for n in range(2000)))
    assert len(content["body"]) <= MAX_CHARACTERS
    assert content["body"].endswith("(réponse coupée : elle dépassait la taille d'un message)")


@pytest.mark.parametrize(
    ("text", "direct", "found"),
    [
        ("!animation qui domifa", False, ("qui domifa", True)),
        ("  !ANIMATION   aide", False, ("aide", True)),
        ("!animation", False, ("", True)),
        ("!animationqui", False, None),
        ("qui domifa", False, None),
        ("qui domifa", True, ("qui domifa", False)),
    ],
)
def test_what_is_for_the_bot(text: str, direct: bool, found: tuple[str, bool] | None) -> None:
    assert addressed(text, direct=direct) == found


def test_a_reply_loses_its_quote() -> None:
    assert without_quote("> <@bot:t> 📥 Demande n° 3\n> De alice\n\nréaffecter Camille") == (
        "réaffecter Camille"
    )
    assert without_quote("> cité, sans ligne vide") == "> cité, sans ligne vide"


def test_the_history_before_the_bot_joined_is_left_out() -> None:
    events = [
        Event("text", "$old", "@a:t", text="!animation qui x"),
        Event("joined", "$j", "@bot:t", joined="@bot:t"),
        Event("text", "$new", "@a:t", text="!animation aide"),
    ]
    assert [e.event_id for e in after_joining(events, "@bot:t")] == ["$new"]
    assert [e.event_id for e in after_joining(events, "@other:t")] == ["$old", "$j", "$new"]


def test_events_are_read_by_their_json() -> None:
    base = {"event_id": "$e", "sender": "@a:t", "origin_server_ts": 1}
    text = RoomMessageText.from_dict(
        base
        | {
            "type": "m.room.message",
            "content": {
                "msgtype": "m.text",
                "body": "réaffecter x",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$copy"}},
            },
        }
    )
    assert event_of(text) == Event("text", "$e", "@a:t", text="réaffecter x", relates_to="$copy")
    reaction = ReactionEvent.from_dict(
        base
        | {
            "type": "m.reaction",
            "content": {
                "m.relates_to": {"rel_type": "m.annotation", "event_id": "$c", "key": "✋"}
            },
        }
    )
    assert event_of(reaction) == Event("reaction", "$e", "@a:t", relates_to="$c", key="✋")
    member = RoomMemberEvent.from_dict(
        base | {"type": "m.room.member", "state_key": "@b:t", "content": {"membership": "join"}}
    )
    assert event_of(member).joined == "@b:t"
    encrypted = MegolmEvent.from_dict(
        base
        | {
            "type": "m.room.encrypted",
            "content": {
                "algorithm": "m.megolm.v1.aes-sha2",
                "ciphertext": "x",
                "sender_key": "k",
                "session_id": "s",
                "device_id": "D",
            },
        }
    )
    assert event_of(encrypted).kind == "unreadable"


def test_an_edit_is_not_a_new_message() -> None:
    """Correcting a typo must not answer the next question of a guided request."""
    edit = RoomMessageText.from_dict(
        {
            "event_id": "$edit",
            "sender": "@a:t",
            "origin_server_ts": 1,
            "type": "m.room.message",
            "content": {
                "msgtype": "m.text",
                "body": "* qui domifa",
                "m.new_content": {"msgtype": "m.text", "body": "qui domifa"},
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$first"},
            },
        }
    )
    assert event_of(edit).kind == "edited"


def test_a_copy_says_how_to_act_on_it_from_tchap() -> None:
    fresh = with_actions("📥 Demande n° 1", ("claim", "reassign", "close"))
    assert fresh.splitlines()[2] == "Réagis avec ✋ pour t'en occuper ou ✅ pour la clore."
    assert "réponds à ce message : `réaffecter Prénom Nom`" in fresh
    confidential_claimed = with_actions("📥 Demande n° 2", ("close",))
    assert confidential_claimed.endswith("Réagis avec ✅ pour la clore.")
    assert "réaffecter" not in confidential_claimed
    assert with_actions("Demande close", ()) == "Demande close"
