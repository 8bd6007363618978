"""Signed, expiring tokens, for what a platform hands back to the bot unsigned.

A platform that adds no signature to what comes back to the bot (Mattermost's
dialog submissions and button clicks, whose `state` and `context` travel
through the user's client) gets tokens from here: HMAC-SHA256-signed, with an
expiry and a nonce. What they claim (a purpose, a user) is the caller's to check.

Several keys may be given, to rotate them: the first signs, every one verifies
(README, « Rotating the signing key »).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

# The shortest signing key accepted, everywhere (settings, `doctor`, here). The key is
# HMAC-SHA256's: 32 characters drawn as `secrets.token_urlsafe` draws them carry about
# 190 bits, far beyond guessing, and the length alone turns away placeholders such as
# "change-me" or "secret". `doctor` always asked for 32, and the README's recipe gives 43.
MIN_SECRET_LENGTH = 32


class SignatureError(Exception):
    """Why a token was refused: `forged`, `expired`, or `misused` (by someone else, for
    something else: the caller's checks)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def split_keys(value: str) -> tuple[str, ...]:
    """The keys of a comma-separated list (`ANIMATION_SECRET`), in order, blanks dropped.
    Keys made by `secrets.token_urlsafe` never contain a comma."""
    return tuple(key.strip() for key in value.split(",") if key.strip())


def _derived(key: str) -> bytes:
    return hashlib.sha256(b"animation-bot/v1\x00" + key.encode("utf-8")).digest()


def _mac(body: bytes, key: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


class Signer:
    """Signs with the first key; verifies with any of them."""

    def __init__(self, *keys: str) -> None:
        if not keys:
            raise ValueError("no signing key")
        if any(len(key) < MIN_SECRET_LENGTH for key in keys):
            raise ValueError(f"signing key shorter than {MIN_SECRET_LENGTH} characters")
        if len(set(keys)) != len(keys):
            raise ValueError("the same signing key given twice")
        self._keys = tuple(_derived(key) for key in keys)

    def _genuine(self, body: bytes, mac: bytes) -> bool:
        # Every key is tried, whichever matches: how long it takes says nothing of which.
        matches = [hmac.compare_digest(mac, _mac(body, key)) for key in self._keys]
        return any(matches)

    def sign(self, claims: Mapping[str, Any], *, now: datetime, ttl_seconds: int) -> str:
        """A token carrying `claims`, valid `ttl_seconds`, with a fresh nonce."""
        payload = {
            **claims,
            "exp": int(now.timestamp()) + ttl_seconds,
            "nonce": secrets.token_hex(8),
        }
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
        return f"{_b64(body)}.{_b64(_mac(body, self._keys[0]))}"

    def verify(self, token: object, *, now: datetime) -> dict[str, Any]:
        """The claims of a genuine, unexpired token."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 4096:
            raise SignatureError("forged")
        body_text, mac_text = token.split(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, TypeError) as error:
            raise SignatureError("forged") from error
        if not self._genuine(body, mac):  # forged, or signed with a key since dropped
            raise SignatureError("forged")
        claims = json.loads(body)
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            raise SignatureError("forged")
        if claims["exp"] < now.timestamp():
            raise SignatureError("expired")
        return claims
