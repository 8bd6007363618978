"""The routes of `tests/fake_mattermost.py` besides creating a post: what each answers, as
Mattermost does (docs/mattermost-protocol.md §7; the server's `api4` handlers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_mattermost_posts import error

if TYPE_CHECKING:
    from tests.fake_mattermost import FakeMattermost


def answer(
    fake: FakeMattermost, method: str, path: str, body: Any, query: dict[str, str]
) -> tuple[int, Any]:
    """Status and body of one call; the caller holds `fake.lock`."""
    from tests.fake_mattermost import BOT_ID, dm_channel

    if method == "GET" and path == "/api/v4/system/ping":
        return 200, {"status": "OK"}
    if path.startswith("/api/v4/commands"):
        return _commands(fake, method, path, body, query)
    if method == "GET" and path.startswith("/api/v4/teams/name/"):
        team = fake.teams.get(path.rsplit("/", 1)[1])
        return (
            (200, {"id": team, "name": path.rsplit("/", 1)[1]})
            if team
            else error(404, "app.team.get_by_name.missing.app_error")
        )
    if method == "GET" and "/members/" in path:
        where = path.split("/")[4]
        return (
            (200, {"user_id": BOT_ID})
            if where in fake.members
            else error(404, "app.team.get_member.missing.app_error")
        )
    if method == "GET" and path == "/api/v4/users/me":
        return 200, _user(fake, BOT_ID)
    if method == "GET" and path.startswith("/api/v4/users/username/"):
        name = path.rsplit("/", 1)[1]
        found = next((uid for uid, n in fake.users.items() if n == name), None)
        return (200, _user(fake, found)) if found else error(404, "app.user.missing")
    if method == "POST" and path == "/api/v4/channels/direct":
        if not isinstance(body, list) or len(body) != 2 or not set(body) <= set(fake.users):
            return error(400, "api.context.invalid_body_param.app_error")
        return 201, {"id": dm_channel(*body), "type": "D"}
    if method == "GET" and path.startswith("/api/v4/channels/") and path.endswith("/posts"):
        if not query.get("since", "").isdigit():
            return error(400, "api.context.invalid_url_param.app_error")
        return fake.store.since(path.split("/")[4], int(query["since"]))
    if method == "PUT" and path.startswith("/api/v4/posts/") and path.endswith("/patch"):
        return fake.store.patch(path.split("/")[4], body)
    if method == "POST" and path == "/api/v4/actions/dialogs/open":
        if not body.get("trigger_id") or not body.get("url"):
            return error(400, "interactive_message.decode_trigger_id.app_error")
        fake.dialogs.append(body)
        return 200, {"status": "OK"}
    return error(404, "api.context.404.app_error")


def _commands(
    fake: FakeMattermost, method: str, path: str, body: Any, query: dict[str, str]
) -> tuple[int, Any]:
    if not fake.commands_enabled:
        return error(501, "api.command.disabled.app_error")
    if not fake.may_manage_commands:
        return error(403, "api.context.permissions.app_error")
    if method == "GET":
        team = query.get("team_id")
        return 200, [c for c in fake.commands.values() if c["team_id"] == team]
    if method == "POST":
        command_id = f"cmd{len(fake.commands):023d}"
        command = {**body, "id": command_id, "token": f"tok{len(fake.commands):023d}"}
        fake.commands[command_id] = command
        return 201, command
    command_id = path.rsplit("/", 1)[1]
    if method == "PUT" and command_id in fake.commands:
        fake.commands[command_id] = {**fake.commands[command_id], **body, "id": command_id}
        return 200, fake.commands[command_id]
    return error(404, "app.command.get.app_error")


def _user(fake: FakeMattermost, user_id: str) -> dict[str, Any]:
    from tests.fake_mattermost import BOT_ID

    return {"id": user_id, "username": fake.users[user_id], "is_bot": user_id == BOT_ID}
