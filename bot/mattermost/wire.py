"""Mattermost's slash-command request and response, as plain values.

The server posts `application/x-www-form-urlencoded` fields and expects
status 200 exactly with a JSON `CommandResponse` (docs/mattermost-protocol.md
§1-2). Parsing the body here, with the standard library, is both stricter
(size cap before parsing) and faster than a generic form parser.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request, Response

MAX_FIELDS = 64
USED_FIELDS = frozenset({"token", "text", "user_name", "user_id", "trigger_id", "channel_name"})
MAX_FIELD_CHARS = 16_384


class FormError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, refused past `limit` bytes before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FormError(413, "Requête trop grosse.")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FormError(413, "Requête trop grosse.")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_form(body: bytes) -> dict[str, str]:
    """The fields the bot uses, first value of each; undecodable bytes become U+FFFD.

    Only the few fields read are decoded: this is the request path, and
    Mattermost sends a dozen (`application/x-www-form-urlencoded`, as `parse_qsl`
    reads it).
    """
    parts = body.split(b"&")
    if len(parts) > MAX_FIELDS:
        raise FormError(400, "Formulaire mal formé.")
    fields: dict[str, str] = {}
    for part in parts:
        raw_key, _, raw_value = part.partition(b"=")
        key = raw_key.decode("utf-8", errors="replace")
        if "%" in key or "+" in key:
            key = unquote_plus(key)
        if key not in USED_FIELDS or key in fields:
            continue
        value = raw_value.decode("utf-8", errors="replace")
        if b"%" in raw_value or b"+" in raw_value:
            value = unquote_plus(value, errors="replace")
        fields[key] = value if key == "text" else value[:MAX_FIELD_CHARS]
    return fields


def token_matches(given: str, accepted: Iterable[str]) -> bool:
    """Constant-time comparison against every accepted token (rotation keeps several)."""
    candidate = given.encode("utf-8", errors="replace")
    found = False
    for token in accepted:
        found |= hmac.compare_digest(candidate, token.encode("utf-8"))
    return found


def command_response(text: str, *, shared: bool) -> dict[str, Any]:
    """A `CommandResponse` for text already rendered for Mattermost (`render`)."""
    return {
        "response_type": "in_channel" if shared else "ephemeral",
        "text": text,
        "skip_slack_parsing": True,
    }


def json_response(payload: dict[str, Any], *, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(content=body, status_code=status, media_type="application/json")


def error_response(status: int, message: str) -> Response:
    return json_response({"error": message}, status=status)
