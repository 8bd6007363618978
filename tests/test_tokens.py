"""Mattermost's signed tokens: each read back for its purpose, by its person, before expiry;
tokens signed with the claims' former one-letter names still read the same."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.people import Account
from bot.core.signing import SignatureError, Signer
from bot.mattermost.tokens import (
    BUTTON_LIFETIME,
    FORM_LIFETIME,
    CategoryChoice,
    FormState,
    RequestButton,
    Tokens,
)
from tests.fakes import FakeClock

ALICE = Account("mattermost", "u-alice", "alice")


@pytest.fixture
def tokens(clock: FakeClock) -> Tokens:
    return Tokens(Signer("k" * 32), clock)


def test_a_form_reads_back_for_its_person_and_form(tokens: Tokens) -> None:
    state = tokens.read_form(
        tokens.form(ALICE, "convention"), user_id="u-alice", callback_id="convention"
    )
    assert state == FormState(ALICE, "convention", state.nonce) and len(state.nonce) == 16


@pytest.mark.parametrize(
    ("user_id", "callback_id"), [("u-bob", "convention"), ("u-alice", "mal-etre")]
)
def test_a_form_used_by_someone_else_or_for_another_form_is_misused(
    tokens: Tokens, user_id: str, callback_id: str
) -> None:
    with pytest.raises(SignatureError, match="misused"):
        tokens.read_form(tokens.form(ALICE, "convention"), user_id=user_id, callback_id=callback_id)


def test_a_button_token_is_no_form(tokens: Tokens) -> None:
    with pytest.raises(SignatureError, match="forged"):
        tokens.read_form(tokens.button(1, "claim", "camille"), user_id="", callback_id="")


def test_a_choice_offered_to_someone_else_is_misused(tokens: Tokens) -> None:
    with pytest.raises(SignatureError, match="misused"):
        tokens.read_click(tokens.choice(ALICE, "mal-etre"), user_id="u-bob")
    # A request's button says for whom it was sent; who may use it is checked later.
    button = tokens.read_click(tokens.button(1, "claim", "camille"), user_id="u-bob")
    assert button == RequestButton(1, "claim", "camille")


def test_clicks_read_back(tokens: Tokens) -> None:
    assert tokens.read_click(
        tokens.button(7, "close", "camille"), user_id="u-alice"
    ) == RequestButton(7, "close", "camille")
    assert tokens.read_click(tokens.choice(ALICE, "mal-etre"), user_id="u-alice") == CategoryChoice(
        ALICE, "mal-etre"
    )
    with pytest.raises(SignatureError, match="forged"):
        tokens.read_click(tokens.form(ALICE, "convention"), user_id="u-alice")


def test_lifetimes(tokens: Tokens, clock: FakeClock) -> None:
    form, button = tokens.form(ALICE, "convention"), tokens.button(1, "claim", "camille")
    clock.moment += FORM_LIFETIME + timedelta(seconds=1)
    with pytest.raises(SignatureError, match="expired"):
        tokens.read_form(form, user_id="u-alice", callback_id="convention")
    assert tokens.read_click(button, user_id="u-alice").request_id == 1  # type: ignore[union-attr]
    clock.moment += BUTTON_LIFETIME
    with pytest.raises(SignatureError, match="expired"):
        tokens.read_click(button, user_id="u-alice")


def test_tokens_with_one_letter_claims_still_read(tokens: Tokens, clock: FakeClock) -> None:
    def old(claims: dict[str, object]) -> str:
        return tokens.signer.sign(claims, now=clock.now(), ttl_seconds=60)

    state = tokens.read_form(
        old({"k": "dialog", "u": "u-alice", "n": "alice", "cb": "convention"}),
        user_id="u-alice",
        callback_id="convention",
    )
    assert (state.who, state.category) == (ALICE, "convention")
    assert tokens.read_click(
        old({"k": "choose", "u": "u-alice", "n": "alice", "c": "mal-etre"}), user_id="u-alice"
    ) == (CategoryChoice(ALICE, "mal-etre"))
    assert tokens.read_click(
        old({"k": "btn", "r": 3, "a": "reassign", "for": "sacha"}), user_id="u-alice"
    ) == (RequestButton(3, "reassign", "sacha"))
