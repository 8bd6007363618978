"""A small, real Mattermost HTTP server for tests: users, DM channels, posts, dialogs.

mattermostdriver talks to it over HTTP like to a real server. It records every
request, answers like Mattermost does (status codes, error bodies, exactly
`application/json`), keeps posts as the real server does, forgetting a
`pending_post_id` after 30 s (`tests/fake_mattermost_posts.py`, with the server's
source for each behaviour), and can be made to fail: connection refused (stopped),
a status for every call (`failing`), slow answers (`delay`: a post is saved only at
the end of it, so a resend meanwhile gets « pending »), random faults (`faults`).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from tests.fake_mattermost_posts import PENDING_TTL, Posts, error
from tests.fake_mattermost_routes import answer
from tests.faults import Faults

BOT_ID = "b" * 26
CREATE_POST = ("POST", "/api/v4/posts")


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
    dialogs: list[dict[str, Any]] = field(default_factory=list)
    failing: int | None = None  # answer every call with this status while set
    refused: Counter[int] = field(default_factory=Counter)  # calls answered so, by status
    # Past this many posts, each new post is stored, then its answer held until `release`
    # is set: the bot is left waiting, as when it is killed while Mattermost answers.
    hold_after: int | None = None
    delay: float = 0.0  # seconds each call takes (a slow server)
    lose_answers: int = 0  # the next this many posts are saved, and their answers lost
    faults: Faults | None = None
    pending_ttl: float = PENDING_TTL  # how long a `pending_post_id` is remembered
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
        self.store = Posts(self.lock, ttl=self.pending_ttl)
        self._server: ThreadingHTTPServer | None = None
        self.holding = threading.Event()  # a post's answer is being held
        self.release = threading.Event()

    @property
    def posts(self) -> dict[str, dict[str, Any]]:
        return self.store.by_id

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
        return self.posts_in(dm_channel(BOT_ID, user_id_for(username)))

    def posts_in(self, channel_id: str) -> list[dict[str, Any]]:
        with self.lock:
            return self.store.in_channel(channel_id)

    def serve(self, method: str, path: str, body: Any, query: dict[str, str]) -> tuple[int, Any]:
        """One call, as the server handles it: checks, then the route, slow where set."""
        fault = self.faults.draw() if self.faults else None
        with self.lock:
            if fault in ("error", "throttle"):
                status = 500 if fault == "error" else 429
                self.refused[status] += 1
                return error(status, "fake.fault")
            if (method, path) == CREATE_POST:
                verdict = self.store.begin(str(body.get("pending_post_id") or ""))
                if not verdict.create:
                    return verdict.status, verdict.body
        slow = self.faults.slow_seconds if self.faults and fault == "slow" else 0.0
        time.sleep(self.delay + slow)  # the server at work: a resend now finds it « pending »
        with self.lock:
            if (method, path) == CREATE_POST:
                return 201, self.store.save(body, user_id=BOT_ID)
            return answer(self, method, path, body, query)

    def loses(self, method: str, path: str, status: int) -> bool:
        """Whether the answer to this call is lost (`lose_answers`, random `faults`)."""
        with self.lock:
            if (method, path) == CREATE_POST and status < 400 and self.lose_answers:
                self.lose_answers -= 1
                return True
        return status < 400 and self.faults is not None and self.faults.drop()

    def holds(self, method: str, path: str) -> bool:
        """Whether this post's answer is to be held (see `hold_after`)."""
        with self.lock:
            return (
                (method, path) == CREATE_POST
                and self.hold_after is not None
                and len(self.posts) > self.hold_after
            )


def dm_channel(a: str, b: str) -> str:
    return "dm" + hashlib.sha256("__".join(sorted((a, b))).encode()).hexdigest()[:24]


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
        with fake.lock:
            fake.requests.append(Recorded(method, path, body, dict(self.headers)))
            if self.headers.get("Authorization") != f"Bearer {fake.token}":
                status, payload = error(401, "api.context.session_expired.app_error")
            elif fake.failing is not None:
                status, payload = error(fake.failing, "fake.failure")
                fake.refused[status] += 1
            else:
                status = 0
        if not status:
            status, payload = fake.serve(method, path, body, dict(parse_qsl(raw_query)))
        if status < 400 and fake.holds(method, path):  # outside the lock: tests keep reading
            fake.holding.set()
            fake.release.wait(timeout=30)
        if fake.loses(method, path, status):
            self.close_connection = True  # done, but the client never hears it
            return
        self._answer(status, payload)

    def _answer(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "1")
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting (its timeout): the work is done anyway
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")
