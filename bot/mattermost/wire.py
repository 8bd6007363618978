"""Mattermost's slash-command request and response, as plain values.

The server posts `application/x-www-form-urlencoded` fields and expects
status 200 exactly with a JSON `CommandResponse` (docs/mattermost-protocol.md
§1-2). Parsing the body here, with the standard library, is both stricter
(size cap before parsing) and faster than a generic form parser.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

from fastapi import Request, Response
from starlette.requests import ClientDisconnect

log = logging.getLogger("bot.http")

MAX_FIELDS = 64
USED_FIELDS = frozenset({"token", "text", "user_name", "user_id", "trigger_id", "channel_name"})
MAX_FIELD_CHARS = 16_384
# Mattermost's dialog submissions and clicks nest three levels deep (`submission`,
# `context`); deeper is not Mattermost, and would only wear out the stack further on.
MAX_JSON_DEPTH = 8


class FormError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def interrupted() -> FormError:
    """A client that went away before sending its whole request: nothing to answer, a
    quiet line to say so (no trace: it is not the bot's failure)."""
    log.info("request interrupted: the client went away before sending it all")
    return FormError(400, "Requête interrompue.")


async def read_body(request: Request, *, limit: int) -> bytes:
    """The request body, refused past `limit` bytes before it is all read."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FormError(413, "Requête trop grosse.")
    chunks = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise FormError(413, "Requête trop grosse.")
            chunks.append(chunk)
    except ClientDisconnect:
        raise interrupted() from None
    return b"".join(chunks)


def read_json(body: bytes) -> dict[str, Any]:
    """A JSON object as Mattermost sends one; `FormError` (400, in French) for anything else:
    not JSON, not an object, nested too deep, or text that is not Unicode."""
    try:
        payload = json.loads(body)
    except RecursionError:  # the decoder's own limit, before ours
        raise FormError(400, "JSON trop imbriqué.") from None
    except ValueError:  # UnicodeDecodeError included
        raise FormError(400, "JSON attendu.") from None
    if not isinstance(payload, dict):
        raise FormError(400, "Objet JSON attendu.")
    _check_nesting(payload)
    return payload


def _check_nesting(payload: dict[str, Any]) -> None:
    """Depth and text checked without recursion: a lone surrogate (`"\\ud800"`) is no
    character, and could be neither stored nor sent back."""
    stack: list[tuple[object, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and not _encodable(value):
                raise FormError(400, "JSON mal formé : caractère invalide.")
            continue
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise FormError(400, "JSON trop imbriqué.")
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        stack.extend((item, depth + 1) for item in items)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
