"""Helpers that speak like a Mattermost server: its slash-command form, and what it accepts back."""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.fake_mattermost import user_id_for

# CommandResponse fields the server reads (server/public/model/command_response.go);
# the OpenAPI spec's CommandResponse schema is wrong about these names.
COMMAND_RESPONSE_FIELDS = {
    "response_type",
    "text",
    "username",
    "channel_id",
    "icon_url",
    "type",
    "props",
    "goto_location",
    "trigger_id",
    "skip_slack_parsing",
    "attachments",
    "extra_responses",
}
MAX_POST_RUNES = 16_383
PING = re.compile(r"(?<![\w\u200b])@(all|channel|here)\b", re.IGNORECASE)


def command_form(text: str, *, token: str, **overrides: str) -> dict[str, str]:
    """Every field a real server sends for `/animation <text>`."""
    fields = {
        "channel_id": "c" * 26,
        "channel_name": "town-square",
        "command": "/animation",
        "response_url": "https://mattermost.example.org/hooks/commands/" + "r" * 26,
        "root_id": "",
        "team_domain": "beta",
        "team_id": "t" * 26,
        "text": text,
        "token": token,
        "trigger_id": "dHJpZ2dlcg==",
        "user_id": "u" * 26,
        "user_name": "alice",
    }
    fields.update(overrides)
    return fields


def command_headers(token: str) -> dict[str, str]:
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "Authorization": f"Token {token}",
        "User-Agent": "Mattermost-Bot/1.1",
        "Accept-Encoding": "gzip",
    }


def encode(fields: dict[str, str]) -> bytes:
    """`url.Values.Encode()`: keys sorted."""
    return urlencode(sorted(fields.items())).encode()


def parse_command_response(response: httpx.Response) -> dict[str, object]:
    """Read a reply the way the server does, failing where the server would show an error."""
    assert response.status_code == 200, response.text  # 201 or 204 are failures too
    media_type = response.headers["content-type"].split(";")[0].strip()
    assert media_type == "application/json"
    assert response.headers.get("content-length") == str(len(response.content))  # not chunked
    payload = json.loads(response.content)
    assert isinstance(payload, dict)
    assert set(payload) <= COMMAND_RESPONSE_FIELDS
    assert payload.get("response_type", "") in ("", "ephemeral", "in_channel")
    text = payload.get("text", "")
    assert isinstance(text, str) and text, "an empty text posts nothing"
    assert len(text) <= MAX_POST_RUNES
    assert payload.get("skip_slack_parsing") is True
    assert not PING.search(text), text
    assert "<!" not in text
    return payload


def send_command(
    url: str, text: str, *, token: str, user: str = "alice", **fields: str
) -> httpx.Response:
    """`/animation <text>` typed by `user`, posted to the bot at `url` as the server does."""
    form = command_form(
        text,
        token=token,
        user_name=user,
        user_id=user_id_for(user),
        trigger_id=fields.pop("trigger_id", f"trigger-{time.monotonic_ns()}"),
        **fields,
    )
    return httpx.post(
        f"{url}/mattermost/command",
        content=encode(form),
        headers=command_headers(token),
        timeout=10,
    )


def click_button(
    action: dict[str, Any], *, user: str, post_id: str, option: str | None = None
) -> dict[str, Any]:
    """A click on a button (or a menu choice), posted where the button says, as the server does."""
    context = dict(action["integration"]["context"])
    if option is not None:
        context["selected_option"] = option
    body = {
        "user_id": user_id_for(user),
        "user_name": user,
        "channel_id": "c" * 26,
        "channel_name": "",
        "team_id": "",
        "team_domain": "",
        "post_id": post_id,
        "trigger_id": f"trig-{time.monotonic_ns()}",
        "type": action["type"],
        "data_source": "",
        "context": context,
    }
    response = httpx.post(action["integration"]["url"], json=body, timeout=10)
    assert response.status_code == 200
    return dict(response.json())


def submit_dialog(
    opened: dict[str, Any], submission: dict[str, Any], *, user: str = "alice"
) -> dict[str, Any]:
    """A dialog the bot opened (as the fake server recorded it), submitted by `user`."""
    body = {
        "type": "dialog_submission",
        "callback_id": opened["dialog"]["callback_id"],
        "state": opened["dialog"]["state"],
        "user_id": user_id_for(user),
        "channel_id": "c" * 26,
        "team_id": "t" * 26,
        "submission": submission,
        "cancelled": False,
    }
    response = httpx.post(opened["url"], json=body, timeout=10)
    assert response.status_code == 200
    return dict(response.json())


def buttons_of(post: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """A post's buttons, by id."""
    attachments = post["props"].get("attachments") or []
    return {a["id"]: a for attachment in attachments for a in attachment["actions"]}
