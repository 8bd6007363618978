from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.signing import SignatureError, Signer, split_keys

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_round_trip_binds_claims_and_adds_a_nonce() -> None:
    signer = Signer("k" * 32)
    token = signer.sign({"user": "u1", "form": "convention"}, now=NOW, ttl_seconds=60)
    claims = signer.verify(token, now=NOW)
    assert (claims["user"], claims["form"], len(claims["nonce"])) == ("u1", "convention", 16)
    other = signer.sign({"user": "u1", "form": "convention"}, now=NOW, ttl_seconds=60)
    assert signer.verify(other, now=NOW)["nonce"] != claims["nonce"]


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), "forged"),
        (lambda t: "x" + t, "forged"),
        (lambda t: "", "forged"),
        (lambda t: "a.b.c", "forged"),
        (lambda t: 42, "forged"),
    ],
)
def test_forged_tokens_are_refused(mangle: object, reason: str) -> None:
    signer = Signer("k" * 32)
    token = signer.sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    with pytest.raises(SignatureError) as raised:
        signer.verify(mangle(token), now=NOW)  # type: ignore[operator]
    assert raised.value.reason == reason


def test_another_key_is_forged() -> None:
    token = Signer("k" * 32).sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    with pytest.raises(SignatureError, match="forged"):
        Signer("j" * 32).verify(token, now=NOW)


def test_expired_is_refused() -> None:
    signer = Signer("k" * 32)
    token = signer.sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    assert signer.verify(token, now=NOW + timedelta(seconds=59))["user"] == "u1"
    with pytest.raises(SignatureError, match="expired"):
        signer.verify(token, now=NOW + timedelta(seconds=61))


NEW, OLD = "n" * 32, "o" * 32


def test_the_first_key_signs_and_every_key_verifies() -> None:
    old_token = Signer(OLD).sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    rotated = Signer(NEW, OLD)
    assert rotated.verify(old_token, now=NOW)["user"] == "u1"
    new_token = rotated.sign({"user": "u2"}, now=NOW, ttl_seconds=60)
    assert Signer(NEW).verify(new_token, now=NOW)["user"] == "u2"
    with pytest.raises(SignatureError, match="forged"):
        Signer(OLD).verify(new_token, now=NOW)


def test_a_dropped_key_no_longer_verifies() -> None:
    old_token = Signer(NEW, OLD).sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    assert Signer(OLD, NEW).verify(old_token, now=NOW)["user"] == "u1"  # signed by NEW
    token_of_old = Signer(OLD).sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    with pytest.raises(SignatureError, match="forged"):
        Signer(NEW).verify(token_of_old, now=NOW)


def test_an_expired_token_is_expired_whichever_key_signed_it() -> None:
    token = Signer(OLD).sign({"user": "u1"}, now=NOW, ttl_seconds=60)
    with pytest.raises(SignatureError, match="expired"):
        Signer(NEW, OLD).verify(token, now=NOW + timedelta(seconds=61))


@pytest.mark.parametrize(
    ("keys", "why"),
    [((), "no signing key"), ((NEW, "short"), "shorter than 32"), ((NEW, NEW), "twice")],
)
def test_no_key_a_short_one_or_one_twice_is_refused(keys: tuple[str, ...], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        Signer(*keys)


def test_split_keys_keeps_the_order_and_drops_blanks() -> None:
    assert split_keys(f" {NEW}, {OLD},,") == (NEW, OLD)
    assert split_keys("") == ()
