"""What the fuzz tests throw at the Mattermost routes (hypothesis strategies): JSON of every
shape, raw bodies that are not JSON or not UTF-8, nested past any limit, huge numbers; forms
and clicks with genuine tokens and values of every kind."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from bot.core.people import Account
from bot.mattermost.tokens import Tokens
from tests.fake_mattermost import user_id_for

ANIMATOR = "dominique-exemple"  # who follows ANCT, the requests' team: their copies are theirs
COPY, COPY_2 = "p" * 26, "q" * 26  # the ids of those copies, requests 1 and 2

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
    | st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1, max_size=2)
)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def nested(depth: int, opening: bytes) -> bytes:
    closing = b"]" if opening == b"[" else b"}"
    inner = b'{"a":' * depth + b"1" + b"}" * depth if opening == b"{" else b""
    return inner if opening == b"{" else opening * depth + closing * depth


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.integers(min_value=1, max_value=30_000).map(lambda n: nested(n, b"[")),
    st.integers(min_value=1, max_value=12_000).map(lambda n: nested(n, b"{")),
    st.integers(min_value=4_000, max_value=60_000).map(lambda n: b"1" * n),
    st.sampled_from(
        [b"1e999999", b"-1e999999", b"NaN", b'{"a": Infinity}', b"\xef\xbb\xbf{}", b'"\\ud800"']
    ),
    anything.map(lambda v: json.dumps(v).encode("utf-16")),
    st.binary(min_size=1, max_size=50).map(lambda b: b'{"submission": {"subject": "' + b + b'"}}'),
)


def tokens_for(tokens: Tokens) -> st.SearchStrategy[object]:
    who = Account("mattermost", user_id_for("alice"), "alice")
    genuine = [tokens.form(who, c) for c in ("convention", "mal-etre", "inconnue")]
    genuine += [tokens.choice(who, "convention")]
    genuine += [tokens.button(1, a, "dominique-exemple") for a in ("claim", "close", "reassign")]
    return st.sampled_from(genuine) | st.text(max_size=60) | anything


def dialogs(tokens: Tokens) -> st.SearchStrategy[dict[str, Any]]:
    fields = ("team", "subject", "details", "animator", "contact_method")
    submission = st.dictionaries(
        st.sampled_from(fields) | st.text(max_size=5), anything | st.text()
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "type": st.just("dialog_submission") | anything,
            "callback_id": st.sampled_from(["convention", "mal-etre"]) | anything,
            "state": tokens_for(tokens),
            "user_id": st.just(user_id_for("alice")) | anything,
            "submission": submission | anything,
            "cancelled": st.booleans() | anything,
            "channel_id": anything,
            "team_id": anything,
        },
    )


def genuine_dialogs(tokens: Tokens) -> st.SearchStrategy[dict[str, Any]]:
    """Forms the bot did open, sent back with values of every kind: to the desk and back."""
    who = Account("mattermost", user_id_for("alice"), "alice")
    good = st.sampled_from(["anct", "aides territoires", "claude-exemple", "sacha", "tchap", "x"])
    values = good | st.text(max_size=200) | anything
    fields = ("team", "subject", "details", "animator", "contact_method")
    return st.sampled_from(["convention", "question-administrative", "mal-etre"]).flatmap(
        lambda category: st.fixed_dictionaries(
            {
                "type": st.just("dialog_submission"),
                "callback_id": st.just(category),
                "state": st.builds(lambda: tokens.form(who, category)),
                "user_id": st.just(who.id),
                "submission": st.dictionaries(st.sampled_from(fields), values),
                "cancelled": st.just(False),
            }
        )
    )


def genuine_clicks(tokens: Tokens) -> st.SearchStrategy[dict[str, Any]]:
    """Clicks on the copies the bot sent, by their recipient, with options of every kind:
    request 1 is claimed and closed, request 2 reassigned (once, then refused)."""
    buttons = [tokens.button(1, "claim", ANIMATOR), tokens.button(1, "close", ANIMATOR)]
    buttons.append(tokens.button(2, "reassign", ANIMATOR))
    option: st.SearchStrategy[Any] = st.sampled_from(["camille-exemple", "sacha-exemple"])
    context: dict[str, st.SearchStrategy[Any]] = {"token": st.sampled_from(buttons)}
    click: dict[str, st.SearchStrategy[Any]] = {
        "user_id": st.just(user_id_for("dominique.exemple")),
        "post_id": st.sampled_from([COPY, COPY_2]),
        "context": st.fixed_dictionaries(
            context, optional={"selected_option": option | st.text(max_size=30) | anything}
        ),
    }
    return st.fixed_dictionaries(click, optional={"user_name": anything, "trigger_id": anything})


def clicks(tokens: Tokens) -> st.SearchStrategy[dict[str, Any]]:
    context = st.fixed_dictionaries(
        {},
        optional={"token": tokens_for(tokens), "selected_option": st.text(max_size=20) | anything},
    )
    return st.fixed_dictionaries(
        {},
        optional={
            "user_id": st.sampled_from([user_id_for("dominique.exemple"), user_id_for("alice")])
            | anything,
            "user_name": anything,
            "post_id": st.just(COPY) | anything,
            "trigger_id": anything,
            "type": anything,
            "context": context | anything,
        },
    )


# --- the tests --------------------------------------------------------------------------
