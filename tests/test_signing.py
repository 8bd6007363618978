from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.core.signing import SignatureError, Signer

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
