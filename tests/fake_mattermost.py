"""A small, real Mattermost HTTP server for tests: users, DM channels, posts, dialogs.

mattermostdriver talks to it over HTTP like to a real server. It records every
request, answers like Mattermost does (status codes, error bodies, exactly
`application/json`), drops a re-sent post with the same `pending_post_id` as
the real server does, and can be made to fail: connection refused (stopped),
5xx or 429.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = "b" * 26


def user_id_for(username: str) -> str:
    return hashlib.sha256(username.encode()).hexdigest()[:26]


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    headers: dict[str, str]


@dataclass
class FakeMattermost:
    token: str = "bot-token"
    usernames: tuple[str, ...] = (
        "alice",
        "bob",
        "camille.exemple",
        "dominique.exemple",
        "alex.exemple",
        "sacha.exemple",
        "claude.exemple",
    )
    requests: list[Recorded] = field(default_factory=list)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    dialogs: list[dict[str, Any]] = field(default_factory=list)
    failing: int | None = None  # answer every call with this status while set
    refused: Counter[int] = field(default_factory=Counter)  # calls answered so, by status
    # Past this many posts, each new post is stored, then its answer held until `release`
    # is set: the bot is left waiting, as when it is killed while Mattermost answers.
    hold_after: int | None = None
    port: int = 0
    teams: dict[str, str] = field(default_factory=lambda: {"beta": "team" + "0" * 22})
    commands: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: set[str] = field(default_factory=set)  # team or channel ids the bot belongs to
    may_manage_commands: bool = True
    commands_enabled: bool = True

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.users = {user_id_for(name): name for name in self.usernames}
        self.users[BOT_ID] = "animation-bot"
        self._pending: dict[str, str] = {}
        self._server: ThreadingHTTPServer | None = None
        self.holding = threading.Event()  # a post's answer is being held
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeMattermost:
        fake = self

        class Handler(_Handler):
            server_fake = fake

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the port: clients now get « connection refused »."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def posts_to(self, username: str) -> list[dict[str, Any]]:
        """Every post in the DM channel between the bot and `username`, oldest first."""
        channel = _dm_channel(BOT_ID, user_id_for(username))
        with self.lock:
            return [p for p in self.posts.values() if p["channel_id"] == channel]

    def posts_in(self, channel_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return [p for p in self.posts.values() if p["channel_id"] == channel_id]

    # --- what the routes do ------------------------------------------------
    def handle(self, method: str, path: str, body: Any, query: dict[str, str]) -> tuple[int, Any]:
        if method == "GET" and path == "/api/v4/system/ping":
            return 200, {"status": "OK"}
        if path.startswith("/api/v4/commands"):
            return self._commands(method, path, body, query)
        if method == "GET" and path.startswith("/api/v4/teams/name/"):
            team = self.teams.get(path.rsplit("/", 1)[1])
            return (
                (200, {"id": team, "name": path.rsplit("/", 1)[1]})
                if team
                else _error(404, "app.team.get_by_name.missing.app_error")
            )
        if method == "GET" and "/members/" in path:
            where = path.split("/")[4]
            return (
                (200, {"user_id": BOT_ID})
                if where in self.members
                else _error(404, "app.team.get_member.missing.app_error")
            )
        if method == "GET" and path == "/api/v4/users/me":
            return 200, self._user(BOT_ID)
        if method == "GET" and path.startswith("/api/v4/users/username/"):
            name = path.rsplit("/", 1)[1]
            found = next((uid for uid, n in self.users.items() if n == name), None)
            return (200, self._user(found)) if found else _error(404, "app.user.missing")
        if method == "POST" and path == "/api/v4/channels/direct":
            if not isinstance(body, list) or len(body) != 2 or not set(body) <= set(self.users):
                return _error(400, "api.context.invalid_body_param.app_error")
            return 201, {"id": _dm_channel(*body), "type": "D"}
        if method == "POST" and path == "/api/v4/posts":
            return self._create_post(body)
        if method == "PUT" and path.startswith("/api/v4/posts/") and path.endswith("/patch"):
            return self._patch_post(path.split("/")[4], body)
        if method == "POST" and path == "/api/v4/actions/dialogs/open":
            if not body.get("trigger_id") or not body.get("url"):
                return _error(400, "interactive_message.decode_trigger_id.app_error")
            self.dialogs.append(body)
            return 200, {"status": "OK"}
        return _error(404, "api.context.404.app_error")

    def _commands(
        self, method: str, path: str, body: Any, query: dict[str, str]
    ) -> tuple[int, Any]:
        if not self.commands_enabled:
            return _error(501, "api.command.disabled.app_error")
        if not self.may_manage_commands:
            return _error(403, "api.context.permissions.app_error")
        if method == "GET":
            team = query.get("team_id")
            return 200, [c for c in self.commands.values() if c["team_id"] == team]
        if method == "POST":
            command_id = f"cmd{len(self.commands):023d}"
            command = {**body, "id": command_id, "token": f"tok{len(self.commands):023d}"}
            self.commands[command_id] = command
            return 201, command
        command_id = path.rsplit("/", 1)[1]
        if method == "PUT" and command_id in self.commands:
            self.commands[command_id] = {**self.commands[command_id], **body, "id": command_id}
            return 200, self.commands[command_id]
        return _error(404, "app.command.get.app_error")

    def _user(self, user_id: str) -> dict[str, Any]:
        return {"id": user_id, "username": self.users[user_id], "is_bot": user_id == BOT_ID}

    def _create_post(self, body: dict[str, Any]) -> tuple[int, Any]:
        pending = body.get("pending_post_id") or ""
        if pending and pending in self._pending:  # the real server drops such a resend
            return 201, self.posts[self._pending[pending]]
        post_id = hashlib.sha256(f"{len(self.posts)}:{pending}".encode()).hexdigest()[:26]
        post = {
            "id": post_id,
            "channel_id": body["channel_id"],
            "user_id": BOT_ID,
            "message": body.get("message", ""),
            "props": body.get("props") or {},
            "pending_post_id": pending,
            "edits": 0,
        }
        self.posts[post_id] = post
        if pending:
            self._pending[pending] = post_id
        return 201, post

    def _patch_post(self, post_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        post = self.posts.get(post_id)
        if post is None:
            return _error(404, "app.post.get.app_error")
        post["message"] = body.get("message", post["message"])
        if "props" in body:
            post["props"] = body["props"]
        post["edits"] += 1
        return 200, post


def _dm_channel(a: str, b: str) -> str:
    return "dm" + hashlib.sha256("__".join(sorted((a, b))).encode()).hexdigest()[:24]


def _error(status: int, error_id: str) -> tuple[int, Any]:
    return status, {"id": error_id, "message": error_id, "status_code": status, "request_id": "r"}


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeMattermost

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read `requests` instead."""

    def _serve(self, method: str) -> None:
        fake = self.server_fake
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        path, _, raw_query = self.path.partition("?")
        query = dict(parse_qsl(raw_query))
        with fake.lock:
            fake.requests.append(Recorded(method, path, body, dict(self.headers)))
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                status, payload = _error(401, "api.context.session_expired.app_error")
            elif fake.failing is not None:
                status, payload = _error(fake.failing, "fake.failure")
                fake.refused[status] += 1
            else:
                status, payload = fake.handle(method, path, body, query)
            held = (
                method == "POST"
                and path == "/api/v4/posts"
                and fake.hold_after is not None
                and len(fake.posts) > fake.hold_after
            )
        if held:  # outside the lock: the tests keep reading what arrived
            fake.holding.set()
            fake.release.wait(timeout=30)
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "1")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")
