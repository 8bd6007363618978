"""The two floors the bot is measured against, each served by uvicorn like the bot.

`fastapi_form`: a bare FastAPI endpoint that takes Mattermost's form fields with
`Form()` and returns a fixed JSON. `raw_asgi`: an ASGI app that reads the body
and parses it by hand, then returns the same JSON.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Form

ANSWER = {"response_type": "ephemeral", "text": "ok", "skip_slack_parsing": True}
ANSWER_BYTES = json.dumps(ANSWER).encode()

fastapi_form = FastAPI()


@fastapi_form.post("/mattermost/command")
async def command(
    token: str = Form(""),
    team_id: str = Form(""),
    team_domain: str = Form(""),
    channel_id: str = Form(""),
    channel_name: str = Form(""),
    user_id: str = Form(""),
    user_name: str = Form(""),
    command: str = Form(""),
    text: str = Form(""),
    trigger_id: str = Form(""),
    response_url: str = Form(""),
    root_id: str = Form(""),
) -> dict[str, Any]:
    return ANSWER


async def raw_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    dict(parse_qsl(body.decode()))
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": ANSWER_BYTES})
