"""Signed, expiring tokens, for what a platform hands back to the bot unsigned.

A platform that adds no signature to what comes back to the bot (Mattermost's
dialog submissions and button clicks, whose `state` and `context` travel
through the user's client) gets tokens from here: HMAC-SHA256-signed, with an
expiry and a nonce. What they claim (a purpose, a user) is the caller's to check.
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


class Signer:
    def __init__(self, key: str) -> None:
        if len(key) < MIN_SECRET_LENGTH:
            raise ValueError(f"signing key shorter than {MIN_SECRET_LENGTH} characters")
        self._key = hashlib.sha256(b"animation-bot/v1\x00" + key.encode("utf-8")).digest()

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._key, body, hashlib.sha256).digest()

    def sign(self, claims: Mapping[str, Any], *, now: datetime, ttl_seconds: int) -> str:
        """A token carrying `claims`, valid `ttl_seconds`, with a fresh nonce."""
        payload = {
            **claims,
            "exp": int(now.timestamp()) + ttl_seconds,
            "nonce": secrets.token_hex(8),
        }
        body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
        return f"{_b64(body)}.{_b64(self._mac(body))}"

    def verify(self, token: object, *, now: datetime) -> dict[str, Any]:
        """The claims of a genuine, unexpired token."""
        if not isinstance(token, str) or token.count(".") != 1 or len(token) > 4096:
            raise SignatureError("forged")
        body_text, mac_text = token.split(".")
        try:
            body, mac = _unb64(body_text), _unb64(mac_text)
        except (ValueError, TypeError) as error:
            raise SignatureError("forged") from error
        if not hmac.compare_digest(mac, self._mac(body)):
            raise SignatureError("forged")
        claims = json.loads(body)
        if not isinstance(claims, dict) or not isinstance(claims.get("exp"), int):
            raise SignatureError("forged")
        if claims["exp"] < now.timestamp():
            raise SignatureError("expired")
        return claims
